"""Access and privacy on the shelter's own pages: the 24 h line, turn-aways, the shift log, the place
calendar, THL data entry and the year-end check, stays and stay members.

Pinned here (not pinned elsewhere):

- a **turvakielto canary sweep** over every page of these apps, as a member of the unit: a
  protected mother's street address, post office, phone, e-mail and home municipality appear on
  none of them;
- the **GDPR art. 18 rule "hidden from lists"** on the lists of these apps other than the
  occupancy page (which ``test_processing_restriction`` pins): the place calendar, the shift log,
  the shift note form's episode choices and the THL year-end check name no restricted person
  and log no access to her;
- a **URL sweep** of every URL of these apps (GET and POST, with foreign pks) for the users who
  must get 404: another unit's member, a co-worker *assigned* to the family from another unit,
  another organisation, finance, the DPO, the administrator, a drop-in lead — and the executive
  director, except the aggregate pages the policy gives her.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ServiceFormFactory,
    org_role_user,
    own_activity_form,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment
from tupa.organisations.models import Municipality, ServiceForm
from tupa.people.models import Restriction
from tupa.people.tests.test_processing_restriction import restrict
from tupa.residential.line import services as line_services
from tupa.residential.models import LineContact, ShiftNote, TurnAway
from tupa.residential.shiftlog import services as shift_services
from tupa.residential.turnaways import services as turnaway_services

from .support import admit, family, t, victim_shelter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now")]

NOW = t(2026, 3, 10, 19)  # evening shift of 10.3.2026 (Helsinki)

ADDRESS = "Kanariakuja 13 B 7"
POST_OFFICE = "KANARIALA"
PHONE = "+358 40 1234 5678"
EMAIL = "kanaria.suojattu@example.invalid"
MUNICIPALITY = "Kanarianmäki"
CANARIES = (ADDRESS, POST_OFFICE, "1234 5678", EMAIL, MUNICIPALITY)


@pytest.fixture
def world() -> dict[str, Any]:
    form = victim_shelter(places=3)
    org = form.organisation
    member = worker_in(form)
    lead = worker_in(form, role=Role.LEAD)

    # Family A: the protected mother (turvakielto, canaries in every restricted field).
    a_episode, a_members = family(form, children=1)
    mother = a_members[0].person
    municipality = Municipality.objects.create(
        code="996", name_fi=MUNICIPALITY, name_sv=MUNICIPALITY
    )
    with scopes_disabled():
        mother.first_names, mother.last_name = "Suojattu", "Turvakieltola"
        mother.street_address, mother.postal_code, mother.post_office = (
            ADDRESS,
            "99999",
            POST_OFFICE,
        )
        mother.phone, mother.email, mother.municipality = PHONE, EMAIL, municipality
        mother.save()
        Restriction.objects.create(
            person=mother, kind="turvakielto", valid_from=dt.date(2020, 1, 1), created_by=member
        )
    stay_a = admit(member, form, a_episode, a_members, "p1", t(2025, 12, 20, 18))

    # Family B: a mother whose processing the DPO will restrict (GDPR art. 18).
    b_episode, b_members = family(form, children=0)
    b_mother = b_members[0].person
    with scopes_disabled():
        b_mother.first_names, b_mother.last_name = "Rajoitettu", "Käsittelylä"
        b_mother.save()
    stay_b = admit(member, form, b_episode, b_members, "p2", t(2025, 12, 28, 12))
    with scope(organisation=org):
        note = shift_services.shift_note_write(
            actor=member,
            service_form=form,
            text="Perheet rauhallisia.",
            episodes=[a_episode, b_episode],
        )
        turn_away = turnaway_services.turnaway_record(
            actor=member,
            service_form=form,
            reason=TurnAway.Reason.NO_PLACE,
            directed_to=TurnAway.DirectedTo.OTHER_SHELTER,
        )
        line_services.line_contact_record(
            actor=member,
            service_form=form,
            caller=LineContact.Caller.values[0],
            outcome=LineContact.Outcome.values[0],
            referred_to="Palvelu",
        )
    return {
        "form": form,
        "member": member,
        "lead": lead,
        "a": (a_episode, a_members),
        "b": (b_episode, b_members),
        "mother": mother,
        "b_mother": b_mother,
        "stay_a": stay_a,
        "stay_b": stay_b,
        "note": note,
        "turn_away": turn_away,
    }


def _pages(w: dict[str, Any]) -> list[str]:
    """Every GET page of the residential apps in scope that a member of the unit reaches."""
    slug = w["form"].slug
    a_episode = w["a"][0]
    stay_a = w["stay_a"]
    a_child = w["a"][1][1]
    with scopes_disabled():
        child_member = stay_a.members.get(participant=a_child)
    return [
        reverse("residential:occupancy", args=[slug]),
        reverse("residential:admit", args=[a_episode.pk]),
        reverse("residential:discharge", args=[stay_a.pk]),
        reverse("residential:move", args=[stay_a.pk]),
        reverse("residential:stay_members", args=[stay_a.pk]),
        reverse("residential:member_add", args=[stay_a.pk]),
        reverse("residential:member_depart", args=[stay_a.pk, child_member.pk]),
        reverse("residential:calendar", args=[slug]),
        reverse("residential:calendar", args=[slug]) + "?kuukausi=2025-12",
        reverse("residential:occupancy_chart", args=[slug]),
        reverse("residential:shift_log", args=[slug]),
        reverse("residential:shift_note_write", args=[slug]),
        reverse("residential:shift_note_correct", args=[w["note"].pk]),
        reverse("residential:turnaway_list", args=[slug]),
        reverse("residential:turnaway_entry", args=[slug]),
        reverse("residential:turnaway_edit", args=[w["turn_away"].pk]),
        reverse("residential:turnaway_delete", args=[w["turn_away"].pk]),
        reverse("residential:line_entry", args=[slug]),
        reverse("residential:thl_episode", args=[a_episode.pk]),
        reverse("residential:thl_year_end", args=[slug, 2025]),
        reverse("residential:thl_year_end", args=[slug, 2026]),
    ]


# --------------------------------------------------------------------------- turvakielto


def test_no_page_shows_a_protected_persons_address_municipality_or_contact_data(
    client: Client, world: dict[str, Any]
) -> None:
    """The canaries are in the mother's restricted fields; her name is on the pages, so the
    pages do reach her record."""
    login_verified(client, world["member"])
    name_seen = False
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        name_seen = name_seen or "Turvakieltola" in html
        for canary in CANARIES:
            assert canary not in html, (url, canary)
    assert name_seen


# --------------------------------------------------------------------------- GDPR art. 18


@pytest.mark.parametrize(
    "page",
    ["calendar", "shift_log", "shift_note_write", "thl_year_end"],
)
def test_a_restricted_person_is_not_named_on_the_units_lists(
    client: Client, world: dict[str, Any], page: str
) -> None:
    """While the DPO restricts a person's processing (art. 18) the client lists leave her out
    (``tupa.people.processing``; the occupancy page names her "Käsittelyä rajoitettu"). The
    calendar, the shift log and the year-end check are lists of the unit's families too."""
    form, b_mother = world["form"], world["b_mother"]
    args = [form.slug, 2025] if page == "thl_year_end" else [form.slug]
    url = reverse(f"residential:{page}", args=args)
    if page == "calendar":
        url += "?kuukausi=2025-12"
    login_verified(client, world["member"])
    before = client.get(url).content.decode()
    assert "Rajoitettu Käsittelylä" in before or "Käsittelylä" in before  # named before
    restrict(b_mother)
    with scopes_disabled():
        logged_before = AccessEvent.objects.filter(subject_id=str(b_mother.pk)).count()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Käsittelylä" not in html
    with scopes_disabled():
        assert AccessEvent.objects.filter(subject_id=str(b_mother.pk)).count() == logged_before
    # the other family is still named (the page is not simply empty)
    assert "Turvakieltola" in html


# --------------------------------------------------------------------------- URL sweep


def _outsiders(w: dict[str, Any]) -> dict[str, Any]:
    form = w["form"]
    org = form.organisation
    other_unit = ServiceFormFactory.create(
        organisation=org, area=form.area, kind=ServiceForm.Kind.RESIDENTIAL
    )
    assigned = worker_in(ServiceFormFactory.create(organisation=org, area=form.area))
    with scopes_disabled():
        Assignment.objects.create(
            episode=w["a"][0],
            user=assigned,
            valid_from=dt.date(2026, 1, 1),
            assigned_by=w["lead"],
        )
    return {
        "other unit": worker_in(other_unit),
        "assigned co-worker": assigned,
        "other organisation": worker_in(
            ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL)
        ),
        "finance": org_role_user(org, Role.FINANCE),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "drop-in lead": worker_in(
            own_activity_form(ServiceForm.Kind.DROP_IN, organisation=org), role=Role.LEAD
        ),
        "executive director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    }


#: What the executive director may open: the aggregate THL pages (policy
#: ``residential.thl_summary.view``) and the turn-away counts (``residential.turnaway.stats``).
DIRECTOR_MAY = ("/thl/", "/kaannytetyt/tilastot/")


def test_every_url_is_404_for_outsiders_also_with_a_post(
    client: Client, world: dict[str, Any]
) -> None:
    slug = world["form"].slug
    urls = [
        *_pages(world),
        reverse("residential:turnaway_stats", args=[slug]),
        reverse("residential:line_stats", args=[slug]),
        reverse("residential:thl_summary_default", args=[slug]),
        reverse("residential:thl_summary", args=[slug, 2025]),
        reverse("residential:thl_summary_csv", args=[slug, 2025]),
        reverse("residential:thl_confirm_year_end", args=[world["stay_a"].pk, 2025]),
        reverse("residential:baby_born", args=[world["stay_a"].pk]),
    ]
    with scopes_disabled():
        notes_before = ShiftNote.objects.count()
    for label, user in _outsiders(world).items():
        client.logout()
        login_verified(client, user)
        for url in urls:
            director_page = label == "executive director" and any(p in url for p in DIRECTOR_MAY)
            if director_page and "/asiakkuus/" not in url and "/jakso/" not in url:
                continue
            assert client.get(url).status_code in (404, 405), (label, url)
            assert client.post(url, {"text": "x", "shift": "evening"}).status_code in (
                404,
                405,
            ), (label, url)
        with scopes_disabled():
            assert not AccessEvent.objects.filter(user=user).exists(), label
    with scopes_disabled():
        assert ShiftNote.objects.count() == notes_before
        assert TurnAway.objects.count() == 1
        assert LineContact.objects.count() == 1


def test_a_restricted_persons_episode_cannot_be_linked_to_a_new_shift_note(
    world: dict[str, Any],
) -> None:
    """Art. 18 "no writes": linking her episode to a note records something new about her."""
    form, member = world["form"], world["member"]
    b_episode = world["b"][0]
    restrict(world["b_mother"])
    with scope(organisation=form.organisation), pytest.raises(ValidationError) as exc:
        shift_services.shift_note_write(
            actor=member, service_form=form, text="Huomio.", episodes=[b_episode]
        )
    assert "episodes" in exc.value.message_dict
    with scope(organisation=form.organisation):  # the other family still can be linked
        note = shift_services.shift_note_write(
            actor=member, service_form=form, text="Huomio.", episodes=[world["a"][0]]
        )
    assert note.pk


def test_thl_data_of_a_restricted_person_is_not_saved(world: dict[str, Any]) -> None:
    form, member = world["form"], world["member"]
    b_episode, (b_participant,) = world["b"]
    restrict(world["b_mother"])
    row = {
        "participant": b_participant,
        "client_status": "victim",
        "gender": "female",
        "age_band": "25-34",
        "violence_forms": ["physical"],
        "relationship": "current_partner",
        "stay_order": "first",
        "violence_duration": "1_5y",
    }
    with scope(organisation=form.organisation):
        from tupa.residential.thl import services as thl_services

        with pytest.raises(ValidationError) as exc:
            thl_services.shelter_data_save(actor=member, episode=b_episode, rows=[row])
    assert "rajoitettu" in " ".join(exc.value.messages)
