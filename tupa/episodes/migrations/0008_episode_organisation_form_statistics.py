"""Tell PostgreSQL's planner that an episode's service form decides its organisation.

Without it, ``organisation_id = … AND service_form_id IN (…)`` — on every client page — is
estimated as if the two were independent: with thirty organisations in one database, a
thirtieth of a unit's episodes (ADR 0029, ``tupa.core.planner_statistics``). Nothing on SQLite.
"""

from django.db import migrations

from tupa.core import planner_statistics


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0007_journal_links_and_attachments_append_only"),
    ]

    operations = [
        planner_statistics.operation(["episodes_episode_organisation_form_stx"]),
    ]
