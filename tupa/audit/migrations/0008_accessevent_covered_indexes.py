"""Drop the access log's single-column indexes on the organisation, the user and the subject
type, and say in ``episode_id``'s help text what it is.

Each of the three columns begins one of the composite indexes of migration 0001
(``audit_event_org_time``, ``audit_event_user_time``, ``audit_event_subject_time``), which
serve every lookup by it. The access log is the most written table (a row for every person
shown) and is kept for years, so an index that is only written is dropped (docs/performance.md,
twenty-seventh stop).

As in ``episodes 0009``: the indexes are dropped by name with SQL and the fields are changed in
the state only, because on SQLite an ``AlterField`` of a foreign key remakes the table and the
append-only triggers (0002) would go with it. The help text is state only anyway.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "audit_accessevent"
#: Index name → its column (Django's names for the foreign keys' own indexes).
INDEXES = {
    "audit_accessevent_organisation_id_20b02aa4": "organisation_id",
    "audit_accessevent_user_id_368a285a": "user_id",
    "audit_accessevent_subject_type_id_aeea831c": "subject_type_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_disclosure_access_request"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0006_history_change_reason_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accessevent",
                    name="episode_id",
                    field=models.BigIntegerField(
                        blank=True,
                        help_text="Asiakkuuden tunniste; säilyy, vaikka asiakkuus poistettaisiin.",
                        null=True,
                        verbose_name="asiakkuus",
                    ),
                ),
                migrations.AlterField(
                    model_name="accessevent",
                    name="organisation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisaatio",
                    ),
                ),
                migrations.AlterField(
                    model_name="accessevent",
                    name="subject_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="kohteen tyyppi",
                    ),
                ),
                migrations.AlterField(
                    model_name="accessevent",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="käyttäjä",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f'CREATE INDEX {name} ON "{TABLE}" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
        ),
    ]
