from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from policies.models import Policy


class NoticeKind(models.TextChoices):
    GAINED = "gained", _("新增符合")
    LOST = "lost", _("不再符合")
    AMOUNT = "amount", _("金额变化")
    OPENING = "opening", _("开始申报")
    CLOSING = "closing", _("即将截止")


class Notice(models.Model):
    """One thing an owner is told, at most once (the key is unique), in a daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE)
    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE)
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    # What makes it this notice and no other: the change event, or the window and its date.
    key = models.CharField(_("标识"), max_length=200, unique=True)
    subject_ref = models.CharField(_("对象"), max_length=40, blank=True)
    amount_before = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    amount_after = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    on = models.DateField(_("日期"), null=True, blank=True)  # the window's date, if any
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "sent_at"])]

    def __str__(self) -> str:
        return self.key


class Subscription(models.Model):
    """ "E-mail me when this measure's window opens", without an account: confirmed by a link
    sent to the address (double opt-in), ended by a one-click link in every e-mail."""

    email = models.EmailField(_("邮箱"))
    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE)
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")
    token = models.CharField(_("令牌"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # When the confirmation e-mail last went out: it is not sent again within minutes.
    confirm_sent_at = models.DateTimeField(_("确认邮件发送时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)
    notified_for = models.DateField(_("已通知的申报开始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报提醒订阅")
        verbose_name_plural = _("申报提醒订阅")
        constraints = [
            models.UniqueConstraint(fields=["email", "policy"], name="subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.policy_id}"
