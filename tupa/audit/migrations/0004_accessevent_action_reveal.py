"""A new access-log action: "reveal" (restricted fields shown to a permitted worker with a reason).

A choices-only change: Django's schema editors treat it as a no-op and do not remake the table.
The append-only triggers of migration 0002 are nevertheless dropped and installed again
(idempotently), so the log stays protected even if a future Django version remakes the table
on SQLite for an ``AlterField``.
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
        ("audit", "0003_accessevent_basis_consent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accessevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "katselu"),
                    ("list", "listaus"),
                    ("search", "haku"),
                    ("export", "vienti"),
                    ("print", "tulostus"),
                    ("api", "rajapinta"),
                    ("break_the_glass", "hätäkäyttö"),
                    ("reveal", "suojattujen tietojen näyttäminen"),
                ],
                max_length=20,
                verbose_name="toiminto",
            ),
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers, elidable=False),
    ]
