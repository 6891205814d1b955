"""The grants register (FIN-06): decision rules, STEA deadlines, sums, pages and access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import resolve, reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.finance.grants import selectors, services
from tupa.finance.models import Grant, GrantDeadline
from tupa.organisations.models import Funder, ServiceFormFunding

pytestmark = pytest.mark.django_db

D = Decimal
APPLIED_ON = dt.date(2017, 5, 1)


def _funder(org: Any, name: str = "STEA", category: str = Funder.Category.STEA) -> Funder:
    with scopes_disabled():
        funder, _ = Funder.objects.get_or_create(
            organisation=org, name=name, defaults={"category": category}
        )
    return funder


def _grant(actor: Any, funder: Funder, **kwargs: Any) -> Grant:
    values: dict[str, Any] = {
        "kind": Grant.Kind.STEA_TARGETED,
        "target_name": "Ero lapsiperheessä",
        "year_from": 2018,
        "amount_applied": D("100000.00"),
        "status": Grant.Status.APPLIED,
        "applied_on": APPLIED_ON,
    }
    values.update(kwargs)
    return services.grant_create(actor=actor, funder=funder, **values)


def _granted(actor: Any, grant: Grant) -> Grant:
    """``grant`` granted as applied for, decided on 14.12.2017."""
    return services.grant_decide(
        actor=actor,
        grant=grant,
        status=Grant.Status.GRANTED,
        amount_granted=None,
        decided_on=dt.date(2017, 12, 14),
    )


@pytest.fixture
def org() -> Any:
    return OrganisationFactory()


@pytest.fixture
def finance(org: Any) -> Any:
    return org_role_user(org, Role.FINANCE)


# --- services -----------------------------------------------------------------------------


def test_create_keeps_decimals_and_defaults_year_to(finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org), amount_applied=D("48500.5"))
    assert grant.amount_applied == D("48500.50")
    assert (grant.year_from, grant.year_to) == (2018, 2018)
    assert grant.status == Grant.Status.APPLIED


def test_create_refuses_nonsense_with_field_errors(finance: Any, org: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _grant(
            finance,
            _funder(org),
            target_name=" ",
            amount_applied=D("0"),
            year_to=2017,
            applied_on=None,
        )
    assert set(error.value.message_dict) == {
        "target_name",
        "amount_applied",
        "year_to",
        "applied_on",
    }


def test_another_organisations_funder_and_forms_are_refused(finance: Any, org: Any) -> None:
    other = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        _grant(finance, _funder(other), service_forms=[ServiceFormFactory()])
    assert set(error.value.message_dict) == {"funder", "service_forms"}


def test_a_grant_is_found_by_its_organisation_as_well_as_by_the_scope(
    finance: Any, org: Any
) -> None:
    """Every finance record's lookup filters by the organisation, not by the scope alone: even
    read outside a scope, another organisation's id finds nothing."""
    with scope(organisation=org.pk):
        grant = _grant(finance, _funder(org))
    with scopes_disabled():
        assert selectors.grant_of(org.pk, grant.pk) == grant
        assert selectors.grant_of(OrganisationFactory().pk, grant.pk) is None


def test_a_worker_may_not_write(org: Any) -> None:
    form = ServiceFormFactory(area__organisation=org)
    with pytest.raises(PermissionDenied):
        _grant(worker_in(form), _funder(org))


def test_granted_without_amount_is_the_whole_amount_applied(finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org))
    decided = services.grant_decide(
        actor=finance,
        grant=grant,
        status=Grant.Status.GRANTED,
        amount_granted=None,
        decided_on=dt.date(2017, 12, 14),
        decision_number="STEA 1234/2017",
        conditions="Käyttöaika 1.1.–31.12.2018.",
    )
    assert decided.amount_granted == D("100000.00")
    assert decided.decision_number == "STEA 1234/2017"


@pytest.mark.parametrize(
    ("status", "amount", "field"),
    [
        (Grant.Status.GRANTED, D("90000.00"), "amount_granted"),  # less: partly granted
        (Grant.Status.GRANTED, D("100000.01"), "amount_granted"),  # more than applied
        (Grant.Status.PARTLY_GRANTED, None, "amount_granted"),
        (Grant.Status.PARTLY_GRANTED, D("0"), "amount_granted"),
        (Grant.Status.PARTLY_GRANTED, D("100000.00"), "amount_granted"),  # the whole amount
        (Grant.Status.REJECTED, D("5.00"), "amount_granted"),
        (Grant.Status.WITHDRAWN, D("5.00"), "amount_granted"),
        (Grant.Status.APPLIED, None, "status"),
    ],
)
def test_decision_rules_refuse_nonsense(
    finance: Any, org: Any, status: str, amount: Decimal | None, field: str
) -> None:
    grant = _grant(finance, _funder(org))
    with pytest.raises(ValidationError) as error:
        services.grant_decide(
            actor=finance,
            grant=grant,
            status=status,
            amount_granted=amount,
            decided_on=dt.date(2017, 12, 14),
        )
    assert field in error.value.message_dict
    with scopes_disabled():
        grant.refresh_from_db()
    assert grant.status == Grant.Status.APPLIED


def test_partly_granted_and_rejected(finance: Any, org: Any) -> None:
    funder = _funder(org)
    partly = services.grant_decide(
        actor=finance,
        grant=_grant(finance, funder),
        status=Grant.Status.PARTLY_GRANTED,
        amount_granted=D("62000"),
        decided_on=dt.date(2017, 12, 14),
    )
    assert partly.amount_granted == D("62000.00")
    rejected = services.grant_decide(
        actor=finance,
        grant=_grant(finance, funder, kind=Grant.Kind.FOUNDATION),
        status=Grant.Status.REJECTED,
        amount_granted=None,
        decided_on=dt.date(2017, 12, 14),
    )
    assert rejected.amount_granted == D("0.00")


def test_decision_needs_a_date_not_before_the_application(finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org))
    for decided_on in (None, APPLIED_ON - dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            services.grant_decide(
                actor=finance,
                grant=grant,
                status=Grant.Status.GRANTED,
                amount_granted=None,
                decided_on=decided_on,
            )
        assert "decided_on" in error.value.message_dict


def test_a_draft_cannot_be_decided(finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org), status=Grant.Status.DRAFT, applied_on=None)
    with pytest.raises(ValidationError) as error:
        _granted(finance, grant)
    assert "status" in error.value.message_dict


def _deadlines(grant: Grant) -> list[tuple[str, dt.date]]:
    with scopes_disabled():
        return list(
            GrantDeadline.objects.filter(grant=grant)
            .order_by("due_on", "kind")
            .values_list("kind", "due_on")
        )


def test_stea_grant_gets_its_deadlines_once(finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org), year_to=2019)
    for _ in range(2):  # a correction of the decision adds nothing twice
        _granted(finance, grant)
    results, annual = GrantDeadline.Kind.RESULTS_REPORT, GrantDeadline.Kind.ANNUAL_REPORT
    assert _deadlines(grant) == [
        (results, dt.date(2019, 3, 31)),
        (annual, dt.date(2019, 5, 31)),
        (results, dt.date(2020, 3, 31)),
        (annual, dt.date(2020, 5, 31)),
    ]


def test_a_present_deadline_is_not_added_again(finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org))
    services.deadline_add(
        actor=finance,
        grant=grant,
        kind=GrantDeadline.Kind.RESULTS_REPORT,
        due_on=dt.date(2019, 3, 31),
        note="Oma merkintä",
    )
    services.grant_decide(
        actor=finance,
        grant=grant,
        status=Grant.Status.PARTLY_GRANTED,
        amount_granted=D("50000"),
        decided_on=dt.date(2017, 12, 14),
    )
    assert len(_deadlines(grant)) == 2


def test_rejected_or_non_stea_grant_gets_no_deadlines(finance: Any, org: Any) -> None:
    stea = _grant(finance, _funder(org))
    services.grant_decide(
        actor=finance,
        grant=stea,
        status=Grant.Status.REJECTED,
        amount_granted=None,
        decided_on=dt.date(2017, 12, 14),
    )
    lahti = _grant(
        finance,
        _funder(org, "Lahden kaupunki", Funder.Category.MUNICIPALITIES),
        kind=Grant.Kind.MUNICIPALITY,
    )
    _granted(finance, lahti)
    assert _deadlines(stea) == [] and _deadlines(lahti) == []


def test_decided_grant_tags_its_service_forms_once(finance: Any, org: Any) -> None:
    form = ServiceFormFactory(area__organisation=org)
    funder = _funder(org)
    with scopes_disabled():
        ServiceFormFunding.objects.create(
            service_form=form, funder=funder, type=ServiceFormFunding.Type.TARGETED_GRANT
        )
    grant = _grant(finance, funder, service_forms=[form])
    _granted(finance, grant)
    project = _grant(finance, funder, kind=Grant.Kind.STEA_PROJECT, service_forms=[form])
    _granted(finance, project)
    with scopes_disabled():
        tags = sorted(ServiceFormFunding.objects.filter(service_form=form).values_list("type"))
    assert tags == [("project_grant",), ("targeted_grant",)]


def test_update_keeps_a_decided_status(finance: Any, org: Any) -> None:
    funder = _funder(org)
    grant = services.grant_decide(
        actor=finance,
        grant=_grant(finance, funder),
        status=Grant.Status.PARTLY_GRANTED,
        amount_granted=D("60000"),
        decided_on=dt.date(2017, 12, 14),
    )
    updated = services.grant_update(
        actor=finance,
        grant=grant,
        funder=funder,
        kind=grant.kind,
        target_name="Ero lapsiperheessä ja uusperheet",
        year_from=2018,
        amount_applied=D("100000"),
        status=Grant.Status.DRAFT,
        applied_on=APPLIED_ON,
    )
    assert updated.status == Grant.Status.PARTLY_GRANTED
    assert updated.target_name == "Ero lapsiperheessä ja uusperheet"
    with pytest.raises(ValidationError) as error:  # applied may not drop to the granted amount
        services.grant_update(
            actor=finance,
            grant=grant,
            funder=funder,
            kind=grant.kind,
            target_name="x",
            year_from=2018,
            amount_applied=D("60000"),
            applied_on=APPLIED_ON,
        )
    assert "amount_applied" in error.value.message_dict


def test_deadline_done_keeps_the_first_date(finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org))
    deadline = services.deadline_add(
        actor=finance, grant=grant, kind=GrantDeadline.Kind.OTHER, due_on=dt.date(2018, 6, 1)
    )
    first = services.deadline_done(actor=finance, deadline=deadline, done_on=dt.date(2018, 5, 2))
    again = services.deadline_done(actor=finance, deadline=first, done_on=dt.date(2018, 5, 9))
    assert again.done_on == dt.date(2018, 5, 2)


def test_a_sent_results_report_marks_only_that_years_open_results_report(
    finance: Any, org: Any
) -> None:
    """A two-year STEA grant's deadlines, the results report of 2018 sent on 20.3.2019: only
    its deadline (31.3.2019) is marked; sent again on 25.3., it keeps 20.3."""
    grant = _grant(finance, _funder(org), year_to=2019)
    _granted(finance, grant)
    for sent_on in (dt.date(2019, 3, 20), dt.date(2019, 3, 25)):
        marked = services.results_reports_sent(grants=[grant], year=2018, sent_on=sent_on)
        assert len(marked) == (1 if sent_on.day == 20 else 0)
    with scope(organisation=org.pk):
        done = {(d.kind, d.due_on): d.done_on for d in GrantDeadline.objects.filter(grant=grant)}
    results, annual = GrantDeadline.Kind.RESULTS_REPORT, GrantDeadline.Kind.ANNUAL_REPORT
    assert done == {
        (results, dt.date(2019, 3, 31)): dt.date(2019, 3, 20),
        (annual, dt.date(2019, 5, 31)): None,
        (results, dt.date(2020, 3, 31)): None,
        (annual, dt.date(2020, 5, 31)): None,
    }


# --- selectors ----------------------------------------------------------------------------


def test_register_sums_per_funder_and_status(finance: Any, org: Any) -> None:
    stea = _funder(org)
    lahti = _funder(org, "Lahden kaupunki", Funder.Category.MUNICIPALITIES)
    thl = _funder(org, "Valtio (THL)", Funder.Category.STATE)
    decided = dt.date(2017, 12, 14)
    g1 = _grant(finance, stea, amount_applied=D("120000.00"))
    services.grant_decide(
        actor=finance, grant=g1, status="granted", amount_granted=None, decided_on=decided
    )
    g2 = _grant(finance, stea, amount_applied=D("80000.40"))
    services.grant_decide(
        actor=finance, grant=g2, status="partly", amount_granted=D("45000.15"), decided_on=decided
    )
    _grant(finance, stea, amount_applied=D("39999.60"))  # applied, pending
    _grant(
        finance,
        stea,
        kind=Grant.Kind.STEA_PROJECT,
        year_from=2017,
        year_to=2019,
        amount_applied=D("300000.00"),
    )  # multi-year, pending
    g5 = _grant(finance, thl, kind=Grant.Kind.THL, amount_applied=D("55000.00"))
    services.grant_decide(
        actor=finance, grant=g5, status="rejected", amount_granted=None, decided_on=decided
    )
    _grant(
        finance,
        lahti,
        kind=Grant.Kind.MUNICIPALITY,
        amount_applied=D("25000.00"),
        status=Grant.Status.DRAFT,
        applied_on=None,
    )
    _grant(
        finance, lahti, kind=Grant.Kind.MUNICIPALITY, year_from=2019, amount_applied=D("999.00")
    )  # another year: not counted
    with scope(organisation=org.pk):
        result = selectors.register(year=2018)
    assert len(result.grants) == 6
    sums = {
        f.funder_name: [(label, s.count, s.applied, s.granted) for label, s in f.by_status]
        for f in result.by_funder
    }
    assert sums == {
        "Lahden kaupunki": [("valmisteilla", 1, D("25000.00"), D("0.00"))],
        # 39 999,60 + 300 000,00 = 339 999,60 applied and pending
        "STEA": [
            ("haettu", 2, D("339999.60"), D("0.00")),
            ("myönnetty", 1, D("120000.00"), D("120000.00")),
            ("myönnetty osittain", 1, D("80000.40"), D("45000.15")),
        ],
        "Valtio (THL)": [("hylätty", 1, D("55000.00"), D("0.00"))],
    }
    stea_total = next(f.total for f in result.by_funder if f.funder_name == "STEA")
    # 339 999,60 + 120 000,00 + 80 000,40 = 540 000,00; granted 120 000,00 + 45 000,15
    assert (stea_total.count, stea_total.applied, stea_total.granted) == (
        4,
        D("540000.00"),
        D("165000.15"),
    )
    # everything: 540 000,00 + 55 000,00 + 25 000,00 = 620 000,00
    assert (result.total.count, result.total.applied, result.total.granted) == (
        6,
        D("620000.00"),
        D("165000.15"),
    )
    assert [label for label, _ in result.by_status] == [
        "valmisteilla",
        "haettu",
        "myönnetty",
        "myönnetty osittain",
        "hylätty",
    ]


def test_upcoming_deadlines_are_the_open_ones_within_90_days_and_overdue(
    finance: Any, org: Any
) -> None:
    grant = _grant(finance, _funder(org))
    today = dt.date(2019, 3, 1)
    add = lambda due: services.deadline_add(  # noqa: E731
        actor=finance, grant=grant, kind=GrantDeadline.Kind.OTHER, due_on=due
    )
    overdue = add(dt.date(2019, 2, 27))
    soon = add(dt.date(2019, 5, 30))  # day 90
    add(dt.date(2019, 5, 31))  # day 91: later
    done = add(dt.date(2019, 3, 10))
    services.deadline_done(actor=finance, deadline=done)
    withdrawn = _grant(finance, _funder(org), target_name="Peruttu")
    services.grant_decide(
        actor=finance, grant=withdrawn, status="withdrawn", amount_granted=None, decided_on=None
    )
    services.deadline_add(
        actor=finance, grant=withdrawn, kind=GrantDeadline.Kind.OTHER, due_on=dt.date(2019, 3, 2)
    )
    with scope(organisation=org.pk):
        rows = selectors.upcoming_deadlines(today=today)
    assert [(r.deadline.pk, r.overdue, r.days_left, r.days_overdue) for r in rows] == [
        (overdue.pk, True, -2, 2),
        (soon.pk, False, 90, 0),
    ]


# --- pages and access ---------------------------------------------------------------------


def test_register_page_and_grant_page(client: Any, finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org))
    services.grant_decide(
        actor=finance,
        grant=grant,
        status="granted",
        amount_granted=None,
        decided_on=dt.date(2017, 12, 14),
        conditions="Omarahoitusosuus 10 %.",
    )
    login_verified(client, finance)
    response = client.get(reverse("finance:grants"), {"vuosi": "2018"})
    assert response.status_code == 200
    assert "Ero lapsiperheessä" in response.content.decode()
    page = client.get(reverse("finance:grant", args=[grant.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Omarahoitusosuus 10 %." in body
    assert "Tuloksellisuusraportti" in body
    assert client.get(reverse("finance:grant_deadlines")).status_code == 200


def test_executive_director_reads_and_manages(client: Any, org: Any) -> None:
    director = org_role_user(org, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    assert client.get(reverse("finance:grants")).status_code == 200
    assert client.get(reverse("finance:grant_create")).status_code == 200


def test_create_edit_decide_through_the_forms(client: Any, finance: Any, org: Any) -> None:
    funder = _funder(org)
    form = ServiceFormFactory(area__organisation=org)
    login_verified(client, finance)
    response = client.post(
        reverse("finance:grant_create"),
        {
            "funder": funder.pk,
            "kind": Grant.Kind.STEA_TARGETED,
            "target_name": "Uusperhetyö",
            "year_from": "2018",
            "amount_applied": "48 500,50",
            "status": Grant.Status.APPLIED,
            "applied_on": "2017-05-02",
            "service_forms": [form.pk],
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        grant = Grant.objects.get(target_name="Uusperhetyö")
        assert list(grant.service_forms.all()) == [form]
    assert grant.amount_applied == D("48500.50")
    bad = client.post(
        reverse("finance:grant_decide", args=[grant.pk]),
        {"status": "partly", "amount_granted": "48 500,50", "decided_on": "2017-12-14"},
    )
    assert bad.status_code == 400
    assert "48 500,50" in bad.content.decode() or "48500,50" in bad.content.decode()
    ok = client.post(
        reverse("finance:grant_decide", args=[grant.pk]),
        {"status": "partly", "amount_granted": "30 000", "decided_on": "2017-12-14"},
    )
    assert ok.status_code == 302
    with scopes_disabled():
        grant.refresh_from_db()
        deadline = grant.deadlines.order_by("due_on").first()
    assert grant.amount_granted == D("30000.00")
    assert deadline is not None
    done = client.post(
        reverse("finance:grant_deadline_done", args=[deadline.pk]), {"next": "deadlines"}
    )
    assert done.status_code == 302 and done.url == reverse("finance:grant_deadlines")
    edit = client.get(reverse("finance:grant_edit", args=[grant.pk]))
    assert edit.status_code == 200 and "status" not in edit.context["form"].fields
    add = client.post(
        reverse("finance:grant_deadline_add", args=[grant.pk]),
        {"kind": "use_of_funds", "due_on": "", "note": ""},
    )
    assert add.status_code == 400


def test_a_worker_and_another_organisation_get_404(client: Any, finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org), target_name="Salainen kohde")
    deadline = services.deadline_add(
        actor=finance, grant=grant, kind=GrantDeadline.Kind.OTHER, due_on=dt.date(2030, 1, 1)
    )
    worker = worker_in(ServiceFormFactory(area__organisation=org))
    other_finance = org_role_user(OrganisationFactory(), Role.FINANCE)
    gets = [
        reverse("finance:grants"),
        reverse("finance:grant_deadlines"),
        reverse("finance:grant_create"),
        reverse("finance:grant", args=[grant.pk]),
        reverse("finance:grant_edit", args=[grant.pk]),
        reverse("finance:grant_decide", args=[grant.pk]),
        reverse("finance:grant_deadline_add", args=[grant.pk]),
    ]
    login_verified(client, worker)
    for url in gets:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("finance:grant_deadline_done", args=[deadline.pk])).status_code == 404
    )
    login_verified(client, other_finance)
    for url in gets[3:]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("finance:grant_deadline_done", args=[deadline.pk])).status_code == 404
    )
    page = client.get(reverse("finance:grants"), {"vuosi": "2018"})
    assert page.status_code == 200 and "Salainen kohde" not in page.content.decode()
    with scopes_disabled():
        assert GrantDeadline.objects.get(pk=deadline.pk).done_on is None


def test_list_pages_query_counts(
    client: Any, finance: Any, org: Any, django_assert_max_num_queries: Any
) -> None:
    funders = [_funder(org), _funder(org, "Lahden kaupunki", Funder.Category.MUNICIPALITIES)]
    for i in range(12):
        grant = _grant(finance, funders[i % 2], target_name=f"Kohde {i}", year_from=2018)
        services.deadline_add(
            actor=finance,
            grant=grant,
            kind=GrantDeadline.Kind.OTHER,
            due_on=timezone.localdate() + dt.timedelta(days=i),
        )
    login_verified(client, finance)
    client.get(reverse("finance:grants"))  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = client.get(reverse("finance:grants"), {"vuosi": "2018"})
    assert len(response.context["register"].grants) == 12
    assert len(response.context["upcoming"]) == 12
    with django_assert_max_num_queries(12):
        assert client.get(reverse("finance:grant_deadlines")).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("finance:grants", {}, "login_only"),
        ("finance:grant_deadlines", {}, "login_only"),
        ("finance:grant_create", {}, "login_only"),
        ("finance:grant", {"pk": 1}, "object_scoped"),
        ("finance:grant_edit", {"pk": 1}, "object_scoped"),
        ("finance:grant_decide", {"pk": 1}, "object_scoped"),
        ("finance:grant_deadline_add", {"pk": 1}, "object_scoped"),
        ("finance:grant_deadline_done", {"pk": 1}, "object_scoped"),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any], expected: str) -> None:
    assert str(access_class(resolve(reverse(name, kwargs=kwargs)).func)) == expected


def test_dashboard_panel_counts_for_finance_only(client: Any, finance: Any, org: Any) -> None:
    grant = _grant(finance, _funder(org))
    today = timezone.localdate()
    for days in (-3, 5, 40, 120):
        services.deadline_add(
            actor=finance,
            grant=grant,
            kind=GrantDeadline.Kind.OTHER,
            due_on=today + dt.timedelta(days=days),
        )
    login_verified(client, finance)
    panel = client.get(reverse("core:dashboard")).context["grants_panel"]
    assert panel == {"visible": True, "overdue": 1, "upcoming": 2}
    login_verified(client, worker_in(ServiceFormFactory(area__organisation=org)))
    response = client.get(reverse("core:dashboard"))
    assert response.context["grants_panel"] == {"visible": False}
    assert reverse("finance:grant_deadlines") not in response.content.decode()


def test_a_draft_page_and_the_default_year(client: Any, finance: Any, org: Any) -> None:
    draft = _grant(
        finance, _funder(org), status=Grant.Status.DRAFT, applied_on=None, year_from=2016
    )
    login_verified(client, finance)
    page = client.get(reverse("finance:grant", args=[draft.pk]))
    assert page.status_code == 200
    assert reverse("finance:grant_decide", args=[draft.pk]) not in page.content.decode()
    # No grant for this year: the register opens on the newest year an application starts in.
    response = client.get(reverse("finance:grants"), {"vuosi": "nonsense"})
    assert response.context["year"] == 2016
