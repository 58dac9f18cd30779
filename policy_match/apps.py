from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyMatchConfig(AppConfig):
    name = "policy_match"
    verbose_name = _("政策匹配")

    def ready(self) -> None:
        # Registers the tasks in every process (web, commands, tests), not only in a worker that
        # autodiscovers them: use-cases send them by name (jobs.py).
        from . import tasks  # noqa: F401
