"""Loading the municipality list (Statistics Finland codes) from a CSV file."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.organisations.models import (
    Municipality,
)

if TYPE_CHECKING:
    pass

#: Statistics Finland's municipality list (public data) that ``load_municipalities`` reads.
MUNICIPALITIES_CSV = Path(__file__).resolve().parents[1] / "data" / "municipalities.csv"


MUNICIPALITY_COLUMNS = ("code", "name_fi", "name_sv", "region_code", "region_name_fi")
#: The name columns (varchar) by their length: a longer cell is refused with its row's number.
_TEXT_LENGTHS = {
    field.name: field.max_length
    for field in Municipality._meta.concrete_fields
    if field.name in ("name_fi", "name_sv", "region_name_fi") and field.max_length is not None
}
_CODE = re.compile(r"^\d{3}$")
_REGION = re.compile(r"^(\d{2})?$")


@dataclass(frozen=True)
class MunicipalityLoadResult:
    created: int
    updated: int
    unchanged: int
    invalidated: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _read_municipalities(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in MUNICIPALITY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(
                _("Kuntatiedostosta puuttuu sarakkeita: %(columns)s")
                % {"columns": ", ".join(missing)}
            )
        rows: list[dict[str, str]] = []
        seen: set[str] = set()
        for line_no, raw in enumerate(reader, start=2):
            row = {c: (raw.get(c) or "").strip() for c in MUNICIPALITY_COLUMNS}
            if not _CODE.match(row["code"]):
                raise ValidationError(
                    _("Rivi %(line)d: kuntanumeron on oltava kolme numeroa.") % {"line": line_no}
                )
            if not row["name_fi"]:
                raise ValidationError(_("Rivi %(line)d: kunnan nimi puuttuu.") % {"line": line_no})
            if not _REGION.match(row["region_code"]):
                raise ValidationError(
                    _("Rivi %(line)d: maakuntakoodin on oltava kaksi numeroa.") % {"line": line_no}
                )
            for column, limit in _TEXT_LENGTHS.items():
                if len(row[column]) > limit:
                    raise ValidationError(
                        _(
                            "Rivi %(line)d: sarakkeen %(column)s arvo on liian pitkä "
                            "(enintään %(max)d merkkiä)."
                        )
                        % {"line": line_no, "column": column, "max": limit}
                    )
            if row["code"] in seen:
                raise ValidationError(
                    _("Rivi %(line)d: kuntanumero %(code)s on tiedostossa kahdesti.")
                    % {"line": line_no, "code": row["code"]}
                )
            seen.add(row["code"])
            row["name_sv"] = row["name_sv"] or row["name_fi"]
            rows.append(row)
    if not rows:
        raise ValidationError(_("Kuntatiedosto on tyhjä."))
    return rows


@transaction.atomic
def municipalities_load(*, path: Path | str) -> MunicipalityLoadResult:
    """Upsert the municipality classification from a CSV file, all or nothing.

    The file has the header ``code,name_fi,name_sv,region_code,region_name_fi``. Rows are
    matched by ``code``; a code missing from the file is kept (partners and people may point
    to it) but marked ``valid=False`` — municipalities merge. Running the same file twice
    changes nothing.
    """
    rows = _read_municipalities(Path(path))
    existing = {m.code: m for m in Municipality.objects.all()}
    updated = unchanged = 0
    fields = MUNICIPALITY_COLUMNS[1:]
    new: list[Municipality] = []
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            new.append(Municipality(valid=True, **row))
            continue
        changed = [f for f in fields if getattr(current, f) != row[f]]
        if not current.valid:
            changed.append("valid")
        if changed:
            for f in fields:
                setattr(current, f, row[f])
            current.valid = True
            current.save(update_fields=changed)
            updated += 1
        else:
            unchanged += 1
    Municipality.objects.bulk_create(new)
    created = len(new)
    in_file = {row["code"] for row in rows}
    invalidated = (
        Municipality.objects.filter(valid=True).exclude(code__in=in_file).update(valid=False)
    )
    return MunicipalityLoadResult(
        created=created, updated=updated, unchanged=unchanged, invalidated=invalidated
    )
