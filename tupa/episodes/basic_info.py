"""The basic-information questionnaire (*perustietolomake*, CLI-02, CLI-11) as configuration.

A :class:`~tupa.episodes.models.BasicFormDefinition` holds a list of field definitions::

    {"code": "reasons", "label": "Tulosyyt", "type": "multi", "required": true,
     "options": [{"code": "support_24h", "label": "Ympärivuorokautisen tuen tarve"}, ...],
     "help": "optional help text"}

``type`` is one of ``choice`` (one option), ``multi`` (checkboxes), ``text``, ``bool`` (yes/no)
or ``date``. A label may be a plain (Finnish) string or ``{"fi": ..., "sv": ..., "en": ...}``.
This module validates definitions, renders one as a Django form (:class:`BasicInfoForm`), and
stores the answers in ``Episode.basic_form`` as ``{"definition_id", "version", "answers":
{code: value}}`` (dates as ISO strings, multi-selects as lists) so that old answers stay
readable after a new version. (The models keep their older names: ``BasicFormDefinition``,
``Episode.basic_form``.)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tupa.core.forms import DATE_INVALID, version_field

from .models import BasicFormDefinition, Episode

FIELD_TYPES = ("choice", "multi", "text", "bool", "date")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
ALLOWED_KEYS = {"code", "label", "type", "options", "required", "help"}
#: The hidden field carrying the episode version (optimistic locking); not a usable code.
VERSION_FIELD = "episode_version"


# --------------------------------------------------------------------------- definitions


def _label_ok(label: Any) -> bool:
    if isinstance(label, str):
        return bool(label.strip())
    if isinstance(label, dict):
        return bool(label) and all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in label.items()
        )
    return False


def definition_errors(fields: Any) -> list[str]:
    """Finnish messages for everything wrong with a list of field definitions (empty: valid)."""
    if not isinstance(fields, list):
        return [_("Kenttien on oltava luettelo (JSON-lista).")]
    if not fields:
        return [_("Lomakkeessa on oltava ainakin yksi kenttä.")]
    errors: list[str] = []
    codes: set[str] = set()
    for index, field in enumerate(fields, start=1):
        where = _("Kenttä %(n)d") % {"n": index}
        if not isinstance(field, dict):
            errors.append(_("%(where)s: kentän on oltava JSON-objekti.") % {"where": where})
            continue
        extra = set(field) - ALLOWED_KEYS
        if extra:
            errors.append(
                _("%(where)s: tuntemattomat avaimet %(keys)s.")
                % {"where": where, "keys": ", ".join(sorted(extra))}
            )
        code = field.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            errors.append(
                _(
                    "%(where)s: tunnisteen (code) on oltava pienillä kirjaimilla kirjoitettu "
                    "tunniste, esimerkiksi tulosyyt_2."
                )
                % {"where": where}
            )
        elif code == VERSION_FIELD:
            errors.append(
                _("%(where)s: tunniste %(code)s on varattu.") % {"where": where, "code": code}
            )
        elif code in codes:
            errors.append(
                _("%(where)s: tunniste %(code)s on jo käytössä.") % {"where": where, "code": code}
            )
        else:
            codes.add(code)
        if not _label_ok(field.get("label")):
            errors.append(_("%(where)s: kentältä puuttuu otsikko (label).") % {"where": where})
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            errors.append(
                _("%(where)s: tyypin (type) on oltava jokin näistä: %(types)s.")
                % {"where": where, "types": ", ".join(FIELD_TYPES)}
            )
        if "required" in field and not isinstance(field["required"], bool):
            errors.append(_("%(where)s: required on true tai false.") % {"where": where})
        if kind in ("choice", "multi"):
            options = field.get("options")
            if not isinstance(options, list) or not options:
                errors.append(
                    _("%(where)s: valintakentällä on oltava vaihtoehdot (options).")
                    % {"where": where}
                )
                continue
            option_codes: set[str] = set()
            for option in options:
                if (
                    not isinstance(option, dict)
                    or not isinstance(option.get("code"), str)
                    or not CODE_RE.match(option["code"])
                    or not _label_ok(option.get("label"))
                ):
                    errors.append(
                        _("%(where)s: jokaisella vaihtoehdolla on oltava tunniste ja otsikko.")
                        % {"where": where}
                    )
                    break
                if option["code"] in option_codes:
                    errors.append(
                        _("%(where)s: vaihtoehto %(code)s on kahdesti.")
                        % {"where": where, "code": option["code"]}
                    )
                option_codes.add(option["code"])
        elif "options" in field:
            errors.append(_("%(where)s: vain valintakentillä on vaihtoehtoja.") % {"where": where})
    return errors


def localised(label: Any) -> str:
    """A definition label in the current language (Finnish, then any, as fallbacks)."""
    if isinstance(label, dict):
        language = (get_language() or "fi")[:2]
        return str(label.get(language) or label.get("fi") or next(iter(label.values()), ""))
    return str(label or "")


def active_definition(*, service_form_id: int) -> BasicFormDefinition | None:
    """The newest active basic form of the service form, if it has one."""
    return (
        BasicFormDefinition.objects.filter(service_form_id=service_form_id, active=True)
        .order_by("-version")
        .first()
    )


# --------------------------------------------------------------------------- the dynamic form

YES_NO = [("yes", gettext_lazy("Kyllä")), ("no", gettext_lazy("Ei"))]


class BasicInfoForm(forms.Form):
    """A Django form built from a definition's field list."""

    def __init__(
        self,
        definition: BasicFormDefinition,
        *args: Any,
        with_version: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.definition = definition
        for spec in definition.fields:
            self.fields[spec["code"]] = _form_field(spec)
        if with_version:
            self.fields[VERSION_FIELD] = version_field()

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as JSON values (after ``is_valid()``)."""
        result: dict[str, Any] = {}
        for spec in self.definition.fields:
            value = self.cleaned_data.get(spec["code"])
            result[spec["code"]] = _to_json(spec["type"], value)
        return result


def _form_field(spec: dict[str, Any]) -> forms.Field:
    label = localised(spec.get("label"))
    required = bool(spec.get("required", False))
    help_text = localised(spec.get("help", ""))
    kind = spec["type"]
    messages = {"required": _("Täytä kenttä %(label)s.") % {"label": label}}
    common: dict[str, Any] = {
        "label": label,
        "required": required,
        "help_text": help_text,
        "error_messages": messages,
    }
    if kind in ("choice", "multi"):
        choices = [(o["code"], localised(o["label"])) for o in spec["options"]]
        if kind == "multi":
            messages["required"] = _("Valitse ainakin yksi vaihtoehto kentässä %(label)s.") % {
                "label": label
            }
            messages["invalid_choice"] = _("Valitse vaihtoehto listasta.")
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        messages["required"] = _("Valitse vaihtoehto kentässä %(label)s.") % {"label": label}
        messages["invalid_choice"] = _("Valitse vaihtoehto listasta.")
        return forms.ChoiceField(
            choices=[("", _("Ei valittu")), *choices] if not required else choices,
            widget=forms.RadioSelect if len(choices) <= 5 else forms.Select,
            **common,
        )
    if kind == "bool":
        messages["required"] = _("Vastaa kyllä tai ei kentässä %(label)s.") % {"label": label}
        messages["invalid_choice"] = _("Valitse kyllä tai ei.")
        bool_choices: list[tuple[str, Any]] = list(YES_NO)
        if not required:
            bool_choices.insert(0, ("", _("Ei tiedossa")))
        return forms.TypedChoiceField(
            choices=bool_choices,
            coerce=lambda v: v == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == "date":
        messages["invalid"] = str(DATE_INVALID)
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common)


def _to_json(kind: str, value: Any) -> Any:
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else None
    if kind == "multi":
        return list(value or [])
    if kind == "text":
        return (value or "").strip()
    if kind == "choice":
        return value or None
    return value


def _from_json(kind: str, value: Any) -> Any:
    """A stored answer as the form's initial value."""
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    if kind == "bool":
        return {True: "yes", False: "no"}.get(value, "")
    return value


def storage_value(definition: BasicFormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """What ``Episode.basic_form`` stores: the definition, its version and the answers."""
    codes = {spec["code"] for spec in definition.fields}
    return {
        "definition_id": definition.pk,
        "version": definition.version,
        "answers": {code: value for code, value in answers.items() if code in codes},
    }


def initial_answers(episode: Episode, definition: BasicFormDefinition) -> dict[str, Any]:
    """Stored answers (of any version) as initial values for the fields that still exist."""
    stored = (episode.basic_form or {}).get("answers") or {}
    return {
        spec["code"]: _from_json(spec["type"], stored[spec["code"]])
        for spec in definition.fields
        if spec["code"] in stored
    }


# --------------------------------------------------------------------------- display


@dataclass(frozen=True)
class Answer:
    label: str
    value: str


def display_answers(
    episode: Episode, definitions: dict[int, BasicFormDefinition] | None = None
) -> tuple[BasicFormDefinition | None, list[Answer]]:
    """The stored answers with labels from the definition *version they were given on*."""
    stored = episode.basic_form or {}
    definition_id = stored.get("definition_id")
    if not definition_id:
        return None, []
    definition = (definitions or {}).get(definition_id)
    if definition is None:
        definition = BasicFormDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        return None, []
    answers = stored.get("answers") or {}
    rows: list[Answer] = []
    for spec in definition.fields:
        if spec["code"] not in answers:
            continue
        rows.append(Answer(localised(spec["label"]), _display(spec, answers[spec["code"]])))
    return definition, rows


def _display(spec: dict[str, Any], value: Any) -> str:
    kind = spec["type"]
    if value in (None, "", []):
        return "—"
    if kind in ("choice", "multi"):
        labels = {o["code"]: localised(o["label"]) for o in spec.get("options", [])}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)
    if kind == "bool":
        return _("Kyllä") if value else _("Ei")
    if kind == "date":
        try:
            day = dt.date.fromisoformat(value)
            return f"{day.day}.{day.month}.{day.year}"
        except (TypeError, ValueError):
            return str(value)
    return str(value)


# --------------------------------------------------------------------------- Ensikoti


def ensikoti_admission_reasons_definition() -> list[dict[str, Any]]:
    """Ensikoti's basic form: the coded reasons for admission (CLI-11) and a few intake facts.

    The codes are stable (statistics count them); labels are in Finnish, Swedish and English.
    The coding of CLI-11 is inferred from the annual plan — confirm with the Ensikoti team.
    """

    def label(fi: str, sv: str, en: str) -> dict[str, str]:
        return {"fi": fi, "sv": sv, "en": en}

    return [
        {
            "code": "admission_reasons",
            "label": label("Tulosyyt", "Orsaker till intagning", "Reasons for admission"),
            "type": "multi",
            "required": True,
            "help": label(
                "Valitse kaikki sopivat.", "Välj alla som passar.", "Choose all that apply."
            ),
            "options": [
                {
                    "code": "support_24h",
                    "label": label(
                        "Ympärivuorokautisen tuen tarve",
                        "Behov av stöd dygnet runt",
                        "Need for round-the-clock support",
                    ),
                },
                {
                    "code": "no_support_network",
                    "label": label(
                        "Tukiverkoston puuttuminen",
                        "Stödnätverk saknas",
                        "No support network",
                    ),
                },
                {
                    "code": "young_age",
                    "label": label("Vanhemman nuori ikä", "Förälderns unga ålder", "Young age"),
                },
                {
                    "code": "mental_health",
                    "label": label(
                        "Mielenterveyden haasteet",
                        "Psykisk ohälsa",
                        "Mental health difficulties",
                    ),
                },
                {
                    "code": "substances",
                    "label": label(
                        "Päihteiden käyttö",
                        "Missbruk av rusmedel",
                        "Substance use",
                    ),
                },
                {
                    "code": "intellectual_disability",
                    "label": label(
                        "Kehitysvamma",
                        "Intellektuell funktionsnedsättning",
                        "Intellectual disability",
                    ),
                },
                {
                    "code": "exhaustion",
                    "label": label("Uupumus", "Utmattning", "Exhaustion"),
                },
                {
                    "code": "other_crisis",
                    "label": label("Muu kriisi", "Annan kris", "Other crisis"),
                },
            ],
        },
        {
            "code": "pregnant_at_admission",
            "label": label("Raskaana tullessa", "Gravid vid intagningen", "Pregnant at admission"),
            "type": "bool",
            "required": True,
        },
        {
            "code": "child_welfare_placement",
            "label": label(
                "Lastensuojelun sijoitus",
                "Placering inom barnskyddet",
                "Child-welfare placement",
            ),
            "type": "choice",
            "required": False,
            "options": [
                {"code": "none", "label": label("Ei", "Nej", "No")},
                {
                    "code": "open_care",
                    "label": label(
                        "Avohuollon tukitoimi",
                        "Stödåtgärd inom öppenvården",
                        "Open-care support measure",
                    ),
                },
                {
                    "code": "placement",
                    "label": label("Sijoitus", "Placering", "Placement"),
                },
            ],
        },
        {
            "code": "planned_length",
            "label": label(
                "Suunniteltu jakson pituus", "Planerad periodlängd", "Planned length of stay"
            ),
            "type": "text",
            "required": False,
        },
        {
            "code": "first_contact_on",
            "label": label("Ensimmäinen yhteydenotto", "Första kontakten", "First contact"),
            "type": "date",
            "required": False,
        },
    ]
