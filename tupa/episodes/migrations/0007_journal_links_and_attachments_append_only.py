"""What an entry says is frozen with it: its links to participants and co-workers and its
attachments are append-only too (triggers refuse UPDATE and DELETE, and on PostgreSQL TRUNCATE
of a non-empty table). The link tables stay as they are: the automatic through models become
explicit ones on the same tables (state only), so that the model can refuse the changes too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from tupa.core import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0006_entry_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="EntryCoWorker",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "entry",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="episodes.entry",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "episodes_entry_co_workers",
                        "unique_together": {("entry", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="entry",
                    name="co_workers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="co_entries",
                        through="episodes.EntryCoWorker",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.CreateModel(
                    name="EntryParticipant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "entry",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="episodes.entry",
                            ),
                        ),
                        (
                            "participant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="episodes.participant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "episodes_entry_participants",
                        "unique_together": {("entry", "participant")},
                    },
                ),
                migrations.AlterField(
                    model_name="entry",
                    name="participants",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="entries",
                        through="episodes.EntryParticipant",
                        to="episodes.participant",
                    ),
                ),
            ],
        ),
        append_only.operation(
            {
                "episodes_entry_participants": "journal is append-only",
                "episodes_entry_co_workers": "journal is append-only",
                "episodes_attachment": "journal is append-only",
            }
        ),
    ]
