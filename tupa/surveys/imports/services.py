"""The answer import (FBK-05): map a CSV's columns to a version's items, check every row (dry
run), and store all rows or none as one :class:`~tupa.surveys.models.ImportBatch`.

* Each column maps to an item code, to the answer day (:data:`DATE`; only the month is kept) or
  is skipped (:data:`SKIP`). :func:`guess_mapping` pre-fills it from the header (the item's code
  or its Finnish text, numbering such as ``"3. "`` ignored).
* A choice cell matches a choice by its value or its label (case-insensitive); a multiple-choice
  cell may list several, separated by ``;``, ``|`` or ``,``. A scale cell may carry its label
  after the number (``"5 - Erittäin hyvä"``). Yes/no: kyllä/ei, yes/no, 1/0.
* Every row goes through :func:`tupa.surveys.recording.clean_answers` with
  ``enforce_required=False`` (a skipped question on the file is recorded as skipped).
* The responses are anonymous, ``channel=import``, ``recorded_by`` the importer; each
  ``submission_key`` is derived from the file's SHA-256, the version and the row number, so the
  same file cannot store a row twice, and the same file into the same version is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.dates import fi_date
from tupa.core.wallclock import local_date
from tupa.surveys.models import Channel, ImportBatch, Item, ItemKind, QuestionnaireVersion
from tupa.surveys.models.instruments import CHOICE_KINDS
from tupa.surveys.recording import NO, YES, Cleaned, clean_answers, items_of, response_record

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.surveys.imports.parsing import Parsed

SKIP = ""
DATE = "__date__"

_NUMBERING = re.compile(r"^\s*(\d+[.)]\s*)+")
_LEADING_INT = re.compile(r"^\s*(-?\d+)\b")
_SEPARATORS = re.compile(r"[;|,]")
_YES = {"kyllä", "kylla", "k", "yes", "y", "ja", "1", "true"}
_NO = {"ei", "e", "no", "n", "nej", "0", "false"}
#: Headers taken for the answer day (after :func:`_norm`).
_DATE_HEADERS = frozenset(
    {
        "päivä",
        "päivämäärä",
        "pvm",
        "vastausaika",
        "vastauspäivä",
        "vastattu",
        "aika",
        "lähetetty",
        "date",
        "timestamp",
    }
)
_DATE_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
)


def _norm(text: str) -> str:
    return " ".join(_NUMBERING.sub("", text).casefold().split()).rstrip("?:. ")


def guess_mapping(items: list[Item], header: list[str]) -> dict[int, str]:
    """Column index → item code (by code or text), :data:`DATE` for a date column, or skip."""
    by_name: dict[str, str] = {}
    for item in items:
        by_name.setdefault(_norm(item.code), item.code)
        by_name.setdefault(_norm(item.text_fi), item.code)
    used: set[str] = set()
    out: dict[int, str] = {}
    for i, name in enumerate(header):
        key = _norm(name)
        code = by_name.get(key, SKIP)
        if code and code in used:
            code = SKIP
        if not code and key in _DATE_HEADERS:
            code = DATE if DATE not in used else SKIP
        used.add(code)
        out[i] = code
    return out


def _choice_values(item: Item, cell: str) -> list[str] | None:
    lookup: dict[str, str] = {}
    for c in item.choices.all():
        lookup[c.value.casefold()] = c.value
        lookup[c.label_fi.casefold().strip()] = c.value
    whole = lookup.get(cell.casefold().strip())
    if whole is not None:
        return [whole]
    if item.kind == ItemKind.MULTIPLE:
        parts = [p.strip().casefold() for p in _SEPARATORS.split(cell) if p.strip()]
        values = [lookup.get(p) for p in parts]
        if parts and all(v is not None for v in values):
            return [v for v in values if v is not None]
    return None


def raw_value(item: Item, cell: str) -> list[str] | str:
    """A cell as :func:`clean_answers` takes it (an unknown choice passes through so that the
    row report says what is wrong)."""
    cell = cell.strip()
    if not cell:
        return []
    if item.kind in CHOICE_KINDS:
        values = _choice_values(item, cell)
        return values if values is not None else [cell]
    if item.kind == ItemKind.TEXT:
        return cell
    if item.kind == ItemKind.YESNO:
        low = cell.casefold()
        return YES if low in _YES else NO if low in _NO else cell
    match = _LEADING_INT.match(cell)
    return match.group(1) if match else cell


def parse_day(cell: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cell.strip(), fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file (the header is row 1)
    column: str
    message: str


@dataclass
class Plan:
    """What a commit would store: per good row its answers and day; per bad cell the reason."""

    rows: list[tuple[int, dict[str, Cleaned], dt.date]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def check_mapping(items: list[Item], mapping: Mapping[int, str]) -> None:
    codes = [c for c in mapping.values() if c not in (SKIP, DATE)]
    known = {i.code for i in items}
    if any(c not in known for c in codes):
        raise ValidationError(_("Sarake on yhdistetty kysymykseen, jota kyselyversiossa ei ole."))
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ValidationError(
            _("Kysymykseen %(codes)s on yhdistetty useampi sarake; valitse yksi.")
            % {"codes": ", ".join(twice)}
        )
    if list(mapping.values()).count(DATE) > 1:
        raise ValidationError(_("Valitse vastauspäiväksi vain yksi sarake."))
    if not codes:
        raise ValidationError(_("Yhdistä vähintään yksi sarake kysymykseen."))


def plan_import(
    version: QuestionnaireVersion,
    parsed: Parsed,
    mapping: Mapping[int, str],
    *,
    today: dt.date | None = None,
) -> Plan:
    """The dry run: every row checked, nothing stored."""
    items = items_of(version)
    check_mapping(items, mapping)
    by_code = {i.code: i for i in items}
    day_default = today or timezone.localdate()
    plan = Plan()
    for n, row in parsed.numbered():  # the row's number in the file, blank lines counted
        raw: dict[str, list[str] | str] = {}
        day = day_default
        row_errors: list[RowError] = []
        for col, code in mapping.items():
            cell = row[col] if col < len(row) else ""
            if code == DATE:
                if cell.strip():
                    parsed_day = parse_day(cell)
                    if parsed_day is None:
                        row_errors.append(
                            RowError(
                                n,
                                parsed.header[col],
                                _("Päivämäärää ei tunnistettu (esim. 31.1.2026)."),
                            )
                        )
                    elif parsed_day > day_default:
                        row_errors.append(
                            RowError(n, parsed.header[col], _("Päivämäärä on tulevaisuudessa."))
                        )
                    else:
                        day = parsed_day
            elif code != SKIP:
                raw[code] = raw_value(by_code[code], cell)
        cleaned, errors = clean_answers(version, raw, items=items, enforce_required=False)
        columns = {code: parsed.header[col] for col, code in mapping.items()}
        row_errors += [
            RowError(n, columns.get(code, code), message) for code, message in errors.items()
        ]
        if not row_errors and not any(c.answered for c in cleaned.values()):
            row_errors.append(RowError(n, "", _("Rivillä ei ole yhtään vastausta.")))
        if row_errors:
            plan.errors += row_errors
        else:
            plan.rows.append((n, cleaned, day))
    return plan


def _already(version: QuestionnaireVersion, sha: str) -> ValidationError:
    batch = ImportBatch.objects.filter(version=version, file_sha256=sha).first()
    when = fi_date(local_date(batch.created_at)) if batch else ""
    return ValidationError(
        _(
            "Tämä tiedosto on jo tuotu tähän kyselyversioon %(day)s. Samaa tiedostoa ei tuoda kahdesti."
        )
        % {"day": when}
    )


def submission_key(sha: str, version: QuestionnaireVersion, row: int) -> str:
    return hashlib.sha256(f"import:{sha}:{version.pk}:{row}".encode()).hexdigest()


@transaction.atomic
def import_commit(
    *,
    actor: User,
    version: QuestionnaireVersion,
    service_form: ServiceForm,
    file_name: str,
    parsed: Parsed,
    mapping: Mapping[int, str],
) -> ImportBatch:
    """Store every row of the file as an anonymous response, or nothing (any bad row refuses)."""
    organisation_id = version.questionnaire.organisation_id
    with scope(organisation=organisation_id):
        if version.status != QuestionnaireVersion.Status.PUBLISHED:
            raise ValidationError(_("Vastauksia voi tuoda vain julkaistuun kyselyversioon."))
        if service_form.organisation_id != organisation_id:
            raise ValidationError(_("Työmuoto ei kuulu kyselyn organisaatioon."))
        if ImportBatch.objects.filter(version=version, file_sha256=parsed.sha256).exists():
            raise _already(version, parsed.sha256)
        plan = plan_import(version, parsed, mapping)
        if plan.errors:
            raise ValidationError(
                _(
                    "Tiedostossa on %(n)s virhettä; mitään ei tallennettu. Korjaa rivit ja tuo tiedosto uudelleen."
                )
                % {"n": len(plan.errors)}
            )
        if not plan.rows:
            raise ValidationError(_("Tiedostossa ei ole tuotavia rivejä."))
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    organisation_id=organisation_id,
                    version=version,
                    service_form=service_form,
                    file_name=file_name[:200],
                    file_sha256=parsed.sha256,
                    mapping={str(k): v for k, v in mapping.items()},
                    rows=len(plan.rows),
                    imported_by=actor,
                )
        except IntegrityError:
            raise _already(version, parsed.sha256) from None
        for row, cleaned, day in plan.rows:
            response_record(
                version=version,
                service_form=service_form,
                channel=Channel.IMPORT,
                answers={code: c for code, c in cleaned.items()},
                submission_key=submission_key(parsed.sha256, version, row),
                anonymous=True,
                submitted_on=day,
                recorded_by=actor,
                import_batch=batch,
            )
    return batch
