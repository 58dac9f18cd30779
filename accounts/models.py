from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]


class Preferences(models.Model):
    """What a signed-in startup chose: the language it uses the site in (its e-mails follow)
    and which notices it wants."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="preferences",
    )
    language = models.CharField(_("语言"), max_length=10, choices=LANGUAGES, default="zh-hans")
    # Which notices the daily digest carries (each can be turned off).
    notify_gained = models.BooleanField(_("新增符合的政策"), default=True)
    notify_lost = models.BooleanField(_("不再符合的政策"), default=True)
    notify_amount = models.BooleanField(_("金额变化"), default=True)
    notify_windows = models.BooleanField(_("申报开始与即将截止"), default=True)

    class Meta:
        verbose_name = _("账户偏好")
        verbose_name_plural = _("账户偏好")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
