"""The public answering pages at /vastaa/ (namespace ``answer``): a one-time link and a kiosk.

No login: the token in the path is the whole authority. The pages reveal nothing of the service or
the person if a link is forwarded: a generic title, no unit or organisation name, no dates; no
indexing, no referrer, no caching. An expired, used, cancelled, forged or malformed token gets
one and the same page (``_gone``) whatever the reason. Every request is rate-limited per client
address, and failed look-ups more strictly (``settings.TUPA_ANSWER_RATE`` / ``_MISS_RATE``).

No CSRF token, no cookie: the pages carry no session or cookie authority — the token in the
path is the whole authority, and anyone holding it can post without a browser anyway — so
Django's CSRF check would protect nothing. It would also refuse every answer: under
``Referrer-Policy: no-referrer`` a browser sends ``Origin: null`` with a form post. The views are
therefore ``csrf_exempt``, and the recipient's device keeps no cookie from Tupa.

Finnish first: ``?kieli=sv`` / ``?kieli=en`` (and a hidden ``kieli`` field when posting) shows the
questionnaire's own texts in that language, falling back to Finnish.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from tupa.access.marks import public
from tupa.core.htmx import is_htmx
from tupa.surveys.answering import services
from tupa.surveys.models import Invitation, Kiosk, QuestionnaireVersion
from tupa.surveys.recording import items_of
from tupa.surveys.rendering import questions

LANGUAGES = (("fi", "Suomeksi"), ("sv", "På svenska"), ("en", "In English"))
GROUP = "surveys.answer"
MISS_GROUP = "surveys.answer.miss"
AUTOSAVE_GROUP = "surveys.answer.autosave"

#: The posted field names besides the item codes.
ACTION, KEY, LANGUAGE = "toiminto", "avain", "kieli"
SAVE_DRAFT, AUTOSAVE = "tallenna", "luonnos"


def _language(request: HttpRequest) -> str:
    value = (request.POST.get(LANGUAGE) if request.method == "POST" else None) or request.GET.get(
        LANGUAGE, ""
    )
    return value if value in {code for code, _label in LANGUAGES} else "fi"


def _private(response: HttpResponse) -> HttpResponse:
    """Nothing cached, indexed or sent on as a referrer (the path carries the token)."""
    response["Cache-Control"] = "no-store, max-age=0"
    response["Pragma"] = "no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _autosave(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(ACTION) == AUTOSAVE and is_htmx(request)


def _throttled(request: HttpRequest) -> bool:
    """Count this request; true when the address has asked too often, or missed too often.
    The automatic draft saves count apart, so that a quick answerer's submit is never refused."""
    group, rate = (
        (AUTOSAVE_GROUP, settings.TUPA_ANSWER_AUTOSAVE_RATE)
        if _autosave(request)
        else (GROUP, settings.TUPA_ANSWER_RATE)
    )
    if is_ratelimited(request, group=group, key="ip", rate=rate, increment=True):
        return True
    return is_ratelimited(
        request, group=MISS_GROUP, key="ip", rate=settings.TUPA_ANSWER_MISS_RATE, increment=False
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "surveys/answering/too_many.html", status=429)
    response["Retry-After"] = "60"
    return _private(response)


def _gone(request: HttpRequest) -> HttpResponse:
    """The one page for every token that does not open a questionnaire; counts as a miss."""
    is_ratelimited(
        request, group=MISS_GROUP, key="ip", rate=settings.TUPA_ANSWER_MISS_RATE, increment=True
    )
    return _private(render(request, "surveys/answering/gone.html", status=404))


def _page(
    request: HttpRequest,
    *,
    version: QuestionnaireVersion,
    language: str,
    values: Any = None,
    errors: dict[str, str] | None = None,
    key: str,
    kiosk: bool,
    saved: bool = False,
    restored: bool = False,
    status: int = 200,
) -> HttpResponse:
    with translation.override(language):
        context = {
            "sections": questions(
                version, language=language, values=values, errors=errors, items=items_of(version)
            ),
            "title": version.text("title", language),
            "intro": version.text("intro", language),
            "language": language,
            "languages": LANGUAGES,
            "key": key,
            "kiosk": kiosk,
            "saved": saved,
            "restored": restored,
            "has_errors": bool(errors),
        }
        response = render(request, "surveys/answering/questions.html", context, status=status)
    return _private(response)


def _thanks(
    request: HttpRequest, *, version: QuestionnaireVersion, language: str, again_url: str = ""
) -> HttpResponse:
    with translation.override(language):
        response = render(
            request,
            "surveys/answering/thanks.html",
            {
                "thanks": version.text("thanks", language),
                "language": language,
                "again_url": again_url,
            },
        )
    return _private(response)


@public
@csrf_exempt  # see the module docstring: the token is the authority; no cookie is set
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time link: the questionnaire, a draft to continue later, the answer once."""
    if _throttled(request):
        return _too_many(request)
    language = _language(request)
    found = services.invitation_by_token(token)
    if request.method == "POST":
        key = request.POST.get(KEY, "")
        if not services.valid_submission_key(key, services.LINK_KEY_PREFIX):
            return _gone(request)
        if services.key_used(key):
            # A double submit: the first one stored the answers.
            answered = found or services.answered_invitation_by_token(token)
            if answered is None:
                return _gone(request)
            return _thanks(request, version=answered.version, language=language)
        if found is None:
            return _gone(request)
        return _post_invitation(request, found, key=key, language=language, token=token)
    if found is None:
        return _gone(request)
    values = services.draft_of(found)
    return _page(
        request,
        version=found.version,
        language=language,
        values=values,
        key=services.new_submission_key(services.LINK_KEY_PREFIX),
        kiosk=False,
        saved=request.GET.get("tallennettu") == "1",
        restored=bool(values),
    )


def _post_invitation(
    request: HttpRequest, found: Invitation, *, key: str, language: str, token: str
) -> HttpResponse:
    action = request.POST.get(ACTION, "")
    if action in (SAVE_DRAFT, AUTOSAVE):
        errors = services.draft_save(invitation=found, raw=request.POST)
        if _autosave(request):
            with translation.override(language):
                response = render(
                    request,
                    "surveys/answering/_autosaved.html",
                    {"has_errors": bool(errors)},
                )
            return _private(response)
        if not errors:
            url = reverse("answer:invitation", kwargs={"token": token})
            return _private(HttpResponseRedirect(f"{url}?kieli={language}&tallennettu=1"))
        return _page(
            request,
            version=found.version,
            language=language,
            values=request.POST,
            errors=errors,
            key=key,
            kiosk=False,
            status=400,
        )
    try:
        outcome = services.invitation_answer(invitation=found, raw=request.POST, submission_key=key)
    except ValidationError:
        return _gone(request)
    if not outcome.done:
        return _page(
            request,
            version=found.version,
            language=language,
            values=request.POST,
            errors=outcome.errors,
            key=key,
            kiosk=False,
            status=400,
        )
    return _thanks(request, version=found.version, language=language)


@public
@csrf_exempt  # as above
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, token: str) -> HttpResponse:
    """A kiosk device: anonymous continuous feedback; after each answer a blank form again."""
    if _throttled(request):
        return _too_many(request)
    language = _language(request)
    found = services.kiosk_by_token(token)
    if found is None:
        return _gone(request)
    device, version = found
    if request.method == "POST":
        key = request.POST.get(KEY, "")
        if not services.valid_submission_key(key, services.KIOSK_KEY_PREFIX):
            return _gone(request)
        return _post_kiosk(request, device, version, key=key, language=language, token=token)
    return _page(
        request,
        version=version,
        language=language,
        key=services.new_submission_key(services.KIOSK_KEY_PREFIX),
        kiosk=True,
    )


def _post_kiosk(
    request: HttpRequest,
    device: Kiosk,
    version: QuestionnaireVersion,
    *,
    key: str,
    language: str,
    token: str,
) -> HttpResponse:
    again = reverse("answer:kiosk", kwargs={"token": token})
    if language != "fi":
        again = f"{again}?kieli={language}"
    if not services.key_used(key):
        outcome = services.kiosk_answer(
            kiosk=device, version=version, raw=request.POST, submission_key=key
        )
        if not outcome.done:
            return _page(
                request,
                version=version,
                language=language,
                values=request.POST,
                errors=outcome.errors,
                key=key,
                kiosk=True,
                status=400,
            )
    return _thanks(request, version=version, language=language, again_url=again)
