"""Staff-recorded feedback (FBK-02) and the team's feedback list: paper and oral answers marked
as such, a double submit stores one, errors keep what was typed, a linked answer's person and
free text only for those who see its episode, anonymous free text only from groups of five."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import resolve, reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, client_in, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.surveys.models import Channel, Item, ItemKind, QuestionnaireVersion, Response
from tupa.surveys.recorded import services
from tupa.surveys.recorded.services import AnswersInvalid
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db

ITEMS = {"overall": (ItemKind.SCALE5, True), "free": (ItemKind.TEXT, False)}


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Baby blues", slug="baby-blues")
    worker = worker_in(form)
    mother, episode = client_in(form, first_names="Kaislikko")
    version = published_questionnaire(form, actor=worker, items=ITEMS)
    return {"form": form, "worker": worker, "mother": mother, "episode": episode, "v": version}


def _record(w: dict[str, Any], key: str, **fields: Any) -> Response:
    args: dict[str, Any] = {
        "actor": w["worker"],
        "version": w["v"],
        "service_form": w["form"],
        "channel": Channel.PAPER,
        "raw": {"overall": "4", "free": "Hyvä paikka"},
        "form_key": key.ljust(32, "0"),
        "submitted_on": dt.date(2026, 6, 12),
        "anonymous": True,
        **fields,
    }
    with scopes_disabled():
        return services.feedback_record(**args)


# ----------------------------------------------------------------------------- services


def test_a_paper_answer_is_marked_and_anonymous_keeps_only_the_month(world: dict[str, Any]) -> None:
    response = _record(world, "a")
    assert (response.channel, response.recorded_by_id) == (Channel.PAPER, world["worker"].pk)
    assert response.submitted_on == dt.date(2026, 6, 1)
    assert response.episode_id is None and response.person_id is None


def test_paper_may_skip_a_required_question_in_person_may_not(world: dict[str, Any]) -> None:
    assert _record(world, "b", raw={"free": "vain teksti"}).pk
    with pytest.raises(AnswersInvalid) as caught:
        _record(world, "c", raw={"free": "vain teksti"}, channel=Channel.IN_PERSON)
    assert set(caught.value.errors) == {"overall"}


def test_the_same_form_key_stores_one_answer_set(world: dict[str, Any]) -> None:
    first = _record(world, "d")
    second = _record(world, "d")
    assert first.pk == second.pk
    with scopes_disabled():
        assert Response.objects.count() == 1


def test_the_key_is_the_recorders_own(world: dict[str, Any]) -> None:
    first = _record(world, "e")
    colleague = worker_in(world["form"])
    second = _record(world, "e", actor=colleague)
    assert first.pk != second.pk


def test_who_may_record(world: dict[str, Any]) -> None:
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        _record(world, "f", actor=director)
    outsider_form = ServiceFormFactory.create(organisation=world["form"].organisation)
    with pytest.raises(PermissionDenied):
        _record(world, "g", actor=worker_in(outsider_form))


def test_a_linked_answer_needs_a_participant_of_a_visible_episode(world: dict[str, Any]) -> None:
    response = _record(
        world, "h", anonymous=False, episode=world["episode"], person=world["mother"]
    )
    assert response.person_id == world["mother"].pk
    assert response.submitted_on == dt.date(2026, 6, 12)
    _other, other_episode = client_in(world["form"])
    with pytest.raises(ValidationError):
        _record(world, "i", anonymous=False, episode=other_episode, person=world["mother"])


def test_an_outcome_measure_is_never_anonymous_and_needs_a_point(world: dict[str, Any]) -> None:
    measure = published_questionnaire(
        world["form"], actor=world["worker"], items=ITEMS, name="Mittari", is_outcome_measure=True
    )
    with pytest.raises(ValidationError) as caught:
        _record(world, "j", version=measure)
    assert set(caught.value.message_dict) == {"respondent", "measurement_point"}
    assert services.versions_for(world["form"], linked=False) == [world["v"]]


def test_a_future_day_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        _record(world, "k", submitted_on=dt.date(2026, 6, 16))
    assert "submitted_on" in caught.value.message_dict


# -------------------------------------------------------------------------------- views


def test_an_error_keeps_everything_typed(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    url = reverse("surveys:record_new", args=["baby-blues"])
    page = client.get(url)
    assert page.status_code == 200  # one questionnaire: its form at once
    key = page.context["form"].initial["form_key"]
    response = client.post(
        url,
        {
            "version": world["v"].pk,
            "form_key": key,
            "channel": Channel.ORAL,
            "submitted_on": "2026-06-12",
            "respondent": "anonymous",
            "overall": "9",
            "free": "Sanoi puhelimessa, että ryhmä auttoi",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Valitse arvo väliltä 1–5." in html
    assert "Sanoi puhelimessa, että ryhmä auttoi" in html
    assert 'value="oral" ' in html and "checked" in html
    response = client.post(
        url,
        {
            "version": world["v"].pk,
            "form_key": key,
            "channel": Channel.ORAL,
            "submitted_on": "2026-06-12",
            "overall": "5",
            "free": "Sanoi puhelimessa, että ryhmä auttoi",
        },
    )
    assert response.status_code == 302
    # The same form sent twice stores one.
    client.post(
        url,
        {
            "version": world["v"].pk,
            "form_key": key,
            "channel": Channel.ORAL,
            "submitted_on": "2026-06-12",
            "overall": "5",
        },
    )
    with scopes_disabled():
        assert Response.objects.filter(channel=Channel.ORAL).count() == 1


def test_linked_paper_feedback_from_the_episode(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    url = reverse("surveys:record_new", args=["baby-blues"])
    page = client.get(url, {"asiakkuus": world["episode"].pk})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["respondent"] == "anonymous"  # the default; the worker may link it
    response = client.post(
        url,
        {
            "asiakkuus": world["episode"].pk,
            "version": world["v"].pk,
            "form_key": form.initial["form_key"],
            "channel": Channel.PAPER,
            "submitted_on": "2026-06-10",
            "respondent": world["mother"].pk,
            "free": "Paperilla: kiitos",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{world['episode'].pk}/#palaute")
    with scopes_disabled():
        stored = Response.objects.get()
    assert (stored.person_id, stored.episode_id, stored.anonymous) == (
        world["mother"].pk,
        world["episode"].pk,
        False,
    )
    assert stored.submitted_on == dt.date(2026, 6, 10)


def test_the_shelter_has_no_recording_form(client: Client, world: dict[str, Any]) -> None:
    shelter = ServiceFormFactory.create(
        organisation=world["form"].organisation,
        slug="turvakoti",
        kind=ServiceForm.Kind.RESIDENTIAL,
        violence_work="victim",
    )
    login_verified(client, worker_in(shelter))
    response = client.get(reverse("surveys:record_new", args=["turvakoti"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "THL:n valtakunnallisella" in html and "<form" not in html.split("<main", 1)[1]


def test_recording_is_404_without_the_rule(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR))
    assert client.get(reverse("surveys:record_new", args=["baby-blues"])).status_code == 404


def test_the_list_shows_the_person_only_to_those_who_see_the_episode(
    client: Client, world: dict[str, Any]
) -> None:
    _record(
        world,
        "l",
        anonymous=False,
        episode=world["episode"],
        person=world["mother"],
        raw={"overall": "2", "free": "Salainen kommentti"},
    )
    url = reverse("surveys:feedback", args=["baby-blues"])
    login_verified(client, world["worker"])
    html = client.get(url).content.decode()
    assert "Kaislikko Keksitty" in html and "Salainen kommentti" in html
    assert "Paperilomake (tallennettu)" in html
    with scopes_disabled():
        assert AccessEvent.objects.filter(
            user=world["worker"], subject_id=str(world["mother"].pk), view_name="surveys:feedback"
        ).exists()
    client.logout()
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nimetty vastaus." in html and "2/5" in html
    assert "Kaislikko" not in html and "Salainen kommentti" not in html
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=director).exists()


def test_anonymous_free_text_needs_five_answers_in_the_month(
    client: Client, world: dict[str, Any]
) -> None:
    for n in range(4):
        _record(world, f"m{n}", raw={"overall": "4", "free": f"Teksti {n}"})
    login_verified(client, world["worker"])
    url = reverse("surveys:feedback", args=["baby-blues"])
    html = client.get(url).content.decode()
    assert "Teksti 0" not in html and "&lt; 5 vastausta" in html
    assert "6/2026" in html and "12.6.2026" not in html
    _record(world, "m4", raw={"overall": "4", "free": "Teksti 4"})
    html = client.get(url).content.decode()
    assert all(f"Teksti {n}" in html for n in range(5))


def test_anonymous_free_text_needs_five_answers_in_the_month_and_version(
    client: Client, world: dict[str, Any]
) -> None:
    """Version 2 starts on a known day: its one anonymous answer is alone in it, however many
    answered version 1 that month (the results page and the export count so too)."""
    for n in range(5):
        _record(world, f"v{n}", raw={"overall": "4", "free": f"Ensimmäinen {n}"})
    with scopes_disabled():
        v2 = QuestionnaireVersion.objects.create(
            questionnaire=world["v"].questionnaire,
            number=2,
            title_fi="Uusi",
            status=QuestionnaireVersion.Status.PUBLISHED,
            published_at=dt.datetime(2026, 6, 10, tzinfo=dt.UTC),
        )
        for order, (code, (kind, required)) in enumerate(ITEMS.items(), start=1):
            Item.objects.create(
                version=v2, order=order, code=code, kind=kind, required=required, text_fi=code
            )
    _record(world, "w0", version=v2, raw={"overall": "2", "free": "Toisen version ainoa"})
    login_verified(client, world["worker"])
    html = client.get(reverse("surveys:feedback", args=["baby-blues"])).content.decode()
    assert all(f"Ensimmäinen {n}" in html for n in range(5))
    assert "Toisen version ainoa" not in html and "&lt; 5 vastausta" in html


def test_anonymous_free_text_needs_five_answers_by_the_same_channel(
    client: Client, world: dict[str, Any]
) -> None:
    """The channel is shown beside each answer: the one oral feedback of the month is alone
    among five paper forms (whoever heard it, or saw it heard, knows whose it is)."""
    for n in range(5):
        _record(world, f"p{n}", raw={"overall": "4", "free": f"Paperilla {n}"})
    _record(world, "o0", channel=Channel.ORAL, raw={"overall": "2", "free": "Suullisesti yksin"})
    login_verified(client, world["worker"])
    html = client.get(reverse("surveys:feedback", args=["baby-blues"])).content.decode()
    assert all(f"Paperilla {n}" in html for n in range(5))
    assert "Suullisesti yksin" not in html and "&lt; 5 vastausta" in html


def test_anonymous_answers_are_not_listed_in_the_order_they_came(
    client: Client, world: dict[str, Any]
) -> None:
    """The id order would tell which anonymous answer came first (and so match it to the day an
    invitation was answered): within a month the list is in the order of the hashed key."""
    stored = [_record(world, f"t{n}", raw={"overall": str(1 + n % 5)}) for n in range(8)]
    login_verified(client, world["worker"])
    rows = client.get(reverse("surveys:feedback", args=["baby-blues"])).context["rows"]
    listed = [r.response.pk for r in rows]
    assert listed == [r.pk for r in sorted(stored, key=lambda r: r.submission_key)]
    assert listed not in (sorted(listed), sorted(listed, reverse=True))
    assert (
        "vastaus-1" in client.get(reverse("surveys:feedback", args=["baby-blues"])).content.decode()
    )


def test_the_filters(client: Client, world: dict[str, Any]) -> None:
    _record(world, "n", channel=Channel.ORAL, raw={"overall": "1"})
    _record(world, "o", raw={"overall": "3"}, submitted_on=dt.date(2026, 4, 3))
    login_verified(client, world["worker"])
    url = reverse("surveys:feedback", args=["baby-blues"])
    assert client.get(url, {"kanava": "oral"}).context["page"].paginator.count == 1
    assert client.get(url, {"alkaen": "2026-05-15"}).context["page"].paginator.count == 1
    assert (
        client.get(url, {"kysely": world["v"].questionnaire_id}).context["page"].paginator.count
        == 2
    )
    assert client.get(url, {"kanava": "nonsense"}).status_code == 200


def test_the_list_is_404_for_another_forms_worker(client: Client, world: dict[str, Any]) -> None:
    other = ServiceFormFactory.create(organisation=world["form"].organisation)
    login_verified(client, worker_in(other))
    assert client.get(reverse("surveys:feedback", args=["baby-blues"])).status_code == 404


def test_the_list_adds_no_query_per_response(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        _record(world, f"p{n}")
    _record(world, "q", anonymous=False, episode=world["episode"], person=world["mother"])
    login_verified(client, world["worker"])
    url = reverse("surveys:feedback", args=["baby-blues"])
    with django_assert_max_num_queries(60) as captured:
        assert client.get(url).status_code == 200
    baseline = len(captured)
    for n in range(20):
        _record(world, f"r{n}")
    for n in range(3):
        person, episode = client_in(world["form"])
        _record(world, f"s{n}", anonymous=False, episode=episode, person=person)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("surveys:record_new", {"slug": "x"}),
        ("surveys:feedback", {"slug": "x"}),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any]) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == "object_scoped"


@pytest.mark.parametrize("chosen", ["²", "99999999999999999999", "x"])
def test_a_spoilt_questionnaire_in_the_address_is_ignored(
    client: Client, world: dict[str, Any], chosen: str
) -> None:
    """``?kysely=`` picks the questionnaire; "²" passed ``str.isdigit()`` and then ``int()``
    refused it (a 500). Now the page asks which questionnaire, as without the parameter."""
    login_verified(client, world["worker"])
    url = reverse("surveys:record_new", args=["baby-blues"])
    assert client.get(url, {"kysely": chosen}).status_code == 200
    assert client.post(url, {"version": chosen}).status_code in (200, 400)
