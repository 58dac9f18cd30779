"""MatchChange's enterprise key loses its constraint in the database (on PostgreSQL a DROP
CONSTRAINT, no scan): its check locked the enterprise's row for every event a re-publish wrote.
Deleting an enterprise still deletes its events (the ORM's on_delete), and every event is written
in the transaction that writes or removes its Match row, whose constraint stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_enterprise_changes_seen_at_and_more"),
        ("policy_match", "0008_matchchange_at_id_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="matchchange",
            name="enterprise",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="changes",
                to="enterprises.enterprise",
                verbose_name="企业",
            ),
        ),
    ]
