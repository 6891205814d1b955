"""The one question renderer: a version's sections and items as view objects for
``surveys/_questions.html`` (the answering page, the kiosk, staff-recorded paper and oral
answers, the preview).

Contract::

    sections = questions(version, language="fi", values=request.POST, errors=errors)
    {% include "surveys/_questions.html" with sections=sections %}

The partial renders the form *body* only (an error summary when there are errors, then one
fieldset per item); the caller writes ``<form method="post">``, ``{% csrf_token %}`` and the
submit button. Input names are the item codes, so ``request.POST`` goes straight to
:func:`tupa.surveys.recording.clean_answers`, whose per-code messages are the ``errors`` here.
Every text (question, help, choice labels, "pakollinen", the scale hints and the error summary's
heading) comes out in ``language`` whatever the page's active language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from tupa.surveys.models import Item, ItemKind, QuestionnaireVersion
from tupa.surveys.models.instruments import CHOICE_KINDS
from tupa.surveys.recording import NO, YES, items_of

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class ChoiceView:
    """One radio button or checkbox: the posted ``value``, its label and whether it is chosen."""

    value: str
    label: str
    id: str
    checked: bool = False
    smiley: int | None = None  # 1 sad, 2 neutral, 3 happy (for the face drawn next to the word)


@dataclass(frozen=True)
class ItemView:
    """One question as the partial renders it."""

    code: str
    kind: str
    text: str
    help: str
    required: bool
    required_label: str
    choices: tuple[ChoiceView, ...]
    values: tuple[str, ...]
    error: str = ""
    hint: str = ""  # e.g. "1 = heikoin, 5 = paras" for a scale

    @property
    def id(self) -> str:
        return f"q-{self.code}"

    @property
    def first_input_id(self) -> str:
        """The element an error summary links to."""
        return self.choices[0].id if self.choices else f"{self.id}-input"

    @property
    def value(self) -> str:
        """A text item's current text."""
        return "\n".join(self.values)

    @property
    def is_text(self) -> bool:
        return self.kind == ItemKind.TEXT

    @property
    def is_multiple(self) -> bool:
        return self.kind == ItemKind.MULTIPLE

    @property
    def is_smiley(self) -> bool:
        return self.kind == ItemKind.SMILEY

    @property
    def is_scale(self) -> bool:
        return self.kind in (ItemKind.SCALE5, ItemKind.SCALE10)

    @property
    def describedby(self) -> str:
        ids = []
        if self.help:
            ids.append(f"{self.id}-help")
        if self.hint:
            ids.append(f"{self.id}-hint")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass(frozen=True)
class SectionView:
    """A section (title may be empty for items outside any section) and its items."""

    title: str
    items: tuple[ItemView, ...]
    language: str
    child_friendly: bool = False
    error_heading: str = ""
    errors: tuple[ItemView, ...] = field(default=())


def _posted(values: Mapping[str, Any] | None, code: str) -> tuple[str, ...]:
    if values is None:
        return ()
    getlist = getattr(values, "getlist", None)
    if getlist is not None:
        raw = getlist(code)
    else:
        value = values.get(code)
        raw = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    return tuple(str(v) for v in raw if str(v) != "")


def _smiley_label(n: int) -> str:
    return {1: _("Surullinen"), 2: _("Siltä väliltä"), 3: _("Iloinen")}[n]


def _hint(kind: str) -> str:
    if kind == ItemKind.SCALE5:
        return _("1 = heikoin, 5 = paras")
    if kind == ItemKind.SCALE10:
        return _("0 = ei lainkaan todennäköistä, 10 = erittäin todennäköistä")
    return ""


def _choices(item: Item, language: str, chosen: tuple[str, ...]) -> tuple[ChoiceView, ...]:
    base = f"q-{item.code}"
    options: list[tuple[str, str, int | None]]
    if item.kind in CHOICE_KINDS:
        options = [(c.value, c.text("label", language), None) for c in item.choices.all()]
    elif item.kind == ItemKind.YESNO:
        options = [(YES, _("Kyllä"), None), (NO, _("Ei"), None)]
    elif item.kind == ItemKind.SMILEY:
        options = [(str(n), _smiley_label(n), n) for n in (1, 2, 3)]
    elif item.numeric_range is not None:
        low, high = item.numeric_range
        options = [(str(n), str(n), None) for n in range(low, high + 1)]
    else:
        options = []
    return tuple(
        ChoiceView(value=value, label=label, id=f"{base}-{n}", checked=value in chosen, smiley=face)
        for n, (value, label, face) in enumerate(options)
    )


def questions(
    version: QuestionnaireVersion,
    *,
    language: str,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    items: list[Item] | None = None,
) -> list[SectionView]:
    """The version's sections in order, each with its items as :class:`ItemView` rows.

    ``values`` is what was posted (a ``QueryDict`` or ``{code: str | list[str]}``), ``errors``
    the per-code messages of :func:`~tupa.surveys.recording.clean_answers`. Items outside a
    section come first, under an untitled section. Two queries (items with sections, choices);
    pass ``items`` (from :func:`~tupa.surveys.recording.items_of`) to reuse ones already read.
    """
    lang = language[:2] if language and language[:2] in LANGUAGES else "fi"
    errors = errors or {}
    rows = items if items is not None else items_of(version)
    with translation.override(lang):
        required_label = _("pakollinen")
        error_heading = _("Tarkista vastaukset")
        grouped: dict[int | None, list[ItemView]] = {}
        titles: dict[int | None, tuple[int, str]] = {None: (-1, "")}
        for item in rows:
            chosen = _posted(values, item.code)
            view = ItemView(
                code=item.code,
                kind=item.kind,
                text=item.text("text", lang),
                help=item.text("help", lang),
                required=item.required,
                required_label=required_label,
                choices=_choices(item, lang, chosen),
                values=chosen,
                error=str(errors.get(item.code, "")),
                hint="" if item.help_fi else _hint(item.kind),
            )
            key = item.section_id
            if key is not None and key not in titles and item.section is not None:
                titles[key] = (item.section.order, item.section.text("title", lang))
            grouped.setdefault(key, []).append(view)
    ordered = sorted(grouped, key=lambda k: (titles[k][0], k or 0))
    all_items = [view for key in ordered for view in grouped[key]]
    failing = tuple(view for view in all_items if view.error)
    return [
        SectionView(
            title=titles[key][1],
            items=tuple(grouped[key]),
            language=lang,
            child_friendly=version.child_friendly,
            error_heading=error_heading,
            errors=failing if n == 0 else (),
        )
        for n, key in enumerate(ordered)
    ]
