"""Drop the journal entries' single-column index on ``episode_id``.

``entry_episode_moment`` (``episode_id, occurred_at``, migration 0005) begins with the same
column, so it serves every lookup by episode as well. While both existed, PostgreSQL chose the
smaller one for a period's contact entries of a unit (STEA's outpatient return) and filtered
each episode's entries of all years by date, instead of reading only the period's from the
composite index (docs/performance.md, twenty-sixth stop). One index less to write on every
entry, too.

The index is dropped by name with SQL and the field is changed in the state only: on SQLite an
``AlterField`` of a foreign key remakes the table, and the append-only triggers (0006) would go
with it.
"""

from django.db import migrations, models

INDEX = "episodes_entry_episode_id_8b8b431f"


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0008_episode_organisation_form_statistics"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="episode",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="entries",
                        to="episodes.episode",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f'CREATE INDEX {INDEX} ON "episodes_entry" ("episode_id")',
                ),
            ],
        ),
    ]
