"""Quick search: only persons the user may see, the query in a POST body."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tupa.access import clients
from tupa.access.episodes import may_use_client_screens
from tupa.access.marks import login_only, user_of
from tupa.core.htmx import is_htmx

from .. import selectors
from ._common import _log_aliases, _log_persons


@login_only
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Quick search by name, identity code, temporary id, birth date or alias.

    Only persons the user may see are ever searched. A hidden person and a person who does
    not exist give the very same page. The query travels in a POST body, never in the URL:
    a name or an identity code must not end up in browser history or server logs.
    """
    user = user_of(request)
    if not may_use_client_screens(user):
        raise Http404
    query = (request.POST.get("q") or "")[:100] if request.method == "POST" else ""
    results = selectors.search_persons(user=user, query=query)
    # Each person is shown with the forms of her visible episodes: a unit's own clients are
    # visible on membership without asking the database again.
    bases = clients.person_bases_where_shown(
        user=user,
        shown=[
            (p, {part.episode.service_form_id for part in p.visible_participations})  # type: ignore[attr-defined]
            for p in results.persons
        ],
    )
    _log_persons(request, results.persons, "search", bases=bases)
    _log_aliases(request, results.aliases, "search")
    rows = [
        {
            "person": p,
            "service_forms": selectors.service_forms_of_rows(p.visible_participations),  # type: ignore[attr-defined]
        }
        for p in results.persons
    ]
    alias_rows = [
        {
            "alias": a,
            "service_forms": selectors.service_forms_of_rows(a.visible_participations),  # type: ignore[attr-defined]
        }
        for a in results.aliases
    ]
    context = {
        "query": results.query,
        "results": results,
        "rows": rows,
        "alias_rows": alias_rows,
        "may_create": bool(selectors.intake_service_forms(user=user)),
    }
    template = "people/search.html#results" if is_htmx(request) else "people/search.html"
    return render(request, template, context)
