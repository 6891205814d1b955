"""Programmes of a service form: the list, creating and changing one, the programme page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access.marks import object_scoped, user_of
from tupa.access.programmes import form_or_404, programme_or_404
from tupa.audit.models import Action
from tupa.core import dates
from tupa.core.forms import saved_redirect
from tupa.core.report_links import report_url
from tupa.programmes import rules as rule_checks
from tupa.programmes import selectors, services
from tupa.programmes.forms import ProgrammeForm
from tupa.programmes.models import GroupProgramme
from tupa.programmes.views.common import detail_url, log_persons, member_labels, posted_form_page

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: Who may read a service form's statistics reports (the reports' own ``visible`` action).
STATISTICS_FORM_VIEW = "statistics.form.view"

# --------------------------------------------------------------------------- list and create


@object_scoped
@require_GET
def programme_list(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = form_or_404(request, slug)
    today = timezone.localdate()
    programmes = list(selectors.programmes_of_form(service_form=service_form))
    current = [
        p for p in programmes if p.ends_on is None or (p.aftercare_until or p.ends_on) >= today
    ]
    past = [p for p in programmes if p not in current]
    return render(
        request,
        "programmes/list.html",
        {"service_form": service_form, "current": current, "past": past},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = form_or_404(request, slug)
    form = ProgrammeForm(
        request.POST or None,
        service_form_id=service_form.pk,
        initial={"starts_on": timezone.localdate()},
    )
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.programme_create(
            actor=user_of(request),
            service_form=service_form,
            rules=form.rules(),
            **form.programme_values(),
        ),
        next_url=detail_url,
        success=_("Ryhmä tallennettu."),
        denied_as_404=True,  # membership checked above
    )
    return saved or posted_form_page(
        request,
        "programmes/programme_form.html",
        form,
        {"service_form": service_form, "title": _("Uusi ryhmä")},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_or_404(request, pk)
    form = ProgrammeForm(
        request.POST or None,
        service_form_id=programme.service_form_id,
        initial=ProgrammeForm.initial_for(programme),
    )
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.programme_update(
            actor=user_of(request),
            programme=programme,
            rules=form.rules(),
            **form.programme_values(),
        ),
        next_url=detail_url(programme),
        success=_("Ryhmän tiedot tallennettu."),
    )
    return saved or posted_form_page(
        request,
        "programmes/programme_form.html",
        form,
        {
            "service_form": programme.service_form,
            "programme": programme,
            "title": _("Muokkaa ryhmää"),
        },
    )


# --------------------------------------------------------------------------- programme page


RULE_LABELS = {
    "min_motivation_meetings": _("Motivointitapaamisia ennen aloitusta vähintään"),
    "min_hours_per_week": _("Tunteja viikossa vähintään"),
    "min_duration_months": _("Ryhmäjakson kesto vähintään (kk)"),
    "pairs_target": _("Pareja tavoite"),
    "pairs_max": _("Pareja enintään"),
    "aftercare_months": _("Jälkituki vähintään (kk)"),
    "sessions_per_month": _("Kokoontumisia kuukaudessa vähintään"),
    "invitation_years": _("Kutsulista: osallistuneet viimeisten vuosien aikana"),
}


#: The group statistics report the programme page links to (``statistics:return``).
REPORT = "internal.programmes"


def figures_url(user: User, programme: GroupProgramme, today: dt.date) -> str | None:
    """The group statistics report over the programme's period, for a user who may see it.

    The period runs from the start to the later of the aftercare's and the period's end and
    today; a programme running longer than a report's longest period links to its last years.
    None when the user may not see the report (decided by the report's own policy action on the
    service form) or when the programme starts after this year (reports open by past years).
    """
    if not policy.decide(user, STATISTICS_FORM_VIEW, programme.service_form):
        return None
    last = max(d for d in (programme.aftercare_until, programme.ends_on, today) if d is not None)
    end = max(last, programme.starts_on)
    start = max(programme.starts_on, end - dt.timedelta(days=dates.LONGEST_REPORT_DAYS - 1))
    if start.year > today.year:
        return None
    return report_url(REPORT, programme.service_form.slug, start, end)


@object_scoped
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, programme_or_404(request, pk))


@dataclass(frozen=True)
class RefusedLeave:
    """A participant's leaving day that was not saved: what was typed and why (shown in place)."""

    member_id: int
    typed: str
    errors: list[str]


def detail_page(
    request: HttpRequest, programme: GroupProgramme, *, refused: RefusedLeave | None = None
) -> HttpResponse:
    """The programme page (400 with the refused leaving day in place, when one is given)."""
    today = timezone.localdate()
    members = selectors.members_of(programme=programme)
    labels = member_labels(request, members)
    facts = selectors.programme_facts(programme=programme, members=members, today=today)
    warnings = rule_checks.evaluate(programme.rules, facts)
    motivation = {m.member_id: m.motivation_meetings for m in facts.members}
    warning_rows = [(w, [labels[i] for i in w.member_ids if i in labels]) for w in warnings]
    leaders = selectors.leaders_of(programme=programme)
    sessions = selectors.sessions_of(programme=programme)
    figures_link = figures_url(user_of(request), programme, today)
    invitees: list[selectors.Invitee] = []
    years = programme.rules.get("invitation_years")
    if years:
        invitees = selectors.invitation_list(programme=programme, years=int(years), today=today)
        visible = log_persons(request, [i.person for i in invitees], action=Action.LIST)
        invitees = [i for i in invitees if i.person.pk in visible]
    return render(
        request,
        "programmes/detail.html",
        {
            "service_form": programme.service_form,
            "programme": programme,
            "members": [(m, labels[m.pk], motivation.get(m.pk, 0)) for m in members],
            "show_motivation": bool(programme.rules.get("min_motivation_meetings")),
            "warnings": warning_rows,
            "leaders": leaders,
            "sessions": sessions,
            "figures_url": figures_link,
            "rules": [(RULE_LABELS[k], v) for k, v in programme.rules.items() if k in RULE_LABELS],
            "invitees": invitees,
            "invitation_years": years,
            "today": today,
            "refused": refused,
        },
        status=400 if refused is not None else 200,
    )
