"""The plan's pages: who reads the year's plan (every staff member of the organisation) and who
keeps its goals (a form's lead its form's, the executive director all; 404 to everyone else),
the forms' Finnish errors with the typed values kept, the version conflict, the removal with a
reason, the carry-over of unfinished goals, the filters, the links from the navigation and the
service form's page, and a constant number of queries whatever the number of goals and forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.conflicts import MESSAGE as CONFLICT_MESSAGE
from tupa.core.tests.factories import (
    OrganisationFactory,
    UserFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified, refetched, rolled_back_world
from tupa.planning import services
from tupa.planning.models import AnnualGoal, GoalStatus

from .support import NOW, YEAR, add_goal, fetched, plan_world, service_form, theme

pytestmark = pytest.mark.django_db

PREVIOUS = YEAR - 1


def _build() -> dict[str, Any]:
    w = plan_world()
    t = w.themes
    world: dict[str, Any] = {k: v for k, v in vars(w).items() if k != "extra"}
    world.update(
        a_planned=add_goal(
            w.lead_a, YEAR, "Suunnitellaan toimintaa yhdessä asiakkaiden kanssa.",
            service_form=w.form_a, theme=t["T1"],
        ),
        a_achieved=add_goal(
            w.lead_a, YEAR, "Aloitetaan työ perheiden kanssa aiemmin.",
            service_form=w.form_a, theme=t["T2"], status=GoalStatus.ACHIEVED,
            assessment="Kokeiltu kolmessa ryhmässä.", evidence="Palautekyselyn tulokset.",
        ),
        b_running=add_goal(
            w.lead_b, YEAR, "Turvakodin asukkaiden osallisuus kasvaa.",
            service_form=w.form_b, theme=t["T1"], status=GoalStatus.IN_PROGRESS,
            assessment="Asukaskokoukset aloitettu.",
        ),
        association_goal=add_goal(w.director, YEAR, "Yhdistyksen viestintä uudistetaan."),
        group_goal=add_goal(
            w.director, YEAR, "Kehittämistyöryhmä kokoaa hyvät käytännöt.",
            working_group=w.group, theme=t["T4"],
        ),
        old_open=add_goal(
            w.lead_a, PREVIOUS, "VANHA-KESKENERÄINEN perheiden vertaisryhmä.",
            service_form=w.form_a, theme=t["T3"],
        ),
        old_done=add_goal(
            w.lead_a, PREVIOUS, "VANHA-VALMIS kotikäyntien malli.",
            service_form=w.form_a, status=GoalStatus.ACHIEVED,
        ),
        old_association=add_goal(
            w.director, PREVIOUS, "VANHA-YHDISTYS jäsenkysely.",
            status=GoalStatus.IN_PROGRESS,
        ),
    )  # fmt: skip
    return world


@pytest.fixture(scope="module")
def built_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with rolled_back_world(django_db_blocker), time_machine.travel(NOW, tick=False):
        yield _build()


@pytest.fixture
def world(built_world: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with time_machine.travel(NOW, tick=False):
        yield refetched(built_world)


def _year_url(year: int = YEAR) -> str:
    return reverse("planning:year", args=[year])


def _goal_urls(goal: AnnualGoal) -> list[str]:
    return [reverse(f"planning:{name}", args=[goal.pk]) for name in ("edit", "assess", "remove")]


def _html(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


GOALS_OF_YEAR = ("a_planned", "a_achieved", "b_running", "association_goal", "group_goal")


# --------------------------------------------------------------------------- who reads the plan


@pytest.mark.parametrize("who", ["director", "lead_a", "worker_a", "lead_b", "finance", "dpo"])
def test_every_staff_member_reads_the_years_plan(
    client: Client, world: dict[str, Any], who: str
) -> None:
    if who == "dpo":
        login_verified(client, org_role_user(world["organisation"], Role.DATA_PROTECTION_OFFICER))
    else:
        login_verified(client, world[who])
    html = _html(client, _year_url())
    assert f"Toimintasuunnitelma {YEAR}" in html
    for name in GOALS_OF_YEAR:
        assert world[name].text in html, name
    assert "VANHA-" not in html  # last year's
    # Owners: the association first, then the forms, then the working group; themes inside.
    owners = re.findall(r'<h2 id="owner-[^"]+">([^<]+)</h2>', html)
    assert owners == ["Koko yhdistys", "Perhetyö", "Turvakoti", "Kehittämistyöryhmä"]
    assert "T1 Asiakkaan osallisuus" in html and "Muut tavoitteet (ei painopistettä)" in html


def test_the_plan_is_not_shown_to_strangers(client: Client, world: dict[str, Any]) -> None:
    response = client.get(_year_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # Another organisation's director sees their own (empty) plan, none of ours.
    login_verified(client, org_role_user(OrganisationFactory.create(), Role.EXECUTIVE_DIRECTOR))
    html = _html(client, _year_url())
    assert f"Vuoden {YEAR} suunnitelmassa ei ole vielä tavoitteita." in html
    for name in GOALS_OF_YEAR:
        assert world[name].text not in html
    client.logout()
    # A staff account without any valid role reads nothing.
    login_verified(client, UserFactory.create(organisation=world["organisation"]))
    assert client.get(_year_url()).status_code == 404
    assert client.get(reverse("planning:index")).status_code == 404


def test_the_index_opens_this_years_plan_and_bad_years_are_404(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker_a"])
    response = client.get(reverse("planning:index"), {"tyomuoto": world["form_a"].slug})
    assert response.status_code == 302
    assert response["Location"] == f"{_year_url()}?tyomuoto={world['form_a'].slug}"
    assert client.get(reverse("planning:index"))["Location"] == _year_url()
    for year in (1999, 2101, 987654):
        assert client.get(_year_url(year)).status_code == 404, year
    html = _html(client, _year_url())
    assert f'href="{_year_url(PREVIOUS)}"' in html and f'href="{_year_url(YEAR + 1)}"' in html


def test_a_goal_shows_its_status_as_text_its_assessment_and_who_assessed(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["finance"])
    html = _html(client, _year_url())
    goal = world["a_achieved"]
    item = re.search(rf'<li id="tavoite-{goal.pk}".*?</li>\s*(?=<li id|</ol>)', html, re.S)
    assert item is not None
    text = item.group(0)
    assert re.search(
        r'<span class="visually-hidden">Tila: </span><span class="tag">Toteutunut', text
    )
    assert "Kokeiltu kolmessa ryhmässä." in text and "Palautekyselyn tulokset." in text
    assert world["lead_a"].get_full_name() in text
    assert "15.5.2026" in text
    planned = re.search(rf'<li id="tavoite-{world["a_planned"].pk}".*?</li>', html, re.S)
    assert planned is not None and 'class="tag">Suunniteltu<' in planned.group(0)


def test_the_summary_counts_themes_by_status(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker_a"])
    html = _html(client, _year_url())
    table = re.search(r"<table class=\"data\">.*?</table>", html, re.S)
    assert table is not None
    summary = table.group(0)
    assert "<caption>5 tavoitetta vuonna 2026 painopisteittäin ja tiloittain" in summary
    headers = re.findall(r'<th scope="col" class="num">([^<]+)</th>', summary)
    assert headers == [str(s.label).capitalize() for s in GoalStatus] + ["Yhteensä"]

    def row(label: str) -> list[str]:
        found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', summary, re.S)
        assert found is not None, label
        return re.findall(r'<td class="num">(\d+)</td>', found.group(1))

    #                               planned, in progress, achieved, partly, not, postponed, all
    assert row("T1 Asiakkaan osallisuus") == ["1", "1", "0", "0", "0", "0", "2"]
    assert row("T2 Varhainen tuki") == ["0", "0", "1", "0", "0", "0", "1"]
    assert row("T4 Osaava henkilöstö") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row("Muut tavoitteet (ei painopistettä)") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row("Yhteensä") == ["3", "1", "1", "0", "0", "0", "5"]


def test_the_filters_narrow_to_a_form_and_a_theme(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead_b"])
    a, b = world["form_a"], world["form_b"]
    html = _html(client, _year_url(), tyomuoto=a.slug)
    assert world["a_planned"].text in html and world["a_achieved"].text in html
    for name in ("b_running", "association_goal", "group_goal"):
        assert world[name].text not in html, name
    assert f'<option value="{a.slug}" selected>' in html
    assert f"{_year_url(PREVIOUS)}?tyomuoto={a.slug}" in html  # the year links keep the filter
    html = _html(client, _year_url(), painopiste="T1")
    assert world["a_planned"].text in html and world["b_running"].text in html
    for name in ("a_achieved", "association_goal", "group_goal"):
        assert world[name].text not in html, name
    html = _html(client, _year_url(), painopiste="muu")
    assert world["association_goal"].text in html and world["a_planned"].text not in html
    html = _html(client, _year_url(), tyomuoto=b.slug, painopiste="T2")
    assert "Rajauksilla ei löytynyt tavoitteita." in html
    # Unknown values show the whole plan.
    html = _html(client, _year_url(), tyomuoto="ei-ole", painopiste="T9")
    for name in GOALS_OF_YEAR:
        assert world[name].text in html, name


# --------------------------------------------------------------------------- who keeps goals


def _links_on_year_page(client: Client, world: dict[str, Any]) -> dict[str, bool]:
    html = _html(client, _year_url())
    return {name: reverse("planning:edit", args=[world[name].pk]) in html for name in GOALS_OF_YEAR}


def test_the_edit_links_are_the_keepers(client: Client, world: dict[str, Any]) -> None:
    expected = {
        "director": dict.fromkeys(GOALS_OF_YEAR, True),
        "lead_a": {
            "a_planned": True,
            "a_achieved": True,
            "b_running": False,
            "association_goal": False,
            "group_goal": False,
        },
        "lead_b": {**dict.fromkeys(GOALS_OF_YEAR, False), "b_running": True},
        "worker_a": dict.fromkeys(GOALS_OF_YEAR, False),
        "finance": dict.fromkeys(GOALS_OF_YEAR, False),
    }
    for who, links in expected.items():
        client.logout()
        login_verified(client, world[who])
        assert _links_on_year_page(client, world) == links, who
        html = _html(client, _year_url())
        keeps = who in {"director", "lead_a", "lead_b"}
        assert (reverse("planning:add", args=[YEAR]) in html) is keeps, who
        assert ("Lisää tavoite" in html) is keeps, who
        assert ('href="/suunnitelma/tavoite/' in html) is keeps, who


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("director", set(GOALS_OF_YEAR)),
        ("lead_a", {"a_planned", "a_achieved"}),
        ("lead_b", {"b_running"}),
        ("worker_a", set()),
        ("finance", set()),
        ("other director", set()),
        ("anonymous", set()),
    ],
)
def test_a_goals_pages_answer_404_to_all_but_its_keepers(
    client: Client, world: dict[str, Any], who: str, allowed: set[str]
) -> None:
    if who == "other director":
        login_verified(client, org_role_user(OrganisationFactory.create(), Role.EXECUTIVE_DIRECTOR))
    elif who != "anonymous":
        login_verified(client, world[who])
    for name in GOALS_OF_YEAR:
        for url in _goal_urls(world[name]):
            response = client.get(url)
            if who == "anonymous":
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("accounts:login"))
            else:
                assert response.status_code == (200 if name in allowed else 404), (who, url)
        if name not in allowed and who != "anonymous":
            goal = world[name]
            edit, assess, remove = _goal_urls(goal)
            data = {"text": "MUUTETTU", "order": "1", "version": str(goal.version)}
            assert client.post(edit, data).status_code == 404
            data = {"status": "achieved", "assessment": "x" * 10, "version": str(goal.version)}
            assert client.post(assess, data).status_code == 404
            assert client.post(remove, {"reason": "kirjattu kahdesti"}).status_code == 404
            after = fetched(goal)
            assert (after.text, after.status, after.version) == (
                goal.text,
                goal.status,
                goal.version,
            )
    assert client.get(reverse("planning:edit", args=[987654])).status_code in (302, 404)


# --------------------------------------------------------------------------- adding


def _owner_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="owner".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))


def test_who_may_add_and_for_whom(client: Client, world: dict[str, Any]) -> None:
    url = reverse("planning:add", args=[YEAR])
    a, b, group = world["form_a"], world["form_b"], world["group"]
    for who in ("worker_a", "finance"):
        login_verified(client, world[who])
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"owner": f"form-{a.pk}", "text": "x"}).status_code == 404, who
        client.logout()
    login_verified(client, world["director"])
    html = _html(client, url)
    assert _owner_options(html) == [
        ("", "Valitse"),
        ("association", "Koko yhdistys"),
        (f"form-{a.pk}", "Perhetyö"),
        (f"form-{b.pk}", "Turvakoti"),
        (f"group-{group.pk}", "Kehittämistyöryhmä"),
    ]
    html = _html(client, url, tyomuoto=b.slug)
    assert f'<option value="form-{b.pk}" selected>' in html
    html = _html(client, url, omistaja=f"group-{group.pk}")
    assert f'<option value="group-{group.pk}" selected>' in html
    # The themes of the year's strategy period, and "other".
    assert "Muu, ei painopistettä" in html and "T5 Vakaa talous" in html
    client.logout()
    login_verified(client, world["lead_a"])
    html = _html(client, url)
    assert _owner_options(html) == [(f"form-{a.pk}", "Perhetyö")]
    assert f'<option value="form-{a.pk}" selected>' in html
    # Another form's owner is not a choice for a lead.
    response = client.post(url, {"owner": f"form-{b.pk}", "text": "Toisen työmuodon tavoite"})
    assert response.status_code == 400
    assert "Valitse listasta." in response.content.decode()
    response = client.post(url, {"owner": "association", "text": "Yhdistyksen tavoite"})
    assert response.status_code == 400
    with scopes_disabled():
        assert not AnnualGoal.objects.filter(text__in=["Toisen työmuodon tavoite"]).exists()


def test_a_goal_is_added(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["director"])
    url = reverse("planning:add", args=[YEAR + 1])
    theme = world["themes"]["T3"]
    response = client.post(
        url,
        {"owner": f"group-{world['group'].pk}", "theme": theme.pk, "text": "  Uusi tavoite.  "},
    )
    assert response.status_code == 302
    with scopes_disabled():
        goal = AnnualGoal.objects.get(text="Uusi tavoite.")
    assert (goal.year, goal.working_group_id, goal.service_form_id, goal.theme_id) == (
        YEAR + 1,
        world["group"].pk,
        None,
        theme.pk,
    )
    assert response["Location"] == f"{_year_url(YEAR + 1)}#tavoite-{goal.pk}"
    assert "Tavoite lisätty." in client.get(response["Location"]).content.decode()


def test_bad_input_on_adding_is_finnish_and_keeps_what_was_typed(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["director"])
    url = reverse("planning:add", args=[YEAR])
    a = world["form_a"]
    response = client.post(url, {"owner": "", "theme": "", "text": "   "})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Valitse, kenen tavoite on." in html and "Kirjoita tavoite." in html
    assert 'aria-invalid="true"' in html
    response = client.post(
        url, {"owner": f"form-{a.pk}", "theme": "987654", "text": "Kirjoitettu tavoite"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Valitse painopiste listasta." in html
    assert "Kirjoitettu tavoite</textarea>" in html
    assert f'<option value="form-{a.pk}" selected>' in html
    response = client.post(url, {"owner": f"form-{a.pk}", "text": "x" * 1001})
    assert response.status_code == 400
    assert "Tavoite on liian pitkä (enintään 1000 merkkiä)." in response.content.decode()
    # A theme of an ended strategy period is not offered for the year.
    old = theme(world["organisation"], "V1", "Vanha painopiste", start_year=2019, end_year=2023)
    html = _html(client, url)
    assert "Vanha painopiste" not in html
    response = client.post(url, {"owner": f"form-{a.pk}", "theme": old.pk, "text": "Tavoite"})
    assert response.status_code == 400
    assert "Valitse painopiste listasta." in response.content.decode()


# --------------------------------------------------------------------------- editing, assessing


def test_the_lead_edits_a_goal(client: Client, world: dict[str, Any]) -> None:
    goal = world["a_planned"]
    login_verified(client, world["lead_a"])
    url = reverse("planning:edit", args=[goal.pk])
    html = _html(client, url)
    assert f"{goal.text}</textarea>" in html
    assert f'name="version" value="{goal.version}"' in html
    response = client.post(
        url,
        {"theme": "", "text": "Tarkennettu tavoite.", "order": "7", "version": goal.version},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_year_url()}#tavoite-{goal.pk}"
    after = fetched(goal)
    assert (after.text, after.theme_id, after.order, after.version) == (
        "Tarkennettu tavoite.",
        None,
        7,
        goal.version + 1,
    )


def test_bad_input_on_editing_is_finnish_and_keeps_what_was_typed(
    client: Client, world: dict[str, Any]
) -> None:
    goal = world["a_planned"]
    login_verified(client, world["lead_a"])
    url = reverse("planning:edit", args=[goal.pk])
    response = client.post(
        url, {"theme": "", "text": "Uusi muotoilu", "order": "kaksi", "version": goal.version}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Anna järjestys kokonaislukuna." in html
    assert "Uusi muotoilu</textarea>" in html and 'value="kaksi"' in html
    response = client.post(url, {"theme": "", "text": "", "order": "-1", "version": ""})
    html = response.content.decode()
    assert "Kirjoita tavoite." in html
    assert "Anna luku, joka on nolla tai suurempi." in html
    assert "Lomakkeelta puuttuu versiotieto. Lataa sivu uudelleen." in html
    assert fetched(goal).text == goal.text


def test_a_version_conflict_keeps_what_was_typed_and_shows_the_saved_goal(
    client: Client, world: dict[str, Any]
) -> None:
    goal = world["a_planned"]
    seen = goal.version
    # The director saves the goal while the lead has the form open.
    services.goal_update(actor=world["director"], goal=goal, version=seen, text="Johtajan teksti.")
    login_verified(client, world["lead_a"])
    url = reverse("planning:edit", args=[goal.pk])
    data = {"theme": "", "text": "Vetäjän teksti.", "order": "3", "version": seen}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 409
    assert str(CONFLICT_MESSAGE) in html
    assert "Vetäjän teksti.</textarea>" in html  # what was typed
    assert "Tavoite on nyt tallennettu näin" in html and "Johtajan teksti." in html
    assert f'name="version" value="{seen + 1}"' in html  # saving again is deliberate
    assert fetched(goal).text == "Johtajan teksti."
    response = client.post(url, {**data, "version": seen + 1})
    assert response.status_code == 302
    assert fetched(goal).text == "Vetäjän teksti."


def test_the_lead_assesses_a_goal_and_bad_input_is_finnish(
    client: Client, world: dict[str, Any]
) -> None:
    goal = world["a_planned"]
    login_verified(client, world["lead_a"])
    url = reverse("planning:assess", args=[goal.pk])
    html = _html(client, url)
    assert '<option value="planned" selected>' in html
    data = {"status": "partly", "assessment": "", "evidence": "Tilastot, kevät", "version": 1}
    response = client.post(url, {**data, "version": goal.version})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kirjoita lyhyesti, miten tavoite on edennyt." in html
    assert "Tilastot, kevät</textarea>" in html and '<option value="partly" selected>' in html
    response = client.post(url, {**data, "status": "valmis", "version": goal.version})
    assert "Valitse tila listasta." in response.content.decode()
    response = client.post(
        url, {**data, "assessment": "Puolet ryhmistä aloitettu.", "version": goal.version}
    )
    assert response.status_code == 302
    after = fetched(goal)
    assert (after.status, after.assessment, after.evidence, after.assessed_by_id) == (
        "partly",
        "Puolet ryhmistä aloitettu.",
        "Tilastot, kevät",
        world["lead_a"].pk,
    )
    # The old version is a conflict, with what was typed kept.
    response = client.post(
        url, {**data, "status": "achieved", "assessment": "Valmis.", "version": goal.version}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert str(CONFLICT_MESSAGE) in html
    assert "Valmis.</textarea>" in html and "Puolet ryhmistä aloitettu." in html
    assert fetched(goal).status == "partly"


# --------------------------------------------------------------------------- removing


def test_the_keeper_removes_a_goal_with_a_reason(client: Client, world: dict[str, Any]) -> None:
    goal = world["b_running"]
    login_verified(client, world["lead_b"])
    url = reverse("planning:remove", args=[goal.pk])
    html = _html(client, url)
    assert goal.text in html and "Poiston syy" in html
    response = client.post(url, {"reason": "abc"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kirjoita poistolle syy (vähintään 5 merkkiä)." in html and 'value="abc"' in html
    response = client.post(url, {"reason": "kirjattu kahdesti"})
    assert response.status_code == 302
    assert response["Location"] == _year_url()
    with scopes_disabled():
        assert not AnnualGoal.objects.filter(pk=goal.pk).exists()
        removed = AnnualGoal.history.get(id=goal.pk, history_type="-")
    assert (removed.history_user, removed.history_change_reason) == (
        world["lead_b"],
        "kirjattu kahdesti",
    )


# --------------------------------------------------------------------------- carry-over


def _carry_buttons(html: str) -> list[str]:
    return re.findall(r'name="tyomuoto" value="([^"]*)"', html.split('id="carry-title"')[-1])


def test_the_carry_over_buttons_are_the_keepers(client: Client, world: dict[str, Any]) -> None:
    a = world["form_a"]
    for who, buttons in [
        ("director", ["", a.slug]),
        ("lead_a", [a.slug]),
        ("lead_b", []),
        ("worker_a", []),
        ("finance", []),
    ]:
        client.logout()
        login_verified(client, world[who])
        html = _html(client, _year_url())
        assert ('id="carry-title"' in html) is bool(buttons), who
        if buttons:
            assert _carry_buttons(html) == buttons, who
            assert f"Kopioi keskeneräiset tavoitteet vuodelta {PREVIOUS}" in html


def test_a_carry_over_button_goes_once_everything_is_copied(
    client: Client, world: dict[str, Any]
) -> None:
    a = world["form_a"]
    login_verified(client, world["director"])
    assert _carry_buttons(_html(client, _year_url())) == ["", a.slug]
    client.post(reverse("planning:carry_over", args=[YEAR]), {"tyomuoto": a.slug})
    # Form A's unfinished goal is in this year's plan now: only the association's button stays.
    assert _carry_buttons(_html(client, _year_url())) == [""]
    client.post(reverse("planning:carry_over", args=[YEAR]), {"tyomuoto": ""})
    assert 'id="carry-title"' not in _html(client, _year_url())


def test_a_lead_of_an_inactive_form_is_not_offered_adding(
    client: Client, world: dict[str, Any]
) -> None:
    with scopes_disabled():
        world["form_b"].active = False
        world["form_b"].save(update_fields=["active"])
    login_verified(client, world["lead_b"])
    html = _html(client, _year_url())
    assert reverse("planning:add", args=[YEAR]) not in html
    assert client.get(reverse("planning:add", args=[YEAR])).status_code == 404
    client.logout()
    login_verified(client, world["lead_a"])
    assert reverse("planning:add", args=[YEAR]) in _html(client, _year_url())


def test_carry_over_copies_only_the_unfinished_goals(client: Client, world: dict[str, Any]) -> None:
    a = world["form_a"]
    url = reverse("planning:carry_over", args=[YEAR])
    login_verified(client, world["lead_a"])
    assert client.get(url).status_code == 405
    assert client.post(url, {"tyomuoto": ""}).status_code == 404  # the association's: the ED's
    assert client.post(url, {"tyomuoto": world["form_b"].slug}).status_code == 404
    response = client.post(url, {"tyomuoto": a.slug})
    assert response.status_code == 302
    assert response["Location"] == f"{_year_url()}?tyomuoto={a.slug}"
    html = client.get(response["Location"]).content.decode()
    assert f"1 keskeneräinen tavoite kopioitu vuodelta {PREVIOUS}." in html
    assert "VANHA-KESKENERÄINEN" in html and "VANHA-VALMIS" not in html
    with scopes_disabled():
        copied = AnnualGoal.objects.get(year=YEAR, text__startswith="VANHA-KESKENERÄINEN")
    assert (copied.service_form_id, copied.theme_id, copied.status) == (
        a.pk,
        world["themes"]["T3"].pk,
        GoalStatus.PLANNED,
    )
    # Twice copies nothing twice.
    response = client.post(url, {"tyomuoto": a.slug})
    html = client.get(response["Location"]).content.decode()
    assert f"Vuodelta {PREVIOUS} ei ollut kopioitavia keskeneräisiä tavoitteita." in html
    client.logout()
    for who in ("worker_a", "finance", "lead_b"):
        login_verified(client, world[who])
        assert client.post(url, {"tyomuoto": a.slug}).status_code == 404, who
        client.logout()
    login_verified(client, world["director"])
    assert client.post(reverse("planning:carry_over", args=[2101]), {}).status_code == 404
    response = client.post(url, {"tyomuoto": ""})
    assert response["Location"] == _year_url()
    with scopes_disabled():
        texts = set(AnnualGoal.objects.filter(year=YEAR).values_list("text", flat=True))
    assert "VANHA-YHDISTYS jäsenkysely." in texts
    assert "VANHA-VALMIS kotikäyntien malli." not in texts


# --------------------------------------------------------------------------- queries, links


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_year_url()).status_code == 200
    return len(queries)


def test_the_year_page_takes_a_constant_number_of_queries(
    client: Client, world: dict[str, Any]
) -> None:
    director = world["director"]
    login_verified(client, director)
    client.get(_year_url())  # warm up the session
    before = _queries(client)
    org = world["organisation"]
    for n in range(3):
        form = service_form(org, f"Lisätyömuoto {n}", f"lisa-{n}")
        lead = worker_in(form, role=Role.LEAD)
        for k, code in enumerate(("T1", "T2", "T5")):
            add_goal(
                lead,
                YEAR,
                f"Lisätavoite {n}.{k}",
                service_form=form,
                theme=world["themes"][code],
                status=GoalStatus.IN_PROGRESS,
                assessment="Etenee.",
            )
        add_goal(lead, PREVIOUS, f"Vanha lisätavoite {n}", service_form=form)
        add_goal(director, YEAR, f"Työryhmän lisätavoite {n}", working_group=world["group"])
    assert _queries(client) == before
    login_verified(client, world["worker_a"])
    client.get(_year_url())
    assert _queries(client) <= before


def test_the_navigation_links_to_the_plan_for_those_who_keep_goals(
    client: Client, world: dict[str, Any]
) -> None:
    index = reverse("planning:index")
    for who, in_nav in [
        ("director", True),
        ("lead_a", True),
        ("worker_a", False),
        ("finance", False),
    ]:
        client.logout()
        login_verified(client, world[who])
        html = _html(client, reverse("core:dashboard"))
        assert (f'href="{index}"' in html) is in_nav, who
