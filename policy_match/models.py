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

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="matches"
    )
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="matches"
    )
    version = models.ForeignKey(
        PolicyVersion, verbose_name=_("政策版本"), on_delete=models.CASCADE, related_name="+"
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
    trace = models.JSONField(_("判断过程"), default=list, blank=True)
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
