"""At most one open draft per policy (issue #12: racing "new draft" clicks made two).

Before the constraint can hold, a policy that already has several open drafts keeps the newest
(the highest number: the one the admin's draft link and one-click button led staff to) and the
older ones are deleted. There is no status for a discarded draft, and a draft was never
published content: no match, re-match run or published version points at one. Each deleted
draft is first recorded in the history table as a deletion ("-", with the reason below), so its
content stays readable and recoverable there, next to its earlier saved states.
"""

from django.db import migrations, models
from django.utils import timezone

REASON = "0002: duplicate open draft removed"


def remove_duplicate_drafts(apps, schema_editor):
    version_model = apps.get_model("policies", "PolicyVersion")
    history_model = apps.get_model("policies", "HistoricalPolicyVersion")
    db = schema_editor.connection.alias
    kept, stale = set(), []
    drafts = version_model.objects.using(db).filter(status="draft")
    for version in drafts.order_by("policy_id", "-number"):
        if version.policy_id in kept:
            stale.append(version)
        else:
            kept.add(version.policy_id)
    if not stale:
        return
    recorded = {f.attname for f in history_model._meta.concrete_fields}
    now = timezone.now()
    history_model.objects.using(db).bulk_create(
        history_model(
            **{
                f.attname: getattr(version, f.attname)
                for f in version_model._meta.concrete_fields
                if f.attname in recorded
            },
            history_date=now,
            history_type="-",
            history_change_reason=REASON,
        )
        for version in stale
    )
    version_model.objects.using(db).filter(pk__in=[v.pk for v in stale]).delete()
    if schema_editor.connection.vendor == "postgresql":
        # The deletion left deferred foreign-key checks pending, and PostgreSQL creates no
        # index (the constraint below) on a table with pending trigger events: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the one draft left: the deleted ones are in the history table.
        migrations.RunPython(remove_duplicate_drafts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="policyversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("policy",),
                name="one_open_draft_per_policy",
            ),
        ),
    ]
