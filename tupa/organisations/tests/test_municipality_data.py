"""Sanity checks for the municipality reference data (no database needed).

The CSV follows Statistics Finland's municipality classification for
2025/2026 (kunta_1_20250101 / kunta_1_20260101), which has 308
municipalities: Pertunmaa (588) merged into Mäntyharju on 1 January 2025,
and Honkajoki (099) merged into Kankaanpää on 1 January 2021.
"""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"

HEADER = ["code", "name_fi", "name_sv", "region_code", "region_name_fi"]

REGIONS = {
    "01": "Uusimaa",
    "02": "Varsinais-Suomi",
    "04": "Satakunta",
    "05": "Kanta-Häme",
    "06": "Pirkanmaa",
    "07": "Päijät-Häme",
    "08": "Kymenlaakso",
    "09": "Etelä-Karjala",
    "10": "Etelä-Savo",
    "11": "Pohjois-Savo",
    "12": "Pohjois-Karjala",
    "13": "Keski-Suomi",
    "14": "Etelä-Pohjanmaa",
    "15": "Pohjanmaa",
    "16": "Keski-Pohjanmaa",
    "17": "Pohjois-Pohjanmaa",
    "18": "Kainuu",
    "19": "Lappi",
    "21": "Ahvenanmaa",
}

# Municipalities per region in the 2025/2026 classification.
REGION_SIZES = {
    "01": 26,
    "02": 27,
    "04": 16,
    "05": 11,
    "06": 23,
    "07": 10,
    "08": 6,
    "09": 9,
    "10": 11,
    "11": 19,
    "12": 13,
    "13": 22,
    "14": 18,
    "15": 14,
    "16": 8,
    "17": 30,
    "18": 8,
    "19": 21,
    "21": 16,
}

# code -> (name_fi, name_sv, region_code)
SPOT_CHECKS = {
    "005": ("Alajärvi", "Alajärvi", "14"),
    "020": ("Akaa", "Ackas", "06"),
    "049": ("Espoo", "Esbo", "01"),
    "091": ("Helsinki", "Helsingfors", "01"),
    "092": ("Vantaa", "Vanda", "01"),
    "098": ("Hollola", "Hollola", "07"),
    "109": ("Hämeenlinna", "Tavastehus", "05"),
    "111": ("Heinola", "Heinola", "07"),
    "142": ("Iitti", "Itis", "07"),
    "152": ("Isokyrö", "Storkyro", "14"),
    "171": ("Joroinen", "Jorois", "11"),
    "179": ("Jyväskylä", "Jyväskylä", "13"),
    "090": ("Heinävesi", "Heinävesi", "12"),
    "214": ("Kankaanpää", "Kankaanpää", "04"),
    "235": ("Kauniainen", "Grankulla", "01"),
    "272": ("Kokkola", "Karleby", "16"),
    "284": ("Koski Tl", "Koskis", "02"),
    "291": ("Kuhmoinen", "Kuhmois", "06"),
    "297": ("Kuopio", "Kuopio", "11"),
    "398": ("Lahti", "Lahtis", "07"),
    "405": ("Lappeenranta", "Villmanstrand", "09"),
    "478": ("Maarianhamina", "Mariehamn", "21"),
    "491": ("Mikkeli", "S:t Michel", "10"),
    "507": ("Mäntyharju", "Mäntyharju", "10"),
    "564": ("Oulu", "Uleåborg", "17"),
    "599": ("Pedersören kunta", "Pedersöre", "15"),
    "609": ("Pori", "Björneborg", "04"),
    "638": ("Porvoo", "Borgå", "01"),
    "698": ("Rovaniemi", "Rovaniemi", "19"),
    "743": ("Seinäjoki", "Seinäjoki", "14"),
    "837": ("Tampere", "Tammerfors", "06"),
    "853": ("Turku", "Åbo", "02"),
    "905": ("Vaasa", "Vasa", "15"),
    "205": ("Kajaani", "Kajana", "18"),
    "167": ("Joensuu", "Joensuu", "12"),
    "075": ("Hamina", "Fredrikshamn", "08"),
}

PAIJAT_HAME = {
    "Asikkala",
    "Hartola",
    "Heinola",
    "Hollola",
    "Iitti",  # moved from Kymenlaakso on 1.1.2021
    "Kärkölä",
    "Lahti",
    "Orimattila",
    "Padasjoki",
    "Sysmä",
}

ALAND = {
    "Brändö",
    "Eckerö",
    "Finström",
    "Föglö",
    "Geta",
    "Hammarland",
    "Jomala",
    "Kumlinge",
    "Kökar",
    "Lemland",
    "Lumparland",
    "Maarianhamina",
    "Saltvik",
    "Sottunga",
    "Sund",
    "Vårdö",
}

# Former municipalities that must not appear any more.
ABOLISHED = {
    "099": "Honkajoki",  # -> Kankaanpää 2021
    "588": "Pertunmaa",  # -> Mäntyharju 2025
    "911": "Valtimo",  # -> Nurmes 2020
    "532": "Nastola",  # -> Lahti 2016
    "283": "Hämeenkoski",  # -> Hollola 2016
    "442": "Luvia",  # -> Eurajoki 2017
    "174": "Juankoski",  # -> Kuopio 2017
}


@pytest.fixture(scope="module")
def raw_lines():
    return CSV_PATH.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def rows():
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == HEADER
        return list(reader)


@pytest.fixture(scope="module")
def by_code(rows):
    return {row["code"]: row for row in rows}


def test_header(raw_lines):
    assert raw_lines[0] == ",".join(HEADER)


def test_row_count(rows):
    assert len(rows) == 308


def test_no_empty_or_padded_fields(rows):
    for row in rows:
        for key in HEADER:
            value = row[key]
            assert value, f"empty {key} in {row}"
            assert value == value.strip(), f"whitespace around {key} in {row}"


def test_codes_are_three_digits_and_unique(rows):
    codes = [row["code"] for row in rows]
    assert all(re.fullmatch(r"\d{3}", code) for code in codes), codes
    duplicates = [code for code, n in Counter(codes).items() if n > 1]
    assert not duplicates


def test_sorted_by_code(rows):
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes)


def test_names_unique(rows):
    for key in ("name_fi", "name_sv"):
        names = [row[key] for row in rows]
        duplicates = [name for name, n in Counter(names).items() if n > 1]
        assert not duplicates, f"duplicate {key}: {duplicates}"


def test_region_codes_and_names(rows):
    for row in rows:
        assert re.fullmatch(r"\d{2}", row["region_code"])
        assert row["region_code"] in REGIONS, row
        assert row["region_name_fi"] == REGIONS[row["region_code"]], row


def test_region_sizes(rows):
    counts = Counter(row["region_code"] for row in rows)
    assert dict(counts) == REGION_SIZES
    assert sum(REGION_SIZES.values()) == 308


@pytest.mark.parametrize("code", sorted(SPOT_CHECKS))
def test_spot_checks(by_code, code):
    name_fi, name_sv, region_code = SPOT_CHECKS[code]
    row = by_code[code]
    assert row["name_fi"] == name_fi
    assert row["name_sv"] == name_sv
    assert row["region_code"] == region_code


def test_paijat_hame_members(rows):
    members = {row["name_fi"] for row in rows if row["region_code"] == "07"}
    assert members == PAIJAT_HAME


def test_aland_has_16_municipalities(rows):
    members = {row["name_fi"] for row in rows if row["region_code"] == "21"}
    assert len(members) == 16
    assert members == ALAND


def test_abolished_municipalities_absent(by_code, rows):
    names = {row["name_fi"] for row in rows}
    for code, name in ABOLISHED.items():
        assert code not in by_code, f"{code} {name} no longer exists"
        assert name not in names
