from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise
from policies.models import Policy, SubjectType


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("已申报")
    AWARDED = "awarded", _("已获批")
    PAID = "paid", _("已拨付")
    REJECTED = "rejected", _("未获批")


class Application(models.Model):
    """What an enterprise did about one measure's line (design §14): applied on a date, then
    awarded an amount, paid (amount, date) or rejected (why). Kept with its history."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="applications"
    )
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="applications"
    )
    subject_type = models.CharField(_("对象类型"), max_length=20, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("对象编号"), default=0)  # 0: the enterprise itself
    subject_ref = models.CharField(_("对象"), max_length=40, blank=True)
    status = models.CharField(_("申报状态"), max_length=20, choices=ApplicationStatus.choices)
    applied_on = models.DateField(_("申报日期"), null=True, blank=True)
    awarded_amount = models.DecimalField(
        _("获批金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    paid_amount = models.DecimalField(
        _("拨付金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    reason = models.CharField(_("未获批原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报记录")
        verbose_name_plural = _("申报记录")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "policy", "subject_id"], name="application_unique_subject"
            )
        ]
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.policy_id}/{self.subject_id}: {self.status}"


class TakeUp(models.Model):
    """Take-up of one measure (design §14), refreshed from the stored matches and applications
    after each re-match run, each application change and every few minutes: the staff page
    reads these rows, never the matches themselves (600,000 enterprises, design §15)."""

    policy = models.OneToOneField(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="takeup"
    )
    eligible = models.PositiveIntegerField(_("符合"), default=0)
    undetermined = models.PositiveIntegerField(_("待确定"), default=0)
    eligible_amount = models.DecimalField(
        _("符合金额（元）"), max_digits=20, decimal_places=2, default=0
    )
    applied = models.PositiveIntegerField(_("已申报"), default=0)
    awarded = models.PositiveIntegerField(_("已获批"), default=0)
    paid = models.PositiveIntegerField(_("已拨付"), default=0)
    rejected = models.PositiveIntegerField(_("未获批"), default=0)
    awarded_amount = models.DecimalField(
        _("获批金额（元）"), max_digits=20, decimal_places=2, default=0
    )
    paid_amount = models.DecimalField(
        _("拨付金额（元）"), max_digits=20, decimal_places=2, default=0
    )
    # Eligible lines nobody applied for, and the money they were matched to.
    unclaimed = models.PositiveIntegerField(_("未申报的符合项"), default=0)
    unclaimed_amount = models.DecimalField(
        _("未申报金额（元）"), max_digits=20, decimal_places=2, default=0
    )
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("申报情况")
        verbose_name_plural = _("申报情况")
        ordering = ["-unclaimed_amount"]

    def __str__(self) -> str:
        return f"{self.policy_id}: {self.unclaimed} unclaimed"
