"""GDPR art. 17 erasure requests: the retention assessment, refusal and grant, DPO-only pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.dataprotection.erasure import services as erasure
from tupa.people.models import ErasureRequest

from .support import NOW, granted_erasure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_retention_rows_follow_register_and_service_task(world: dict[str, Any]) -> None:
    with scope(organisation=world["org"].pk):
        rows = erasure.retention_rows(person=world["kept"])
        assert len(rows) == 1
        assert rows[0].keep_until == "2030-06-30"  # working-age services: 10 years after end
        assert rows[0].must_keep
        free_rows = erasure.retention_rows(person=world["free"])
        assert len(free_rows) == 1 and not free_rows[0].must_keep
        # A statutory episode whose period has ended no longer requires keeping.
        late = erasure.retention_rows(person=world["kept"], today=dt.date(2030, 7, 1))
        assert not late[0].must_keep


def test_rules_per_task() -> None:
    end = dt.date(2020, 1, 31)
    assert erasure._rule("child_family", role="client", birth_date=None, end_date=end)[1] == (
        dt.date(2050, 1, 31)
    )
    assert erasure._rule("family_law", role="child", birth_date=dt.date(2015, 2, 28), end_date=end)[
        1
    ] == dt.date(2135, 2, 28)
    assert erasure._rule("child_welfare", role="client", birth_date=None, end_date=end)[1] is None
    assert erasure._rule("working_age", role="client", birth_date=None, end_date=None)[1] is None


def _look_up(client: Client, hetu: str) -> None:
    response = client.post(reverse("rights:person_lookup"), {"identifier": hetu})
    assert response.status_code == 200


def _run_workflow(client: Client, person: Any, reasoning: str) -> ErasureRequest:
    list_url = reverse("rights:erasure_list", kwargs={"pk": person.pk})
    assert client.get(list_url).status_code == 200
    response = client.post(
        list_url, {"received_on": "2026-03-10", "request_text": "Pyydän poistamaan tietoni."}
    )
    assert response.status_code == 302
    with scopes_disabled():
        item = ErasureRequest.objects.get(person=person)
    assert item.status == ErasureRequest.Status.RECEIVED
    detail = reverse("rights:erasure_detail", kwargs={"pk": person.pk, "request_pk": item.pk})
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"action": "assess"}).status_code == 302
    response = client.post(detail, {"action": "decide", "reasoning": reasoning})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        item.refresh_from_db()
    return item


def test_refusal_shows_the_retention_rule_and_the_appeal(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, "010190-123A")
    item = _run_workflow(client, world["kept"], "Asiakasasiakirjat on säilytettävä.")
    assert item.status == ErasureRequest.Status.DECIDED
    assert item.decision == ErasureRequest.Decision.REFUSED
    url = reverse("rights:erasure_decision", kwargs={"pk": world["kept"].pk, "request_pk": item.pk})
    page = client.get(url).content.decode()
    assert "2030-06-30" in page
    assert "10 vuotta asiakkuuden päättymisestä" in page
    assert "tietosuojavaltuutetun" in page
    response = client.get(url, {"muoto": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_refusal_needs_reasoning(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, "010190-123A")
    with scope(organisation=world["org"].pk):
        item = erasure.erasure_request_receive(
            actor=world["dpo"], person=world["kept"], received_on=dt.date(2026, 3, 10)
        )
        erasure.erasure_request_assess(actor=world["dpo"], request=item)
    detail = reverse(
        "rights:erasure_detail", kwargs={"pk": world["kept"].pk, "request_pk": item.pk}
    )
    response = client.post(detail, {"action": "decide", "reasoning": ""})
    assert response.status_code == 200
    assert "Kirjoita perustelut." in response.content.decode()


def test_own_activity_only_is_granted_with_the_data_to_remove(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, "020290-123B")
    item = _run_workflow(client, world["free"], "")
    assert item.decision == ErasureRequest.Decision.GRANTED
    url = reverse("rights:erasure_decision", kwargs={"pk": world["free"].pk, "request_pk": item.pk})
    page = client.get(url).content.decode()
    assert "Poistettavat tiedot" in page


@pytest.mark.parametrize("who", ["worker", "lead", "admin", "exec"])
def test_erasure_pages_are_404_for_everyone_else(
    client: Client, world: dict[str, Any], who: str
) -> None:
    with scope(organisation=world["org"].pk):
        item = erasure.erasure_request_receive(
            actor=world["dpo"], person=world["kept"], received_on=dt.date(2026, 3, 10)
        )
    login_verified(client, world[who])
    pk = world["kept"].pk
    urls = [
        reverse("rights:erasure_list", kwargs={"pk": pk}),
        reverse("rights:erasure_detail", kwargs={"pk": pk, "request_pk": item.pk}),
        reverse("rights:erasure_decision", kwargs={"pk": pk, "request_pk": item.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, (who, url)
    assert client.post(urls[0], {"received_on": "2026-03-10"}).status_code == 404
    assert client.post(urls[1], {"action": "assess"}).status_code == 404


def test_typed_id_without_lookup_is_404(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["dpo"])
    url = reverse("rights:erasure_list", kwargs={"pk": world["kept"].pk})
    assert client.get(url).status_code == 404
    _look_up(client, "020290-123B")  # another person found: still 404 for this one
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- execution


def _enrich(world: dict[str, Any]) -> dict[str, Any]:
    """Give the person to erase an address, history, alias, relationship, household and a
    hold with the contact data given at an intake."""
    from tupa.episodes.models import Participant
    from tupa.people.models import Alias, ContactHold, Household, HouseholdMember, Relationship

    free, kept = world["free"], world["kept"]
    with scopes_disabled():
        free.first_names = "Maija"
        free.birth_date = dt.date(1990, 2, 2)
        free.street_address = "Poistokatu 1"
        free.phone = "040 123 4567"
        free.email = "maija@example.fi"
        free.save()  # a second historical row with the name
        alias = Alias.objects.create(
            organisation=world["org"],
            label="Maija P.",
            service_form=world["shelter"],
            person=free,
            linked_at=NOW,
            link_reason="Maija Poistettava kertoi nimensä",
            created_by=world["dpo"],
        )
        Relationship.objects.create(person=free, relative=kept, kind="sibling", note="Maijan sisko")
        household = Household.objects.create(organisation=world["org"], name="Poistettavan perhe")
        HouseholdMember.objects.create(household=household, person=free)
        participations = Participant.objects.filter(person=free).count()
        ContactHold.objects.create(  # an intake reused her record (ADR 0028)
            organisation=world["org"],
            person=free,
            service_form=world["shelter"],
            given={"street_address": "Poistokuja 2", "phone": "040 123 0000"},
            created_by=world["dpo"],
        )
    return {"alias": alias, "household": household, "participations": participations}


def _assert_nothing_identifying(world: dict[str, Any], extra: dict[str, Any]) -> None:
    from tupa.episodes.models import Participant
    from tupa.people.models import (
        Alias,
        ContactHold,
        Household,
        HouseholdMember,
        Person,
        Relationship,
    )

    free = world["free"]
    secrets = (
        "Maija",
        "Poistettava",
        "020290-123B",
        "Poistokatu",
        "Poistokuja",
        "040 123",
        "maija@",
    )
    with scopes_disabled():
        free.refresh_from_db()
        assert (free.first_names, free.last_name) == ("Poistettu", "henkilö")
        assert free.hetu is None
        assert free.birth_date == dt.date(1990, 1, 1)  # the birth year is kept
        assert (free.street_address, free.phone, free.email) == ("", "", "")
        assert free.municipality_id == world["free"].municipality_id
        rows = [str(list(Person.objects.filter(pk=free.pk).values()))]
        rows.append(str(list(Person.history.filter(id=free.pk).values())))
        rows.append(str(list(Alias.objects.filter(person=free).values())))
        rows.append(str(list(Alias.history.filter(person_id=free.pk).values())))
        rows.append(str(list(Relationship.history.all().values())))
        rows.append(str(list(Household.objects.filter(pk=extra["household"].pk).values())))
        rows.append(str(list(Household.history.filter(id=extra["household"].pk).values())))
        rows.append(str(list(ContactHold.objects.filter(person=free).values())))
        dump = "\n".join(rows)
        for secret in secrets:
            assert secret not in dump, secret
        assert Person.history.filter(id=free.pk).count() == 1  # only the anonymous state
        assert not Relationship.objects.filter(person=free).exists()
        assert not Relationship.objects.filter(relative=free).exists()
        assert not HouseholdMember.objects.filter(person=free).exists()
        # Counts survive, linked to the now anonymous person.
        assert Participant.objects.filter(person=free).count() == extra["participations"] == 1
        assert Alias.objects.filter(person=free).count() == 1
        assert ContactHold.objects.filter(person=free, given={}).count() == 1
        # The other person is untouched.
        world["kept"].refresh_from_db()
        assert world["kept"].hetu == "010190-123A"


def test_granted_request_executes_from_the_request_page(
    client: Client, world: dict[str, Any]
) -> None:
    extra = _enrich(world)
    item = granted_erasure(world)
    login_verified(client, world["dpo"])
    _look_up(client, "020290-123B")
    detail = reverse(
        "rights:erasure_detail", kwargs={"pk": world["free"].pk, "request_pk": item.pk}
    )
    page = client.get(detail).content.decode()
    assert "Toteuta poisto" in page
    # The confirmation is required.
    response = client.post(detail, {"action": "execute"})
    assert response.status_code == 200
    assert "Vahvista poisto." in response.content.decode()
    with scopes_disabled():
        item.refresh_from_db()
        assert item.executed_at is None
    response = client.post(detail, {"action": "execute", "confirm": "on"})
    assert response.status_code == 302
    _assert_nothing_identifying(world, extra)
    with scopes_disabled():
        item.refresh_from_db()
        assert item.executed_at is not None and item.executed_by == world["dpo"]
        assert item.execution_summary["relationships"] == 1
    page = client.get(detail).content.decode()
    assert "Poisto toteutettu" in page
    assert "Toteuta poisto" not in page
    assert "Maija" not in page
    # A second run is a no-op with a message.
    response = client.post(detail, {"action": "execute", "confirm": "on"}, follow=True)
    assert "Poisto on jo toteutettu" in response.content.decode()


def test_second_execution_is_a_no_op(world: dict[str, Any]) -> None:
    extra = _enrich(world)
    item = granted_erasure(world)
    with scope(organisation=world["org"].pk):
        _item, executed = erasure.erasure_execute(actor=world["dpo"], request=item)
        assert executed
        history = world["free"].history.count()
        _item, again = erasure.erasure_execute(actor=world["dpo"], request=item)
        assert not again
        assert world["free"].history.count() == history
    _assert_nothing_identifying(world, extra)


def test_refused_and_undecided_requests_cannot_execute(world: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    with scope(organisation=world["org"].pk):
        undecided = erasure.erasure_request_receive(
            actor=world["dpo"], person=world["free"], received_on=dt.date(2026, 3, 10)
        )
        with pytest.raises(ValidationError):
            erasure.erasure_execute(actor=world["dpo"], request=undecided)
        erasure.erasure_request_assess(actor=world["dpo"], request=undecided)
        with pytest.raises(ValidationError):
            erasure.erasure_execute(actor=world["dpo"], request=undecided)
        refused = erasure.erasure_request_receive(
            actor=world["dpo"], person=world["kept"], received_on=dt.date(2026, 3, 10)
        )
        erasure.erasure_request_assess(actor=world["dpo"], request=refused)
        refused = erasure.erasure_request_decide(
            actor=world["dpo"], request=refused, reasoning="Säilytettävä."
        )
        assert refused.decision == ErasureRequest.Decision.REFUSED
        with pytest.raises(ValidationError, match="hyväksytyn"):
            erasure.erasure_execute(actor=world["dpo"], request=refused)
    with scopes_disabled():
        world["free"].refresh_from_db()
        world["kept"].refresh_from_db()
    assert world["free"].hetu == "020290-123B"
    assert world["kept"].hetu == "010190-123A"


def test_journal_entries_block_execution(world: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from tupa.episodes.models import Entry, Participant

    extra = _enrich(world)
    item = granted_erasure(world)
    with scopes_disabled():
        episode = Participant.objects.get(person=world["free"]).episode
        Entry.objects.create(
            episode=episode, type="note", occurred_at=NOW, author=world["dpo"], text="Kirjaus"
        )
    with scope(organisation=world["org"].pk), pytest.raises(ValidationError, match="kirjauksia"):
        erasure.erasure_execute(actor=world["dpo"], request=item)
    with scopes_disabled():
        world["free"].refresh_from_db()
        assert world["free"].hetu == "020290-123B"
        item.refresh_from_db()
        assert item.executed_at is None
        assert world["free"].relationships_from.count() == 1
    assert extra["alias"].label == "Maija P."


def test_consents_keep_their_recorded_versions_without_the_scope(world: dict[str, Any]) -> None:
    """A consent keeps purpose and dates (the basis of past disclosures), and the access-log
    anomaly rules judge a read by the consent's versions as recorded then: erasure blanks the
    free-text scope in every version instead of purging them, which would turn the person's
    consent-backed reads into "no relationship" findings when a past week is looked at again."""
    from tupa.people.models import Consent

    free = world["free"]
    with scopes_disabled():
        consent = Consent.objects.create(
            person=free,
            purpose=Consent.Purpose.SHARING,
            recipient_service_form=world["shelter"],
            scope="Maijan asiat sosiaalitoimelle",
            given_on=dt.date(2026, 1, 10),
            recorded_by=world["dpo"],
        )
        consent.valid_until = dt.date(2026, 12, 31)
        consent.save()
        versions = list(consent.history.order_by("history_date").values_list("history_date"))
    item = granted_erasure(world)
    with scope(organisation=world["org"].pk):
        erasure.erasure_execute(actor=world["dpo"], request=item)
    with scopes_disabled():
        kept = consent.history.order_by("history_date")
        assert list(kept.values_list("history_date"))[: len(versions)] == versions
        assert set(kept.values_list("scope", flat=True)) == {""}
        consent.refresh_from_db()
        assert (consent.purpose, consent.given_on) == (
            Consent.Purpose.SHARING,
            dt.date(2026, 1, 10),
        )
