"""The disclosure log (``Disclosure`` + ``DisclosureSubject``) and the access-request workflow.

The disclosure log and the access request's history (``AccessRequestStep``,
``AccessRequestItemDecision``) are append-only like the access log: the Python layer refuses
changes, and the triggers of ``0002`` (with each table's own message) refuse ``UPDATE`` and
``DELETE`` (and, on PostgreSQL, ``TRUNCATE`` of a non-empty table) for every client of the
database. A later migration that remakes one of these tables on SQLite must call
:func:`install` again (``test_disclosure_triggers_exist`` catches a forgotten reinstall).
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models


#: table -> message of its triggers
TABLES = {
    "audit_disclosure": "disclosure log is append-only",
    "audit_disclosuresubject": "disclosure log is append-only",
    "audit_accessrequeststep": "access request history is append-only",
    "audit_accessrequestitemdecision": "access request history is append-only",
}


def _sqlite_sql(table: str, message: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
    ]


def _postgresql_sql(table: str, message: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$;
        """,
        f"""
        CREATE OR REPLACE FUNCTION {table}_no_truncate() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM {table}) THEN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END;
        $$;
        """,
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate();",
    ]


def install(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table, message in TABLES.items():
        if vendor == "sqlite":
            statements = _sqlite_sql(table, message)
        elif vendor == "postgresql":
            statements = _postgresql_sql(table, message)
        else:  # fail closed, as the access log does
            raise NotImplementedError(f"append-only triggers are not implemented for {vendor}")
        for sql in statements:
            schema_editor.execute(sql, params=None)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            statements = [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ]
        elif vendor == "postgresql":
            statements = [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_append_only();",
                f"DROP FUNCTION IF EXISTS {table}_no_truncate();",
            ]
        else:
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)


def purge_for_tests(schema_editor: Any) -> None:
    """TEST-ONLY (live-server teardown, like ``purge_access_log_at_teardown``): empty the tables
    so that the test database can be flushed. Never called by application code."""
    uninstall(schema_editor)
    for table in (
        "audit_accessrequestitemdecision",
        "audit_accessrequeststep",
        "audit_accessrequest",
        "audit_disclosuresubject",
        "audit_disclosure",
    ):
        schema_editor.execute(f"DELETE FROM {table}", params=None)
    install(schema_editor)


def forwards(apps: Any, schema_editor: Any) -> None:
    install(schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    uninstall(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_anomalyreview'),
        ('episodes', '0002_initial'),
        ('organisations', '0004_data_protection'),
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received_on', models.DateField(verbose_name='vastaanotettu')),
                ('request_text', models.TextField(blank=True, verbose_name='pyyntö')),
                ('due_on', models.DateField(verbose_name='määräaika')),
                ('extension_reason', models.TextField(blank=True, verbose_name='määräajan pidentämisen syy')),
                ('status', models.CharField(choices=[('received', 'vastaanotettu'), ('verified', 'henkilöllisyys varmistettu'), ('draft', 'luonnos tarkastettavana'), ('reviewed', 'tarkastettu'), ('decided', 'päätetty'), ('delivered', 'toimitettu')], default='received', max_length=20, verbose_name='tila')),
                ('identity_method', models.TextField(blank=True, verbose_name='henkilöllisyyden varmistustapa')),
                ('identity_verified_at', models.DateTimeField(blank=True, null=True)),
                ('outcome', models.CharField(blank=True, choices=[('full', 'tiedot annetaan kokonaan'), ('partial', 'tiedot annetaan osittain'), ('refused', 'tietoja ei anneta')], max_length=10, verbose_name='ratkaisu')),
                ('decision_text', models.TextField(blank=True, verbose_name='perusteltu päätös')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('delivery_method', models.CharField(blank=True, max_length=200, verbose_name='toimitustapa')),
                ('delivered_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('delivered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('identity_verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person', verbose_name='rekisteröity')),
            ],
            options={
                'verbose_name': 'tietopyyntö',
                'verbose_name_plural': 'tietopyynnöt',
                'ordering': ['due_on', 'pk'],
                'default_permissions': ('view',),
            },
        ),
        migrations.CreateModel(
            name='AccessRequestItemDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item_key', models.CharField(max_length=40, verbose_name='kohta')),
                ('decision', models.CharField(choices=[('release', 'annetaan sellaisenaan'), ('redact', 'annetaan peitettynä'), ('withhold', 'jätetään pois')], max_length=10, verbose_name='päätös')),
                ('released_text', models.TextField(blank=True, verbose_name='annettava teksti')),
                ('reason', models.TextField(blank=True, verbose_name='perustelu')),
                ('decided_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name='aika')),
                ('access_request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='item_decisions', to='audit.accessrequest')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('service_form', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.serviceform')),
            ],
            options={
                'verbose_name': 'tarkastuspäätös',
                'verbose_name_plural': 'tarkastuspäätökset',
                'ordering': ['decided_at', 'pk'],
                'default_permissions': ('view',),
            },
        ),
        migrations.CreateModel(
            name='AccessRequestStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('received', 'pyyntö vastaanotettu'), ('identity_verified', 'henkilöllisyys varmistettu'), ('draft_assembled', 'otteen luonnos koottu'), ('item_decided', 'tarkastuspäätös kirjattu'), ('unit_reviewed', 'yksikön työntekijä tarkasti'), ('dpo_reviewed', 'tietosuojavastaava tarkasti'), ('extended', 'määräaikaa pidennetty'), ('decided', 'päätös tehty'), ('delivered', 'toimitettu')], max_length=30, verbose_name='vaihe')),
                ('occurred_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name='aika')),
                ('note', models.TextField(blank=True, verbose_name='huomio')),
                ('access_request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='steps', to='audit.accessrequest')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('service_form', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.serviceform')),
            ],
            options={
                'verbose_name': 'tietopyynnön vaihe',
                'verbose_name_plural': 'tietopyynnön vaiheet',
                'ordering': ['occurred_at', 'pk'],
                'default_permissions': ('view',),
            },
        ),
        migrations.CreateModel(
            name='Disclosure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('recorded_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name='kirjattu')),
                ('disclosed_on', models.DateField(verbose_name='luovutuspäivä')),
                ('kind', models.CharField(choices=[('external_referral', 'ohjaus ulkopuoliseen palveluun'), ('child_protection', 'lastensuojeluilmoitus tai lausunto lastensuojelulle'), ('police', 'tieto poliisille'), ('court', 'jäljennös tuomioistuimelle'), ('export', 'luovutettu vienti tai tuloste'), ('client_extract', 'ote asiakkaalle (tietopyyntö)'), ('other', 'muu luovutus')], max_length=30, verbose_name='luovutuksen laji')),
                ('recipient', models.CharField(max_length=300, verbose_name='vastaanottaja')),
                ('basis_kind', models.CharField(choices=[('law', 'lakiin perustuva luovutus'), ('consent', 'asiakkaan suostumus'), ('data_subject', 'rekisteröidyn oma pyyntö')], max_length=20, verbose_name='luovutuksen peruste')),
                ('legal_basis', models.TextField(verbose_name='säännös tai suostumus')),
                ('description', models.TextField(verbose_name='mitä luovutettiin')),
                ('disclosed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='luovuttaja')),
                ('episode', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='episodes.episode', verbose_name='asiakkuus')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation', verbose_name='organisaatio')),
            ],
            options={
                'verbose_name': 'luovutus',
                'verbose_name_plural': 'luovutusloki',
                'ordering': ['-disclosed_on', '-id'],
                'default_permissions': ('view',),
            },
        ),
        migrations.AddField(
            model_name='accessrequest',
            name='disclosure',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audit.disclosure'),
        ),
        migrations.CreateModel(
            name='DisclosureSubject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('alias', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.alias')),
                ('disclosure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subjects', to='audit.disclosure')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
            ],
            options={
                'verbose_name': 'luovutuksen kohde',
                'verbose_name_plural': 'luovutusten kohteet',
                'default_permissions': ('view',),
            },
        ),
        migrations.AddIndex(
            model_name='disclosure',
            index=models.Index(fields=['organisation', '-disclosed_on'], name='audit_disclosure_org_day'),
        ),
        migrations.AddConstraint(
            model_name='disclosuresubject',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('person__isnull', False), ('alias__isnull', True)), models.Q(('person__isnull', True), ('alias__isnull', False)), _connector='OR'), name='disclosure_subject_person_xor_alias'),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
