"""Writes of questionnaires and their versions (FBK-01, FBK-07, FBK-08).

A questionnaire is built as a *draft* version: its texts, sections, items and choices are edited
freely. :func:`version_publish` freezes it (and retires the version published before it: at most
one version of a questionnaire is published at a time; old answers keep naming the version they
answered). Every edit of a published or retired version is refused; :func:`version_new_draft`
copies the latest non-draft version into the next number, keeping each item's ``code`` so results
compare the same question across versions.

Who may write: :func:`tupa.access.surveys.may_manage_questionnaire` (the form's lead or
coordinator; an organisation-wide questionnaire: the executive director). The shelter's clients
answer THL's own form, so a shelter form never gets a questionnaire (FBK-06).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.surveys import MANAGE, is_thl_feedback_form, may, may_manage_questionnaire
from tupa.core.saving import save_validated
from tupa.surveys.models import (
    Choice,
    Item,
    ItemKind,
    Questionnaire,
    QuestionnaireVersion,
    Section,
    Target,
)
from tupa.surveys.models.instruments import CHOICE_KINDS
from tupa.surveys.rendering import LANGUAGES

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Organisation, ServiceForm

Status = QuestionnaireVersion.Status

#: Longest derived code / choice value.
CODE_MAX = 40

UP, DOWN = "up", "down"


def not_editable_message() -> str:
    return _(
        "Julkaistua versiota ei voi enää muuttaa: vastaukset on annettu sen sanamuotoon. "
        "Tee kyselystä uusi versio ja muokkaa sitä."
    )


def _require_manage(actor: User, questionnaire: Questionnaire) -> None:
    if not may_manage_questionnaire(actor, questionnaire):
        raise PermissionDenied


def _require_not_archived(questionnaire: Questionnaire) -> None:
    if questionnaire.archived:
        raise ValidationError(_("Kysely on arkistoitu. Palauta se käyttöön ennen muokkaamista."))


def _require_draft(actor: User, version: QuestionnaireVersion) -> None:
    _require_manage(actor, version.questionnaire)
    # Read the status again from the database: a form bound a moment ago may be stale.
    status = (
        QuestionnaireVersion.objects.select_for_update()
        .filter(pk=version.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != Status.DRAFT:
        raise ValidationError(not_editable_message())
    _require_not_archived(version.questionnaire)


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire's row, locked (publishing and new drafts take turns)."""
    with scope(organisation=questionnaire.organisation_id):
        return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _derive(text: str, taken: set[str], fallback: str) -> str:
    base = re.sub(r"[^a-z0-9_]", "", slugify(text).replace("-", "_"))[:CODE_MAX].strip("_")
    base = base or fallback
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate = f"{base[: CODE_MAX - len(suffix)]}{suffix}"
        n += 1
    return candidate


def _texts(source: Any, *names: str) -> dict[str, str]:
    """``source``'s fields ``<name>_fi``, ``<name>_sv`` and ``<name>_en`` (a copy's texts)."""
    return {
        f"{name}_{lang}": getattr(source, f"{name}_{lang}") for name in names for lang in LANGUAGES
    }


def _next_order(rows: models.QuerySet[Any]) -> int:
    return int(rows.aggregate(m=Max("order"))["m"] or 0) + 1


def _move(obj: Any, siblings: models.QuerySet[Any], direction: str) -> None:
    """Swap ``obj`` with its neighbour (orders renumbered 1…n first)."""
    rows = list(siblings.order_by("order", "pk"))
    for n, row in enumerate(rows, start=1):
        row.order = n
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(rows):
        rows[index].order, rows[other].order = rows[other].order, rows[index].order
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(order=row.order)
    obj.order = rows[index].order


# --- questionnaires -----------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    service_form: ServiceForm | None,
    target: str,
    is_outcome_measure: bool = False,
    builtin: str = "",
) -> Questionnaire:
    """A new questionnaire with version 1 as a draft (its title: ``name``)."""
    if service_form is not None:
        if service_form.organisation_id != organisation.pk:
            raise PermissionDenied
        if is_thl_feedback_form(service_form):
            raise ValidationError(
                {
                    "service_form": _(
                        "Turvakodin asiakkaat antavat palautteen THL:n omalla lomakkeella. "
                        "Turvakodille ei tehdä Tupan kyselyä; kirjaa THL-lomakkeen antaminen."
                    )
                }
            )
    if actor.organisation_id != organisation.pk or not may(actor, MANAGE, service_form):
        raise PermissionDenied
    if target not in Target.values:
        raise ValidationError({"target": _("Valitse vastaajat.")})
    with scope(organisation=organisation):
        questionnaire = Questionnaire(
            organisation=organisation,
            name=name.strip(),
            service_form=service_form,
            target=target,
            is_outcome_measure=is_outcome_measure,
            builtin=builtin,
            created_by=actor,
        )
        save_validated(questionnaire, actor=actor)
        version = QuestionnaireVersion(questionnaire=questionnaire, number=1, title_fi=name.strip())
        version.full_clean()
        version.save()
    return questionnaire


@transaction.atomic
def questionnaire_rename(*, actor: User, questionnaire: Questionnaire, name: str) -> Questionnaire:
    _require_manage(actor, questionnaire)
    questionnaire.name = name.strip()
    with scope(organisation=questionnaire.organisation_id):
        save_validated(questionnaire, actor=actor)
    return questionnaire


@transaction.atomic
def questionnaire_archive(
    *, actor: User, questionnaire: Questionnaire, archived: bool = True
) -> Questionnaire:
    """Archive (or, with ``archived=False``, restore) a questionnaire. Its versions and answers
    stay; an archived questionnaire is not offered for new invitations."""
    _require_manage(actor, questionnaire)
    questionnaire.archived = archived
    with scope(organisation=questionnaire.organisation_id):
        save_validated(questionnaire, actor=actor)
    return questionnaire


# --- versions -----------------------------------------------------------------------------------


@transaction.atomic
def version_texts_set(
    *,
    actor: User,
    version: QuestionnaireVersion,
    title_fi: str,
    title_sv: str = "",
    title_en: str = "",
    intro_fi: str = "",
    intro_sv: str = "",
    intro_en: str = "",
    thanks_fi: str = "",
    thanks_sv: str = "",
    thanks_en: str = "",
    child_friendly: bool = False,
) -> QuestionnaireVersion:
    """The draft's title, introduction and thanks in three languages, and its presentation."""
    _require_draft(actor, version)
    texts = {
        "title_fi": title_fi,
        "title_sv": title_sv,
        "title_en": title_en,
        "intro_fi": intro_fi,
        "intro_sv": intro_sv,
        "intro_en": intro_en,
        "thanks_fi": thanks_fi,
        "thanks_sv": thanks_sv,
        "thanks_en": thanks_en,
    }
    for name, value in texts.items():
        setattr(version, name, value.strip())
    version.child_friendly = child_friendly
    version.full_clean()
    version.save()
    return version


def publish_problems(version: QuestionnaireVersion) -> list[str]:
    """What stops ``version`` from being published (Finnish; empty when it may be)."""
    problems: list[str] = []
    if not version.title_fi.strip():
        problems.append(_("Kyselyllä ei ole suomenkielistä otsikkoa."))
    items = list(version.items.prefetch_related("choices"))
    if not items:
        problems.append(_("Kyselyssä ei ole yhtään kysymystä."))
    for item in items:
        if item.kind in CHOICE_KINDS and len(item.choices.all()) < 2:
            problems.append(
                _("Kysymyksellä ”%(text)s” on oltava vähintään kaksi vaihtoehtoa.")
                % {"text": item.text_fi[:60]}
            )
    return problems


@transaction.atomic
def version_publish(*, actor: User, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Publish the draft; the version published before it is retired."""
    questionnaire = _lock(version.questionnaire)
    version.questionnaire = questionnaire
    _require_draft(actor, version)
    problems = publish_problems(version)
    if problems:
        raise ValidationError(problems)
    questionnaire.versions.filter(status=Status.PUBLISHED).update(status=Status.RETIRED)
    version.status = Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    return version


@transaction.atomic
def version_new_draft(*, actor: User, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The next version as a draft copy of the latest published (or retired) version."""
    questionnaire = _lock(questionnaire)
    _require_manage(actor, questionnaire)
    _require_not_archived(questionnaire)
    versions = questionnaire.versions.all()
    if versions.filter(status=Status.DRAFT).exists():
        raise ValidationError(
            _("Kyselyllä on jo keskeneräinen luonnos. Muokkaa sitä tai julkaise se ensin.")
        )
    source = versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("Kyselyllä ei ole versiota, josta kopioida."))
    copy = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=source.number + 1,
        **_texts(source, "title", "intro", "thanks"),
        child_friendly=source.child_friendly,
    )
    sections: dict[int, Section] = {}
    for section in source.sections.all():
        sections[section.pk] = Section.objects.create(
            version=copy, order=section.order, **_texts(section, "title")
        )
    for item in source.items.prefetch_related("choices"):
        new_item = Item.objects.create(
            version=copy,
            section=sections.get(item.section_id) if item.section_id else None,
            order=item.order,
            code=item.code,
            kind=item.kind,
            required=item.required,
            **_texts(item, "text", "help"),
        )
        Choice.objects.bulk_create(
            Choice(item=new_item, order=choice.order, value=choice.value, **_texts(choice, "label"))
            for choice in item.choices.all()
        )
    return copy


@transaction.atomic
def version_discard(*, actor: User, version: QuestionnaireVersion) -> None:
    """Delete a draft that is not version 1 (the questionnaire keeps its published version)."""
    _require_draft(actor, version)
    if version.number == 1:
        raise ValidationError(
            _("Ensimmäistä versiota ei voi poistaa. Arkistoi kysely, jos sitä ei tarvita.")
        )
    version.delete()


# --- sections -----------------------------------------------------------------------------------


def _section_save(section: Section, *, title_fi: str, title_sv: str, title_en: str) -> Section:
    section.title_fi, section.title_sv, section.title_en = (
        title_fi.strip(),
        title_sv.strip(),
        title_en.strip(),
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_add(
    *,
    actor: User,
    version: QuestionnaireVersion,
    title_fi: str,
    title_sv: str = "",
    title_en: str = "",
) -> Section:
    _require_draft(actor, version)
    section = Section(version=version, order=_next_order(version.sections.all()))
    return _section_save(section, title_fi=title_fi, title_sv=title_sv, title_en=title_en)


@transaction.atomic
def section_edit(
    *, actor: User, section: Section, title_fi: str, title_sv: str = "", title_en: str = ""
) -> Section:
    _require_draft(actor, section.version)
    return _section_save(section, title_fi=title_fi, title_sv=title_sv, title_en=title_en)


@transaction.atomic
def section_delete(*, actor: User, section: Section) -> None:
    """Delete a section; its questions stay in the version, outside any section."""
    _require_draft(actor, section.version)
    section.items.update(section=None)
    section.delete()


@transaction.atomic
def section_move(*, actor: User, section: Section, direction: str) -> Section:
    _require_draft(actor, section.version)
    _move(section, section.version.sections.all(), direction)
    return section


# --- items --------------------------------------------------------------------------------------


def _check_section(version: QuestionnaireVersion, section: Section | None) -> None:
    if section is not None and section.version_id != version.pk:
        raise ValidationError({"section": _("Valitse tämän version osio.")})


class ItemFields(TypedDict, total=False):
    """What :func:`item_add` and :func:`item_edit` take of a question (the builder's form);
    ``kind`` and ``text_fi`` are required, the defaults of the rest are :func:`_item_fields`'s."""

    kind: Required[str]
    text_fi: Required[str]
    text_sv: str
    text_en: str
    help_fi: str
    help_sv: str
    help_en: str
    required: bool
    code: str
    section: Section | None


def _item_fields(
    item: Item,
    *,
    kind: str,
    text_fi: str,
    text_sv: str = "",
    text_en: str = "",
    help_fi: str = "",
    help_sv: str = "",
    help_en: str = "",
    required: bool = False,
    code: str = "",
    section: Section | None = None,
) -> None:
    version = item.version
    _check_section(version, section)
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Valitse kysymystyyppi.")})
    taken = set(version.items.exclude(pk=item.pk).values_list("code", flat=True))
    code = code.strip()
    if code:
        if code in taken:
            raise ValidationError(
                {"code": _("Tunniste on jo käytössä toisella tämän kyselyn kysymyksellä.")}
            )
    else:
        code = item.code or _derive(text_fi, taken, "kysymys")
    item.kind, item.code, item.required, item.section = kind, code, required, section
    item.text_fi, item.text_sv, item.text_en = text_fi.strip(), text_sv.strip(), text_en.strip()
    item.help_fi, item.help_sv, item.help_en = help_fi.strip(), help_sv.strip(), help_en.strip()
    item.full_clean(exclude=["version", "section"])


@transaction.atomic
def item_add(*, actor: User, version: QuestionnaireVersion, **fields: Unpack[ItemFields]) -> Item:
    """A new question at the end; ``code`` is derived from the Finnish text when left empty."""
    _require_draft(actor, version)
    item = Item(version=version, order=_next_order(version.items.all()))
    _item_fields(item, **fields)
    item.save()
    return item


@transaction.atomic
def item_edit(*, actor: User, item: Item, **fields: Unpack[ItemFields]) -> Item:
    """Change a draft's question. A question that stops being a choice question loses its
    choices."""
    _require_draft(actor, item.version)
    _item_fields(item, **fields)
    item.save()
    if item.kind not in CHOICE_KINDS:
        item.choices.all().delete()
    return item


@transaction.atomic
def item_delete(*, actor: User, item: Item) -> None:
    _require_draft(actor, item.version)
    item.delete()


@transaction.atomic
def item_move(*, actor: User, item: Item, direction: str) -> Item:
    """Swap the question with its neighbour in the same section."""
    _require_draft(actor, item.version)
    _move(item, item.version.items.filter(section=item.section), direction)
    return item


# --- choices ------------------------------------------------------------------------------------


def _require_choice_item(item: Item) -> None:
    if item.kind not in CHOICE_KINDS:
        raise ValidationError(
            _("Vaihtoehtoja lisätään vain kysymyksiin, joissa valitaan yksi tai monta vaihtoehtoa.")
        )


def _choice_fields(
    choice: Choice, *, label_fi: str, label_sv: str, label_en: str, value: str
) -> None:
    taken = set(choice.item.choices.exclude(pk=choice.pk).values_list("value", flat=True))
    value = value.strip()
    if value:
        if value in taken:
            raise ValidationError({"value": _("Arvo on jo käytössä toisella vaihtoehdolla.")})
    else:
        value = choice.value or _derive(label_fi, taken, "vaihtoehto")
    choice.value = value
    choice.label_fi, choice.label_sv, choice.label_en = (
        label_fi.strip(),
        label_sv.strip(),
        label_en.strip(),
    )
    choice.full_clean(exclude=["item"])


@transaction.atomic
def choice_add(
    *,
    actor: User,
    item: Item,
    label_fi: str,
    label_sv: str = "",
    label_en: str = "",
    value: str = "",
) -> Choice:
    _require_draft(actor, item.version)
    _require_choice_item(item)
    choice = Choice(item=item, order=_next_order(item.choices.all()))
    _choice_fields(choice, label_fi=label_fi, label_sv=label_sv, label_en=label_en, value=value)
    choice.save()
    return choice


@transaction.atomic
def choice_edit(
    *,
    actor: User,
    choice: Choice,
    label_fi: str,
    label_sv: str = "",
    label_en: str = "",
    value: str = "",
) -> Choice:
    _require_draft(actor, choice.item.version)
    _choice_fields(choice, label_fi=label_fi, label_sv=label_sv, label_en=label_en, value=value)
    choice.save()
    return choice


@transaction.atomic
def choice_delete(*, actor: User, choice: Choice) -> None:
    _require_draft(actor, choice.item.version)
    choice.delete()


@transaction.atomic
def choice_move(*, actor: User, choice: Choice, direction: str) -> Choice:
    _require_draft(actor, choice.item.version)
    _move(choice, choice.item.choices.all(), direction)
    return choice
