"""The plan's writes (:mod:`tupa.planning.services`) and reads (:mod:`tupa.planning.selectors`):
who may add, edit, assess, remove and carry over; the Finnish validation keyed by field; the
optimistic version; the removal's reason in the history; the carry-over of unfinished goals;
the grouping by owner and theme and the theme × status summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from tupa.accounts.models import User
from tupa.core.conflicts import VersionConflict
from tupa.organisations.models import ServiceForm
from tupa.planning import selectors, services
from tupa.planning.models import AnnualGoal, GoalStatus

from .test_access import NOW, YEAR, World, build_world, form_in, group_in, theme_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world() -> World:
    return build_world()


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def add(world: World, actor: str = "director", **fields: Any) -> AnnualGoal:
    values: dict[str, Any] = {"year": YEAR, "text": "Kehitetään vapaaehtoistoimintaa."}
    values.update(fields)
    return services.goal_add(actor=world[actor], **values)


def fresh(goal: AnnualGoal) -> AnnualGoal:
    with scopes_disabled():
        return AnnualGoal.objects.get(pk=goal.pk)


# --------------------------------------------------------------------------- adding


def test_a_lead_adds_goals_to_their_form_in_order_and_the_history_names_them(
    world: World,
) -> None:
    first = add(world, "lead_a", service_form=world.form_a, theme=world.themes["T1"], text=" A ")
    second = add(world, "lead_a", service_form=world.form_a, text="Toinen tavoite.")
    other_owner = add(world, "director", text="Koko yhdistyksen tavoite.")
    assert (first.text, first.order, second.order, other_owner.order) == ("A", 1, 2, 1)
    assert first.organisation_id == world.org.pk
    assert first.created_by == world["lead_a"]
    assert (first.status, first.version) == (GoalStatus.PLANNED, 1)
    assert add(world, "lead_a", service_form=world.form_a, order=7).order == 7
    assert add(world, "lead_a", service_form=world.form_a).order == 8
    with scopes_disabled():
        (row,) = AnnualGoal.history.filter(id=first.pk)
    assert (row.history_type, row.history_user) == ("+", world["lead_a"])


def test_the_director_adds_to_every_form_a_working_group_and_the_association(world: World) -> None:
    for fields in (
        {"service_form": world.form_a},
        {"service_form": world.form_b},
        {"working_group": world.group, "theme": world.themes["T4"]},
        {},
    ):
        goal = add(world, **fields)
        assert goal.pk is not None
    with scopes_disabled():
        assert AnnualGoal.objects.filter(organisation=world.org).count() == 4


@pytest.mark.parametrize(
    "who", ["worker_a", "coordinator_a", "lead_b", "finance", "dpo", "admin", "volunteers"]
)
def test_others_may_not_add_to_form_a(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        add(world, who, service_form=world.form_a)


@pytest.mark.parametrize("who", ["lead_a", "lead_b", "worker_a", "finance", "other_director"])
def test_only_the_director_adds_the_associations_and_a_groups_goals(world: World, who: str) -> None:
    if who != "other_director":  # their own association's goals are theirs to add
        with pytest.raises(PermissionDenied):
            add(world, who)
    with pytest.raises((PermissionDenied, ValidationError)):
        add(world, who, working_group=world.group)
    with scopes_disabled():
        assert not AnnualGoal.objects.filter(organisation=world.org).exists()


def test_another_organisations_director_may_not_add_to_our_form(world: World) -> None:
    with pytest.raises(PermissionDenied):
        add(world, "other_director", service_form=world.form_a)


def test_the_validation_speaks_finnish_and_names_the_field(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(world, text="   ", year=1999)
    assert _errors(excinfo) == {
        "text": ["Kirjoita tavoite."],
        "year": ["Vuoden on oltava 2000–2100."],
    }
    with pytest.raises(ValidationError) as excinfo:
        add(world, year=2101)
    assert _errors(excinfo) == {"year": ["Vuoden on oltava 2000–2100."]}
    with pytest.raises(ValidationError) as excinfo:
        add(world, theme=world.other_theme)
    assert _errors(excinfo) == {"theme": ["Valitse painopiste listasta."]}
    with pytest.raises(ValidationError) as excinfo:
        add(world, working_group=world.other_group)
    assert _errors(excinfo) == {"working_group": ["Valitse listasta."]}
    with pytest.raises(ValidationError) as excinfo:
        add(world, service_form=world.form_a, working_group=world.group)
    assert _errors(excinfo) == {
        "working_group": ["Tavoite on joko työmuodon tai työryhmän, ei molempien."]
    }
    with scopes_disabled():
        assert not AnnualGoal.objects.exists()


@pytest.mark.parametrize(
    ("year", "start", "end", "message"),
    [
        (2028, 2024, 2027, "Painopiste kuuluu strategiakauteen 2024–2027, ei vuoteen 2028."),
        (2023, 2024, 2027, "Painopiste kuuluu strategiakauteen 2024–2027, ei vuoteen 2023."),
        (2023, 2024, None, "Painopiste kuuluu strategiakauteen 2024–, ei vuoteen 2023."),
        (2030, None, 2027, "Painopiste kuuluu strategiakauteen –2027, ei vuoteen 2030."),
    ],
)
def test_a_theme_outside_its_strategy_period_is_refused(
    world: World, year: int, start: int | None, end: int | None, message: str
) -> None:
    theme = theme_in(world.org, "S1", start, end)
    with pytest.raises(ValidationError) as excinfo:
        add(world, year=year, theme=theme)
    assert _errors(excinfo) == {"theme": [message]}


@pytest.mark.parametrize("year", [2024, 2027])
def test_the_strategy_periods_first_and_last_year_take_its_themes(world: World, year: int) -> None:
    assert add(world, year=year, theme=world.themes["T2"]).theme == world.themes["T2"]
    open_ended = theme_in(world.org, "S2", None, None)
    assert add(world, year=year, theme=open_ended).theme == open_ended


# --------------------------------------------------------------------------- editing


def test_the_lead_edits_their_goal_and_the_version_goes_up(world: World) -> None:
    goal = add(world, "lead_a", service_form=world.form_a)
    saved = services.goal_update(
        actor=world["lead_a"],
        goal=goal,
        version=1,
        text="Lisätään vastaanottoaikoja neuvoloihin.",
        theme=world.themes["T2"],
        order=3,
    )
    assert goal.version == saved.version == 2  # the caller's object is refreshed too
    row = fresh(goal)
    assert (row.text, row.theme, row.order, row.version) == (
        "Lisätään vastaanottoaikoja neuvoloihin.",
        world.themes["T2"],
        3,
        2,
    )
    with scopes_disabled():
        types = list(AnnualGoal.history.filter(id=goal.pk).values_list("history_type", flat=True))
    assert sorted(types) == ["+", "~"]


def test_an_edit_on_a_stale_version_is_a_conflict(world: World) -> None:
    goal = add(world, "lead_a", service_form=world.form_a)
    services.goal_update(actor=world["director"], goal=fresh(goal), version=1, text="Ensin.")
    with pytest.raises(VersionConflict) as excinfo:
        services.goal_update(actor=world["lead_a"], goal=goal, version=1, text="Myöhemmin.")
    assert (excinfo.value.current.text, excinfo.value.version) == ("Ensin.", 2)
    with pytest.raises(VersionConflict):
        services.goal_assess(
            actor=world["lead_a"], goal=goal, version=1, status="achieved", assessment="Hyvin."
        )
    assert (fresh(goal).text, fresh(goal).version) == ("Ensin.", 2)
    # Without a version (a script), the last write wins.
    services.goal_update(actor=world["lead_a"], goal=goal, version=None, text="Viimeinen.")
    assert fresh(goal).text == "Viimeinen."


def test_an_edit_is_validated_and_unknown_fields_are_refused(world: World) -> None:
    goal = add(world, service_form=world.form_a)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_update(actor=world["director"], goal=goal, version=1, text=" ")
    assert _errors(excinfo) == {"text": ["Kirjoita tavoite."]}
    with pytest.raises(ValidationError) as excinfo:
        services.goal_update(actor=world["director"], goal=goal, version=1, theme=world.other_theme)
    assert _errors(excinfo) == {"theme": ["Valitse painopiste listasta."]}
    with pytest.raises(TypeError):
        services.goal_update(
            actor=world["director"], goal=goal, version=1, service_form=world.form_b
        )
    assert fresh(goal).version == 1


# --------------------------------------------------------------------------- who edits, assesses, removes


def _update(actor: User, goal: AnnualGoal) -> None:
    services.goal_update(actor=actor, goal=goal, version=None, text="Muutettu tavoite.")


def _assess(actor: User, goal: AnnualGoal) -> None:
    services.goal_assess(
        actor=actor, goal=goal, version=None, status="partly", assessment="Osittain."
    )


def _remove(actor: User, goal: AnnualGoal) -> None:
    services.goal_remove(actor=actor, goal=goal, reason="Kirjattu väärälle vuodelle.")


def _carry(actor: User, goal: AnnualGoal) -> None:
    services.goals_carry_over(actor=actor, year=goal.year + 1, service_form=goal.service_form)


WRITES: dict[str, Callable[[User, AnnualGoal], None]] = {
    "update": _update,
    "assess": _assess,
    "remove": _remove,
    "carry_over": _carry,
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    ("owner", "allowed"),
    [
        ("form_a", {"director", "lead_a"}),
        ("form_b", {"director", "lead_b"}),
        ("group", {"director"}),
        ("association", {"director"}),
    ],
)
@pytest.mark.parametrize(
    "who",
    [
        "director",
        "lead_a",
        "lead_b",
        "worker_a",
        "coordinator_a",
        "finance",
        "dpo",
        "admin",
        "former_lead_a",
        "other_director",
        "other_lead",
    ],
)
def test_who_may_edit_assess_remove_and_carry_over(
    world: World, write: str, owner: str, allowed: set[str], who: str
) -> None:
    owners: dict[str, dict[str, Any]] = {
        "form_a": {"service_form": world.form_a},
        "form_b": {"service_form": world.form_b},
        "group": {"working_group": world.group},
        "association": {},
    }
    goal = add(world, year=YEAR - 1, **owners[owner])
    with scopes_disabled():
        before = AnnualGoal.objects.count()
    if who in allowed:
        WRITES[write](world[who], goal)
        return
    if write == "carry_over" and who == "other_director" and owner in ("group", "association"):
        # Their own association's goals without a form (none): nothing of ours is copied.
        WRITES[write](world[who], goal)
    else:
        with pytest.raises(PermissionDenied):
            WRITES[write](world[who], goal)
    row = fresh(goal)
    with scopes_disabled():
        assert AnnualGoal.objects.count() == before
        assert not AnnualGoal.objects.filter(organisation=world.other_org).exists()
    assert (row.text, row.status, row.version) == (goal.text, GoalStatus.PLANNED, 1)


# --------------------------------------------------------------------------- assessing


def test_assessing_records_status_assessment_evidence_and_who(world: World) -> None:
    goal = add(world, "lead_a", service_form=world.form_a)
    services.goal_assess(
        actor=world["lead_a"],
        goal=goal,
        version=1,
        status=GoalStatus.ACHIEVED,
        assessment=" Vertaisryhmä käynnistyi keväällä. ",
        evidence=" Kävijätilasto 2026 ",
    )
    row = fresh(goal)
    assert (row.status, row.assessment, row.evidence) == (
        "achieved",
        "Vertaisryhmä käynnistyi keväällä.",
        "Kävijätilasto 2026",
    )
    assert (row.assessed_by, row.assessed_at, row.version) == (world["lead_a"], NOW, 2)
    assert row.is_closed
    assert goal.version == 2


@pytest.mark.parametrize("status", [s for s in GoalStatus if s != GoalStatus.PLANNED])
def test_every_status_but_planned_needs_an_assessment(world: World, status: str) -> None:
    goal = add(world, service_form=world.form_a)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_assess(
            actor=world["director"], goal=goal, version=1, status=status, assessment="  "
        )
    assert _errors(excinfo) == {"assessment": ["Kirjoita lyhyesti, miten tavoite on edennyt."]}
    assert fresh(goal).status == GoalStatus.PLANNED


def test_planned_needs_no_assessment_and_an_unknown_status_is_refused(world: World) -> None:
    goal = add(world, service_form=world.form_a)
    services.goal_assess(actor=world["director"], goal=goal, version=1, status="planned")
    assert (fresh(goal).status, fresh(goal).version) == ("planned", 2)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_assess(
            actor=world["director"], goal=goal, version=2, status="done", assessment="Valmis."
        )
    assert _errors(excinfo) == {"status": ["Valitse tila."]}


# --------------------------------------------------------------------------- removing


def test_removal_needs_a_reason_and_the_history_keeps_it_and_the_user(world: World) -> None:
    goal = add(world, "lead_a", service_form=world.form_a, text="Tavoite väärällä vuodella.")
    for reason in ("", "   ", " abc ", "abcd"):
        with pytest.raises(ValidationError) as excinfo:
            services.goal_remove(actor=world["lead_a"], goal=goal, reason=reason)
        assert _errors(excinfo) == {"reason": ["Kirjoita poistolle syy."]}
    assert len("Väärä") == services.MIN_REASON
    services.goal_remove(actor=world["lead_a"], goal=goal, reason=" Väärä ")
    with scopes_disabled():
        assert not AnnualGoal.objects.filter(pk=goal.pk).exists()
        removed = AnnualGoal.history.get(id=goal.pk, history_type="-")
    assert removed.history_user == world["lead_a"]
    assert removed.history_change_reason == "Väärä"
    assert removed.text == "Tavoite väärällä vuodella."


# --------------------------------------------------------------------------- carrying over


def test_carry_over_copies_the_owners_unfinished_goals_once(world: World) -> None:
    director, lead = world["director"], world["lead_a"]
    form = world.form_a
    ended = theme_in(world.org, "V1", 2022, 2025)
    theme = world.themes["T3"]
    keep = add(world, "lead_a", year=2025, service_form=form, theme=theme, text="Jatkuu.")
    started = add(world, "lead_a", year=2025, service_form=form, theme=ended, text="Aloitettu.")
    services.goal_assess(
        actor=lead, goal=started, version=1, status="in_progress", assessment="Alussa."
    )
    for status in ("achieved", "partly", "not_achieved", "postponed"):
        done = add(world, "lead_a", year=2025, service_form=form, text=f"Päättynyt {status}.")
        services.goal_assess(actor=lead, goal=done, version=1, status=status, assessment="Arvio.")
    add(world, "lead_a", year=2024, service_form=form, text="Kahden vuoden takaa.")
    add(world, "lead_b", year=2025, service_form=world.form_b, text="Toisen työmuodon.")
    add(world, year=2025, text="Yhdistyksen.")
    add(world, "lead_a", year=2026, service_form=form, text="Uusi tavoite.")

    copied = services.goals_carry_over(actor=lead, year=2026, service_form=form)

    assert [(g.text, g.theme, g.status, g.order) for g in copied] == [
        ("Jatkuu.", theme, "planned", 2),
        ("Aloitettu.", None, "planned", 3),  # its strategy period ended in 2025
    ]
    assert {g.created_by for g in copied} == {lead}
    assert fresh(keep).year == 2025  # the old goal stays where it was
    assert services.goals_carry_over(actor=director, year=2026, service_form=form) == []
    with scopes_disabled():
        assert sorted(
            AnnualGoal.objects.filter(year=2026, service_form=form).values_list("text", flat=True)
        ) == ["Aloitettu.", "Jatkuu.", "Uusi tavoite."]


def test_carry_over_of_the_association_copies_its_own_and_the_groups_goals(world: World) -> None:
    group = world.group
    own = add(world, year=2025, text="Otetaan vuosikello käyttöön.", theme=world.themes["T1"])
    of_group = add(world, year=2025, text="Järjestetään koulutuksia.", working_group=group)
    add(world, "lead_a", year=2025, service_form=world.form_a, text="Työmuodon.")
    # The same text in the new year, but the association's own: the group's still copies.
    add(world, year=2026, text="Järjestetään koulutuksia.")
    copied = services.goals_carry_over(actor=world["director"], year=2026)
    assert [(g.text, g.working_group, g.service_form, g.theme) for g in copied] == [
        (own.text, None, None, world.themes["T1"]),
        (of_group.text, group, None, None),
    ]
    assert services.goals_carry_over(actor=world["director"], year=2026) == []


# --------------------------------------------------------------------------- selectors


def test_grouped_puts_the_association_first_then_forms_then_groups_by_name(world: World) -> None:
    t1, t2, t5 = (world.themes[c] for c in ("T1", "T2", "T5"))
    lapsi = form_in(world.org, "lapsityö", "lapsityo")  # names compare without case
    kava = world.group
    alpha = group_in(world.org, "Asiakasraati")
    goals = [
        add(world, service_form=world.form_a, text="P-muu"),
        add(world, service_form=world.form_a, theme=t5, text="P-T5"),
        add(world, working_group=kava, text="K-muu"),
        add(world, service_form=lapsi, theme=t2, text="L-T2"),
        add(world, service_form=world.form_a, theme=t1, text="P-T1a"),
        add(world, working_group=alpha, theme=t2, text="A-T2"),
        add(world, text="Y-T5", theme=t5),
        add(world, service_form=world.form_b, text="Av-muu"),
        add(world, service_form=world.form_a, theme=t1, text="P-T1b"),
        add(world, text="Y-T1", theme=t1),
    ]
    plans = selectors.grouped(goals)
    shape = [(str(p.label), [(t.key, [g.text for g in t.goals]) for t in p.themes]) for p in plans]
    assert shape == [
        ("Koko yhdistys", [("T1", ["Y-T1"]), ("T5", ["Y-T5"])]),
        ("Avokriisityö", [("other", ["Av-muu"])]),
        ("lapsityö", [("T2", ["L-T2"])]),
        (
            "Perhetupa",
            [("T1", ["P-T1a", "P-T1b"]), ("T5", ["P-T5"]), ("other", ["P-muu"])],
        ),
        ("Asiakasraati", [("T2", ["A-T2"])]),
        ("Kansalais- ja vapaaehtoistoiminnan työryhmä", [("other", ["K-muu"])]),
    ]
    perhetupa = plans[3]
    assert perhetupa.key == f"form-{world.form_a.pk}"
    assert perhetupa.service_form == world.form_a and perhetupa.working_group is None
    assert [g.text for g in perhetupa.goals] == ["P-T1a", "P-T1b", "P-T5", "P-muu"]
    assert perhetupa.statuses == {"planned": 4}
    assert (plans[0].key, plans[-1].key) == ("association", f"group-{kava.pk}")
    assert str(perhetupa.themes[-1].label) == "Muut tavoitteet (ei painopistettä)"
    assert perhetupa.themes[0].label == "T1 Painopiste T1"
    assert selectors.grouped([]) == []


def test_theme_summary_counts_statuses_per_theme_other_last(world: World) -> None:
    t1, t3 = world.themes["T1"], world.themes["T3"]
    rows: list[tuple[Any, str]] = [
        (None, "planned"),
        (t3, "achieved"),
        (t1, "planned"),
        (t3, "achieved"),
        (t1, "in_progress"),
        (None, "postponed"),
        (t3, "not_achieved"),
        (t1, "planned"),
    ]
    goals = []
    for theme, status in rows:
        goal = add(world, service_form=world.form_a, theme=theme)
        if status != "planned":
            _assess_to(world, goal, status)
        goals.append(fresh(goal))
    summary = selectors.theme_summary(goals)
    assert [(r.key, dict(r.statuses), r.total) for r in summary] == [
        ("T1", {"planned": 2, "in_progress": 1}, 3),
        ("T3", {"achieved": 2, "not_achieved": 1}, 3),
        ("other", {"planned": 1, "postponed": 1}, 2),
    ]
    assert (summary[1].count("achieved"), summary[1].count("partly")) == (2, 0)
    assert selectors.STATUS_ORDER[0] == GoalStatus.PLANNED


def _assess_to(world: World, goal: AnnualGoal, status: str) -> None:
    services.goal_assess(
        actor=world["director"], goal=goal, version=None, status=status, assessment="Arvio."
    )


def test_the_years_goals_and_themes_are_read_for_one_organisation(world: World) -> None:
    ours = add(world, service_form=world.form_a, text="Meidän.")
    group_goal = add(world, working_group=world.group, text="Ryhmän.")
    add(world, year=YEAR + 1, service_form=world.form_a, text="Ensi vuoden.")
    services.goal_add(
        actor=world["other_director"], year=YEAR, text="Toisen yhdistyksen.", service_form=None
    )
    with scopes_disabled():
        assert list(selectors.goals_of_year(world.org.pk, YEAR)) == [ours, group_goal]
        only_a = selectors.goals_of_year(world.org.pk, YEAR, service_form_ids=[world.form_a.pk])
        assert list(only_a) == [ours]
        theme_in(world.org, "V1", 2016, 2019)
        codes = list(selectors.themes_for_year(world.org.pk, YEAR).values_list("code", flat=True))
    assert codes == ["T1", "T2", "T3", "T4", "T5"]
    assert isinstance(world.form_a, ServiceForm)


def test_a_tenth_theme_comes_after_the_ninth_not_after_the_first(world: World) -> None:
    """Codes sort shorter first (T2 before T10), in the database and in the grouped lists."""
    with scopes_disabled():
        t10 = theme_in(world.org, "T10")
        codes = list(selectors.themes_for_year(world.org.pk, YEAR).values_list("code", flat=True))
    assert codes == ["T1", "T2", "T3", "T4", "T5", "T10"]
    goals = [
        fresh(add(world, service_form=world.form_a, theme=theme))
        for theme in (t10, world.themes["T2"], None, world.themes["T1"])
    ]
    (plan,) = selectors.grouped(goals)
    assert [t.key for t in plan.themes] == ["T1", "T2", "T10", "other"]
    assert [r.key for r in selectors.theme_summary(goals)] == ["T1", "T2", "T10", "other"]
