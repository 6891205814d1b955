"""The mother-and-baby home's indicators (the Federation's member statistics), by hand.

Ensikoti E of the organisation (pregnancy stays on), year 2025, Helsinki times:

- **F1** (referral child protection): m1, expectant parent (woman, due 1.3.2025, municipality
  M1), p1 10.1. 12:00, the stay recorded as starting in pregnancy; baby b1 (born 1.3.2025, M1)
  joins 1.3. 12:00; the family leaves 20.8. → 10.1.–20.8. is over 6 months (10.7. + …).
- **F2** (self): mother m2, father f2 (partner, man), child c2 (b. 2024) and a grandmother g2
  (close person) in p2 1.2. → 15.3. → under 2 months (15.3. < 1.4.); no sign of a pregnancy →
  "no" (the home asks it at admission).
- **F3** (social services): mother m3 in p3 from 1.11., still open → ongoing; the basic form
  answers "pregnant at admission: yes".
- **F4** (wellbeing county): mother m4 in p3 1.3., moves to p2 1.4. (the same residence), baby
  c4 (born 1.5.2025) joins 3.5., they leave 15.6. → 1.3.–15.6. is 2–6 months; a child born
  after the arrival → entry during pregnancy.
- Not counted: F5 in 2024 only; a shelter of the same organisation; another organisation's
  mother-and-baby home.

2025: persons 9 — mothers 4, fathers 1, children 3 (b1, c2, c4), others 1 (g2). Referred by
social services (child protection, social services, wellbeing county): F1 2 + F3 1 + F4 2 = 5,
others 4. Entry during pregnancy: yes 5 (F1, F3, F4), no 4 (F2). Length: over 6 months 2,
under 2 months 4, ongoing 1, 2–6 months 2. Residences 4 (one of each length; referred 3,
pregnancy 3). Municipality M1: m1 and b1 = 2.

January–March 2025: m1, b1, m2, f2, c2, g2, m4 = 7 persons (c4 and F3 come later); F1 and F4
have not ended by 31.3. → ongoing 3, under 2 months 4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django_scopes import scopes_disabled

from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.organisations.models import Municipality, ServiceForm
from tupa.people.models import Alias
from tupa.residential.models import Destination, PayerCategory, Place, Stay
from tupa.residential.stays import services as stay_services
from tupa.residential.tests.support import place, t
from tupa.residential.tests.test_commitment import ensikoti_form
from tupa.residential.tests.test_thl import NOW
from tupa.statistics.engine import run_indicator
from tupa.statistics.indicators import ensikoti as k
from tupa.statistics.indicators.base import UNKNOWN, Indicator, Params, Result
from tupa.statistics.indicators.residential.common import StayRow
from tupa.statistics.tests.properties import assert_consistent, nonzero

pytestmark = pytest.mark.django_db

D = dt.date
YEAR = (D(2025, 1, 1), D(2025, 12, 31))
Q1 = (D(2025, 1, 1), D(2025, 3, 31))


def compute(
    indicator: Indicator,
    organisation_id: int,
    period: tuple[dt.date, dt.date] = YEAR,
    municipality: int | None = None,
) -> Result:
    result = run_indicator(
        indicator,
        Params(organisation_id, period[0], period[1], municipality_id=municipality),
    )
    assert_consistent(result)
    return result


def _member(
    episode: Episode,
    role: str,
    *,
    gender: str = "female",
    born: dt.date | None = None,
    due: dt.date | None = None,
    municipality: Municipality | None = None,
) -> Participant:
    person = PersonFactory.create(
        organisation=episode.organisation,
        gender=gender,
        birth_date=born,
        expected_due_date=due,
        municipality=municipality,
    )
    return ParticipantFactory.create(episode=episode, person=person, role=role)


def _episode(form: ServiceForm, source: str) -> Episode:
    return EpisodeFactory.create(
        service_form=form, organisation=form.organisation, referral_source=source
    )


def _admit(
    actor: Any,
    episode: Episode,
    form: ServiceForm,
    code: str,
    at: dt.datetime,
    members: list[Participant],
    *,
    pregnancy: bool = False,
) -> Stay:
    return stay_services.stay_admit(
        actor=actor,
        episode=episode,
        place=place(form, code),
        arrived_at=at,
        members=members,
        payer_category=PayerCategory.MUNICIPALITY,
        started_in_pregnancy=pregnancy,
    )


def _leave(actor: Any, stay: Stay, at: dt.datetime) -> None:
    stay_services.stay_discharge(
        actor=actor, stay=stay, departed_at=at, destination=Destination.HOME
    )


def build() -> dict[str, Any]:
    m1_home, _ = Municipality.objects.get_or_create(
        code="993", defaults={"name_fi": "Vauvala", "name_sv": "Vauvala"}
    )
    form = ensikoti_form(places=3, slug="ensikoti-liitto")
    w = worker_in(form)
    ep5 = _episode(form, "self")
    m5 = _member(ep5, "client", born=D(1990, 1, 1))
    _leave(w, _admit(w, ep5, form, "p1", t(2024, 6, 1), [m5]), t(2024, 9, 1))

    ep1 = _episode(form, "child_protection")
    m1 = _member(ep1, "expectant_parent", due=D(2025, 3, 1), municipality=m1_home)
    stay1 = _admit(w, ep1, form, "p1", t(2025, 1, 10), [m1], pregnancy=True)
    b1 = _member(ep1, "child", born=D(2025, 3, 1), municipality=m1_home)
    stay_services.stay_member_add(actor=w, stay=stay1, participant=b1, arrived_at=t(2025, 3, 1))
    _leave(w, stay1, t(2025, 8, 20))

    ep2 = _episode(form, "self")
    family2 = [
        _member(ep2, "client", born=D(1995, 1, 1)),
        _member(ep2, "partner", gender="male", born=D(1994, 1, 1)),
        _member(ep2, "child", gender="male", born=D(2024, 5, 1)),
        _member(ep2, "close_person", born=D(1960, 1, 1)),
    ]
    _leave(w, _admit(w, ep2, form, "p2", t(2025, 2, 1), family2), t(2025, 3, 15))

    ep4 = _episode(form, "wellbeing_county")
    m4 = _member(ep4, "client", born=D(1990, 1, 1))
    c4 = _member(ep4, "child", born=D(2025, 5, 1))
    stay4 = _admit(w, ep4, form, "p3", t(2025, 3, 1), [m4])
    moved = stay_services.stay_move(
        actor=w, stay=stay4, to_place=place(form, "p2"), at=t(2025, 4, 1)
    )
    stay_services.stay_member_add(actor=w, stay=moved, participant=c4, arrived_at=t(2025, 5, 3))
    _leave(w, moved, t(2025, 6, 15))

    ep3 = _episode(form, "social_services")
    m3 = _member(ep3, "client", born=D(2001, 1, 1))
    with scopes_disabled():
        Episode.objects.filter(pk=ep3.pk).update(
            basic_form={
                "definition_id": None,
                "version": 1,
                "answers": {"pregnant_at_admission": True},
            }
        )
    _admit(w, ep3, form, "p3", t(2025, 11, 1), [m3])

    # A shelter of the same organisation is not a mother-and-baby home.
    refuge = ServiceFormFactory.create(
        organisation=form.organisation,
        area=form.area,
        team=form.team,
        kind=ServiceForm.Kind.RESIDENTIAL,
        violence_work="victim",
        name="Turvakoti (sama yhdistys)",
        slug="turvakoti-sama",
    )
    with scopes_disabled():
        Place.objects.create(
            organisation=form.organisation, service_form=refuge, name="P1", code="p1"
        )
    wr = worker_in(refuge)
    ep_r = _episode(refuge, "police")
    _admit(wr, ep_r, refuge, "p1", t(2025, 4, 1), [_member(ep_r, "client", born=D(1980, 1, 1))])
    # Another organisation's home.
    other = ensikoti_form(places=1, slug="toinen-ensikoti")
    wo = worker_in(other)
    ep_o = _episode(other, "social_services")
    _admit(wo, ep_o, other, "p1", t(2025, 5, 1), [_member(ep_o, "client", born=D(1999, 1, 1))])
    return {"form": form, "org": form.organisation_id, "m1_home": m1_home, "other": other}


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with time_machine.travel(NOW, tick=False):
        yield build()


def test_clients_of_the_year(world: dict[str, Any]) -> None:
    clients = compute(k.CLIENTS, world["org"])
    assert clients.total == 9
    assert clients.by("family_role") == {
        ("mother",): 4,
        ("father",): 1,
        ("child",): 3,
        ("other",): 1,
    }
    assert clients.by("referred_by_social_services") == {("yes",): 5, ("no",): 4}
    assert clients.by("entry_during_pregnancy") == {("yes",): 5, ("no",): 4, (UNKNOWN,): 0}
    assert clients.by("stay_length_band") == {
        ("under_2m",): 4,
        ("2_6m",): 2,
        ("over_6m",): 2,
        ("ongoing",): 1,
    }
    # Mothers who came in pregnancy: m1, m3, m4.
    assert clients.by("family_role", "entry_during_pregnancy")[("mother", "yes")] == 3
    assert all(u.episode_id is not None and u.person_id is not None for u in clients.units)


def test_stays_of_the_year(world: dict[str, Any]) -> None:
    stays = compute(k.STAYS, world["org"])
    assert stays.total == 4
    assert stays.by("referred_by_social_services") == {("yes",): 3, ("no",): 1}
    assert nonzero(stays.by("entry_during_pregnancy")) == {("yes",): 3, ("no",): 1}
    assert set(stays.by("stay_length_band").values()) == {1}


def test_a_quarter_and_a_municipality(world: dict[str, Any]) -> None:
    quarter = compute(k.CLIENTS, world["org"], Q1)
    assert quarter.total == 7
    assert nonzero(quarter.by("stay_length_band")) == {("ongoing",): 3, ("under_2m",): 4}
    assert compute(k.STAYS, world["org"], Q1).total == 3
    mine = compute(k.CLIENTS, world["org"], municipality=world["m1_home"].pk)
    assert mine.total == 2
    assert nonzero(mine.by("family_role")) == {("mother",): 1, ("child",): 1}


def test_other_organisation_and_the_past(world: dict[str, Any]) -> None:
    assert compute(k.CLIENTS, world["other"].organisation_id).total == 1
    past = compute(k.CLIENTS, world["org"], (D(2024, 1, 1), D(2024, 12, 31)))
    assert past.total == 1
    assert past.by("stay_length_band")[("2_6m",)] == 1


# --------------------------------------------------------------------------- pure rules


def test_family_role() -> None:
    assert k.family_role("child", "female") == "child"
    assert k.family_role("client", "female") == "mother"
    assert k.family_role("expectant_parent", "male") == "father"
    assert k.family_role("partner", "unknown") == "other"
    assert k.family_role("close_person", "female") == "other"


@pytest.mark.parametrize(
    ("departed", "band"),
    [
        (D(2025, 2, 28), "under_2m"),
        (D(2025, 3, 1), "2_6m"),
        (D(2025, 7, 1), "2_6m"),
        (D(2025, 7, 2), "over_6m"),
        (D(2026, 1, 1), "ongoing"),
        (None, "ongoing"),
    ],
)
def test_stay_length_band(departed: dt.date | None, band: str) -> None:
    assert k.stay_length_band(D(2025, 1, 1), departed, D(2025, 12, 31)) == band


@pytest.mark.parametrize(
    ("arrived", "departed", "band"),
    [
        # Ended by the period's end: as version 1.
        (D(2025, 1, 1), D(2025, 2, 28), "under_2m"),
        (D(2025, 1, 1), D(2025, 7, 2), "over_6m"),
        # Going on at 31.12.2025; its earliest departure is 1.1.2026.
        (D(2025, 6, 30), None, "over_6m"),  # 6 months on 30.12.: over 6 by 1.1.
        (D(2025, 7, 1), None, "ongoing"),  # 1.1.2026 is exactly 6 months: 2–6 or over 6
        (D(2025, 12, 1), None, "ongoing"),  # under 2 months now, its band not yet known
        (D(2024, 3, 1), D(2026, 2, 1), "over_6m"),  # leaves after the period: as going on
    ],
)
def test_settled_length_band(arrived: dt.date, departed: dt.date | None, band: str) -> None:
    """Version 2: a stay going on at the period's end is over 6 months once its earliest
    departure (the day after the period) would be; else "jatkuu". Version 1 says "jatkuu" of
    every stay going on."""
    assert k.settled_length_band(arrived, departed, D(2025, 12, 31)) == band
    if departed is None or departed > D(2025, 12, 31):
        assert k.stay_length_band(arrived, departed, D(2025, 12, 31)) == "ongoing"


def test_stays_version_2_of_the_year(world: dict[str, Any]) -> None:
    """F3 arrived 1.11. and goes on: 2 months by 31.12., still "jatkuu" in version 2; the
    other three ended, as in version 1 (one of each band)."""
    stays = compute(k.STAYS_V2, world["org"])
    assert stays.total == 4
    assert stays.by("stay_length_band") == {
        ("under_2m",): 1,
        ("2_6m",): 1,
        ("over_6m",): 1,
        ("ongoing",): 1,
    }
    assert stays.by("referred_by_social_services") == {("yes",): 3, ("no",): 1}


def test_entry_during_pregnancy_without_the_question() -> None:
    def head(*, flag: bool, asked: bool) -> StayRow:
        return StayRow(1, 1, "self", t(2025, 1, 1), None, None, flag, asked)

    assert k.entry_during_pregnancy(head(flag=False, asked=False), None) == UNKNOWN
    assert k.entry_during_pregnancy(head(flag=False, asked=True), None) == "no"
    assert k.entry_during_pregnancy(head(flag=True, asked=False), None) == "yes"
    answered_no = k.EpisodeFacts(pregnant_answer=False, participants=())
    assert k.entry_during_pregnancy(head(flag=False, asked=False), answered_no) == "no"
    due_soon = k.EpisodeFacts(None, (("client", None, D(1990, 1, 1), D(2025, 6, 1)),))
    assert k.entry_during_pregnancy(head(flag=False, asked=True), due_soon) == "yes"
    due_later = k.EpisodeFacts(None, (("client", None, D(1990, 1, 1), D(2026, 6, 1)),))
    assert k.entry_during_pregnancy(head(flag=False, asked=True), due_later) == "no"


# Edges: period bounds at midnight and in summer time, lengths across periods, one person in
# two residences, an alias; each test builds only the few records its edge needs.

NEXT_YEAR = (D(2026, 1, 1), D(2026, 12, 31))


@pytest.fixture
def home() -> Iterator[dict[str, Any]]:
    """An empty mother-and-baby home (pregnancy stays asked at admission) and its worker."""
    with time_machine.travel(NOW, tick=False):
        form = ensikoti_form(places=4, slug="ensikoti-reunat")
        yield {"form": form, "org": form.organisation_id, "w": worker_in(form)}


def _family(
    home: dict[str, Any],
    code: str,
    arrive: dt.datetime,
    leave: dt.datetime | None,
    *,
    source: str = ReferralSource.SELF,
) -> Any:
    form, w = home["form"], home["w"]
    episode = _episode(form, source)
    mother = _member(episode, "client", born=D(1995, 5, 5))
    stay = _admit(w, episode, form, code, arrive, [mother])
    if leave is not None:
        _leave(w, stay, leave)
    return episode, mother


def test_ensikoti_new_year_midnight(home: dict[str, Any]) -> None:
    """A residence ending 31.12. 23:30 is 2025's with its length (1.11.→31.12. = under 2
    months); one arriving 1.1. 00:30 (UTC 31.12. 22:30) is 2026's only."""
    _family(home, "p1", t(2025, 11, 1), t(2025, 12, 31, 23, 30))
    _family(home, "p2", t(2026, 1, 1, 0, 30), t(2026, 1, 20))
    y25 = compute(k.STAYS, home["org"], YEAR)
    assert y25.total == 1
    assert nonzero(y25.by("stay_length_band")) == {("under_2m",): 1}
    y26 = compute(k.CLIENTS, home["org"], NEXT_YEAR)
    assert y26.total == 1
    assert nonzero(y26.by("stay_length_band")) == {("under_2m",): 1}


def test_ensikoti_residence_leaving_at_the_midnight_that_ends_the_period(
    home: dict[str, Any],
) -> None:
    """Departure 1.1.2026 00:00 (the moment 2025 ends): the family was there on every day of
    1.11.–31.12.2025 and on no day of 2026 (``present_in``), so 2025 is the only period that
    counts the residence. The rule: "jatkuu, jos lähtö ei ole ajanjakson loppuun mennessä" —
    the departure is *at* the period's end, so 2025 must give it a length (1.11.2025 → 1.1.2026
    = 2 calendar months → 2–6 months), not "jatkuu": otherwise no period ever gives this
    residence a length band."""
    _family(home, "p1", t(2025, 11, 1), t(2026, 1, 1, 0, 0))
    assert compute(k.STAYS, home["org"], NEXT_YEAR).total == 0
    assert compute(k.CLIENTS, home["org"], NEXT_YEAR).total == 0
    stays = compute(k.STAYS, home["org"], YEAR)
    assert stays.total == 1
    assert nonzero(stays.by("stay_length_band")) == {("2_6m",): 1}
    clients = compute(k.CLIENTS, home["org"], YEAR)
    assert nonzero(clients.by("stay_length_band")) == {("2_6m",): 1}


def test_ensikoti_quarter_ending_in_summer_time(home: dict[str, Any]) -> None:
    """Summer time began 30.3.2025. A residence ending 31.3. 23:30 EEST (20:30 UTC) has ended
    by the quarter's end; one arriving 1.4. 00:30 EEST (31.3. 21:30 UTC — inside the quarter
    if the bound were taken at UTC+2) is not in the quarter."""
    _family(home, "p1", t(2025, 3, 1), t(2025, 3, 31, 23, 30))
    _family(home, "p2", t(2025, 4, 1, 0, 30), None)
    q1 = compute(k.STAYS, home["org"], Q1)
    assert q1.total == 1
    assert nonzero(q1.by("stay_length_band")) == {("under_2m",): 1}
    assert compute(k.CLIENTS, home["org"], Q1).total == 1


def test_ensikoti_residence_from_before_and_still_open(home: dict[str, Any]) -> None:
    """Arrived 1.6.2024, never left: counted in 2025 as "jatkuu"; referred by social services."""
    _family(home, "p1", t(2024, 6, 1), None, source=ReferralSource.SOCIAL_SERVICES)
    clients = compute(k.CLIENTS, home["org"], YEAR)
    assert clients.total == 1
    assert nonzero(clients.by("stay_length_band", "referred_by_social_services")) == {
        ("ongoing", "yes"): 1
    }


def test_ensikoti_length_is_measured_from_the_first_arrival_across_periods(
    home: dict[str, Any],
) -> None:
    """1.6.2025 → 10.2.2026: "jatkuu" in 2025 (the departure is after its end); in 2026 the
    length runs from the first arrival in 2025, 8 months → over 6 months (not 1.1.→10.2.)."""
    _family(home, "p1", t(2025, 6, 1), t(2026, 2, 10))
    assert nonzero(compute(k.STAYS, home["org"], YEAR).by("stay_length_band")) == {("ongoing",): 1}
    assert nonzero(compute(k.STAYS, home["org"], NEXT_YEAR).by("stay_length_band")) == {
        ("over_6m",): 1
    }
    # Version 2: 1.6.→31.12.2025 is 7 months by 2025's end, so over 6 months already then.
    assert nonzero(compute(k.STAYS_V2, home["org"], YEAR).by("stay_length_band")) == {
        ("over_6m",): 1
    }
    assert nonzero(compute(k.STAYS_V2, home["org"], NEXT_YEAR).by("stay_length_band")) == {
        ("over_6m",): 1
    }


def test_ensikoti_person_in_two_residences_counts_once(home: dict[str, Any]) -> None:
    """One mother, two episodes in 2025: self-referred 1.2.–15.2. (under 2 months), then
    referred by child protection 1.5.–open. Persons 1, described by her first residence of the
    period (self, under 2 months); residences 2."""
    form, w = home["form"], home["w"]
    first, mother = _family(home, "p1", t(2025, 2, 1), t(2025, 2, 15))
    second = _episode(form, ReferralSource.CHILD_PROTECTION)
    with scopes_disabled():
        again = Participant.objects.create(
            episode=second, person_id=mother.person_id, role="client"
        )
    _admit(w, second, form, "p2", t(2025, 5, 1), [again])
    clients = compute(k.CLIENTS, home["org"], YEAR)
    assert clients.total == 1
    (unit,) = clients.units
    assert unit.episode_id == first.pk
    assert nonzero(clients.by("referred_by_social_services", "stay_length_band")) == {
        ("no", "under_2m"): 1
    }
    assert compute(k.STAYS, home["org"], YEAR).total == 2


def test_ensikoti_anonymous_mother_counts_by_her_alias(home: dict[str, Any]) -> None:
    """An anonymous (alias) woman in the client role is a mother; her alias is one person."""
    form, w = home["form"], home["w"]
    episode = _episode(form, ReferralSource.SELF)
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=form.organisation,
            service_form=form,
            label="Nimetön",
            gender="female",
            created_by=w,
        )
        member = Participant.objects.create(episode=episode, alias=alias, role="client")
    _admit(w, episode, form, "p1", t(2025, 3, 1), [member])
    clients = compute(k.CLIENTS, home["org"], YEAR)
    assert clients.total == 1
    assert nonzero(clients.by("family_role")) == {("mother",): 1}
    assert clients.units[0].person_id is None
