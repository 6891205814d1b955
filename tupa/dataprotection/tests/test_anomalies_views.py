"""The DPO's weekly anomaly list (/lokit/poikkeamat/) and the handling of findings."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.access import policy
from tupa.access.policy import Basis
from tupa.accounts.models import Role, User
from tupa.audit.models import AccessEvent, AnomalyReview, AnomalyRule, AppendOnlyError
from tupa.audit.tests.builders import make_organisation
from tupa.core.tests.factories import (
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.dataprotection import anomalies
from tupa.dataprotection.tests.test_anomalies import at, read
from tupa.organisations.models import Organisation
from tupa.people.models import Person

pytestmark = pytest.mark.django_db

URL = "/lokit/poikkeamat/"
NO_RELATIONSHIP = "Luku ilman voimassa olevaa perustetta</h3>"
NIGHT = "Yöaikainen luku päivätyötä tekevältä</h3>"
REVIEW_URL = "/lokit/poikkeamat/kasittely/"
WEEK = "2026-W10"


@pytest.fixture
def org() -> Organisation:
    return make_organisation()


@pytest.fixture
def dpo(org: Organisation) -> User:
    return org_role_user(org, Role.DATA_PROTECTION_OFFICER, first_name="Tiina", last_name="Suoja")


@pytest.fixture
def case(org: Organisation) -> dict[str, Any]:
    """A day worker reads a shelter resident she has no relationship with, at night."""
    avokriisi = ServiceFormFactory(organisation=org, slug="avokriisi")
    shelter = ServiceFormFactory(organisation=org, slug="turvakoti", open_24h=True)
    worker = worker_in(avokriisi, first_name="Päivi", last_name="Mäkinen", username="paivi")
    resident, stay = client_in(shelter, first_names="Kanerva", last_name="Kanervisto")
    event = read(worker, resident, at(3, 23, 15), episode=stay)
    return {"worker": worker, "resident": resident, "stay": stay, "event": event}


@pytest.fixture
def dpo_client(client: Client, dpo: User) -> Client:
    login_verified(client, dpo)
    return client


def _key(case: dict[str, Any], rule: str) -> str:
    start, end = anomalies.week_bounds(2026, 10)
    found = anomalies.find_anomalies(
        organisation_id=case["worker"].organisation_id,
        start=start,
        end=end,
        now=at(20, 12),
    )
    return next(f.key for f in found if f.rule == rule)


def test_urls() -> None:
    assert reverse("audit:anomalies") == URL
    assert reverse("audit:anomaly_review") == REVIEW_URL


def test_the_dpo_sees_the_weeks_findings_without_client_names(
    dpo_client: Client, case: dict[str, Any]
) -> None:
    response = dpo_client.get(URL, {"week": WEEK})
    assert response.status_code == 200
    text = response.content.decode()
    assert NO_RELATIONSHIP in text
    assert NIGHT in text
    assert "Päivi Mäkinen (paivi)" in text
    assert f"Henkilö: #{case['resident'].pk}" in text  # as the access log shows it
    assert "Kanerva" not in text and "Kanervisto" not in text
    assert "3.3.2026 23:15" in text  # Helsinki time
    assert "Viikko 10/2026 (2.3.–8.3.2026)" in text
    assert "Avoimia havaintoja 2, käsiteltyjä 0." in text
    # a drill-down into the access log by user, period and subject
    assert f"/lokit/?user={case['worker'].pk}&amp;date_from=2026-03-03" in text
    # viewing the list writes nothing into the access log (it shows no person data)
    with scopes_disabled():
        assert (
            AccessEvent.objects.filter(user__in=[dpo_client.session["_auth_user_id"]]).count() == 0
        )


def test_the_default_is_the_last_full_week(dpo_client: Client) -> None:
    response = dpo_client.get(URL)
    assert response.status_code == 200
    from django.utils import timezone

    year, week = anomalies.last_full_week(timezone.localdate())
    assert f'value="{anomalies.week_label(year, week)}"' in response.content.decode()
    assert f"Viikko {week}/{year}" in response.content.decode()


@pytest.mark.parametrize("week", ["Kanervisto", "2026-W60", "9999-W01", "1999-W10"])
def test_a_bad_week_is_an_error_not_a_crash(dpo_client: Client, week: str) -> None:
    response = dpo_client.get(URL, {"week": week})
    assert response.status_code == 200
    assert "Tarkista rajaukset" in response.content.decode()


def test_marking_a_finding_handled_is_recorded_and_filterable(
    dpo_client: Client, dpo: User, case: dict[str, Any]
) -> None:
    key = _key(case, AnomalyRule.NO_RELATIONSHIP)
    response = dpo_client.post(
        REVIEW_URL,
        {"week": WEEK, "status": "open", "key": key, "note": "Selvitetty: väärä työmuoto valittu."},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{URL}?week={WEEK}&status=open#h-no-relationship-")
    with scopes_disabled():
        (review,) = AnomalyReview.objects.all()
    assert (review.rule, review.finding_key, review.handled) == (
        AnomalyRule.NO_RELATIONSHIP,
        key,
        True,
    )
    assert (review.handled_by, review.staff_user) == (dpo, case["worker"])
    assert review.finding_at == at(3, 23, 15)
    assert review.handled_at is not None
    assert review.supersedes is None

    open_page = dpo_client.get(URL, {"week": WEEK, "status": "open"}).content.decode()
    assert NO_RELATIONSHIP not in open_page
    assert "Avoimia havaintoja 1, käsiteltyjä 1." in open_page
    handled_page = dpo_client.get(URL, {"week": WEEK, "status": "handled"}).content.decode()
    assert NO_RELATIONSHIP in handled_page
    assert "Selvitetty: väärä työmuoto valittu." in handled_page
    assert NIGHT not in handled_page
    all_page = dpo_client.get(URL, {"week": WEEK, "status": "all"}).content.decode()
    assert "Selvitetty: väärä työmuoto valittu." in all_page and NIGHT in all_page


def test_a_new_review_supersedes_and_nothing_is_changed(
    dpo_client: Client, case: dict[str, Any]
) -> None:
    key = _key(case, AnomalyRule.NIGHT_READ)
    data = {"week": WEEK, "status": "all", "key": key}
    dpo_client.post(REVIEW_URL, {**data, "note": "Ensimmäinen selvitys tehty."})
    dpo_client.post(REVIEW_URL, {**data, "note": "Uutta tietoa, avataan.", "handled": "0"})
    with scopes_disabled():
        first, second = AnomalyReview.objects.order_by("id")
    assert (first.handled, first.note) == (True, "Ensimmäinen selvitys tehty.")
    assert (second.handled, second.supersedes) == (False, first)
    page = dpo_client.get(URL, {"week": WEEK, "status": "open"}).content.decode()
    assert NIGHT in page  # reopened: open again, with its history
    assert "Ensimmäinen selvitys tehty." in page and "(korvattu)" in page
    assert "avattu uudelleen" in page


def test_a_short_note_is_refused(dpo_client: Client, case: dict[str, Any]) -> None:
    key = _key(case, AnomalyRule.NIGHT_READ)
    response = dpo_client.post(REVIEW_URL, {"week": WEEK, "key": key, "note": "ok"})
    assert response.status_code == 400
    assert "vähintään 10 merkkiä" in response.content.decode()
    with scopes_disabled():
        assert not AnomalyReview.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"week": WEEK, "key": "night_read:u1:2026-03-03", "note": "Ei tällaista havaintoa."},
        {"week": "2026-W11", "key": "<key>", "note": "Väärä viikko tälle havainnolle."},
        {"week": "huono", "key": "<key>", "note": "Viikko ei kelpaa lainkaan."},
        {"week": WEEK, "note": "Tunniste puuttuu kokonaan."},
    ],
)
def test_only_a_finding_of_the_week_can_be_handled(
    dpo_client: Client, case: dict[str, Any], data: dict[str, str]
) -> None:
    key = _key(case, AnomalyRule.NIGHT_READ)
    data = {k: (key if v == "<key>" else v) for k, v in data.items()}
    assert dpo_client.post(REVIEW_URL, data).status_code == 404
    with scopes_disabled():
        assert not AnomalyReview.objects.exists()


def test_the_dpo_of_another_organisation_cannot_handle_the_finding(
    client: Client, case: dict[str, Any]
) -> None:
    other_dpo = org_role_user(make_organisation(), Role.DATA_PROTECTION_OFFICER)
    login_verified(client, other_dpo)
    key = _key(case, AnomalyRule.NIGHT_READ)
    page = client.get(URL, {"week": WEEK}).content.decode()
    assert "Mäkinen" not in page
    response = client.post(REVIEW_URL, {"week": WEEK, "key": key, "note": "Toisen organisaation."})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "role",
    [
        Role.WORKER,
        Role.LEAD,
        Role.COORDINATOR,
        Role.ADMINISTRATOR,
        Role.EXECUTIVE_DIRECTOR,
        Role.FINANCE,
    ],
)
def test_everyone_but_the_dpo_gets_404(
    client: Client, org: Organisation, case: dict[str, Any], role: str
) -> None:
    if role in {Role.WORKER, Role.LEAD, Role.COORDINATOR}:
        user = worker_in(ServiceFormFactory(organisation=org), role=role)
    else:
        user = org_role_user(org, role)
    login_verified(client, user)
    assert client.get(URL, {"week": WEEK}).status_code == 404
    key = _key(case, AnomalyRule.NIGHT_READ)
    assert (
        client.post(REVIEW_URL, {"week": WEEK, "key": key, "note": "Yritys merkitä."}).status_code
        == 404
    )
    assert URL not in client.get("/").content.decode()  # no navigation link either
    with scopes_disabled():
        assert not AnomalyReview.objects.exists()


def test_anonymous_users_go_to_the_login_page(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/kirjautuminen/" in response["Location"]


def test_the_dpo_has_a_navigation_link(dpo_client: Client) -> None:
    assert f'href="{URL}"' in dpo_client.get("/").content.decode()


def test_the_policy_row(dpo: User, case: dict[str, Any]) -> None:
    decision = policy.decide(dpo, "audit.anomalies")
    assert decision and decision.basis is Basis.ORGANISATION_ROLE
    assert not policy.decide(case["worker"], "audit.anomalies")


def test_reviews_are_append_only(dpo_client: Client, case: dict[str, Any]) -> None:
    key = _key(case, AnomalyRule.NIGHT_READ)
    dpo_client.post(
        REVIEW_URL, {"week": WEEK, "key": key, "note": "Selvitetty esihenkilön kanssa."}
    )
    with scopes_disabled():
        review = AnomalyReview.objects.get()
        review.note = "Muutettu jälkikäteen"
        with pytest.raises(AppendOnlyError):
            review.save()
        with pytest.raises(AppendOnlyError):
            review.delete()
        with pytest.raises(AppendOnlyError):
            AnomalyReview.objects.filter(pk=review.pk).update(note="x")
        with pytest.raises(AppendOnlyError):
            AnomalyReview.objects.filter(pk=review.pk).delete()
    table = AnomalyReview._meta.db_table
    for sql in (f"UPDATE {table} SET note = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    with scopes_disabled():
        assert AnomalyReview.objects.get().note == "Selvitetty esihenkilön kanssa."


def test_review_triggers_exist() -> None:
    table = AnomalyReview._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        names = {row[0] for row in cursor.fetchall()}
    assert len(names) >= 2, names


def test_the_page_runs_in_a_constant_number_of_queries(
    dpo_client: Client, org: Organisation, case: dict[str, Any]
) -> None:
    def more(n: int) -> None:
        form = ServiceFormFactory(organisation=org)
        for i in range(n):
            worker = worker_in(form, last_name=f"Sukunimi{i}")
            person, stay = client_in(ServiceFormFactory(organisation=org), last_name="Muu")
            read(worker, person, at(4, 23, i), episode=stay)
            read(worker, person, at(5, 12, i), basis=Basis.NONE)

    more(1)
    ContentType.objects.get_for_models(Person)
    dpo_client.get(URL, {"week": WEEK, "status": "all"})  # warm the caches
    with CaptureQueriesContext(connection) as small:
        dpo_client.get(URL, {"week": WEEK, "status": "all"})
    more(5)
    with CaptureQueriesContext(connection) as large:
        response = dpo_client.get(URL, {"week": WEEK, "status": "all"})
    assert response.content.decode().count('class="card anomaly"') > 10
    assert len(large.captured_queries) == len(small.captured_queries)
