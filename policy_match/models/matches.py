from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from policies.models import Policy, PolicyVersion, SubjectType


class MatchStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("符合")
    INELIGIBLE = "ineligible", _("不符合")
    UNDETERMINED = "undetermined", _("待确定")


class Match(models.Model):
    """A stored result of one measure for one subject; written only by the match services."""

    # A re-match rewrites every row of a policy, so each index and foreign-key check costs on
    # every row (design §10). The enterprise and policy keys need no index of their own: the
    # unique constraint leads with the enterprise, the (policy, status) index with the policy.
    # The version is a plain column (no index, no constraint): versions that have results are
    # published and never deleted, and deleting their policy deletes its results through the
    # policy key; without an index, a constraint would make deleting any draft scan them all.
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,
    )
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("政策"),
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,
    )
    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("政策版本"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    subject_type = models.CharField(_("对象类型"), max_length=20, choices=SubjectType.choices)
    # 0 for the enterprise itself, else the Person or Loan id: a plain column so that the
    # uniqueness below holds on every database (NULLs are distinct in a unique index).
    subject_id = models.BigIntegerField(_("对象编号"), default=0)
    subject_ref = models.CharField(_("对象"), max_length=40, blank=True)
    status = models.CharField(_("结果"), max_length=20, choices=MatchStatus.choices)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    missing = models.JSONField(_("缺少的信息"), default=list, blank=True)
    # The decision record (design §13): what the version's rule and formula read, and one
    # outcome per rule node in index order ("0" false, "1" unknown, "2" true), as evaluated
    # on `evaluated_on`. Written only when the status, amount or missing facts change (the run
    # that confirmed the row since says so: selectors.match_confirmed).
    inputs = models.JSONField(_("判断所用信息"), default=dict, blank=True)
    trace = models.TextField(_("判断过程"), blank=True)
    evaluated_on = models.DateField(_("评估日期"))
    evaluated_at = models.DateTimeField(_("匹配时间"))

    class Meta:
        verbose_name = _("匹配结果")
        verbose_name_plural = _("匹配结果")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "policy", "subject_id"], name="match_unique_subject"
            )
        ]
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.policy_id}/{self.subject_id}: {self.status}"


class ChangeCause(models.TextChoices):
    PUBLISH = "publish", _("政策发布")
    PROFILE = "profile", _("企业信息修改")
    DAILY = "daily", _("每日重新匹配")
    IMPORT = "import", _("目录导入")


class MatchChange(models.Model):
    """A change of a stored match's status or amount (design §13), appended in the
    transaction that changed it. Notifications and webhooks read these; `to_status` None: the
    result was removed (its subject is gone, or no version of the measure is in force)."""

    # No index of its own: the (enterprise, at) index below serves every lookup by enterprise,
    # and one index fewer is one write fewer for each of a re-publish's events. No constraint
    # in the database either: its check locks the enterprise's row for every event (a WAL
    # record and a dirtied page each; a re-publish that flips every row of a measure took 19 %
    # longer with it). Nothing is lost by it: every event is written in the transaction that
    # writes or removes its Match row, whose own constraint fails that transaction should the
    # enterprise be gone; and deleting an enterprise deletes its events (on_delete, the ORM's).
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="changes",
        db_index=False,
        db_constraint=False,
    )
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="changes"
    )
    subject_type = models.CharField(_("对象类型"), max_length=20, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("对象编号"), default=0)
    subject_ref = models.CharField(_("对象"), max_length=40, blank=True)
    # NULL, not "": no result before (created) or after (removed), as the SQL writes it.
    from_status = models.CharField(  # noqa: DJ001
        _("原结果"), max_length=20, choices=MatchStatus.choices, null=True, blank=True
    )
    to_status = models.CharField(  # noqa: DJ001
        _("新结果"), max_length=20, choices=MatchStatus.choices, null=True, blank=True
    )
    from_amount = models.DecimalField(
        _("原金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    to_amount = models.DecimalField(
        _("新金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    version_id = models.BigIntegerField(_("政策版本"), null=True, blank=True)
    cause = models.CharField(_("原因"), max_length=20, choices=ChangeCause.choices)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("匹配变化")
        verbose_name_plural = _("匹配变化")
        ordering = ["-at", "-id"]
        # (at, id), not (at) alone: a re-publish's chunk writes its events in one transaction,
        # with one `at`, so with (at) the newest page sorted the whole of the last chunk's
        # events (up to one a row of the chunk: 12,000 sorted, 34 ms, at 100,000 enterprises).
        indexes = [
            models.Index(fields=["enterprise", "at"]),
            models.Index(fields=["at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.policy_id}: {self.from_status} → {self.to_status}"


class RematchStatus(models.TextChoices):
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")


class RematchRun(models.Model):
    """One re-match of a policy over every enterprise, split into chunks of enterprise ids;
    `version` is the version in force on `as_of` (None: none, so its results are removed).

    The run and its chunks are written in the transaction that publishes, so they are also the
    outbox: a chunk whose task was never delivered is found and sent again by the sweeper.
    """

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="rematch_runs"
    )
    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("政策版本"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    as_of = models.DateField(_("匹配日期"))
    cause = models.CharField(
        _("原因"), max_length=20, choices=ChangeCause.choices, default=ChangeCause.PUBLISH
    )
    # A daily run re-matches only the subjects whose date-derived conditions cross a threshold
    # on `as_of` (policy_match.daily); the others cannot change that day.
    crossings_only = models.BooleanField(_("只含当日跨越门槛的对象"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=RematchStatus.choices, default=RematchStatus.RUNNING
    )
    chunks_total = models.PositiveIntegerField(_("分块总数"), default=0)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重新匹配任务")
        verbose_name_plural = _("重新匹配任务")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.policy_id} #{self.pk}"


class RematchChunk(models.Model):
    run = models.ForeignKey(RematchRun, on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField()  # enterprise ids in [first_id, last_id]
    last_id = models.BigIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_id"]
        indexes = [models.Index(fields=["done_at", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.first_id}-{self.last_id}"


class SharedProfile(models.Model):
    """Answers of the profile form kept for a link that reopens them without an account: the
    link carries a random token, never the answers (they may be personal), and expires."""

    token = models.CharField(_("令牌"), max_length=64, unique=True)
    draft = models.JSONField(_("填写内容"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)

    class Meta:
        verbose_name = _("分享的填写内容")
        verbose_name_plural = _("分享的填写内容")

    def __str__(self) -> str:
        return f"{self.token[:8]}… ({self.expires_at:%Y-%m-%d})"
