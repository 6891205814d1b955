"""The access-log basis "consent" gets its label (it showed as the raw value "consent").

A choices-only change, like migration 0004: a no-op for the schema editors, and the
append-only triggers of migration 0002 are reinstalled (idempotently) all the same.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations, models

_triggers = importlib.import_module("tupa.audit.migrations.0002_append_only_triggers")


def reinstall_triggers(apps: Any, schema_editor: Any) -> None:
    table = apps.get_model("audit", "AccessEvent")._meta.db_table
    _triggers.uninstall(schema_editor, table)
    _triggers.install(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_accessevent_action_reveal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accessevent",
            name="basis",
            field=models.CharField(
                choices=[
                    ("membership", "jäsenyys työmuodossa"),
                    ("assignment", "asiakkuuteen nimetty työntekijä"),
                    ("organisation_role", "organisaatiotason rooli"),
                    ("consent", "asiakkaan suostumus"),
                    ("break_the_glass", "hätäkäyttö"),
                    ("self", "omat tiedot"),
                    ("none", "ei perustetta"),
                ],
                max_length=30,
                verbose_name="peruste",
            ),
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers, elidable=False),
    ]
