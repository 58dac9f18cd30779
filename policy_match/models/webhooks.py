from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Partner

EVENT_TYPES = (
    "match.gained",
    "match.lost",
    "match.amount_changed",
    "window.closing",
    "application.updated",
)
EVENT_TYPE_CHOICES = [(t, t) for t in EVENT_TYPES]


class WebhookEndpoint(models.Model):
    """Where a partner wants events POSTed, signed per the Standard Webhooks specification."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("网址"), max_length=500)
    event_types = models.JSONField(_("事件类型"), default=list)
    # The signing secret ("whsec_…"): kept to sign, shown to the partner once.
    secret = models.CharField(_("签名密钥"), max_length=100, editable=False)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    failing_since = models.DateTimeField(_("持续失败开始于"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 端点")
        verbose_name_plural = _("Webhook 端点")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One event, with a stable id: a retried delivery sends the same id and payload."""

    event_id = models.CharField(_("事件编号"), max_length=40, unique=True)
    partner = models.ForeignKey(Partner, verbose_name=_("合作方"), on_delete=models.CASCADE)
    type = models.CharField(_("类型"), max_length=40)
    payload = models.JSONField(_("内容"))
    # Where it came from, so that it is made once: the change event, or the window's day.
    source_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 事件")
        verbose_name_plural = _("Webhook 事件")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("已放弃")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("端点"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, verbose_name=_("事件"), on_delete=models.CASCADE)
    status = models.CharField(
        _("状态"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    last_status_code = models.PositiveIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}: {self.status}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("投递"), on_delete=models.CASCADE, related_name="tries"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    status_code = models.PositiveIntegerField(_("响应码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("用时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("Webhook 尝试")
        verbose_name_plural = _("Webhook 尝试")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"


class Cursor(models.Model):
    """How far an outbox reader has read (the change events a dispatcher has turned into
    webhook events and notices): one row per reader."""

    name = models.CharField(max_length=40, unique=True)
    # Everything up to last_id is read and settled; (last_id, seen_id] was read too and held
    # seen_count events then: the same count later means no late commit landed in it.
    last_id = models.BigIntegerField(default=0)
    seen_id = models.BigIntegerField(default=0)
    seen_count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("读取位置")
        verbose_name_plural = _("读取位置")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
