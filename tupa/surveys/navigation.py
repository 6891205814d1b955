"""Which feedback pages of a service form a user may open, grouped by what they are for.

One list for the form's feedback page (``surveys:form``) and the tabs over the due list, the
invitations and the schedules, so that no page shows a link its reader would get a 404 from.
Each entry names the policy action its page checks; the shelter has only THL's summaries and
the quality self-evaluation (its clients answer THL's own form: FBK-06).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tupa.access import policy
from tupa.access.surveys import INVITE, MANAGE, QUALITY, RESULTS, is_thl_feedback_form

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm


@dataclass(frozen=True)
class Page:
    url_name: str
    label: str | Promise
    action: str
    #: which forms have the page: "others" (all but the shelter), "shelter" or "all"
    where: str = "others"
    per_form: bool = True  # the URL takes the form's slug


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise


@dataclass(frozen=True)
class PageGroup:
    title: str | Promise
    links: list[Link]


GROUPS: tuple[tuple[str | Promise, tuple[Page, ...]], ...] = (
    (
        _("Kerää palautetta"),
        (
            Page("surveys:due", _("Erääntyneet kyselyt"), INVITE),
            Page("surveys:invitations", _("Kutsut ja muistutukset"), INVITE),
            Page("surveys:record_new", _("Kirjaa paperi- tai suullinen palaute"), INVITE),
        ),
    ),
    (
        _("Lue palautetta"),
        (
            Page("surveys:feedback", _("Palautteet"), RESULTS),
            Page("surveys:results_index", _("Kyselyiden tulokset"), RESULTS, per_form=False),
            Page("surveys:thl_summaries", _("THL:n palauteyhteenvedot"), RESULTS, where="shelter"),
        ),
    ),
    (
        _("Kyselyiden asetukset"),
        (
            Page("surveys:index", _("Kyselyt ja versiot"), MANAGE, per_form=False),
            Page("surveys:schedules", _("Kyselyaikataulut"), MANAGE),
            Page("surveys:kiosks", _("Palautekioskit"), MANAGE),
            Page("surveys:import_new", _("Tuo vastauksia tiedostosta"), MANAGE),
        ),
    ),
    (
        _("Laatu"),
        (Page("surveys:quality_index", _("Laadun itsearviointi"), QUALITY, where="all"),),
    ),
)


def _open_pages(user: User, service_form: ServiceForm) -> set[str]:
    shelter = is_thl_feedback_form(service_form)
    allowed = policy.allowed_actions(user, {INVITE, MANAGE, QUALITY, RESULTS}, service_form)
    return {
        page.url_name
        for _title, pages in GROUPS
        for page in pages
        if page.action in allowed and page.where in ("all", "shelter" if shelter else "others")
    }


def form_pages(user: User, service_form: ServiceForm) -> list[PageGroup]:
    """The groups of pages ``user`` may open for ``service_form`` (empty groups left out)."""
    open_pages = _open_pages(user, service_form)
    groups = []
    for title, pages in GROUPS:
        links = [
            Link(
                reverse(page.url_name, args=[service_form.slug] if page.per_form else []),
                page.label,
            )
            for page in pages
            if page.url_name in open_pages
        ]
        if links:
            groups.append(PageGroup(title, links))
    return groups


def schedule_pages(user: User, service_form: ServiceForm) -> set[str]:
    """Which of the due list, the invitations and the schedules ``user`` may open: the tabs
    over those three pages (surveys/schedules/_nav.html). A worker invites but does not set the
    schedules; the executive director sets them but sees no clients to invite."""
    tabs = {"surveys:due", "surveys:invitations", "surveys:schedules"}
    return tabs & _open_pages(user, service_form)
