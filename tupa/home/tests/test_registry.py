"""The registry (ADR 0007): what the apps register, in the order the pages showed it before."""

from __future__ import annotations

import re

import pytest
from django.template import engines

from tupa.core import registry
from tupa.organisations.models import ServiceForm

pytestmark = pytest.mark.db_neutral


def test_the_navigation_lists_every_app_link_in_its_order() -> None:
    assert [link.url_name for link in registry.nav_links] == [
        "episodes:caseload",
        "people:search",
        "scheduling:my_calendar",
        "accounts:staff_list",
        "statistics:index",
        "surveys:index",
        "planning:index",
        "volunteers:index",
        "finance:index",
        "finance:basis",
        "audit:access_log",
        "rights:person_lookup",
        "audit:changes",
        "audit:security_events",
        "audit:anomalies",
        "organisations:registers",
        "admin:index",
    ]


def test_the_report_list_keeps_its_order() -> None:
    assert [report.url_name for report in registry.reports] == [
        "statistics:form_returns",
        "residential:thl_summary_default",
        "residential:turnaway_stats",
        "residential:billing",
        "dropin:statistics",
        "visitation:statistics",
        "visitation:billing",
        "programmes:statistics",
        "statistics:volunteers",
    ]


def test_the_dashboard_has_the_client_work_panel() -> None:
    assert [panel.name for panel in registry.dashboard_panels] == [
        "episodes_panel",
        "access_request_panel",
        "overview_panel",
        "grants_panel",
        "basis_panel",
    ]


def test_the_admin_has_the_login_lockouts() -> None:
    assert [(ext.name, ext.app_label) for ext in registry.admin_extensions] == [
        ("login_lockouts", "accounts")
    ]


def test_a_key_registers_once_and_entries_follow_their_order() -> None:
    links: registry.Registry[registry.NavLink] = registry.Registry("navigation link")
    links.register(registry.NavLink("b:b", "B", "x", order=20))
    links.register(registry.NavLink("a:a", "A", "x", order=10))
    links.register(registry.NavLink("c:c", "C", "x", order=20))
    assert [link.url_name for link in links] == ["a:a", "b:b", "c:c"]
    with pytest.raises(ValueError, match="already registered"):
        links.register(registry.NavLink("a:a", "A again", "x"))
    links.unregister("a:a")
    assert len(links) == 2


#: The link templates the service-form page included one by one before the registry (the
#: residential occupancy and telephone-line links, once inline in that page, are a template now).
INCLUDED = (
    "episodes/_service_form_links.html",
    "residential/_links_occupancy_line.html",
    "residential/_links_thl.html",
    "residential/_links_turnaway_shift.html",
    "residential/_links_ensikoti.html",
    "residential/_links_calendar.html",
    "scheduling/_service_form_links.html",
    "programmes/_service_form_links.html",
    "dropin/_service_form_links.html",
    "prevention/_service_form_links.html",
    "visitation/_service_form_links.html",
    "volunteers/_service_form_links.html",
    "surveys/_service_form_links.html",
)


@pytest.mark.parametrize("kind", [k.value for k in ServiceForm.Kind])
@pytest.mark.parametrize(
    "register", [ServiceForm.Register.NONE, ServiceForm.Register.SOCIAL_WELFARE]
)
def test_the_service_form_links_tag_renders_what_the_includes_did(kind: str, register: str) -> None:
    form = ServiceForm(
        name="Testi", slug="testi", kind=kind, register=register, violence_work="victim"
    )
    engine = engines["django"]
    residential = kind == ServiceForm.Kind.RESIDENTIAL
    before = "".join(
        f'{{% include "{name}" %}}'
        for name in INCLUDED
        if residential or not name.startswith("residential/")
    )
    old = engine.from_string(before).render({"service_form": form})
    new = engine.from_string("{% load home %}{% service_form_links service_form %}").render(
        {"service_form": form}
    )
    # The same links in the same order; only the blank lines of the skipped templates differ.
    assert _links(new) == _links(old)


def _links(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_visibility_is_a_policy_action_or_a_predicate() -> None:
    from django.contrib.auth.models import AnonymousUser

    from tupa.home.reports import is_visible

    anonymous = AnonymousUser()
    form = ServiceForm(slug="testi")
    assert not is_visible(anonymous, "configuration.manage")
    assert is_visible(anonymous, lambda user, sf: sf is form, form)
    assert not is_visible(anonymous, lambda user: False)
