"""The DPO's access-log page and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.access.policy import Basis
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.audit.tests.builders import make_organisation, make_service_form, make_user
from tupa.core.tests.factories import (
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.core.wallclock import HELSINKI

pytestmark = pytest.mark.django_db

URL = "/lokit/"
EXPORT_URL = "/lokit/vienti/"


def _event(user, subject, when: dt.datetime, action: str = "view", **extra) -> AccessEvent:  # type: ignore[no-untyped-def]
    ct = ContentType.objects.get_for_model(subject)
    with scopes_disabled():
        (event,) = AccessEvent.objects.bulk_create(
            [
                AccessEvent(
                    organisation_id=user.organisation_id,
                    user=user,
                    subject_type=ct,
                    subject_id=str(subject.pk),
                    action=action,
                    basis=extra.pop("basis", "membership"),
                    occurred_at=when,
                    **extra,
                )
            ]
        )
    return event


def _local(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=HELSINKI)


@pytest.fixture
def org():  # type: ignore[no-untyped-def]
    return make_organisation()


@pytest.fixture
def dpo(org):  # type: ignore[no-untyped-def]
    return org_role_user(org, Role.DATA_PROTECTION_OFFICER, first_name="Tiina", last_name="Suoja")


def test_urls() -> None:
    assert reverse("audit:access_log") == URL
    assert reverse("audit:access_log_export") == EXPORT_URL
    assert reverse("audit:changes") == "/lokit/muutokset/"


def test_dpo_sees_the_log(client, org, dpo) -> None:  # type: ignore[no-untyped-def]
    worker = make_user(organisation=org, first_name="Väinö", last_name="Työntekijä")
    subject = make_user(organisation=org, first_name="Kalle", last_name="Kohde")
    _event(worker, subject, timezone.now() - dt.timedelta(hours=1), request_id="req-123")
    login_verified(client, dpo)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Väinö Työntekijä" in body
    assert "Kalle Kohde" in body
    assert "req-123" in body
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.EXECUTIVE_DIRECTOR, Role.FINANCE, Role.WORKER, Role.LEAD]
)
def test_everybody_but_the_dpo_gets_404(client, role) -> None:  # type: ignore[no-untyped-def]
    service_form = make_service_form()
    if role in (Role.WORKER, Role.LEAD):
        user = worker_in(service_form, role=role)
    else:
        user = org_role_user(service_form.organisation, role)
    login_verified(client, user)
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT_URL).status_code == 404
    with scopes_disabled():
        assert not AccessEvent.objects.exists()  # a refused export logs nothing either


def test_anonymous_is_sent_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dpo_of_another_organisation_sees_none_of_its_events(client, org, dpo) -> None:  # type: ignore[no-untyped-def]
    worker_a = make_user(organisation=org)
    _event(worker_a, worker_a, timezone.now())
    _event(worker_a, dpo, timezone.now())
    other_dpo = org_role_user(make_organisation(), Role.DATA_PROTECTION_OFFICER)
    login_verified(client, other_dpo)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    # The user filter offers only the own organisation's users; another org's user is invalid.
    response = client.get(URL, {"user": worker_a.pk})
    assert response.context["form"].errors["user"] == ["Valitse käyttäjä listasta."]
    assert response.context["page"] is None


def test_filters_by_user_action_subject_and_period(client, org, dpo) -> None:  # type: ignore[no-untyped-def]
    anna = make_user(organisation=org)
    bert = make_user(organisation=org)
    subject = make_user(organisation=org)
    # anna: 3 events in March 2025 (one late on 31 March Helsinki time), 1 in April.
    _event(anna, subject, _local(2025, 3, 1))
    _event(anna, subject, _local(2025, 3, 15), action="list")
    _event(anna, dpo, _local(2025, 3, 31, 23, 30))  # 21:30 UTC, still March in Helsinki
    _event(anna, subject, _local(2025, 4, 1, 0, 30))  # 31 March 21:30 UTC, April in Helsinki
    # bert: 2 events in March.
    _event(bert, subject, _local(2025, 3, 2))
    _event(bert, subject, _local(2025, 3, 3))
    login_verified(client, dpo)
    march = {"date_from": "2025-03-01", "date_to": "2025-03-31"}

    def count(**params: object) -> int:
        response = client.get(URL, params)
        assert response.status_code == 200, response.context["form"].errors
        return response.context["page"].paginator.count  # type: ignore[no-any-return]

    assert count(**march) == 5  # anna 3 + bert 2
    assert count(**march, user=anna.pk) == 3
    assert count(**march, user=bert.pk) == 2
    assert count(date_from="2025-04-01", date_to="2025-04-30") == 1
    assert count(**march, action="list") == 1
    user_ct = ContentType.objects.get_for_model(subject)
    assert count(**march, subject_type=user_ct.pk, subject_id=str(subject.pk)) == 4
    assert count(**march, subject_type=user_ct.pk, subject_id=str(dpo.pk)) == 1
    assert count(date_from="", date_to="") == 6  # cleared period: everything


def test_default_period_is_the_last_30_days(client, org, dpo) -> None:  # type: ignore[no-untyped-def]
    worker = make_user(organisation=org)
    now = timezone.now()
    _event(worker, worker, now - dt.timedelta(days=2))
    _event(worker, worker, now - dt.timedelta(days=29))
    _event(worker, worker, now - dt.timedelta(days=45))
    login_verified(client, dpo)
    response = client.get(URL)
    assert response.context["page"].paginator.count == 2
    today = timezone.localdate()
    assert f'value="{today - dt.timedelta(days=30):%Y-%m-%d}"' in response.content.decode()


def test_invalid_filters_show_finnish_errors_and_keep_the_typed_values(client, dpo) -> None:  # type: ignore[no-untyped-def]
    login_verified(client, dpo)

    response = client.get(URL, {"date_from": "2025-05-10", "date_to": "2025-05-01"})
    body = response.content.decode()
    assert response.context["form"].errors["date_to"] == [
        "Päättymispäivä ei voi olla ennen alkamispäivää."
    ]
    assert 'value="2025-05-10"' in body and 'value="2025-05-01"' in body
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_date_to_error"' in body

    response = client.get(URL, {"date_from": "kevät", "subject_id": "42"})
    errors = response.context["form"].errors
    assert errors["date_from"] == ["Anna päivämäärä muodossa p.k.vvvv."]
    assert errors["subject_type"] == ["Valitse kohteen tyyppi, kun annat kohteen tunnisteen."]
    assert 'value="kevät"' in response.content.decode()


def test_csv_export_for_finnish_excel_and_the_export_is_logged(client, org, dpo) -> None:  # type: ignore[no-untyped-def]
    worker = make_user(organisation=org, first_name="Väinö", last_name="Työntekijä")
    _event(
        worker, worker, _local(2025, 3, 1, 9, 5), reason='=HYPERLINK("x")', basis="break_the_glass"
    )
    _event(worker, dpo, _local(2025, 3, 2))
    _event(worker, dpo, _local(2025, 5, 2))  # outside the period
    login_verified(client, dpo)

    response = client.get(EXPORT_URL, {"date_from": "2025-03-01", "date_to": "2025-03-31"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kayttoloki-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Aika", "Käyttäjä", "Käyttäjätunnus"]
    assert len(rows) == 3  # header + the two March events, newest first
    assert rows[2][0] == "01.03.2025 09:05:00"  # Helsinki time
    assert rows[2][1] == "Väinö Työntekijä"
    assert rows[2][7] == "hätäkäyttö"
    assert rows[2][8] == '\'=HYPERLINK("x")'  # no formula injection into Excel
    with scopes_disabled():
        export = AccessEvent.objects.get(action="export")
    assert (export.user_id, export.subject_id, export.basis, export.view_name) == (
        dpo.pk,
        str(dpo.pk),
        "organisation_role",
        "audit:access_log_export",
    )


def test_export_with_invalid_filters_writes_no_file_and_no_event(client, dpo) -> None:  # type: ignore[no-untyped-def]
    login_verified(client, dpo)
    response = client.get(EXPORT_URL, {"date_from": "2025-05-10", "date_to": "2025-05-01"})
    assert response.status_code == 400
    with scopes_disabled():
        assert not AccessEvent.objects.exists()


def _many_events(org, dpo, n: int) -> None:  # type: ignore[no-untyped-def]
    users = [make_user(organisation=org) for _ in range(3)]
    now = timezone.now()
    for i in range(n):
        _event(users[i % 3], users[(i + 1) % 3] if i % 2 else dpo, now - dt.timedelta(minutes=i))


@pytest.mark.parametrize("n", [3, 60])
def test_access_log_query_count_does_not_grow_with_rows(  # type: ignore[no-untyped-def]
    client, org, dpo, n, django_assert_max_num_queries
) -> None:
    _many_events(org, dpo, n)
    login_verified(client, dpo)
    client.get(URL)  # warm the content-type cache
    with django_assert_max_num_queries(16):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(n, 50)


def test_every_basis_has_a_label_and_consent_reads_in_finnish(client, org, dpo) -> None:  # type: ignore[no-untyped-def]
    """Access by consent shows a translated label, not the stored value, in the log and CSV."""
    labels = dict(AccessEvent._meta.get_field("basis").choices or [])
    assert all(str(labels[str(b)]) != str(b) for b in Basis)  # no basis falls back to its value
    worker = make_user(organisation=org)
    _event(worker, worker, _local(2025, 3, 1), basis="consent")
    login_verified(client, dpo)

    response = client.get(URL, {"date_from": "2025-03-01", "date_to": "2025-03-31"})
    assert "<td>asiakkaan suostumus</td>" in response.content.decode()
    response = client.get(EXPORT_URL, {"date_from": "2025-03-01", "date_to": "2025-03-31"})
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[1][7] == "asiakkaan suostumus"
