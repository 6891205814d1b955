"""The client journal: services, the correction chain, the views' access matrix and logging."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ParticipantFactory,
    PersonFactory,
    UserFactory,
    client_in,
    worker_in,
)
from tupa.core.tests.helpers import assert_append_only, login_verified, refused_by_the_database
from tupa.episodes import journal
from tupa.episodes.models import BreakGlass, Entry
from tupa.episodes.tests.journal_support import (
    Family,
    an_hour_ago,
    entry_kwargs,
    make_family,
)

pytestmark = pytest.mark.django_db


def _create(family: Family, actor: User | None = None, **overrides: object) -> Entry:
    kwargs = entry_kwargs(**overrides)
    kwargs.setdefault("participants", [family.mother_p])
    return journal.entry_create(actor=actor or family.worker, episode=family.episode, **kwargs)  # type: ignore[arg-type]


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- entry_create ---------------------------------------------------------------------------


def test_create_records_every_field(family: Family, org_scope: None) -> None:
    occurred = an_hour_ago()
    entry = _create(
        family,
        type="home_visit",
        occurred_at=occurred,
        duration_minutes=90,
        place="client_home",
        place_detail="  Hollola  ",
        text="  Kotikäynti sujui hyvin.  ",
        participants=[family.mother_p, family.child_p],
        co_workers=[family.assigned],  # from another service form (CLI-16)
        external_co_worker="Neuvolan terveydenhoitaja",
        written_with_client=True,
    )
    entry.refresh_from_db()
    assert entry.episode_id == family.episode.pk
    assert entry.author_id == family.worker.pk
    assert (entry.type, entry.place, entry.duration_minutes) == ("home_visit", "client_home", 90)
    assert entry.occurred_at == occurred
    assert entry.place_detail == "Hollola"
    assert entry.text == "Kotikäynti sujui hyvin."
    assert entry.written_with_client is True
    assert entry.external_co_worker == "Neuvolan terveydenhoitaja"
    assert set(entry.participants.values_list("pk", flat=True)) == {
        family.mother_p.pk,
        family.child_p.pk,
    }
    assert list(entry.co_workers.all()) == [family.assigned]
    assert entry.supersedes_id is None and entry.correction_reason == ""


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"type": "seance"}, "type", "Valitse kirjauksen laji."),
        ({"place": "moon"}, "place", "Valitse paikka."),
        ({"duration_minutes": 0}, "duration_minutes", "Keston on oltava 1–1440 minuuttia."),
        ({"duration_minutes": 1441}, "duration_minutes", "Keston on oltava 1–1440 minuuttia."),
        ({"text": "   \n "}, "text", "Kirjoita kirjauksen teksti."),
        (
            {"place_detail": "x" * 201},
            "place_detail",
            "Paikan tarkenne saa olla enintään 200 merkkiä.",
        ),
    ],
)
def test_create_refuses_invalid_input_in_finnish(
    family: Family, org_scope: None, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(family, **overrides)
    assert _messages(exc)[field] == [message]
    assert Entry.objects.count() == 0


def test_time_may_not_be_before_the_year_2000(family: Family, org_scope: None) -> None:
    """A journal entry in year 1000 was accepted silently (issue 10; tupa/core/dates.py)."""
    for year in (1000, 1999):
        with pytest.raises(ValidationError) as exc:
            _create(family, occurred_at=dt.datetime(year, 6, 1, 10, tzinfo=dt.UTC))
        assert _messages(exc)["occurred_at"] == ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]
    assert Entry.objects.count() == 0
    entry = _create(family)
    with pytest.raises(ValidationError) as exc:
        journal.entry_correct(
            actor=family.worker,
            entry=entry,
            text=entry.text,
            reason="Väärä aika",
            occurred_at=dt.datetime(1000, 6, 1, 10, tzinfo=dt.UTC),
        )
    assert _messages(exc)["occurred_at"] == ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]


def test_time_may_not_be_in_the_future_beyond_five_minutes(family: Family, org_scope: None) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(family, occurred_at=timezone.now() + dt.timedelta(minutes=10))
    assert _messages(exc)["occurred_at"] == ["Kirjauksen aika ei voi olla tulevaisuudessa."]
    # Clock skew of a few minutes is tolerated.
    _create(family, occurred_at=timezone.now() + dt.timedelta(minutes=3))
    assert Entry.objects.count() == 1


@pytest.mark.parametrize("minutes", [1, 1440, None])
def test_duration_bounds_and_empty_duration_are_accepted(
    family: Family, org_scope: None, minutes: int | None
) -> None:
    assert _create(family, duration_minutes=minutes).duration_minutes == minutes


def test_participants_must_belong_to_the_same_episode(family: Family, org_scope: None) -> None:
    _stranger, other_episode = client_in(family.shelter)
    with scopes_disabled():
        foreign_participant = other_episode.participants.get()
    with pytest.raises(ValidationError) as exc:
        _create(family, participants=[family.mother_p, foreign_participant])
    assert _messages(exc)["participants"] == [
        "Osallistujien on oltava tämän asiakkuuden osallistujia."
    ]


def test_co_workers_are_client_work_staff_of_the_same_organisation(
    family: Family, org_scope: None
) -> None:
    message = ["Työparin on oltava organisaation asiakastyötä tekevä työntekijä."]
    inactive = worker_in(family.shelter, is_active=False)
    no_membership = UserFactory(organisation=family.shelter.organisation)
    for bad in (family.foreign_worker, family.dpo, inactive, no_membership):
        with pytest.raises(ValidationError) as exc:
            _create(family, co_workers=[bad])
        assert _messages(exc)["co_workers"] == message, bad
    with pytest.raises(ValidationError) as exc:
        _create(family, co_workers=[family.worker])
    assert _messages(exc)["co_workers"] == ["Kirjaaja ei voi olla oma työparinsa."]
    entry = _create(family, co_workers=[family.other_form_worker, family.colleague])
    assert set(entry.co_workers.all()) == {family.other_form_worker, family.colleague}


@pytest.mark.parametrize("who", ["worker", "lead", "assigned"])
def test_members_and_assigned_co_workers_may_write(
    family: Family, org_scope: None, who: str
) -> None:
    entry = _create(family, actor=getattr(family, who))
    assert entry.author == getattr(family, who)


def test_break_the_glass_may_write(family: Family, org_scope: None) -> None:
    with scopes_disabled():
        BreakGlass.objects.create(
            user=family.other_form_worker,
            episode=family.episode,
            reason="Asiakas soitti yöllä, vastuutyöntekijä ei tavoitettavissa.",
            started_at=timezone.now(),
            expires_at=timezone.now() + dt.timedelta(hours=2),
        )
    assert _create(family, actor=family.other_form_worker).author == family.other_form_worker


@pytest.mark.parametrize(
    "who", ["consent_reader", "other_form_worker", "foreign_worker", "dpo", "admin", "director"]
)
def test_readers_by_consent_and_outsiders_may_not_write(
    family: Family, org_scope: None, who: str
) -> None:
    with pytest.raises(journal.JournalPermissionDenied):
        _create(family, actor=getattr(family, who))
    assert Entry.objects.count() == 0


def test_the_service_layer_offers_no_update_or_delete() -> None:
    # Append-only by construction: the only writes are create and correct (module docstring).
    writers = {name for name in dir(journal) if name.startswith("entry_")}
    assert writers == {"entry_create", "entry_correct", "entry_subjects", "entry_versions"}


def test_a_written_entry_is_never_changed_or_removed(family: Family, org_scope: None) -> None:
    """The model, its queryset and the database's triggers (raw SQL included) refuse."""
    entry = _create(family)
    assert_append_only(entry, text="Muutettu jälkikäteen")
    table = Entry._meta.db_table
    for sql in (
        f"UPDATE {table} SET text = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        refused_by_the_database(sql, [entry.pk], "journal is append-only")
    entry.refresh_from_db()
    assert entry.text != "Muutettu jälkikäteen"


# --- corrections ----------------------------------------------------------------------------


def test_correction_creates_a_new_version_and_keeps_the_original(
    family: Family, org_scope: None
) -> None:
    original = _create(
        family, text="Äiti kertoi lapsen nukkuvan huonosti.", co_workers=[family.colleague]
    )
    original_created = original.created_at
    corrected = journal.entry_correct(
        actor=family.worker,
        entry=original,
        text="Äiti kertoi lapsen nukkuvan paremmin.",
        reason="Kirjoitusvirhe: huonosti → paremmin.",
    )
    original.refresh_from_db()
    assert original.text == "Äiti kertoi lapsen nukkuvan huonosti."
    assert original.author == family.worker and original.created_at == original_created
    assert corrected.supersedes_id == original.pk
    assert corrected.correction_reason == "Kirjoitusvirhe: huonosti → paremmin."
    # Fields not given are carried over.
    assert corrected.type == original.type and corrected.occurred_at == original.occurred_at
    assert list(corrected.participants.all()) == [family.mother_p]
    assert list(corrected.co_workers.all()) == [family.colleague]
    assert journal.current_entries(family.episode)[0] == [corrected]
    assert journal.entry_versions(original) == [original, corrected]
    assert journal.entry_versions(corrected) == [original, corrected]


def test_correction_reason_is_required(family: Family, org_scope: None) -> None:
    entry = _create(family)
    with pytest.raises(ValidationError) as exc:
        journal.entry_correct(actor=family.worker, entry=entry, text="Uusi teksti.", reason="  ")
    assert _messages(exc)["correction_reason"] == ["Kerro, miksi kirjausta korjataan."]
    assert Entry.objects.count() == 1


def test_only_the_newest_version_can_be_corrected(family: Family, org_scope: None) -> None:
    first = _create(family, text="Versio 1")
    second = journal.entry_correct(actor=family.worker, entry=first, text="Versio 2", reason="a")
    with pytest.raises(ValidationError) as exc:
        journal.entry_correct(actor=family.worker, entry=first, text="Haara", reason="b")
    assert _messages(exc)["__all__"] == [
        "Kirjausta on jo korjattu. Vain uusimman version voi korjata."
    ]
    third = journal.entry_correct(
        actor=family.worker, entry=second, text="Versio 3", reason="c", duration_minutes=None
    )
    assert [v.text for v in journal.entry_versions(second)] == ["Versio 1", "Versio 2", "Versio 3"]
    assert third.duration_minutes is None and second.duration_minutes == 45
    assert Entry.objects.count() == 3
    assert journal.current_entries(family.episode)[0] == [third]


def test_author_or_lead_may_correct_but_not_a_colleague(family: Family, org_scope: None) -> None:
    entry = _create(family)
    with pytest.raises(journal.JournalPermissionDenied):
        journal.entry_correct(actor=family.colleague, entry=entry, text="x", reason="y")
    with pytest.raises(journal.JournalPermissionDenied):
        journal.entry_correct(actor=family.consent_reader, entry=entry, text="x", reason="y")
    by_lead = journal.entry_correct(actor=family.lead, entry=entry, text="Lisätty.", reason="z")
    assert by_lead.author == family.lead


def test_correction_validates_like_creation(family: Family, org_scope: None) -> None:
    entry = _create(family)
    with pytest.raises(ValidationError) as exc:
        journal.entry_correct(
            actor=family.worker, entry=entry, text="", reason="r", duration_minutes=5000
        )
    assert set(_messages(exc)) == {"text", "duration_minutes"}


def test_a_co_worker_who_has_left_may_stay_on_a_correction(family: Family, org_scope: None) -> None:
    entry = _create(family, co_workers=[family.colleague])
    with scopes_disabled():
        family.colleague.memberships.update(valid_until=dt.date(2026, 1, 1))
    new = journal.entry_correct(actor=family.worker, entry=entry, text="Korjattu.", reason="r")
    assert list(new.co_workers.all()) == [family.colleague]


# --- selectors ------------------------------------------------------------------------------


def test_current_entries_newest_first(family: Family, org_scope: None) -> None:
    older = _create(family, occurred_at=an_hour_ago() - dt.timedelta(days=2))
    newer = _create(family)
    middle = _create(family, occurred_at=an_hour_ago() - dt.timedelta(days=1))
    assert journal.current_entries(family.episode)[0] == [newer, middle, older]


# --- views ----------------------------------------------------------------------------------


def _url(name: str, pk: int) -> str:
    return reverse(f"episodes:{name}", args=[pk])


def _get(client: Client, user: User | None, url: str) -> int:
    if user is not None:
        login_verified(client, user)
    return client.get(url).status_code


@pytest.fixture
def entry(family: Family) -> Entry:
    with scope(organisation=family.episode.organisation_id):
        return _create(family)


READ_MATRIX = [
    ("worker", 200),
    ("colleague", 200),
    ("lead", 200),
    ("assigned", 200),
    ("consent_reader", 200),
    ("other_form_worker", 404),
    ("foreign_worker", 404),
    ("dpo", 404),
    ("admin", 404),
    ("director", 404),
]
WRITE_MATRIX = [
    ("worker", 200),
    ("colleague", 200),
    ("lead", 200),
    ("assigned", 200),
    ("consent_reader", 403),
    ("other_form_worker", 404),
    ("foreign_worker", 404),
    ("dpo", 404),
    ("admin", 404),
    ("director", 404),
]
CORRECT_MATRIX = [
    ("worker", 200),  # the author
    ("colleague", 403),  # may write but did not write this entry
    ("lead", 200),
    ("assigned", 403),
    ("consent_reader", 403),
    ("other_form_worker", 404),
    ("foreign_worker", 404),
    ("dpo", 404),
    ("admin", 404),
    ("director", 404),
]


@pytest.mark.parametrize(("who", "status"), READ_MATRIX)
def test_versions_and_list_access_matrix(
    client: Client, family: Family, entry: Entry, who: str, status: int
) -> None:
    login_verified(client, getattr(family, who))
    assert client.get(_url("journal_versions", entry.pk)).status_code == status
    assert client.get(_url("journal_list", family.episode.pk)).status_code == status


@pytest.mark.parametrize(("who", "status"), WRITE_MATRIX)
def test_create_and_attachment_add_access_matrix(
    client: Client, family: Family, entry: Entry, who: str, status: int
) -> None:
    login_verified(client, getattr(family, who))
    assert client.get(_url("journal_create", family.episode.pk)).status_code == status
    assert client.get(_url("journal_attachment_add", entry.pk)).status_code == status
    post = client.post(_url("journal_create", family.episode.pk), {})
    assert post.status_code == status  # an empty POST re-shows the form (200) or is refused


@pytest.mark.parametrize(("who", "status"), CORRECT_MATRIX)
def test_correct_access_matrix(
    client: Client, family: Family, entry: Entry, who: str, status: int
) -> None:
    login_verified(client, getattr(family, who))
    assert client.get(_url("journal_correct", entry.pk)).status_code == status


@pytest.mark.parametrize(
    "name",
    [
        "journal_list",
        "journal_create",
        "journal_correct",
        "journal_versions",
        "journal_attachment_add",
    ],
)
def test_anonymous_is_sent_to_login_and_unknown_ids_are_404(
    client: Client, family: Family, entry: Entry, name: str
) -> None:
    pk = family.episode.pk if name in {"journal_list", "journal_create"} else entry.pk
    response = client.get(_url(name, pk))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse(settings.LOGIN_URL)
    login_verified(client, family.worker)
    assert client.get(_url(name, 987654)).status_code == 404


def _events(user: User) -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.filter(user=user).order_by("subject_id"))


@pytest.mark.parametrize(
    ("who", "basis"), [("worker", Basis.MEMBERSHIP), ("consent_reader", Basis.CONSENT)]
)
def test_reading_the_journal_logs_one_event_per_person(
    client: Client, family: Family, entry: Entry, who: str, basis: Basis
) -> None:
    user = getattr(family, who)
    login_verified(client, user)
    for name, pk in (("journal_versions", entry.pk), ("journal_list", family.episode.pk)):
        response = client.get(_url(name, pk))
        assert "Keskusteltiin turvasuunnitelmasta." in response.content.decode()
    events = _events(user)
    # Two pages × two participant persons (the mother and the child), nobody else.
    assert len(events) == 4
    assert {int(e.subject_id) for e in events} == {family.mother.pk, family.child.pk}
    assert {(e.action, e.basis, e.episode_id) for e in events} == {
        ("view", str(basis), family.episode.pk)
    }


def test_refused_requests_log_nothing(client: Client, family: Family, entry: Entry) -> None:
    login_verified(client, family.other_form_worker)
    assert client.get(_url("journal_versions", entry.pk)).status_code == 404
    assert _events(family.other_form_worker) == []


def test_create_form_lists_the_episodes_participants_and_logs_them(
    client: Client, family: Family
) -> None:
    login_verified(client, family.worker)
    response = client.get(_url("journal_create", family.episode.pk))
    body = response.content.decode()
    assert "Maija Keksitty" in body and "Pikku Keksitty" in body
    assert "Kotikäynti" in body and "Asiakkaan koti" in body  # OUT-01 and OUT-02 choices
    assert f'value="{family.assigned.pk}"' in body  # a co-worker from Avokriisityö
    assert f'<option value="{family.worker.pk}"' not in body  # not one's own co-worker
    assert {int(e.subject_id) for e in _events(family.worker)} == {
        family.mother.pk,
        family.child.pk,
    }


def _form_data(family: Family, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "type": "family_meeting",
        "occurred_at": timezone.localtime(an_hour_ago()).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "place": "partner",
        "place_detail": "Neuvola",
        "participants": [family.mother_p.pk, family.child_p.pk],
        "co_workers": [family.assigned.pk],
        "external_co_worker": "",
        "written_with_client": "on",
        "text": "Perhetapaaminen neuvolassa.",
    }
    data.update(overrides)
    return data


def test_create_view_saves_and_redirects(client: Client, family: Family) -> None:
    login_verified(client, family.worker)
    response = client.post(_url("journal_create", family.episode.pk), _form_data(family))
    assert response.status_code == 302
    with scopes_disabled():
        entry = Entry.objects.get()
        assert entry.type == "family_meeting" and entry.place == "partner"
        assert entry.written_with_client is True and entry.duration_minutes == 60
        assert set(entry.participants.all()) == {family.mother_p, family.child_p}
        assert list(entry.co_workers.all()) == [family.assigned]
    assert response["Location"].endswith(f"#kirjaus-{entry.pk}")


def test_create_view_keeps_what_was_typed_and_explains_in_finnish(
    client: Client, family: Family
) -> None:
    login_verified(client, family.worker)
    future = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        _url("journal_create", family.episode.pk),
        _form_data(family, occurred_at=future, duration_minutes="2000", place_detail="Heinola"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["duration_minutes"] == [
        "Kesto voi olla enintään 1440 minuuttia (vuorokausi)."
    ]
    body = response.content.decode()
    assert 'value="Heinola"' in body and "Perhetapaaminen neuvolassa." in body
    assert f'value="{future}"' in body
    assert 'aria-invalid="true"' in body
    assert "Tarkista tiedot" in body
    # The service's own check runs once the form is otherwise valid.
    response = client.post(
        _url("journal_create", family.episode.pk), _form_data(family, occurred_at=future)
    )
    assert response.context["form"].errors["occurred_at"] == [
        "Kirjauksen aika ei voi olla tulevaisuudessa."
    ]
    with scopes_disabled():
        assert Entry.objects.count() == 0


@pytest.mark.parametrize("typed", ["1000-06-01T10:00", "0001-01-01T00:00", "9999-12-31T23:59"])
def test_create_view_refuses_year_1000_and_keeps_the_text(
    client: Client, family: Family, typed: str
) -> None:
    login_verified(client, family.worker)
    response = client.post(
        _url("journal_create", family.episode.pk), _form_data(family, occurred_at=typed)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"] == [
        "Anna päivämäärä väliltä 1.1.2000–31.12.2100."
    ]
    body = response.content.decode()
    assert f'value="{typed}"' in body and "Perhetapaaminen neuvolassa." in body
    with scopes_disabled():
        assert Entry.objects.count() == 0


def test_correct_view_creates_a_version_and_versions_show_both(
    client: Client, family: Family, entry: Entry
) -> None:
    login_verified(client, family.worker)
    form = client.get(_url("journal_correct", entry.pk))
    assert "Keskusteltiin turvasuunnitelmasta." in form.content.decode()  # prefilled
    response = client.post(
        _url("journal_correct", entry.pk),
        _form_data(
            family,
            text="Keskusteltiin turvasuunnitelmasta ja lapsen koulusta.",
            correction_reason="Täydennys",
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        new = Entry.objects.get(supersedes=entry)
    page = client.get(_url("journal_versions", new.pk)).content.decode()
    assert "Keskusteltiin turvasuunnitelmasta." in page
    assert "Keskusteltiin turvasuunnitelmasta ja lapsen koulusta." in page
    assert "Täydennys" in page and "Alkuperäinen kirjaus" in page and "Tiina Työntekijä" in page
    # The superseded version can no longer be corrected: back to the versions.
    again = client.get(_url("journal_correct", entry.pk))
    assert again.status_code == 302
    assert again["Location"] == _url("journal_versions", entry.pk)


def test_correct_view_requires_a_reason(client: Client, family: Family, entry: Entry) -> None:
    login_verified(client, family.worker)
    response = client.post(_url("journal_correct", entry.pk), _form_data(family))
    assert response.status_code == 200
    assert response.context["form"].errors["correction_reason"] == [
        "Kerro, miksi kirjausta korjataan."
    ]


def test_section_shows_badges_and_links(client: Client, family: Family) -> None:
    with scope(organisation=family.episode.organisation_id):
        first = _create(family, written_with_client=True)
        corrected = journal.entry_correct(
            actor=family.worker, entry=first, text="Uusi.", reason="r"
        )
        _create(family, actor=family.colleague, text="Kollegan kirjaus.")
    login_verified(client, family.worker)
    body = client.get(_url("journal_list", family.episode.pk)).content.decode()
    assert "Kirjoitettu yhdessä asiakkaan kanssa" in body
    assert _url("journal_versions", corrected.pk) in body
    assert _url("journal_correct", corrected.pk) in body
    assert "Kollegan kirjaus." in body
    assert body.count("/korjaa/") == 1  # the colleague's entry is not the worker's to correct
    assert _url("journal_create", family.episode.pk) in body
    # A consent reader sees the journal but no write links.
    login_verified(client, family.consent_reader)
    body = client.get(_url("journal_list", family.episode.pk)).content.decode()
    assert "Uusi." in body and "/korjaa/" not in body and "/uusi/" not in body


def _fill(family: Family, count: int) -> None:
    with scope(organisation=family.episode.organisation_id):
        for i in range(count):
            entry = _create(
                family,
                text=f"Kirjaus {i}",
                participants=[family.mother_p, family.child_p],
                co_workers=[family.colleague, family.assigned],
                occurred_at=an_hour_ago() - dt.timedelta(hours=i),
            )
            if i % 2:
                journal.entry_correct(actor=family.worker, entry=entry, text=f"K {i}", reason="r")


def _queries_for_list(client: Client, family: Family) -> int:
    url = _url("journal_list", family.episode.pk)
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_section_query_count_does_not_grow_with_entries(client: Client) -> None:
    small, large = make_family(), make_family()
    _fill(small, 3)
    _fill(large, 20)
    login_verified(client, small.worker)
    few = _queries_for_list(client, small)
    login_verified(client, large.worker)
    many = _queries_for_list(client, large)
    assert few == many
    assert many <= 16, many


def test_the_episode_page_shows_the_newest_entries_and_links_to_the_whole_journal(
    client: Client, family: Family
) -> None:
    from tupa.episodes.journal.views import EPISODE_PAGE_ENTRIES
    from tupa.episodes.views import episode_url

    with scope(organisation=family.episode.organisation_id):
        for i in range(EPISODE_PAGE_ENTRIES):
            _create(
                family,
                text=f"Kirjaus numero {i}.",
                occurred_at=an_hour_ago() - dt.timedelta(hours=i),
            )
    login_verified(client, family.worker)
    whole = _url("journal_list", family.episode.pk)
    body = client.get(episode_url(family.episode)).content.decode()
    assert body.count('class="card journal-entry"') == EPISODE_PAGE_ENTRIES
    assert f'href="{whole}"' not in body  # nothing older to show
    with scope(organisation=family.episode.organisation_id):
        _create(family, text="Vanhin kirjaus.", occurred_at=an_hour_ago() - dt.timedelta(days=30))
    body = client.get(episode_url(family.episode)).content.decode()
    assert body.count('class="card journal-entry"') == EPISODE_PAGE_ENTRIES
    assert "Kirjaus numero 0." in body and "Vanhin kirjaus." not in body  # the newest first
    assert f'href="{whole}"' in body
    listing = client.get(whole).content.decode()
    assert listing.count('class="card journal-entry"') == EPISODE_PAGE_ENTRIES + 1
    assert "Vanhin kirjaus." in listing and episode_url(family.episode) in listing


def test_section_selector_query_count(family: Family, org_scope: None) -> None:
    _fill(family, 5)

    def read() -> tuple[int, list[Entry]]:
        with CaptureQueriesContext(connection) as ctx:
            entries = journal.current_entries(family.episode)[0]
            for e in entries:
                _ = [str(p.person) for p in e.shown_participants]
                _ = [str(u) for u in e.co_workers.all()]
                _ = list(e.attachments.all())
                _ = (str(e.author), e.episode.pk)
        assert len(entries) == 5
        return len(ctx.captured_queries), entries

    # entries (with authors) + co-workers + attachments + the entries' participant links +
    # the episode's participants (persons and aliases joined)
    assert read()[0] == 5
    # read once per episode object: the episode page has read its participants already
    count, entries = read()
    assert count == 4
    assert all(e.shown_participants for e in entries)


def test_alias_participants_are_shown_and_logged_as_aliases(client: Client) -> None:
    """Aliases are logged too, so the anonymous phase reaches the client's log extract later."""
    family = make_family()
    from django.contrib.contenttypes.models import ContentType

    from tupa.people.models import Alias, Person

    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=family.shelter.organisation,
            label="Nimetön soittaja",
            service_form=family.shelter,
            created_by=family.worker,
        )
    ParticipantFactory(episode=family.episode, person=None, alias=alias, role="close_person")
    login_verified(client, family.worker)
    body = client.get(_url("journal_create", family.episode.pk)).content.decode()
    assert "Nimetön soittaja" in body
    person_ct = ContentType.objects.get_for_model(Person)
    alias_ct = ContentType.objects.get_for_model(Alias)
    assert {(e.subject_type_id, int(e.subject_id)) for e in _events(family.worker)} == {
        (person_ct.pk, family.mother.pk),
        (person_ct.pk, family.child.pk),
        (alias_ct.pk, alias.pk),
    }


def test_an_unrelated_person_in_another_episode_is_never_logged(
    client: Client, family: Family, entry: Entry
) -> None:
    stranger = PersonFactory(organisation=family.shelter.organisation)
    _p, _other = client_in(family.shelter)
    login_verified(client, family.worker)
    client.get(_url("journal_versions", entry.pk))
    assert stranger.pk not in {int(e.subject_id) for e in _events(family.worker)}


def test_break_the_glass_reader_may_write_and_the_reason_is_logged(
    client: Client, family: Family, entry: Entry
) -> None:
    reason = "Yöpäivystys: asiakas saapui, vastuutyöntekijä ei tavoitettavissa."
    with scopes_disabled():
        BreakGlass.objects.create(
            user=family.other_form_worker,
            episode=family.episode,
            reason=reason,
            started_at=timezone.now(),
            expires_at=timezone.now() + dt.timedelta(hours=2),
        )
    login_verified(client, family.other_form_worker)
    assert client.get(_url("journal_create", family.episode.pk)).status_code == 200
    assert client.get(_url("journal_versions", entry.pk)).status_code == 200
    events = _events(family.other_form_worker)
    assert len(events) == 4
    assert {(e.basis, e.reason) for e in events} == {(str(Basis.BREAK_THE_GLASS), reason)}
    response = client.post(_url("journal_create", family.episode.pk), _form_data(family))
    assert response.status_code == 302
