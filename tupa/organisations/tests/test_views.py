import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    AreaFactory,
    MembershipFactory,
    ServiceFormFactory,
    TeamFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Funder, ServiceFormFunding

pytestmark = pytest.mark.django_db


def _organisation_with(n_forms: int):  # type: ignore[no-untyped-def]
    first = ServiceFormFactory()
    org = first.organisation
    forms = [first]
    for i in range(n_forms - 1):
        area = AreaFactory(organisation=org) if i % 2 else first.area
        team = TeamFactory(organisation=org, area=area)
        forms.append(ServiceFormFactory(organisation=org, area=area, team=team))
    with scopes_disabled():
        funder = Funder.objects.create(organisation=org, name="STEA", category=Funder.Category.STEA)
        for sf in forms:
            ServiceFormFunding.objects.create(service_form=sf, funder=funder, type="targeted_grant")
    return org, forms


def test_structure_page_lists_every_service_form_with_constant_queries(
    client, django_assert_max_num_queries
) -> None:
    org, forms = _organisation_with(3)
    user = worker_in(forms[0])
    login_verified(client, user)
    url = reverse("organisations:structure")
    with django_assert_max_num_queries(25) as small:
        response = client.get(url)
    assert response.status_code == 200
    for sf in forms:
        assert sf.name in response.content.decode()
    # Ten times the data must not mean more queries (no N+1).
    for i in range(12):
        area = AreaFactory(organisation=org)
        ServiceFormFactory(
            organisation=org, area=area, team=TeamFactory(organisation=org, area=area)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_structure_page_never_shows_another_organisations_forms(client) -> None:
    _org_a, forms_a = _organisation_with(2)
    _org_b, forms_b = _organisation_with(2)
    user = worker_in(forms_b[0])
    login_verified(client, user)
    html = client.get(reverse("organisations:structure")).content.decode()
    for sf in forms_a:
        assert sf.name not in html
    for sf in forms_b:
        assert sf.name in html


def test_service_form_page_is_404_for_another_organisation(client) -> None:
    sf_a = ServiceFormFactory(slug="ensikoti")
    sf_b = ServiceFormFactory(slug="turvakoti")
    user_b = worker_in(sf_b)
    login_verified(client, user_b)
    assert client.get(reverse("organisations:service_form", args=[sf_a.slug])).status_code == 404
    assert client.get(reverse("organisations:service_form", args=["ei-ole"])).status_code == 404
    assert client.get(reverse("organisations:service_form", args=[sf_b.slug])).status_code == 200


def test_staff_roster_only_for_the_lead_of_that_service_form(client) -> None:
    sf = ServiceFormFactory()
    colleague = worker_in(sf, first_name="Kaisa", last_name="Kollega")
    url = reverse("organisations:service_form", args=[sf.slug])

    worker = worker_in(sf)
    login_verified(client, worker)
    assert "Kaisa Kollega" not in client.get(url).content.decode()

    lead = worker_in(sf, role=Role.LEAD)
    login_verified(client, lead)
    html = client.get(url).content.decode()
    assert "Kaisa Kollega" in html

    # A lead of another service form in the same organisation does not see this roster.
    other = ServiceFormFactory(organisation=sf.organisation, area=sf.area, team=sf.team)
    other_lead = worker_in(other, role=Role.LEAD)
    login_verified(client, other_lead)
    assert "Kaisa Kollega" not in client.get(url).content.decode()
    assert colleague.pk


def test_dashboard_shows_only_the_users_own_service_forms(client) -> None:
    sf = ServiceFormFactory(name="Ensikoti")
    ServiceFormFactory(organisation=sf.organisation, area=sf.area, team=sf.team, name="Turvakoti")
    user = worker_in(sf)
    login_verified(client, user)
    response = client.get(reverse("core:dashboard"))
    nav_and_cards = response.content.decode()
    assert "Ensikoti" in nav_and_cards
    assert "Turvakoti" not in nav_and_cards


def test_dashboard_tells_an_organisation_wide_role_where_its_forms_are(client) -> None:
    """The director belongs to no form but sees them all: the dashboard says so (it used to
    say "no valid membership in any service form", as to someone whose memberships ended)."""
    sf = ServiceFormFactory()
    director = org_role_user(sf.organisation, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Organisaation laajuinen roolisi koskee kaikkia työmuotoja" in page
    assert "Sinulla ei ole voimassa olevaa jäsenyyttä" not in page


def test_executive_director_sees_budget_link_worker_does_not(client) -> None:
    sf = ServiceFormFactory()
    director = org_role_user(sf.organisation, Role.EXECUTIVE_DIRECTOR)
    MembershipFactory
    login_verified(client, director)
    # The navigation's "Talous" opens the finance hub, which links the budget.
    assert reverse("finance:index") in client.get(reverse("core:dashboard")).content.decode()
    assert reverse("finance:budget") in client.get(reverse("finance:index")).content.decode()
    worker = worker_in(sf)
    login_verified(client, worker)
    assert reverse("finance:index") not in client.get(reverse("core:dashboard")).content.decode()


@pytest.mark.parametrize(
    "kind",
    ["residential", "outpatient", "group", "drop_in", "visitation", "volunteer", "online"],
)
def test_service_form_page_links_client_list_and_intake_for_members(client, kind) -> None:
    """Issue 10: the Turvakoti page had no way to its clients; every client-keeping form."""
    keeping = ServiceFormFactory(kind=kind, register="social_welfare")
    list_url = reverse("episodes:client_list", args=[keeping.slug])
    open_url = reverse("episodes:open", args=[keeping.slug])
    page = reverse("organisations:service_form", args=[keeping.slug])

    login_verified(client, worker_in(keeping))
    html = client.get(page).content.decode()
    assert f'href="{list_url}"' in html
    assert f'href="{open_url}"' in html
    assert "Asiakkaat" in html and "Uusi asiakkuus" in html

    # Not to a non-member of the form (who could not open them either) ...
    client.logout()
    login_verified(client, org_role_user(keeping.organisation, Role.EXECUTIVE_DIRECTOR))
    html = client.get(page).content.decode()
    assert list_url not in html and open_url not in html


def test_service_form_page_without_a_register_has_no_client_links(client) -> None:
    no_register = ServiceFormFactory(kind="prevention", register="none")
    login_verified(client, worker_in(no_register))
    html = client.get(reverse("organisations:service_form", args=[no_register.slug])).content
    assert reverse("episodes:client_list", args=[no_register.slug]) not in html.decode()


def test_the_organisation_link_is_shown_only_to_who_may_open_the_structure(client) -> None:
    """An account whose memberships have all ended (the demo's ensikoti.lisaresurssi) gets a
    404 from the structure page: the navigation does not offer it the link."""
    sf = ServiceFormFactory()
    url = reverse("organisations:structure")
    current = worker_in(sf)
    login_verified(client, current)
    assert f'href="{url}"' in client.get(reverse("core:dashboard")).content.decode()

    ended = worker_in(sf)
    with scopes_disabled():
        ended.memberships.update(valid_until=dt.date.today() - dt.timedelta(days=1))
    client.logout()
    login_verified(client, ended)
    assert client.get(url).status_code == 404
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{url}"' not in html
    assert 'id="shortcuts"' not in html  # no empty list of shortcuts either
