"""Journal entries are append-only in the database too: triggers refuse UPDATE and DELETE
(and, on PostgreSQL, TRUNCATE of a non-empty table). A correction has always been a new row."""

from django.db import migrations

from tupa.core import append_only


class Migration(migrations.Migration):
    dependencies = [("episodes", "0005_entry_episode_moment")]

    operations = [append_only.operation({"episodes_entry": "journal is append-only"})]
