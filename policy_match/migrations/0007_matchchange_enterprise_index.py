"""MatchChange's own index on enterprise_id goes: its (enterprise, at) index serves every lookup
by enterprise, and each of a re-publish's change events was one index write more.

Only the index: an AlterField of the foreign key would drop and re-add its constraint, checking
every event again under a lock that stops the re-match's writes."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "policy_match_matchchange_enterprise_id_0d35b86b"


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_enterprise_changes_seen_at_and_more"),
        ("policy_match", "0006_applications_notices_webhooks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="matchchange",
                    name="enterprise",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="enterprises.enterprise",
                        verbose_name="企业",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f"CREATE INDEX {INDEX} ON policy_match_matchchange (enterprise_id)",
                ),
            ],
        ),
    ]
