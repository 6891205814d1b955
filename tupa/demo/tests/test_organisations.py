"""The demo organisation mirrors the seed and is idempotent.

Most tests build the organisation alone (on an empty database: they also run on PostgreSQL);
``test_build_demo_command_prints_the_accounts`` reads the whole demo, which ``manage.py
build_demo`` built once for the package (``whole_demo`` in conftest.py), and runs the command
again on top of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role, User
from tupa.core.tests.helpers import rolled_back_world
from tupa.demo.organisations import ACCOUNTS, DEFAULT_PASSWORD, build_demo
from tupa.demo.tests.conftest import WholeDemo
from tupa.finance.models import Budget, BudgetLine
from tupa.organisations.models import (
    Organisation,
    Partner,
    ServiceForm,
    StrategicTheme,
    Team,
    Value,
    WorkingGroup,
)

# One pytest-xdist worker for this package's tests: the whole demo is built once (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

TODAY = dt.date(2026, 1, 15)


def _row_counts() -> dict[str, int]:
    """Rows of every model (history tables included) of the apps the demo writes to."""
    counts = {}
    with scopes_disabled():
        for label in ("organisations", "finance", "accounts"):
            for model in apps.get_app_config(label).get_models():
                counts[model._meta.label] = model._base_manager.count()
    return counts


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo built once for the read-only tests of a class, rolled back afterwards."""
    with rolled_back_world(django_db_blocker):
        result = build_demo(password=DEFAULT_PASSWORD, municipalities_csv=None)
        with scopes_disabled():
            yield result


def test_build_demo_twice_changes_and_duplicates_nothing() -> None:
    first = build_demo()
    after_first = _row_counts()
    second = build_demo()
    after_second = _row_counts()
    assert first.created_total > 0
    assert second.created_total == 0
    assert after_second == after_first
    assert after_first["organisations.Municipality"] == 308
    assert after_first["organisations.ServiceForm"] == 16
    assert after_first["accounts.User"] == len(ACCOUNTS)
    assert first.users_created == len(ACCOUNTS)


class TestDemoContents:
    """Read-only checks of one demo build (seed-spec parts 1, 3, 5, 6)."""

    def test_sixteen_service_forms(self, demo) -> None:  # type: ignore[no-untyped-def]
        forms = ServiceForm.objects.filter(organisation=demo.organisation)
        assert forms.count() == 16
        own = {f.name for f in forms if f.operator == ServiceForm.Operator.OWN}
        # The 13 of the §1 chart plus Nettiturvakoti are the association's own.
        assert own == {
            "Ensikoti",
            "Turvakoti",
            "Tapaamispaikka",
            "Alvari-perhetyö",
            "Baby blues",
            "Jussi-työ",
            "Päiväryhmä Peukaloinen",
            "Avokriisityö",
            "Perhetupa",
            "Turvallisten perheiden Päijät-Häme",
            "Ero lapsiperheessä",
            "Mieskaveritoiminta",
            "Lapsityö",
            "Nettiturvakoti",
        }
        start_years = {f.slug: f.start_year for f in forms}
        assert start_years["ensikoti"] == 1952
        assert start_years["perhetupa"] == 2007
        assert start_years["tpph"] == 2009
        assert start_years["lapsityo"] == 2017

    def test_service_form_attributes(self, demo) -> None:  # type: ignore[no-untyped-def]
        forms = {
            f.slug: f
            for f in ServiceForm.objects.select_related("national_coordinator", "operating_partner")
        }
        turvakoti = forms["turvakoti"]
        assert (
            turvakoti.kind,
            turvakoti.capacity,
            turvakoti.capacity_unit,
            turvakoti.open_24h,
        ) == (
            "residential",
            5,
            "perhepaikkaa",
            True,
        )
        assert str(turvakoti.national_coordinator) == "Terveyden ja hyvinvoinnin laitos THL"
        assert forms["ensikoti"].kind == "residential" and forms["ensikoti"].open_24h
        assert forms["perhetupa"].kind == "drop_in" and forms["perhetupa"].anonymous_allowed
        assert forms["tapaamispaikka"].kind == "visitation"
        assert forms["mieskaveri"].kind == "volunteer"
        assert forms["tpph"].kind == "prevention"
        assert {s for s, f in forms.items() if f.kind == "group"} == {
            "peukaloinen",
            "ero-lapsiperheessa",
        }
        assert {s for s, f in forms.items() if f.trademark} == {"alvari", "jussi-tyo", "mieskaveri"}
        assert {s for s, f in forms.items() if f.register == "own_activity"} == {
            "perhetupa",
            "mieskaveri",
            "tpph",
        }
        assert str(forms["mieskaveri"].national_coordinator) == "Pienperheyhdistys ry"
        assert str(forms["alvari"].national_coordinator) == "Ensi- ja turvakotien liitto"
        assert forms["nettiturvakoti"].kind == "online"
        assert str(forms["nettiturvakoti"].national_coordinator) == "Ensi- ja turvakotien liitto"
        assert (forms["lapsityo"].project_start, forms["lapsityo"].project_end) == (
            dt.date(2017, 1, 1),
            dt.date(2020, 12, 31),
        )
        assert forms["ero-lapsiperheessa"].start_note.startswith("Hanke 2011–2013")
        saro = forms["saroperheelle-tueksi"]
        assert (
            saro.operator == "partner"
            and str(saro.operating_partner) == "Lahden Diakoniasäätiö (Dila)"
        )
        vvp = forms["vanhempi-vankilan-portilla"]
        assert (
            vvp.operator == "joint" and str(vvp.operating_partner) == "Ensi- ja turvakotien liitto"
        )
        assert (vvp.project_start, vvp.project_end) == (dt.date(2017, 1, 1), dt.date(2019, 12, 31))

    def test_funding_per_service_form_follows_the_seed(self, demo) -> None:  # type: ignore[no-untyped-def]
        fundings: dict[str, set[tuple[str, str]]] = {}
        for form in ServiceForm.objects.prefetch_related("fundings__funder"):
            fundings[form.slug] = {(f.funder.name, f.type) for f in form.fundings.all()}
        stea = {("STEA", "targeted_grant")}
        assert fundings["ensikoti"] == {("PHHYKY", "purchase"), ("Muut käyttäjäkunnat", "purchase")}
        assert fundings["tapaamispaikka"] == {
            ("PHHYKY", "purchase"),
            ("Muut käyttäjäkunnat", "purchase"),
        }
        assert fundings["alvari"] == {("PHHYKY", "purchase")}
        assert fundings["turvakoti"] == {("Valtio (THL)", "state")}
        assert fundings["perhetupa"] == {
            ("Lahden kaupunki", "city_grant"),
            ("STEA", "targeted_grant"),
        }
        assert fundings["lapsityo"] == {("STEA", "project_grant")}
        for slug in (
            "baby-blues",
            "jussi-tyo",
            "peukaloinen",
            "avokriisityo",
            "tpph",
            "ero-lapsiperheessa",
            "mieskaveri",
        ):
            assert fundings[slug] == stea, slug
        assert fundings["nettiturvakoti"] == set()

    def test_partners_with_several_roles(self, demo) -> None:  # type: ignore[no-untyped-def]
        phhyky = Partner.objects.get(name__startswith="Päijät-Hämeen hyvinvointikuntayhtymä")
        assert {"referrer", "purchaser"} <= set(phhyky.roles.values_list("role", flat=True))

    def test_budget_2018_total_from_lines(self, demo) -> None:  # type: ignore[no-untyped-def]
        budget = Budget.objects.get(organisation=demo.organisation, year=2018)
        lines = BudgetLine.objects.filter(budget=budget)
        assert lines.count() == 4
        # 1 148 000,00 + 799 300,00 + 655 000,00 + 47 400,00
        assert lines.aggregate(total=Sum("amount"))["total"] == Decimal("2649700.00")
        by_category = {line.funder.category: line.amount for line in lines.select_related("funder")}
        assert by_category == {
            "municipalities": Decimal("1148000.00"),
            "stea": Decimal("799300.00"),
            "state": Decimal("655000.00"),
            "other": Decimal("47400.00"),
        }

    def test_every_role_has_an_active_demo_account(self, demo) -> None:  # type: ignore[no-untyped-def]
        active = Membership.objects.active(on=TODAY).filter(organisation=demo.organisation)
        # The federation analyst works for the federation's own organisation (tupa.demo.statistics).
        federation_roles = {Role.FEDERATION_ANALYST}
        assert set(active.values_list("role", flat=True)) == set(Role.values) - federation_roles
        admin = User.objects.get(username="paakayttaja")
        assert admin.is_staff and not admin.is_superuser
        assert (
            not User.objects.filter(organisation=demo.organisation, is_staff=True)
            .exclude(pk=admin.pk)
            .exists()
        )
        for user in User.objects.filter(organisation=demo.organisation):
            assert user.preferred_language == "fi"
            assert user.check_password(DEFAULT_PASSWORD)

    def test_every_team_has_a_line_manager_and_every_form_staff(self, demo) -> None:  # type: ignore[no-untyped-def]
        teams = Team.objects.filter(organisation=demo.organisation).select_related("line_manager")
        assert teams.count() == 6
        assert all(t.line_manager is not None for t in teams)
        managers = {t.name: getattr(t.line_manager, "username", None) for t in teams}
        assert managers == {
            "Ensikoti": "ensikoti.esihenkilo",
            "Vauvaperhetyön avopalvelut": "ensikoti.esihenkilo",
            "Turvakotityön tiimi": "turvakoti.esihenkilo",
            "Perheväkivaltatyön avopalvelut": "jussi",
            "Perhetyö ja eroauttaminen": "ero.esihenkilo",
            "Toimistopalvelutiimi": "talous",
        }
        staffed = set(
            Membership.objects.active(on=TODAY)
            .exclude(service_form=None)
            .values_list("service_form__slug", flat=True)
        )
        own_forms = set(
            ServiceForm.objects.filter(operator="own")
            .exclude(slug="nettiturvakoti")
            .values_list("slug", flat=True)
        )
        assert own_forms <= staffed

    def test_org_02_jussi_worker_is_the_line_manager(self, demo) -> None:  # type: ignore[no-untyped-def]
        team = Team.objects.get(name="Perheväkivaltatyön avopalvelut")
        jussi = User.objects.get(username="jussi")
        assert team.line_manager == jussi
        assert (
            Membership.objects.active(on=TODAY)
            .filter(user=jussi, role=Role.WORKER, service_form__slug="jussi-tyo")
            .exists()
        )

    def test_roster_details(self, demo) -> None:  # type: ignore[no-untyped-def]
        assert Membership.objects.get(user__username="perhetupa").fte_percent == 85
        assert Membership.objects.get(user__username="turvakoti.yo").night_shift
        assert set(
            Membership.objects.filter(user__username="mieskaveri").values_list("role", flat=True)
        ) == {Role.COORDINATOR, Role.VOLUNTEER_COORDINATOR}
        extra = Membership.objects.get(user__username="ensikoti.lisaresurssi")
        assert (extra.valid_from, extra.valid_until) == (dt.date(2017, 11, 1), dt.date(2018, 2, 28))
        assert not extra.is_active_on(TODAY)
        assert extra.is_active_on(dt.date(2018, 1, 15))

    def test_values_themes_and_working_groups(self, demo) -> None:  # type: ignore[no-untyped-def]
        assert list(Value.objects.values_list("name", flat=True)) == [
            "Osallisuus",
            "Turvallisuus",
            "Oikeudenmukaisuus",
            "Inhimillisyys",
            "Rohkeus",
        ]
        assert all(Value.objects.values_list("description", flat=True))
        themes = {t.code: t for t in StrategicTheme.objects.filter(start_year=2016)}
        assert list(themes) == ["T1", "T2", "T3", "T4", "T5"]
        assert "Yhdenvertaisuuden lisääminen yhteiskunnassa" in themes["T2"].heading_variants
        assert (themes["T1"].start_year, themes["T1"].end_year) == (2016, 2019)
        # The (fictional) following period carries the same five themes on.
        following = StrategicTheme.objects.exclude(start_year=2016)
        assert sorted(following.values_list("code", "start_year", "end_year")) == [
            (f"T{n}", 2020, 2028) for n in range(1, 6)
        ]
        groups = {
            g.short_name or g.name: g for g in WorkingGroup.objects.prefetch_related("members")
        }
        assert set(groups) == {
            "KAVA",
            "Vauvaperhetyöryhmä",
            "Lapsityöryhmä",
            "Työsuojelutoimikunta",
            "Vastuutiimi",
        }
        assert groups["Vastuutiimi"].meeting_frequency == "viikoittain"
        assert len(groups["Vastuutiimi"].members.all()) == 6
        assert groups["Vauvaperhetyöryhmä"].meeting_frequency == "2–4 kertaa vuodessa"
        assert groups["Työsuojelutoimikunta"].minutes_public_to_staff
        chair = groups["Lapsityöryhmä"].members.get(role="chair")
        assert getattr(chair.user, "username", None) == "tpph"


def test_demo_creates_no_otp_devices_when_2fa_is_off() -> None:
    with override_settings(TUPA_REQUIRE_2FA=False):
        build_demo(municipalities_csv=None)
    assert TOTPDevice.objects.count() == 0


def _check_demo_invoicing() -> None:
    """The demo's year of invoicing (tupa.demo.finance_invoicing): gapless numbers from 1000,
    totals that are the sums of the lines, one credit note, one overdue invoice."""
    from tupa.finance.models import Invoice, InvoiceRun
    from tupa.finance.payments.selectors import invoice_balance

    today = timezone.localdate()
    with scopes_disabled():
        assert InvoiceRun.objects.count() >= 11
        sent = list(Invoice.objects.filter(status=Invoice.Status.SENT).order_by("number"))
        assert [i.number for i in sent] == list(range(1000, 1000 + len(sent)))
        for invoice in sent:
            lines = list(invoice.lines.all())
            assert lines
            assert invoice.total_gross == sum(line.gross for line in lines)
            assert invoice.total_net == sum(line.net for line in lines)
        assert sum(1 for i in sent if i.kind == Invoice.Kind.CREDIT_NOTE) == 1
        balances = [invoice_balance(i, today) for i in sent]
        overdue = [b for b in balances if b is not None and b.is_overdue]
        assert len(overdue) == 1


def _all_row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps (history tables included)."""
    with scopes_disabled():
        return {
            model._meta.label: model._base_manager.count()
            for model in apps.get_models()
            if model.__module__.startswith("tupa.")
        }


@pytest.mark.demo_build
def test_build_demo_command_prints_the_accounts(demo_at_now: WholeDemo) -> None:
    """The whole demo, as ``make demo`` builds it (on SQLite: ADR 0012), then built again."""
    text = demo_at_now.output
    for account in ACCOUNTS:
        assert account.username in text
    assert DEFAULT_PASSWORD in text
    assert "Demoasiakkaat: " in text
    assert demo_at_now.summaries and all(summary in text for summary in demo_at_now.summaries)
    assert Organisation.objects.filter(slug="eetk").count() == 1
    _check_demo_invoicing()
    before = _all_row_counts()
    out = StringIO()
    with override_settings(TUPA_REQUIRE_2FA=False):  # as `make demo` (and the first run)
        call_command("build_demo", stdout=out)
    again = out.getvalue()
    assert "mitään ei muutettu" in again
    assert "Demoasiakkaat ovat jo olemassa" in again
    assert not any(summary in again for summary in demo_at_now.summaries)
    assert _all_row_counts() == before


def test_build_demo_command_rejects_a_weak_password() -> None:
    with pytest.raises(CommandError):
        call_command("build_demo", password="lyhyt", stdout=StringIO())
    assert not Organisation.objects.exists()
