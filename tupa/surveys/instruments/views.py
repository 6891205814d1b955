"""The feedback front page and the questionnaire builder (FBK-01, FBK-07, FBK-08).

Reading a questionnaire (its versions, a preview) needs ``surveys.open`` in its form; building
needs ``surveys.manage`` there (an organisation-wide questionnaire: the executive director).
Everything else answers 404. No client data is shown on these pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import policy
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.access.surveys import (
    MANAGE,
    OPEN,
    forms_for,
    is_thl_feedback_form,
    may,
    may_manage_questionnaire,
    questionnaire_access,
)
from tupa.core.forms import saved_redirect
from tupa.surveys.instruments import selectors, services
from tupa.surveys.instruments.forms import (
    ArchiveForm,
    ChoiceForm,
    ItemForm,
    MoveForm,
    NameForm,
    QuestionnaireForm,
    SectionForm,
    VersionTextsForm,
)
from tupa.surveys.models import Choice, Item, Questionnaire, QuestionnaireVersion, Section
from tupa.surveys.models.instruments import CHOICE_KINDS
from tupa.surveys.rendering import LANGUAGES, questions


def questionnaire_url(pk: int) -> str:
    return reverse("surveys:questionnaire", args=[pk])


def version_url(pk: int) -> str:
    return reverse("surveys:version_edit", args=[pk])


def _version(request: HttpRequest, pk: int, *, action: str = MANAGE) -> QuestionnaireVersion:
    """Version ``pk`` if the user may do ``action`` with its questionnaire, or 404."""
    version = QuestionnaireVersion.objects.filter(pk=pk).first()
    if version is None:
        raise Http404
    version.questionnaire = questionnaire_access(
        request, version.questionnaire_id, action=action
    ).obj
    return version


def _section(request: HttpRequest, pk: int) -> Section:
    section = Section.objects.filter(pk=pk).first()
    if section is None:
        raise Http404
    section.version = _version(request, section.version_id)
    return section


def _item(request: HttpRequest, pk: int) -> Item:
    item = Item.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    item.version = _version(request, item.version_id)
    return item


def _choice(request: HttpRequest, pk: int) -> Choice:
    choice = Choice.objects.filter(pk=pk).first()
    if choice is None:
        raise Http404
    choice.item = _item(request, choice.item_id)
    return choice


def _form_page(
    request: HttpRequest, form: Any, *, heading: str, back: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        "surveys/instruments/form.html",
        {"form": form, "heading": heading, "back": back, **context},
        status=400 if form.is_bound else 200,
    )


def _form_view(
    request: HttpRequest,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    *,
    heading: str,
    back: str,
    **context: Any,
) -> HttpResponse:
    """A builder form whose page leads ``back``: a valid POST runs ``write`` and goes there."""
    saved = saved_redirect(request, form, write, next_url=back)
    return saved or _form_page(request, form, heading=heading, back=back, **context)


# --- front page and questionnaires ----------------------------------------------------------


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, OPEN)
    return render(request, "surveys/instruments/index.html", {"groups": selectors.front_page(user)})


@login_only
@require_http_methods(["GET", "POST"])
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, OPEN)
    forms_qs = [f for f in forms_for(user, MANAGE) if not is_thl_feedback_form(f)]
    organisation_wide = may(user, MANAGE, None)
    if not forms_qs and not organisation_wide:
        raise Http404
    form = QuestionnaireForm(
        request.POST or None,
        forms_qs=forms_qs,
        organisation_wide=organisation_wide,
        initial={"service_form": request.GET.get("tyomuoto", "")},
    )
    organisation = user.organisation
    if organisation is None:
        raise Http404
    saved = saved_redirect(
        request,
        form,
        lambda data: services.questionnaire_create(actor=user, organisation=organisation, **data),
        next_url=lambda created: version_url(created.versions.get().pk),
    )
    return saved or _form_page(
        request, form, heading="questionnaire_new", back=reverse("surveys:index")
    )


@object_scoped
@require_GET
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    granted = questionnaire_access(request, pk, action=OPEN)
    return _questionnaire_page(
        request, granted.obj, may_manage=may_manage_questionnaire(user_of(request), granted.obj)
    )


def _questionnaire_page(
    request: HttpRequest,
    questionnaire: Questionnaire,
    *,
    may_manage: bool,
    errors: list[str] | None = None,
) -> HttpResponse:
    rows = selectors.versions(questionnaire)
    return render(
        request,
        "surveys/instruments/questionnaire.html",
        {
            "questionnaire": questionnaire,
            "rows": rows,
            "has_draft": any(r.version.is_editable for r in rows),
            "may_manage": may_manage,
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def questionnaire_rename(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_access(request, pk).obj
    form = NameForm(request.POST or None, initial={"name": questionnaire.name})
    return _form_view(
        request,
        form,
        lambda data: services.questionnaire_rename(
            actor=user_of(request), questionnaire=questionnaire, **data
        ),
        heading="rename",
        back=questionnaire_url(pk),
        questionnaire=questionnaire,
    )


@object_scoped
@require_POST
def questionnaire_archive(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_access(request, pk).obj
    form = ArchiveForm(request.POST)
    if form.is_valid():
        services.questionnaire_archive(
            actor=user_of(request),
            questionnaire=questionnaire,
            archived=form.cleaned_data["archived"],
        )
    return HttpResponseRedirect(questionnaire_url(pk))


@object_scoped
@require_POST
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = questionnaire_access(request, pk).obj
    try:
        draft = services.version_new_draft(actor=user_of(request), questionnaire=questionnaire)
    except ValidationError as error:
        return _questionnaire_page(request, questionnaire, may_manage=True, errors=error.messages)
    return HttpResponseRedirect(version_url(draft.pk))


# --- versions -------------------------------------------------------------------------------


def _editor(
    request: HttpRequest, version: QuestionnaireVersion, *, errors: list[str] | None = None
) -> HttpResponse:
    sections, items = selectors.structure(version)
    unsectioned = [i for i in items if i.section_id is None]
    by_section = {s.pk: [i for i in items if i.section_id == s.pk] for s in sections}
    return render(
        request,
        "surveys/instruments/version_edit.html",
        {
            "version": version,
            "questionnaire": version.questionnaire,
            "unsectioned": unsectioned,
            "sections": [(s, by_section[s.pk]) for s in sections],
            "choice_kinds": CHOICE_KINDS,
            "problems": services.publish_problems(version) if version.is_editable else [],
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


def _post_action(
    request: HttpRequest,
    version: QuestionnaireVersion,
    action: Callable[[], object],
    *,
    then: str | None = None,
) -> HttpResponse:
    """Run ``action``; then go to ``then`` (the version's editor when not given), or show the
    editor with the refusal."""
    try:
        action()
    except ValidationError as error:
        return _editor(request, version, errors=error.messages)
    return HttpResponseRedirect(then or version_url(version.pk))


def _move(
    request: HttpRequest, version: QuestionnaireVersion, move: Callable[[str], object]
) -> HttpResponse:
    """Run ``move`` with the posted direction (a bad one: back to the editor, nothing moved)."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(version_url(version.pk))
    return _post_action(request, version, lambda: move(form.cleaned_data["direction"]))


@object_scoped
@require_GET
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    if not version.is_editable:
        return HttpResponseRedirect(reverse("surveys:version_preview", args=[pk]))
    return _editor(request, version)


@object_scoped
@require_GET
def version_preview(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk, action=OPEN)
    language = request.GET.get("kieli", "fi")
    if language not in LANGUAGES:
        language = "fi"
    return render(
        request,
        "surveys/instruments/preview.html",
        {
            "version": version,
            "questionnaire": version.questionnaire,
            "language": language,
            "languages": LANGUAGES,
            "title": version.text("title", language),
            "intro": version.text("intro", language),
            "thanks": version.text("thanks", language),
            "sections": questions(version, language=language),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def version_texts(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = VersionTextsForm(request.POST or None, initial=VersionTextsForm.initial_of(version))
    return _form_view(
        request,
        form,
        lambda data: services.version_texts_set(actor=user_of(request), version=version, **data),
        heading="texts",
        back=version_url(pk),
        version=version,
    )


@object_scoped
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    return _post_action(
        request,
        version,
        lambda: services.version_publish(actor=user_of(request), version=version),
        then=questionnaire_url(version.questionnaire_id),
    )


@object_scoped
@require_POST
def version_discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    return _post_action(
        request,
        version,
        lambda: services.version_discard(actor=user_of(request), version=version),
        then=questionnaire_url(version.questionnaire_id),
    )


# --- sections -------------------------------------------------------------------------------


@object_scoped
@require_http_methods(["GET", "POST"])
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = SectionForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.section_add(actor=user_of(request), version=version, **data),
        heading="section_add",
        back=version_url(pk),
        version=version,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    initial = {f"title_{lang}": getattr(section, f"title_{lang}") for lang in LANGUAGES}
    form = SectionForm(request.POST or None, initial=initial)
    return _form_view(
        request,
        form,
        lambda data: services.section_edit(actor=user_of(request), section=section, **data),
        heading="section_edit",
        back=version_url(section.version_id),
        version=section.version,
        delete_url=reverse("surveys:section_delete", args=[pk]),
    )


@object_scoped
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    return _post_action(
        request,
        section.version,
        lambda: services.section_delete(actor=user_of(request), section=section),
    )


@object_scoped
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    return _move(
        request,
        section.version,
        lambda direction: services.section_move(
            actor=user_of(request), section=section, direction=direction
        ),
    )


# --- items ----------------------------------------------------------------------------------


@object_scoped
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = ItemForm(
        request.POST or None,
        version=version,
        initial={"section": request.GET.get("osio"), "kind": "scale5"},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.item_add(actor=user_of(request), version=version, **data),
        # A choice question goes on to its first choice.
        next_url=lambda item: (
            reverse("surveys:choice_add", args=[item.pk])
            if item.kind in CHOICE_KINDS
            else version_url(pk)
        ),
    )
    return saved or _form_page(
        request, form, heading="item_add", back=version_url(pk), version=version
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    names = [f"{n}_{lang}" for n in ("text", "help") for lang in LANGUAGES]
    initial = {n: getattr(item, n) for n in names}
    initial.update(kind=item.kind, required=item.required, code=item.code, section=item.section_id)
    form = ItemForm(request.POST or None, version=item.version, initial=initial)
    return _form_view(
        request,
        form,
        lambda data: services.item_edit(actor=user_of(request), item=item, **data),
        heading="item_edit",
        back=version_url(item.version_id),
        version=item.version,
        delete_url=reverse("surveys:item_delete", args=[pk]),
    )


@object_scoped
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _post_action(
        request, item.version, lambda: services.item_delete(actor=user_of(request), item=item)
    )


@object_scoped
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _move(
        request,
        item.version,
        lambda direction: services.item_move(
            actor=user_of(request), item=item, direction=direction
        ),
    )


# --- choices --------------------------------------------------------------------------------


@object_scoped
@require_http_methods(["GET", "POST"])
def choice_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ChoiceForm(request.POST or None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.choice_add(actor=user_of(request), item=item, **data),
        next_url=(
            reverse("surveys:choice_add", args=[pk])
            if "lisaa_toinen" in request.POST
            else version_url(item.version_id)
        ),
    )
    return saved or _form_page(
        request,
        form,
        heading="choice_add",
        back=version_url(item.version_id),
        version=item.version,
        item=item,
        choices=list(item.choices.all()),
        another=True,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def choice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    choice = _choice(request, pk)
    initial = {f"label_{lang}": getattr(choice, f"label_{lang}") for lang in LANGUAGES}
    initial["value"] = choice.value
    form = ChoiceForm(request.POST or None, initial=initial)
    return _form_view(
        request,
        form,
        lambda data: services.choice_edit(actor=user_of(request), choice=choice, **data),
        heading="choice_edit",
        back=version_url(choice.item.version_id),
        version=choice.item.version,
        item=choice.item,
        delete_url=reverse("surveys:choice_delete", args=[pk]),
    )


@object_scoped
@require_POST
def choice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    choice = _choice(request, pk)
    return _post_action(
        request,
        choice.item.version,
        lambda: services.choice_delete(actor=user_of(request), choice=choice),
    )


@object_scoped
@require_POST
def choice_move(request: HttpRequest, pk: int) -> HttpResponse:
    choice = _choice(request, pk)
    return _move(
        request,
        choice.item.version,
        lambda direction: services.choice_move(
            actor=user_of(request), choice=choice, direction=direction
        ),
    )
