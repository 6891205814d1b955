"""The disclosure log's pages (URLs in ``rights_urls``).

- ``disclosure_add``: a worker of the episode (membership or assignment) records a disclosure;
  anybody else 404.
- ``disclosure_list``: the DPO's disclosure log browser (policy ``audit.browse``).

Every response that shows a person writes the access log with the basis of the decision.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.episodes import EDIT_BASES
from tupa.access.fetch import episode_access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.audit.services import record_access
from tupa.core.forms import saved_redirect
from tupa.dataprotection.disclosures import services as disclosures
from tupa.dataprotection.pages import dpo_decision
from tupa.episodes.models import Participant

from .forms import DisclosureFilterForm, DisclosureForm


@object_scoped
@require_http_methods(["GET", "POST"])
def disclosure_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker of the episode records a disclosure of its clients' data outside the unit."""
    granted = episode_access(request, pk)
    if granted.basis not in EDIT_BASES:
        raise Http404
    episode, basis = granted.obj, granted.basis
    participants = list(
        Participant.objects.filter(episode=episode).select_related("person", "alias").order_by("pk")
    )
    form = DisclosureForm(
        request.POST or None,
        participants=participants,
        initial={"disclosed_on": timezone.localdate()},
    )

    def record(data: dict[str, Any]) -> None:
        chosen = [form.participants[k] for k in data["persons"]]
        disclosures.disclosure_record(
            actor=user_of(request),
            kind=data["kind"],
            recipient=data["recipient"],
            basis_kind=data["basis_kind"],
            legal_basis=data["legal_basis"],
            description=data["description"],
            persons=[p.person for p in chosen if p.person],
            aliases=[p.alias for p in chosen if p.alias],
            episode=episode,
            disclosed_on=data["disclosed_on"],
        )

    saved = saved_redirect(
        request,
        form,
        record,
        next_url=reverse("episodes:detail", kwargs={"pk": episode.pk}),
        success=_("Luovutus on kirjattu luovutuslokiin."),
    )
    if saved is not None:
        return saved
    record_access(
        request=request,
        subjects=[p.person or p.alias for p in participants],
        action="view",
        basis=basis,
        episode_id=episode.pk,
    )
    return render(request, "people/rights/disclosure_form.html", {"episode": episode, "form": form})


@login_only
@require_GET
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """The DPO's disclosure log: who disclosed what to whom, on what basis (filters)."""
    decision = dpo_decision(request)
    form = DisclosureFilterForm(request.GET or None)
    rows: list[Any] = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        rows = list(
            disclosures.disclosure_list(
                organisation_id=user_of(request).organisation_id,  # type: ignore[arg-type]
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
                kind=data.get("kind", ""),
            )[:500]
        )
    subjects = disclosures.subjects_of(rows)
    if subjects:
        record_access(request=request, subjects=subjects, action="list", basis=decision.basis)
    return render(request, "people/rights/disclosure_list.html", {"form": form, "rows": rows})
