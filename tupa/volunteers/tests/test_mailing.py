"""Communications (VOL-09, CON-01): the consent to be contacted, the mailing list (valid consent
only, the filters, the reader's forms only), its CSV byte by byte, the access log, queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.volunteers.mailing import services
from tupa.volunteers.mailing.views import mailing_csv
from tupa.volunteers.models import ContactConsent, CourseKind, RoleKind, Volunteer

from .support import coordinator_of, new_volunteer, screened_and_trained, volunteer_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


def _consent(actor: Any, volunteer: Volunteer, given: dt.date, withdrawn: dt.date | None = None):
    with scopes_disabled():
        consent = services.contact_consent_give(actor=actor, volunteer=volunteer, given_on=given)
        if withdrawn is not None:
            services.contact_consent_withdraw(actor=actor, consent=consent, withdrawn_on=withdrawn)
        return consent


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = coordinator_of(form)
    willing = new_volunteer(coordinator, form, first="Ville", last="Vastaa", email="v@example.fi")
    withdrawn = new_volunteer(coordinator, form, first="Pekka", last="Perui", email="p@example.fi")
    never = new_volunteer(coordinator, form, first="Eino", last="Eilupaa", email="e@example.fi")
    _consent(coordinator, willing, dt.date(2026, 2, 1))
    _consent(coordinator, withdrawn, dt.date(2026, 2, 1), dt.date(2026, 5, 1))
    return {
        "form": form,
        "coordinator": coordinator,
        "willing": willing,
        "withdrawn": withdrawn,
        "never": never,
    }


def test_consent_cannot_be_withdrawn_before_it_was_given(world: dict[str, Any]) -> None:
    with scopes_disabled():
        consent = ContactConsent.objects.get(volunteer=world["willing"])
        with pytest.raises(ValidationError) as error:
            services.contact_consent_withdraw(
                actor=world["coordinator"], consent=consent, withdrawn_on=dt.date(2026, 1, 1)
            )
        assert "ennen kuin se on annettu" in str(error.value)
        with pytest.raises(ValidationError) as error:
            services.contact_consent_give(
                actor=world["coordinator"], volunteer=world["willing"], given_on=dt.date(2026, 3, 1)
            )
        assert "jo voimassa" in str(error.value)
        with pytest.raises(ValidationError) as error:  # overlapping the withdrawn one
            services.contact_consent_give(
                actor=world["coordinator"],
                volunteer=world["withdrawn"],
                given_on=dt.date(2026, 4, 1),
            )
        assert "peruttiin 1.5.2026" in str(error.value)


def test_the_list_has_only_valid_consents_and_the_readers_forms(
    client: Client, world: dict[str, Any]
) -> None:
    other_form = volunteer_form(world["form"].organisation, name="Doulatoiminta")
    other_coordinator = coordinator_of(other_form)
    doula = new_volunteer(other_coordinator, other_form, role=RoleKind.DOULA, first="Dora")
    _consent(other_coordinator, doula, dt.date(2026, 1, 1))
    login_verified(client, world["coordinator"])
    response = client.get(reverse("volunteers:mailing_list"))
    assert response.status_code == 200
    assert [v.first_names for v in response.context["volunteers"]] == ["Ville"]
    client.logout()
    login_verified(client, org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR))
    names = {
        v.first_names for v in client.get(reverse("volunteers:mailing_list")).context["volunteers"]
    }
    assert names == {"Ville", "Dora"}
    only = client.get(reverse("volunteers:mailing_list"), {"role": RoleKind.DOULA})
    assert [v.first_names for v in only.context["volunteers"]] == ["Dora"]
    client.logout()
    login_verified(client, worker_in(world["form"]))
    assert client.get(reverse("volunteers:mailing_list")).status_code == 404
    assert client.get(reverse("volunteers:mailing_export")).status_code == 404


def test_the_list_filters_by_completed_training_and_status(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator = world["coordinator"]
    screened_and_trained(coordinator, world["willing"], world["form"])
    trained_only = client
    login_verified(trained_only, coordinator)
    response = client.get(
        reverse("volunteers:mailing_list"), {"course_kind": CourseKind.MIESKAVERI_BASIC}
    )
    assert [v.first_names for v in response.context["volunteers"]] == ["Ville"]
    response = client.get(reverse("volunteers:mailing_list"), {"course_kind": CourseKind.DOULA})
    assert list(response.context["volunteers"]) == []
    response = client.get(reverse("volunteers:mailing_list"), {"status": "interested"})
    assert list(response.context["volunteers"]) == []


def test_the_csv_is_finnish_excel_byte_by_byte(client: Client, world: dict[str, Any]) -> None:
    with scopes_disabled():
        world["willing"].street_address = "=Kaveritie 1"
        world["willing"].postal_code = "15100"
        world["willing"].post_office = "Lahti"
        world["willing"].save()
    login_verified(client, world["coordinator"])
    response = client.get(reverse("volunteers:mailing_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="postituslista-2026-06-15.csv"'
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    assert (
        body
        == (
            "\ufeffEtunimet;Sukunimi;Sähköposti;Katuosoite;Postinumero;Postitoimipaikka\r\n"
            "Ville;Vastaa;v@example.fi;'=Kaveritie 1;15100;Lahti\r\n"
        ).encode()
    )
    assert mailing_csv([]) == (
        "\ufeffEtunimet;Sukunimi;Sähköposti;Katuosoite;Postinumero;Postitoimipaikka\r\n"
    ).encode("utf-8")


def test_the_export_is_logged_per_volunteer(client: Client, world: dict[str, Any]) -> None:
    coordinator = world["coordinator"]
    login_verified(client, coordinator)
    client.get(reverse("volunteers:mailing_list"))
    client.get(reverse("volunteers:mailing_export"))
    with scopes_disabled():
        events = list(
            AccessEvent.objects.filter(user=coordinator).values_list("subject_id", "action")
        )
    assert (str(world["willing"].pk), "list") in events
    assert (str(world["willing"].pk), "export") in events
    assert not any(s == str(world["withdrawn"].pk) for s, _ in events)


def test_consent_screens_keep_bad_input(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["coordinator"])
    with scopes_disabled():
        consent = ContactConsent.objects.get(volunteer=world["willing"])
    url = reverse("volunteers:contact_consent_withdraw", args=[consent.pk])
    response = client.post(url, {"withdrawn_on": "2026-01-05"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "sitä ei voi perua ennen kuin se on annettu" in html and 'value="2026-01-05"' in html
    stranger = coordinator_of(volunteer_form(world["form"].organisation, name="Särö"))
    client.logout()
    login_verified(client, stranger)
    assert client.get(url).status_code == 404
    give = reverse("volunteers:contact_consent_give", args=[world["never"].pk])
    assert client.get(give).status_code == 404


def test_the_mailing_page_takes_a_constant_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    coordinator, form = world["coordinator"], world["form"]
    login_verified(client, coordinator)
    url = reverse("volunteers:mailing_list")
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    count = len(captured)
    for i in range(4):
        v = new_volunteer(coordinator, form, first=f"Lisä{i}", email=f"l{i}@example.fi")
        _consent(coordinator, v, dt.date(2026, 3, 1))
    with django_assert_max_num_queries(count, info=url):
        response = client.get(url)
    assert len(response.context["volunteers"]) == 5
