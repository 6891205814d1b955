"""Drop the security log's single-column indexes on the organisation and the user.

Each begins a composite index of migration 0003 (``security_event_org_time``,
``security_event_user_time``), which serves every lookup by it; the single-column index was
only written. As for the access log (``audit 0008``), dropped by name, the fields changed in the
state only: on SQLite an ``AlterField`` of a foreign key remakes the table, and the append-only
triggers of 0003 would go with it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "accounts_securityevent"
#: Index name → its column (Django's names for the foreign keys' own indexes).
INDEXES = {
    "accounts_securityevent_organisation_id_62a01b3b": "organisation_id",
    "accounts_securityevent_user_id_b711491d": "user_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_security_event_actor_help"),
        ("organisations", "0006_history_change_reason_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="securityevent",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisaatio",
                    ),
                ),
                migrations.AlterField(
                    model_name="securityevent",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Tili, jota tapahtuma koskee; tyhjä, jos tunnusta ei ole olemassa.",
                        null=True,
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
