"""The form's feedback page, the access class of every surveys URL, and the checks the link and
letter share with the other invitation actions (tupa.access.surveys.invitation_basis)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Episode
from tupa.people.models import Consent
from tupa.surveys.answering.services import invitation_reissue
from tupa.surveys.models import Trigger
from tupa.surveys.tests.test_schedules_invitations import ended_client, invite, make_schedule

pytestmark = pytest.mark.django_db


def _links(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(link.label) for group in response.context["groups"] for link in group.links]


def test_the_feedback_page_lists_only_what_the_user_may_open(client) -> None:  # type: ignore[no-untyped-def]
    form = ServiceFormFactory.create(kind="outpatient")
    worker, lead = worker_in(form), worker_in(form, role=Role.LEAD)
    director = org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)
    url = reverse("surveys:form", args=[form.slug])

    login_verified(client, worker)
    assert _links(client.get(url)) == [
        "Erääntyneet kyselyt",
        "Kutsut ja muistutukset",
        "Kirjaa paperi- tai suullinen palaute",
        "Palautteet",
        "Kyselyiden tulokset",
    ]
    login_verified(client, lead)
    lead_links = _links(client.get(url))
    assert {"Kyselyaikataulut", "Palautekioskit", "Laadun itsearviointi"} <= set(lead_links)
    assert "THL:n palauteyhteenvedot" not in lead_links
    login_verified(client, director)
    assert _links(client.get(url)) == [
        "Palautteet",
        "Kyselyiden tulokset",
        "Kyselyt ja versiot",
        "Kyselyaikataulut",
        "Palautekioskit",
        "Tuo vastauksia tiedostosta",
        "Laadun itsearviointi",
    ]


def test_the_shelter_has_only_thl_and_quality(client) -> None:  # type: ignore[no-untyped-def]
    shelter = ServiceFormFactory.create(kind="residential", violence_work="victim")
    login_verified(client, worker_in(shelter, role=Role.LEAD))
    links = _links(client.get(reverse("surveys:form", args=[shelter.slug])))
    assert links == ["THL:n palauteyhteenvedot", "Laadun itsearviointi"]


def test_another_forms_worker_and_an_administrator_get_404(client) -> None:  # type: ignore[no-untyped-def]
    form = ServiceFormFactory.create()
    other = ServiceFormFactory.create(organisation=form.organisation)
    url = reverse("surveys:form", args=[form.slug])
    login_verified(client, worker_in(other))
    assert client.get(url).status_code == 404
    login_verified(client, org_role_user(form.organisation, Role.ADMINISTRATOR))
    assert client.get(url).status_code == 404


def test_every_surveys_url_is_classified() -> None:
    from tests.test_url_inventory import ENTRIES

    names = {
        e.name: e.access for e in ENTRIES if (e.name or "").startswith(("surveys:", "answer:"))
    }
    assert names["answer:invitation"] == "public"
    assert names["answer:kiosk"] == "public"
    public = {n for n, a in names.items() if a == "public"}
    assert public == {"answer:invitation", "answer:kiosk"}
    # Only the front pages (lists of the user's own forms) are login-only; every page about a
    # form, questionnaire, version, invitation, kiosk or episode is object-scoped.
    assert {n for n, a in names.items() if a == "login_only"} == {
        "surveys:index",
        "surveys:questionnaire_new",
        "surveys:results_index",
    }
    assert all(a in {"public", "login_only", "object_scoped"} for a in names.values())
    assert access_class is not None


def test_a_new_link_or_letter_is_refused_after_the_permission_was_withdrawn() -> None:
    form = ServiceFormFactory.create()
    worker = worker_in(form)
    schedule = make_schedule(
        form, worker, trigger=Trigger.MONTHS_AFTER_END, months_after=6, anonymous=False
    )
    episode, person = ended_client(form, end=dt.date.today() - dt.timedelta(days=183))
    with scopes_disabled():
        Episode.objects.filter(pk=episode.pk).update(
            contact_permission=True, contact_permission_date=episode.end_date
        )
        episode.refresh_from_db()
    invitation, _token = invite(worker, form, schedule, episode=episode, person=person)
    with scopes_disabled():
        assert invitation_reissue(actor=worker, invitation=invitation)
        Consent.objects.create(
            person=person,
            purpose="follow_up",
            episode=episode,
            given_on=episode.end_date,
            withdrawn_on=dt.date.today(),
            recorded_by=worker,
        )
        with pytest.raises(ValidationError, match="peruttu"):
            invitation_reissue(actor=worker, invitation=invitation)


def test_a_new_link_is_refused_to_someone_who_may_not_act_on_the_invitation() -> None:
    form = ServiceFormFactory.create()
    worker = worker_in(form)
    outsider = worker_in(ServiceFormFactory.create(organisation=form.organisation))
    schedule = make_schedule(form, worker)
    episode, person = ended_client(form, end=dt.date.today())
    invitation, _token = invite(worker, form, schedule, episode=episode, person=person)
    with scopes_disabled(), pytest.raises(PermissionDenied):
        invitation_reissue(actor=outsider, invitation=invitation)
