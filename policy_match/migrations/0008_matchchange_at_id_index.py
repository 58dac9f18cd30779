"""MatchChange's (at) index becomes (at, id), the order every list of events reads them in.

A re-publish's chunk writes its events in one transaction, with one `at`; with (at) alone the
newest page of the staff list sorted the whole of the last chunk's events. Same number of index
writes an event."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_enterprise_changes_seen_at_and_more"),
        ("policies", "0007_windows_and_documents"),
        ("policy_match", "0007_matchchange_enterprise_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="matchchange",
            index=models.Index(fields=["at", "id"], name="policy_matc_at_a7b200_idx"),
        ),
        migrations.RemoveIndex(model_name="matchchange", name="policy_matc_at_acfbc9_idx"),
    ]
