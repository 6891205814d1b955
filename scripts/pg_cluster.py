#!/usr/bin/env python3
"""A throw-away PostgreSQL cluster in a temporary directory, for the test suite.

Used by ``scripts/test_all.py``; also runnable by hand::

    python scripts/pg_cluster.py .venv/bin/pytest -m "not e2e"

starts a cluster, runs the command with ``DATABASE_URL`` pointing at it, then stops the cluster
and deletes its directory (also on Ctrl-C).

The cluster listens only on a Unix socket inside its own directory (no TCP port), trusts local
connections and runs with ``fsync=off``: it holds nothing but test data and is gone afterwards.
``initdb`` refuses to run as root, so as root every PostgreSQL program runs as the ``postgres``
system user (``runuser -u postgres --``).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

MIN_MAJOR = 15
PORT = 5432  # only names the socket file (.s.PGSQL.5432) inside the private directory
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "log_min_messages": "warning",
}


class ClusterUnavailable(Exception):
    """PostgreSQL cannot be run here; the message says why (reported as a skip reason)."""


@dataclass(frozen=True)
class Binaries:
    bindir: Path
    major: int

    def tool(self, name: str) -> str:
        return str(self.bindir / name)


def _major_version(postgres: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603
            [str(postgres), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def find_binaries() -> Binaries:
    """initdb, pg_ctl and postgres from PATH or /usr/lib/postgresql/*/bin (newest first)."""
    candidates: list[Path] = []
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    versioned = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(re.sub(r"\D", "", Path(p).parent.name) or 0),
        reverse=True,
    )
    candidates += [Path(p) for p in versioned]
    found: list[str] = []
    for bindir in candidates:
        if not all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            continue
        major = _major_version(bindir / "postgres")
        found.append(f"{bindir} ({major})")
        if major is not None and major >= MIN_MAJOR:
            return Binaries(bindir, major)
    if found:
        raise ClusterUnavailable(f"PostgreSQL {MIN_MAJOR}+ needed, found only: {', '.join(found)}")
    raise ClusterUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) in PATH or /usr/lib/postgresql/*/bin"
    )


def _as_postgres_user() -> tuple[list[str], tuple[int, int] | None]:
    """Command prefix and (uid, gid) to own the directory when we are root."""
    if os.geteuid() != 0:
        return [], None
    import pwd

    try:
        entry = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterUnavailable(
            "running as root, and initdb refuses root, but there is no 'postgres' system user"
        ) from exc
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterUnavailable("running as root and no runuser(1) to switch to 'postgres'")
    return [runuser, "-u", "postgres", "--"], (entry.pw_uid, entry.pw_gid)


def database_url(socket_dir: Path, port: int = PORT, name: str = "postgres") -> str:
    """A dj-database-url URL for the socket directory (host percent-encoded as a path)."""
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}:{port}/{name}"


def _run(cmd: Sequence[str], *, what: str) -> None:
    result = subprocess.run(  # noqa: S603
        list(cmd), capture_output=True, text=True, timeout=180, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


@contextmanager
def temporary_cluster(*, verbose: bool = True) -> Iterator[str]:
    """Start a cluster, yield its DATABASE_URL, always stop it and delete its directory."""
    binaries = find_binaries()
    prefix, owner = _as_postgres_user()
    base = Path(tempfile.mkdtemp(prefix="tupa-pg-"))
    data = base / "data"
    log = base / "postgres.log"
    started = False
    try:
        if owner is not None:
            os.chown(base, *owner)
        base.chmod(0o700)
        _run(
            [
                *prefix,
                binaries.tool("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            what="initdb",
        )
        settings = dict(SERVER_SETTINGS, unix_socket_directories=f"'{base}'", port=str(PORT))
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# tupa test cluster\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")
        if verbose:
            print(f"PostgreSQL {binaries.major} test cluster in {base}", flush=True)
        started = True  # from here on, always try to stop it
        _run(
            [
                *prefix,
                binaries.tool("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "start",
            ],
            what="pg_ctl start",
        )
        yield database_url(base)
    except RuntimeError:
        if log.exists():
            sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        if started:
            subprocess.run(  # noqa: S603
                [
                    *prefix,
                    binaries.tool("pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(base, ignore_errors=True)
        if verbose:
            print(f"PostgreSQL test cluster stopped and {base} removed", flush=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        with temporary_cluster() as url:
            env = dict(os.environ, DATABASE_URL=url)
            return subprocess.call(argv, env=env)  # noqa: S603
    except ClusterUnavailable as exc:
        print(f"cannot start PostgreSQL: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
