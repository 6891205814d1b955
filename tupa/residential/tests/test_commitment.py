"""Payment commitments (services) and the billable care days per payer (selector).

Hand-computed scenario (rule: every night counts, dated by its evening; period 1.1.–28.2.2026):

- Family A (mother + child, payer category municipality): 28.1.2026 18:00 → 10.2.2026 10:00,
  nights 28.–31.1. (4) and 1.–9.2. (9) = 13 per person.
  Commitments: C1 payer P1 (200,00 €/vrk) 1.1.–3.2.; no commitment on 4.2.; C2 payer P2
  (210,00 €/vrk) from 5.2. on. Per person: January 4 × C1; February 1.–3. C1 (3),
  4.2. none (1), 5.–9. C2 (5).
  → P1: January 8 days = 1600,00 €, February 6 days = 1200,00 €; P2: 10 days = 2100,00 €;
    missing: 2 days.
- Family B (one adult, municipality): 20.2.2026 12:00, still open → nights 20.–28.2. = 9
  days; its only commitment (P1 from 1.2.) is cancelled → 9 days missing.
- Family C (one adult, payer category **state**): 30.1. 20:00 → 2.2. 08:00 → nights 30.1.,
  31.1., 1.2. = 3 days (2 in January, 1 in February), shown as state days although C has a
  commitment.

Totals: P1 14 days (2800,00 €), P2 10 days (2100,00 €), missing 11, state 3 → 38 = the ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.episodes.models import Episode
from tupa.organisations.models import Partner, ServiceForm
from tupa.residential.commitments import selectors, services
from tupa.residential.models import Destination, PayerCategory, PaymentCommitment, Place, Stay
from tupa.residential.stays import services as stay_services
from tupa.residential.stays.selectors import ledger_for_service_form

from .support import family, place, t

pytestmark = pytest.mark.django_db

D = dt.date


def ensikoti_form(
    *, places: int = 3, slug: str = "ensikoti-testi", like: ServiceForm | None = None
) -> ServiceForm:
    """An Ensikoti with family rooms p1…; ``like``: in the same organisation and area."""
    extra: dict[str, Any] = {"area": like.area, "team": like.team} if like else {}
    form = ServiceFormFactory.create(
        kind=ServiceForm.Kind.RESIDENTIAL,
        name=f"Ensikoti ({slug})",
        slug=slug,
        pregnancy_stays=True,
        **extra,
    )
    with scopes_disabled():
        for i in range(1, places + 1):
            Place.objects.create(
                organisation=form.organisation,
                service_form=form,
                name=f"Perhehuone {i}",
                code=f"p{i}",
                order=i,
            )
    return form


def partner(form: ServiceForm, name: str, kind: str = Partner.Kind.WELLBEING_SERVICES) -> Partner:
    with scopes_disabled():
        return Partner.objects.create(organisation=form.organisation, name=name, kind=kind)


def admit(
    form: ServiceForm,
    actor: Any,
    episode: Episode,
    members: list[Any],
    code: str,
    arrived: dt.datetime,
    departed: dt.datetime | None = None,
    category: str = PayerCategory.MUNICIPALITY,
) -> Stay:
    stay = stay_services.stay_admit(
        actor=actor,
        episode=episode,
        place=place(form, code),
        arrived_at=arrived,
        members=members,
        payer_category=category,
    )
    if departed is not None:
        stay_services.stay_discharge(
            actor=actor, stay=stay, departed_at=departed, destination=Destination.HOME
        )
    return stay


@pytest.fixture
def scenario() -> dict[str, Any]:
    return build_scenario()


def build_scenario() -> dict[str, Any]:
    """The scenario of the module docstring (also used by the view tests)."""
    form = ensikoti_form()
    worker = worker_in(form)
    p1 = partner(form, "Päijät-Hämeen hyvinvointialue")
    p2 = partner(form, "Esimerkkilän kaupunki", Partner.Kind.MUNICIPALITY)
    a, a_members = family(form, children=1)
    b, b_members = family(form, children=0)
    c, c_members = family(form, children=0)
    admit(form, worker, a, a_members, "p1", t(2026, 1, 28, 18), t(2026, 2, 10, 10))
    admit(form, worker, b, b_members, "p2", t(2026, 2, 20, 12))
    admit(
        form,
        worker,
        c,
        c_members,
        "p3",
        t(2026, 1, 30, 20),
        t(2026, 2, 2, 8),
        category=PayerCategory.STATE,
    )
    c1 = services.commitment_add(
        actor=worker,
        episode=a,
        payer=p1,
        valid_from=D(2026, 1, 1),
        valid_until=D(2026, 2, 3),
        daily_price=Decimal("200.00"),
        reference="PHHYKY/123/2026",
    )
    c2 = services.commitment_add(
        actor=worker, episode=a, payer=p2, valid_from=D(2026, 2, 5), daily_price=Decimal("210.00")
    )
    c3 = services.commitment_add(actor=worker, episode=b, payer=p1, valid_from=D(2026, 2, 1))
    services.commitment_cancel(actor=worker, commitment=c3, reason="Väärä asiakkuus")
    services.commitment_add(actor=worker, episode=c, payer=p1, valid_from=D(2026, 1, 1))
    return {
        "form": form,
        "worker": worker,
        "p1": p1,
        "p2": p2,
        "a": (a, a_members),
        "b": (b, b_members),
        "c": (c, c_members),
        "c1": c1,
        "c2": c2,
    }


def _billing(form: ServiceForm, start: dt.date, end: dt.date) -> selectors.Billing:
    with scope(organisation=form.organisation_id):
        return selectors.billable_days(service_form=form, period_start=start, period_end=end)


def _summary(billing: selectors.Billing) -> dict[str, tuple[int, Decimal | None]]:
    result = {g.payer.name: (g.days, g.amount) for g in billing.payers if g.payer}
    result["missing"] = (billing.missing.days, billing.missing.amount)
    result["state"] = (billing.state.days, billing.state.amount)
    return result


# --------------------------------------------------------------------------- billing


def test_billable_days_match_the_hand_computed_scenario(scenario: dict[str, Any]) -> None:
    form = scenario["form"]
    billing = _billing(form, D(2026, 1, 1), D(2026, 2, 28))
    assert _summary(billing) == {
        "Esimerkkilän kaupunki": (10, Decimal("2100.00")),
        "Päijät-Hämeen hyvinvointialue": (14, Decimal("2800.00")),
        "missing": (11, None),
        "state": (3, None),
    }
    # Payers in name order, then the lines of P1: January and February of episode A.
    assert [g.payer.name for g in billing.payers if g.payer] == [
        "Esimerkkilän kaupunki",
        "Päijät-Hämeen hyvinvointialue",
    ]
    p1_lines = billing.payers[1].lines
    assert [(ln.month, ln.days, ln.amount) for ln in p1_lines] == [
        ((2026, 1), 8, Decimal("1600.00")),
        ((2026, 2), 6, Decimal("1200.00")),
    ]
    a, (mother, child) = scenario["a"]
    assert p1_lines[0].person_days == {mother.pk: 4, child.pk: 4}
    b, _b_members = scenario["b"]
    missing = {(ln.episode_id, ln.month): ln.days for ln in billing.missing.lines}
    assert missing == {(a.pk, (2026, 2)): 2, (b.pk, (2026, 2)): 9}
    state = {ln.month: ln.days for ln in billing.state.lines}
    assert state == {(2026, 1): 2, (2026, 2): 1}
    assert billing.total_days == 38
    with scope(organisation=form.organisation_id):
        ledger = ledger_for_service_form(
            service_form=form, period_start=D(2026, 1, 1), period_end=D(2026, 2, 28)
        )
    assert ledger.total == billing.total_days
    assert len(billing.open_stay_ids) == 1


def test_months_add_up_and_the_month_boundary_is_exact(scenario: dict[str, Any]) -> None:
    form = scenario["form"]
    january = _billing(form, D(2026, 1, 1), D(2026, 1, 31))
    february = _billing(form, D(2026, 2, 1), D(2026, 2, 28))
    assert _summary(january) == {
        "Päijät-Hämeen hyvinvointialue": (8, Decimal("1600.00")),
        "missing": (0, None),
        "state": (2, None),
    }
    assert _summary(february) == {
        "Esimerkkilän kaupunki": (10, Decimal("2100.00")),
        "Päijät-Hämeen hyvinvointialue": (6, Decimal("1200.00")),
        "missing": (11, None),
        "state": (1, None),
    }
    assert january.total_days + february.total_days == 38


def test_correcting_the_gap_moves_days_from_missing_to_the_payer(
    scenario: dict[str, Any],
) -> None:
    services.commitment_correct(
        actor=scenario["worker"],
        commitment=scenario["c1"],
        reason="Päätös jatkettiin",
        valid_until=D(2026, 2, 4),
    )
    billing = _billing(scenario["form"], D(2026, 2, 1), D(2026, 2, 28))
    # 4.2. now belongs to P1: 2 more days (mother + child) at 200 €.
    assert _summary(billing)["Päijät-Hämeen hyvinvointialue"] == (8, Decimal("1600.00"))
    assert _summary(billing)["missing"] == (9, None)


def test_commitment_without_price_has_no_amount_and_dst_night_counts_once() -> None:
    form = ensikoti_form()
    worker = worker_in(form)
    p1 = partner(form, "Hyvinvointialue")
    episode, members = family(form, children=0)
    # Spring forward in Finland: 29.3.2026 03:00 → 04:00 (a 23-hour day).
    admit(form, worker, episode, members, "p1", t(2026, 3, 28, 22), t(2026, 3, 30, 9))
    services.commitment_add(actor=worker, episode=episode, payer=p1, valid_from=D(2026, 3, 29))
    billing = _billing(form, D(2026, 3, 1), D(2026, 3, 31))
    # Nights 28.3. (no commitment) and 29.3. (P1, no price).
    assert _summary(billing) == {
        "Hyvinvointialue": (1, None),
        "missing": (1, None),
        "state": (0, None),
    }
    assert billing.payers[0].unpriced_days == 1


def test_other_service_forms_and_organisations_do_not_count(scenario: dict[str, Any]) -> None:
    other = ensikoti_form(slug="ensikoti-toinen")  # another organisation
    worker = worker_in(other)
    episode, members = family(other, children=2)
    admit(other, worker, episode, members, "p1", t(2026, 1, 1), t(2026, 2, 28))
    billing = _billing(scenario["form"], D(2026, 1, 1), D(2026, 2, 28))
    assert billing.total_days == 38
    assert episode.pk not in billing.episode_ids


# --------------------------------------------------------------------------- services


def test_overlapping_commitments_are_refused_with_a_finnish_message(
    scenario: dict[str, Any],
) -> None:
    a, _members = scenario["a"]
    worker = scenario["worker"]
    with pytest.raises(ValidationError) as exc:
        services.commitment_add(
            actor=worker, episode=a, payer=scenario["p2"], valid_from=D(2026, 1, 20)
        )
    message = exc.value.message_dict["valid_from"][0]
    assert "Asiakkuudella on jo voimassa oleva maksusitoumus ajalle 1.1.2026–3.2.2026" in message
    assert "Päijät-Hämeen hyvinvointialue" in message
    # An open-ended commitment clashes with anything after its start.
    with pytest.raises(ValidationError) as exc:
        services.commitment_add(
            actor=worker,
            episode=a,
            payer=scenario["p1"],
            valid_from=D(2027, 1, 1),
            valid_until=D(2027, 1, 31),
        )
    assert "5.2.2026 alkaen" in exc.value.message_dict["valid_from"][0]
    # The gap day alone is fine; touching dates (3.2. / 4.2. / 5.2.) do not overlap.
    gap = services.commitment_add(
        actor=worker,
        episode=a,
        payer=scenario["p1"],
        valid_from=D(2026, 2, 4),
        valid_until=D(2026, 2, 4),
    )
    assert gap.pk
    # A correction that would overlap is refused too, and nothing changes.
    with pytest.raises(ValidationError):
        services.commitment_correct(
            actor=worker, commitment=gap, reason="Korjaus", valid_until=D(2026, 2, 5)
        )
    with scopes_disabled():
        gap.refresh_from_db()
    assert gap.valid_until == D(2026, 2, 4)


def test_cancelled_commitment_frees_its_period_and_keeps_history(
    scenario: dict[str, Any],
) -> None:
    b, _members = scenario["b"]
    worker = scenario["worker"]
    # B's only commitment was cancelled: a new one for the same dates is accepted.
    new = services.commitment_add(
        actor=worker, episode=b, payer=scenario["p2"], valid_from=D(2026, 2, 1)
    )
    with scopes_disabled():
        cancelled = PaymentCommitment.objects.get(episode=b, cancelled_on__isnull=False)
        reasons = list(
            cancelled.history.order_by("history_date").values_list(
                "history_change_reason", flat=True
            )
        )
    assert reasons == ["Kirjattu", "Väärä asiakkuus"]
    with pytest.raises(ValidationError):
        services.commitment_cancel(actor=worker, commitment=cancelled, reason="Uudelleen")
    with pytest.raises(ValidationError):
        services.commitment_correct(
            actor=worker, commitment=cancelled, reason="x", daily_price=Decimal("1")
        )
    assert _summary(_billing(scenario["form"], D(2026, 2, 1), D(2026, 2, 28)))[
        "Esimerkkilän kaupunki"
    ] == (19, Decimal("2100.00"))
    assert new.pk


def test_correction_needs_a_reason_and_records_who(scenario: dict[str, Any]) -> None:
    worker = scenario["worker"]
    c2 = scenario["c2"]
    with pytest.raises(ValidationError) as exc:
        services.commitment_correct(actor=worker, commitment=c2, reason=" ", reference="X")
    assert "Kerro, miksi" in exc.value.message_dict["reason"][0]
    services.commitment_correct(
        actor=worker, commitment=c2, reason="Uusi hinta", daily_price=Decimal("215.50")
    )
    with scopes_disabled():
        latest = c2.history.order_by("-history_date").first()
    assert latest is not None
    assert latest.history_user == worker
    assert latest.history_change_reason == "Uusi hinta"
    assert latest.daily_price == Decimal("215.50")


def test_only_members_write_and_values_are_checked(scenario: dict[str, Any]) -> None:
    form = scenario["form"]
    a, _members = scenario["a"]
    other_form = ServiceFormFactory.create(
        organisation=form.organisation, kind=ServiceForm.Kind.RESIDENTIAL
    )
    with pytest.raises(PermissionDenied):
        services.commitment_add(
            actor=worker_in(other_form), episode=a, payer=scenario["p1"], valid_from=D(2028, 1, 1)
        )
    worker = scenario["worker"]
    with pytest.raises(ValidationError) as exc:
        services.commitment_add(
            actor=worker,
            episode=a,
            payer=scenario["p1"],
            valid_from=D(2028, 2, 1),
            valid_until=D(2028, 1, 1),
        )
    assert "ei voi olla ennen alkamispäivää" in exc.value.message_dict["valid_until"][0]
    foreign = partner(ensikoti_form(slug="ensikoti-muu"), "Vieras alue")
    with pytest.raises(ValidationError) as exc:
        services.commitment_add(actor=worker, episode=a, payer=foreign, valid_from=D(2028, 1, 1))
    assert "toiseen organisaatioon" in exc.value.message_dict["payer"][0]
    with pytest.raises(ValidationError):
        services.commitment_add(
            actor=worker,
            episode=a,
            payer=scenario["p1"],
            valid_from=D(2028, 1, 1),
            daily_price=Decimal("-1"),
        )


def test_payer_choices_are_counties_and_municipalities(scenario: dict[str, Any]) -> None:
    form = scenario["form"]
    police = partner(form, "Poliisi", Partner.Kind.POLICE)
    with scope(organisation=form.organisation_id):
        names = list(
            selectors.payer_choices(organisation_id=form.organisation_id).values_list(
                "name", flat=True
            )
        )
        with_current = selectors.payer_choices(organisation_id=form.organisation_id, include=police)
        assert police in with_current
    assert names == ["Esimerkkilän kaupunki", "Päijät-Hämeen hyvinvointialue"]


# --------------------------------------------------------------------------- GDPR art. 18


def test_commitment_writes_are_refused_under_a_processing_restriction(
    scenario: dict[str, Any],
) -> None:
    """Art. 18 "no writes" (``tupa.people.processing``): a commitment records the family's
    payer and home municipality, like the stays' services; adding, correcting and cancelling
    one are refused while a participant of the episode is restricted."""
    from tupa.people.tests.test_processing_restriction import refused_then_allowed

    worker, p1 = scenario["worker"], scenario["p1"]
    b, (b_adult,) = scenario["b"]
    _a, (mother, _child) = scenario["a"]
    with scope(organisation=b.organisation_id):
        refused_then_allowed(
            b_adult.person,
            lambda: services.commitment_add(
                actor=worker, episode=b, payer=p1, valid_from=D(2026, 3, 1)
            ),
        )
        c2 = PaymentCommitment.objects.get(pk=scenario["c2"].pk)
        refused_then_allowed(
            mother.person,
            lambda: services.commitment_correct(
                actor=worker, commitment=c2, reason="Hinta", daily_price=Decimal("215.00")
            ),
        )
        c2.refresh_from_db()
        refused_then_allowed(
            mother.person,
            lambda: services.commitment_cancel(actor=worker, commitment=c2, reason="Virhe"),
        )
