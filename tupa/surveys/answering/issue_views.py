"""Staff: a new link for an invitation, shown once or printed as a letter (namespace
``surveys``). Rule ``surveys.invite`` on the invitation's form and, when the invitation names an
episode, a user who may see it (:func:`tupa.access.surveys.invitation_access`); else 404.

Each POST re-issues the invitation's token (:func:`services.invitation_reissue`): only the hash
is stored, so a link can never be shown again — a new one replaces it and the old one stops
working. The pages show no person (the due list that links here does).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.core.pdf import pdf_response
from tupa.surveys.answering import letters, services
from tupa.surveys.models import Invitation

TEMPLATE = "surveys/answering/invitation.html"


def _context(invitation: Invitation, mode: str) -> dict[str, object]:
    return {
        "invitation": invitation,
        "mode": mode,
        "expires_on": timezone.localtime(invitation.expires_at).date(),
        "expired": invitation.expires_at <= timezone.now(),
    }


def _reissue(request: HttpRequest, invitation: Invitation, mode: str) -> str | HttpResponse:
    """The new link, or the page that says why there is none."""
    try:
        token = services.invitation_reissue(actor=user_of(request), invitation=invitation)
    except ValidationError as error:
        context = _context(invitation, mode) | {"error": " ".join(error.messages)}
        return render(request, TEMPLATE, context, status=400)
    return request.build_absolute_uri(reverse("answer:invitation", kwargs={"token": token}))


@object_scoped
@require_http_methods(["GET", "POST"])
def invitation_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Näytä linkki: a new link to copy into a text message or an e-mail, shown once."""
    invitation = access.invitation_access(request, pk).obj
    if request.method == "POST":
        link = _reissue(request, invitation, "link")
        if isinstance(link, HttpResponse):
            return link
        return render(request, TEMPLATE, _context(invitation, "link") | {"link": link})
    return render(request, TEMPLATE, _context(invitation, "link"))


@object_scoped
@require_http_methods(["GET", "POST"])
def invitation_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Tulosta kirje: a PDF letter with a new link and its QR code (no name or address)."""
    invitation = access.invitation_access(request, pk).obj
    if request.method == "POST":
        link = _reissue(request, invitation, "letter")
        if isinstance(link, HttpResponse):
            return link
        pdf = letters.letter_pdf(
            link=link,
            expires_on=timezone.localtime(invitation.expires_at).date(),
            anonymous=invitation.anonymous,
        )
        return pdf_response(pdf, "palautekysely-kirje.pdf")
    return render(request, TEMPLATE, _context(invitation, "letter"))
