"""Create (or bring up to date) the staff groups of the admin: "editor" and "publisher"."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from policies.services import EDITOR_GROUP, PUBLISHER_GROUP

# Editors keep the catalogue and the enterprises true: they edit drafts (a version can be
# added, changed and deleted only while it is a draft; the admin enforces that) and preview.
# Publishing, retiring and importing are granted by membership of "publisher", not by a model
# permission (policies.services.can_publish), so both groups share these model permissions;
# a publisher may in addition create measures.
EDITOR = {
    "policies": {
        "policy": ("view", "change"),
        "policyversion": ("view", "add", "change", "delete"),
    },
    "enterprises": {
        "enterprise": ("view", "add", "change"),
        "person": ("view", "add", "change", "delete"),
        "loan": ("view", "add", "change", "delete"),
        "partner": ("view",),
    },
    # Applications are recorded for any enterprise, as its founder would; take-up, deliveries,
    # notices and subscriptions are read. Registering a webhook endpoint sends a partner's
    # events to a URL: no group may add or change one (a superuser grants that explicitly).
    "policy_match": {
        "match": ("view",),
        "rematchrun": ("view",),
        "application": ("view", "add", "change"),
        "takeup": ("view",),
        "webhookendpoint": ("view",),
        "webhookdelivery": ("view",),
        "webhookattempt": ("view",),
    },
}
PUBLISHER_EXTRA = {"policies": {"policy": ("add",)}}


def _permissions(*grants: dict[str, dict[str, tuple[str, ...]]]) -> list[Permission]:
    query = Q(pk__in=[])
    for grant in grants:
        for app, models in grant.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                query |= Q(content_type__app_label=app, codename__in=codenames)
    return list(Permission.objects.filter(query))


class Command(BaseCommand):
    help = "Create the 'editor' and 'publisher' staff groups with their permissions (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        for name, grants in (
            (EDITOR_GROUP, (EDITOR,)),
            (PUBLISHER_GROUP, (EDITOR, PUBLISHER_EXTRA)),
        ):
            group, created = Group.objects.get_or_create(name=name)
            permissions = _permissions(*grants)
            group.permissions.set(permissions)
            verb = "created" if created else "updated"
            self.stdout.write(f"{verb} group {name}: {len(permissions)} permissions")
