"""URL inventory (ARCHITECTURE.md §6, security test 1).

Every URL of the project is classified: ``public``, ``login_only`` or ``object_scoped`` (the
decorators of :mod:`tupa.access.marks`), or it belongs to the Django admin, which
``TupaAdminSite.has_permission`` guards. An unclassified URL fails with its route, so a new page
cannot be added without deciding who may reach it. Anonymous requests to protected URLs must end
on the login page; public URLs must answer anonymous requests without a server error.
"""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)

from tupa.access.marks import access_class, login_only, object_scoped, public
from tupa.accounts.models import Role
from tupa.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tupa.core.tests.helpers import login_verified, rolled_back_world
from tupa.home.admin_site import TupaAdminSite

CLASSES = {"public", "login_only", "object_scoped"}
SAMPLE_VALUES: dict[type, str] = {
    IntConverter: "987654",
    SlugConverter: "ei-olemassa",
    StringConverter: "ei-olemassa",
    PathConverter: "ei/olemassa",
    UUIDConverter: str(uuid.UUID(int=0)),
}


@dataclass(frozen=True)
class Entry:
    route: str
    name: str | None  # "namespace:name" or None
    callback: Callable[..., Any]
    admin: bool
    converters: dict[str, Any]
    is_regex: bool

    @property
    def access(self) -> str | None:
        return "admin" if self.admin else access_class(self.callback)

    def sample_url(self) -> str | None:
        """A URL for this pattern with made-up parameter values, or None if none can be built."""
        if not self.converters and not self.is_regex:
            return "/" + self.route
        if self.name is None:
            return None
        kwargs = {}
        for key, converter in self.converters.items():
            value = SAMPLE_VALUES.get(type(converter))
            if value is None:
                return None
            kwargs[key] = value
        try:
            return reverse(self.name, kwargs=kwargs)
        except Exception:
            return None


def walk(
    patterns: Sequence[Any], prefix: str = "", namespace: str = "", in_admin: bool = False
) -> Iterator[Entry]:
    """Every URL pattern under ``patterns``, with its full route and namespaced name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                ns,
                in_admin or pattern.app_name == "admin",
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            route_pattern = pattern.pattern
            yield Entry(
                route=prefix + str(route_pattern),
                name=name,
                callback=pattern.callback,
                admin=in_admin,
                converters=dict(getattr(route_pattern, "converters", {})),
                is_regex=not hasattr(route_pattern, "converters"),
            )


def inventory(urlconf: str | types.ModuleType | None = None) -> list[Entry]:
    return list(walk(get_resolver(urlconf).url_patterns))  # type: ignore[arg-type]


def unclassified(entries: list[Entry]) -> list[str]:
    """Routes whose view carries none of the access decorators (and are not the admin's)."""
    return sorted(
        f"/{e.route}  (name={e.name}, view={getattr(e.callback, '__module__', '?')}."
        f"{getattr(e.callback, '__qualname__', e.callback)!s})"
        for e in entries
        if e.access not in CLASSES and e.access != "admin"
    )


ENTRIES = inventory()


def _ids(entries: list[Entry]) -> list[str]:
    return [f"/{e.route}" for e in entries]


# --- the inventory itself ---------------------------------------------------------------------


def test_inventory_finds_the_known_pages() -> None:
    names = {e.name for e in ENTRIES}
    assert {"core:dashboard", "accounts:login", "organisations:service_form"} <= names
    assert any(e.admin for e in ENTRIES)


#: Pages added for the security event log and login lockouts, with their expected class.
SECURITY_PAGES = {
    "audit:security_events": "login_only",  # the policy (audit.security_events) answers 404
    "audit:security_events_export": "login_only",
    "admin:accounts_lockouts": "admin",  # TupaAdminSite + policy (account.lockout.lift)
    "admin:accounts_lockout_lift": "admin",
}


def test_the_security_event_and_lockout_pages_are_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {name: by_name.get(name) for name in SECURITY_PAGES} == SECURITY_PAGES


#: The DPO's anomaly list and its handling form (policy audit.anomalies answers 404).
ANOMALY_PAGES = {"audit:anomalies": "login_only", "audit:anomaly_review": "login_only"}


def test_the_anomaly_pages_are_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {name: by_name.get(name) for name in ANOMALY_PAGES} == ANOMALY_PAGES


#: Register descriptions, conformity data (policy data_protection.* answers 404) and the public
#: privacy notices and accessibility statement (organisational data only, no login).
DATA_PROTECTION_PAGES = {
    "organisations:registers": "login_only",
    "organisations:register": "object_scoped",
    "organisations:conformity": "login_only",
    "privacy:list": "public",
    "privacy:detail": "public",
    "accessibility:statement": "public",
    "accessibility:statement_for": "public",
}


def test_the_data_protection_pages_are_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {name: by_name.get(name) for name in DATA_PROTECTION_PAGES} == DATA_PROTECTION_PAGES


#: The disclosure log and the access-request workflow (issue 10); the matrix of who gets 404 is
#: in tupa/dataprotection/tests/test_access_requests.py.
RIGHTS_WORKFLOW_PAGES = {
    "rights:disclosure_add": "object_scoped",  # workers of the episode (edit basis)
    "rights:disclosures": "login_only",  # the policy (audit.browse) answers 404
    "rights:access_requests": "login_only",
    "rights:access_request_inbox": "login_only",  # workers of a unit in a draft
    "rights:access_request_create": "object_scoped",  # the DPO, the looked-up person only
    "rights:access_request": "object_scoped",
    "rights:access_request_review": "object_scoped",  # the DPO or a worker of the unit
    "rights:access_request_letter": "object_scoped",
}


def test_the_disclosure_and_access_request_pages_are_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {name: by_name.get(name) for name in RIGHTS_WORKFLOW_PAGES} == RIGHTS_WORKFLOW_PAGES


#: The volunteer register (issue 12). The lists answer 404 through the policy
#: (volunteers.open); the object pages through tupa.access.volunteers. The who-gets-404 matrix
#: is in tupa/volunteers/tests/test_views.py.
VOLUNTEER_PAGES = {
    "volunteers:index": "login_only",
    "volunteers:create": "login_only",
    "volunteers:rechecks": "login_only",
    "volunteers:course_list": "login_only",
    "volunteers:course_create": "login_only",
    "volunteers:detail": "object_scoped",
    "volunteers:edit": "object_scoped",
    "volunteers:assignment_add": "object_scoped",
    "volunteers:assignment_end": "object_scoped",
    "volunteers:status_change": "object_scoped",
    "volunteers:screening": "object_scoped",
    "volunteers:record_check": "object_scoped",
    "volunteers:hours_add": "object_scoped",
    "volunteers:cases": "login_only",
    "volunteers:case_create": "object_scoped",
    "volunteers:case_detail": "object_scoped",
    "volunteers:case_intake": "object_scoped",
    "volunteers:case_status": "object_scoped",
    "volunteers:case_match": "object_scoped",
    "volunteers:match_note": "object_scoped",
    "volunteers:activity_add": "object_scoped",
    "volunteers:follow_up_add": "object_scoped",
    "volunteers:case_end": "object_scoped",
    "volunteers:family_link_add": "object_scoped",
    "volunteers:family_link_edit": "object_scoped",
    "volunteers:hours_edit": "object_scoped",
    "volunteers:hours_delete": "object_scoped",
    "volunteers:roster": "object_scoped",
    "volunteers:responsible": "object_scoped",
    "volunteers:course_detail": "object_scoped",
    "volunteers:session_add": "object_scoped",
    "volunteers:participant_add": "object_scoped",
    "volunteers:attendance": "object_scoped",
    "volunteers:completion": "object_scoped",
    "volunteers:portal_manage": "object_scoped",  # a volunteer's own login: grant, revoke
    "volunteers:group_list": "login_only",
    "volunteers:group_create": "login_only",
    "volunteers:group_detail": "object_scoped",
    "volunteers:group_edit": "object_scoped",
    "volunteers:group_member_add": "object_scoped",
    "volunteers:group_meeting_add": "object_scoped",
    "volunteers:group_member_end": "object_scoped",
    "volunteers:group_attendance": "object_scoped",
    "volunteers:expert_list": "login_only",
    "volunteers:expert_consent_add": "object_scoped",
    "volunteers:expert_consent_withdraw": "object_scoped",
    "volunteers:student_list": "login_only",
    "volunteers:placement_create": "login_only",
    "volunteers:placement_edit": "object_scoped",
    "volunteers:mailing_list": "login_only",
    "volunteers:mailing_export": "login_only",
    "volunteers:contact_consent_give": "object_scoped",
    "volunteers:contact_consent_withdraw": "object_scoped",
}


def test_the_volunteer_pages_are_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {name: by_name.get(name) for name in VOLUNTEER_PAGES} == VOLUNTEER_PAGES
    assert {n for n in by_name if n and n.startswith("volunteers:")} == set(VOLUNTEER_PAGES)


#: The volunteer portal (issue 12 item 9, docs/volunteer-portal.md): the volunteer's own pages
#: answer 404 unless ``tupa.access.volunteers.portal_access`` finds the login's own volunteer;
#: the activation link is public (reached before the first login).
PORTAL_PAGES = {
    "volunteer_portal:home": "object_scoped",
    "volunteer_portal:contact": "object_scoped",
    "volunteer_portal:hours": "object_scoped",
    "volunteer_portal:hours_add": "object_scoped",
    "volunteer_portal:hours_edit": "object_scoped",
    "volunteer_portal:account": "object_scoped",
    "volunteer_portal:activate": "public",
}


def test_the_volunteer_portal_pages_are_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {n for n in by_name if n and n.startswith("volunteer_portal:")} == set(PORTAL_PAGES)
    assert {name: by_name.get(name) for name in PORTAL_PAGES} == PORTAL_PAGES


#: The annual plan (ADR 0030, docs/planning.md): the year's plan and the add and carry-over
#: pages answer 404 through tupa.access.planning (may_view_plan, may_keep_any,
#: may_keep_goals_of); a goal's pages fetch the goal for its keeper only (may_keep). The
#: who-gets-404 matrix is in tupa/planning/tests/test_views.py.
PLANNING_PAGES = {
    "planning:index": "login_only",
    "planning:year": "login_only",
    "planning:add": "login_only",
    "planning:carry_over": "login_only",
    "planning:edit": "object_scoped",
    "planning:assess": "object_scoped",
    "planning:remove": "object_scoped",
}


def test_the_planning_pages_are_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {n for n in by_name if n and n.startswith("planning:")} == set(PLANNING_PAGES)
    assert {name: by_name.get(name) for name in PLANNING_PAGES} == PLANNING_PAGES


#: The board's plan against actual (docs/statistics.md, *Plan against actual*): the policy
#: (statistics.organisation.view) answers 404 to all but the executive director; the matrix is
#: in tupa/statistics/tests/test_plan_actual.py.
PLAN_ACTUAL_PAGES = {"statistics:plan_actual": "login_only"}


def test_the_plan_against_actual_is_classified() -> None:
    by_name = {e.name: e.access for e in ENTRIES}
    assert {name: by_name.get(name) for name in PLAN_ACTUAL_PAGES} == PLAN_ACTUAL_PAGES


def test_every_url_is_classified() -> None:
    missing = unclassified(ENTRIES)
    assert not missing, (
        "These URLs have no access class; decorate the view with exactly one of "
        "tupa.access.marks.public / login_only / object_scoped:\n  " + "\n  ".join(missing)
    )


def test_admin_urls_belong_to_the_tupa_admin_site() -> None:
    assert isinstance(admin.site, TupaAdminSite)
    admin_entries = [e for e in ENTRIES if e.admin]
    assert admin_entries
    assert all(e.route.startswith("hallinta/") for e in admin_entries)


# A tiny URLconf with one forgotten decorator: the helper must flag exactly that one.
def _undecorated(request: HttpRequest) -> HttpResponse:
    return HttpResponse("no access decision")


@public
def _public(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@login_only
def _login_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@object_scoped
def _scoped(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("ok")


_tiny_urlconf = types.ModuleType("tiny_urlconf")
_tiny_urlconf.urlpatterns = [  # type: ignore[attr-defined]
    path("avoin/", _public, name="open"),
    path("kirjautuneet/", _login_only, name="logged-in"),
    path("kohde/<int:pk>/", _scoped, name="scoped"),
    path("unohtunut/", _undecorated, name="forgotten"),
]


def test_inventory_flags_an_undecorated_view() -> None:
    entries = inventory(_tiny_urlconf)
    assert [e.route for e in entries] == [
        "avoin/",
        "kirjautuneet/",
        "kohde/<int:pk>/",
        "unohtunut/",
    ]
    missing = unclassified(entries)
    assert len(missing) == 1
    assert missing[0].startswith("/unohtunut/")


def test_access_class_is_read_through_class_based_views() -> None:
    from django.views import View

    class Page(View):
        def get(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse("ok")

    assert access_class(Page.as_view()) is None
    assert access_class(login_only(Page.as_view())) == "login_only"


# --- anonymous requests -----------------------------------------------------------------------

PROTECTED = [e for e in ENTRIES if e.access in {"login_only", "object_scoped"}]
PUBLIC = [e for e in ENTRIES if e.access == "public"]


@pytest.mark.django_db
@pytest.mark.parametrize("entry", PROTECTED, ids=_ids(PROTECTED))
def test_protected_url_redirects_anonymous_users_to_login(client: Client, entry: Entry) -> None:
    url = entry.sample_url()
    if url is None:
        pytest.skip(f"cannot build a sample URL for /{entry.route}")
    response = client.get(url)
    assert response.status_code == 302, (
        f"{url} answered {response.status_code} to an anonymous user"
    )
    location = urlsplit(response["Location"])
    assert location.path == resolve_url(settings.LOGIN_URL)
    assert "next=" in location.query


@pytest.mark.django_db
@pytest.mark.parametrize("entry", PUBLIC, ids=_ids(PUBLIC))
def test_public_url_answers_anonymous_users_without_error(client: Client, entry: Entry) -> None:
    url = entry.sample_url()
    if url is None:
        pytest.skip(f"cannot build a sample URL for /{entry.route}")
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code < 500, f"{url} answered {response.status_code}"


def test_there_are_public_and_protected_urls() -> None:
    # Guards the parametrised tests above against silently testing nothing.
    assert len(PROTECTED) >= 3
    assert len(PUBLIC) >= 2


# --- the admin --------------------------------------------------------------------------------


def _admin_pages() -> list[str]:
    """The admin index and the change list of the first registered model."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        pages.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        break
    return pages


ADMIN_PAGES = _admin_pages()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_redirects_anonymous_users_to_the_login_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    final = client.get(url, follow=True)
    assert final.status_code == 200
    assert final.request["PATH_INFO"] == reverse("accounts:login")


@pytest.mark.django_db
@pytest.mark.parametrize("is_staff", [False, True])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_refuses_a_logged_in_non_administrator(
    client: Client, url: str, is_staff: bool
) -> None:
    organisation = OrganisationFactory.create()
    user = UserFactory.create(organisation=organisation, is_staff=is_staff)
    MembershipFactory.create(user=user, organisation=organisation, role=Role.LEAD)
    login_verified(client, user)
    response = client.get(url)
    assert response.status_code in {302, 403, 404}
    final = client.get(url, follow=True)  # raises RedirectCycleError on a redirect loop
    assert final.status_code in {403, 404}
    assert b"site-name" not in final.content  # no admin chrome


@pytest.mark.django_db
def test_admin_admits_a_verified_administrator(client: Client) -> None:
    # The positive control: the refusals above are not just a broken admin.
    organisation = OrganisationFactory.create()
    user = UserFactory.create(organisation=organisation, is_staff=True)
    MembershipFactory.create(
        user=user, organisation=organisation, service_form=None, role=Role.ADMINISTRATOR
    )
    login_verified(client, user)
    assert client.get("/hallinta/").status_code == 200


@pytest.mark.django_db
@override_settings(TUPA_REQUIRE_2FA=True)
def test_admin_refuses_an_administrator_without_the_second_factor(client: Client) -> None:
    organisation = OrganisationFactory.create()
    user = UserFactory.create(organisation=organisation, is_staff=True)
    MembershipFactory.create(
        user=user, organisation=organisation, service_form=None, role=Role.ADMINISTRATOR
    )
    client.force_login(user)
    response = client.get("/hallinta/")
    assert response.status_code == 302
    assert not urlsplit(response["Location"]).path.startswith("/hallinta/")


# --- the volunteer portal's reach ----------------------------------------------------------------
#
# A login of the *volunteer* kind reaches the portal, its own second-factor and password pages and
# the public pages; EVERY other URL of Tupa answers 404 (not 403), the admin included. A staff
# login gets 404 on every portal page. Decided in one place: tupa.access.volunteer_portal.

VOLUNTEER_REACHABLE_ACCOUNT_PAGES = {
    "accounts:verify",
    "accounts:setup",
    "accounts:recovery_codes",
    "accounts:recovery_codes_regenerate",
    "accounts:password_change",
    "accounts:logout_everywhere",
}
SAMPLED = [e for e in ENTRIES if e.sample_url() is not None]
PORTAL = [e for e in SAMPLED if (e.name or "").startswith("volunteer_portal:")]
OUTSIDE_PORTAL = [
    e
    for e in SAMPLED
    if not (e.name or "").startswith("volunteer_portal:")
    and e.name not in VOLUNTEER_REACHABLE_ACCOUNT_PAGES
    and e.access != "public"
]


@pytest.fixture(scope="module")
def volunteer_login(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """One volunteer login for the whole sweep (hundreds of URLs), rolled back afterwards."""
    from django_scopes import scopes_disabled

    from tupa.volunteers.portal import services as portal_services
    from tupa.volunteers.tests.support import coordinator_of, new_volunteer, volunteer_form

    with rolled_back_world(django_db_blocker):
        form = volunteer_form()
        coordinator = coordinator_of(form)
        volunteer = new_volunteer(coordinator, form, email="inventaario@example.invalid")
        with scopes_disabled():
            access = portal_services.portal_grant(
                actor=coordinator, volunteer=volunteer, absolute=lambda path: path
            )
        yield access.user


def test_the_volunteer_sweep_covers_the_whole_url_configuration() -> None:
    # the parametrised sweep below is not vacuous: staff, client and admin URLs are all in it
    names = {e.name for e in OUTSIDE_PORTAL}
    assert {"core:dashboard", "accounts:account", "volunteers:detail"} <= names
    assert any(e.admin for e in OUTSIDE_PORTAL)
    assert len(OUTSIDE_PORTAL) > 100
    assert {e.name for e in PORTAL} == set(PORTAL_PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("entry", OUTSIDE_PORTAL, ids=_ids(OUTSIDE_PORTAL))
def test_a_volunteer_login_gets_404_on_every_url_outside_the_portal(
    client: Client, volunteer_login: Any, entry: Entry
) -> None:
    url = entry.sample_url()
    assert url is not None
    login_verified(client, volunteer_login)
    client.raise_request_exception = False
    for method in (client.get, client.post):
        response = method(url)
        if entry.name == "core:dashboard" and method == client.get:
            # The front page leads a volunteer login to the portal (volunteer_portal.front_page_of).
            assert response.status_code == 302
            assert response["Location"] == reverse("volunteer_portal:home")
            continue
        assert response.status_code == 404, (
            f"{method.__name__.upper()} {url} answered {response.status_code} to a volunteer"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("entry", PORTAL, ids=_ids(PORTAL))
def test_staff_get_404_on_every_portal_url(client: Client, entry: Entry) -> None:
    url = entry.sample_url()
    assert url is not None
    organisation = OrganisationFactory.create()
    user = UserFactory.create(organisation=organisation, is_staff=True)
    MembershipFactory.create(
        user=user, organisation=organisation, service_form=None, role=Role.ADMINISTRATOR
    )
    login_verified(client, user)
    assert client.get(url).status_code == 404
