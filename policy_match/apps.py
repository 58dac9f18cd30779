from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyMatchConfig(AppConfig):
    name = "policy_match"
    verbose_name = _("政策匹配")
