from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Startup accounts: sign up and sign in with an e-mail address (Django auth's User)."""

    name = "accounts"
    verbose_name = _("账户")
