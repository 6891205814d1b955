from pathlib import Path

import polib

from tupa.core.management.commands.checktranslations import catalogue_problems


def _write(path: Path, entries: list[tuple[str, str]], fuzzy: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid, msgstr in entries:
        entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
        if fuzzy:
            entry.flags.append("fuzzy")
        po.append(entry)
    po.save(str(path))


def test_complete_catalogues_pass(tmp_path: Path) -> None:
    _write(tmp_path / "sv/LC_MESSAGES/django.po", [("Tallenna", "Spara")])
    _write(tmp_path / "en/LC_MESSAGES/django.po", [("Tallenna", "Save")])
    assert catalogue_problems(tmp_path) == []


def test_missing_fuzzy_and_absent_catalogues_are_reported(tmp_path: Path) -> None:
    _write(tmp_path / "sv/LC_MESSAGES/django.po", [("Tallenna", ""), ("Peruuta", "Avbryt")])
    assert catalogue_problems(tmp_path) == [
        "missing: sv/LC_MESSAGES/django.po: 'Tallenna'",
        "missing catalogue: en/LC_MESSAGES/django.po",
    ]
    _write(tmp_path / "en/LC_MESSAGES/django.po", [("Tallenna", "Save")], fuzzy=True)
    assert "fuzzy: en/LC_MESSAGES/django.po: 'Tallenna'" in catalogue_problems(tmp_path)
