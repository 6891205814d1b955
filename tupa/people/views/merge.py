"""Merging two records of the same human (a lead of a form where they are clients)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access import clients
from tupa.access.episodes import may_merge, person_access
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.core.forms import submit

from .. import hetu as hetu_rules
from .. import services
from ..forms import MergeForm
from ..models import Person
from ..restrictions import restricted_person_ids
from ._common import _episode_rows, _log_persons


@object_scoped
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Merge two records of the same human (a lead of a form where they are clients)."""
    user = user_of(request)
    person = person_access(request, pk).obj
    other = person_access(request, other_pk).obj
    if not may_merge(user=user, keep=person, merge=other):
        raise Http404
    pair = [person, other]
    # The full identity code on a membership basis only, as on the person page.
    bases = clients.person_bases(user=user, persons=pair)
    full_codes = {p.pk for p in pair if bases.get(p.pk) is Basis.MEMBERSHIP}
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        persons=pair,
        full_codes=full_codes,
        initial={"keep": str(person.pk)},
    )

    def merge_chosen(data: dict[str, Any]) -> Person:
        keep = person if data["keep"] == str(person.pk) else other
        services.person_merge(actor=user, keep=keep, merge=other if keep is person else person)
        return keep

    if request.method == "POST":
        # submit alone: the message names the record kept, known only once merged.
        done = submit(form, merge_chosen)
        if done.ok and done.value is not None:
            kept = done.value
            messages.success(
                request,
                _("Henkilöt yhdistetty. Kaikki asiakkuudet näkyvät nyt henkilöllä %(name)s.")
                % {"name": kept},
            )
            return redirect("people:detail", pk=kept.pk)
    _log_persons(request, pair, "view")
    restricted_ids = restricted_person_ids(pair)
    return render(
        request,
        "people/merge.html",
        {
            "person": person,
            "other": other,
            "pair": [
                {
                    "person": p,
                    "hetu": p.hetu if p.pk in full_codes else hetu_rules.mask_hetu(p.hetu),
                    "episodes": _episode_rows(p.visible_participations),  # type: ignore[attr-defined]
                }
                for p in pair
            ],
            "form": form,
            "restricted_ids": restricted_ids,
        },
    )
