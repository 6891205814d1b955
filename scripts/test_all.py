#!/usr/bin/env python3
"""Everything ``make test`` checks, stage by stage, with a summary table at the end.

Stages (run in this order; each runs even when an earlier one failed):

1. ``lint``     ruff check, ruff format --check, mypy, lint-imports (the layers of
                docs/adr/0008-layers.md), the architecture rules (tests/test_architecture.py:
                no access decision in a view), makemigrations --check, checktranslations,
                security_matrix --check (docs/security-matrix.md is what tupa/access decides),
                check --deploy with production settings (--fail-level WARNING)
2. ``sqlite``   the whole suite on SQLite, with pytest-xdist; the schema from the models
                (``--nomigrations`` and the append-only triggers, ADR 0013)
3. ``postgres`` the database-sensitive tests (all but ``db_neutral`` and ``demo_build``, see
                docs/adr/0012-web-tests-on-sqlite.md) on PostgreSQL 15+ in a throw-away cluster
                (scripts/pg_cluster.py), the schema from the models; one test applies the
                migrations to a database of its own and compares (ADR 0016);
                ``TUPA_PG_FULL=1`` runs the whole suite there too
4. ``e2e``      the browser journeys (``-m e2e``) with Debian's Chromium (SQLite, as stage 2),
                on the same pytest-xdist workers (each its own live server and browser)

A stage that cannot run here (no PostgreSQL binaries, no Chromium) is reported as SKIPPED with
the reason; with ``CI=true`` a skipped stage fails the run.

Usage: ``scripts/test_all.py [STAGE ...] [-- PYTEST_ARGS ...]`` (default: all stages).
Environment: ``TUPA_TEST_WORKERS`` (pytest-xdist workers: ``auto`` by default, ``0`` = serial),
``TUPA_PG_FULL=1`` (the whole suite on PostgreSQL too),
``TUPA_CHROMIUM`` (browser path, default /usr/bin/chromium), ``CI``. The children write
bytecode (``__pycache__``) even when ``PYTHONDONTWRITEBYTECODE`` is set (see ``base_env``).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pg_cluster  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
CHROMIUM = os.environ.get("TUPA_CHROMIUM", "/usr/bin/chromium")
STAGES = ("lint", "sqlite", "postgres", "e2e")
PYTEST_SUMMARY = re.compile(
    r"^=+ (.*\b(passed|failed|errors?|skipped|deselected|no tests ran)\b.*) =+$"
)

PASSED, FAILED, SKIPPED = "passed", "FAILED", "SKIPPED"


@dataclass
class Result:
    name: str
    status: str
    seconds: float
    detail: str = ""
    children: list[Result] = field(default_factory=list)


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # `python`, `ruff`… from the venv
    # A run starts a dozen Python processes (each pytest-xdist worker of each stage, the lint
    # steps, the manage.py commands the tests run). With PYTHONDONTWRITEBYTECODE, which some
    # machines set, each of them compiled Tupa from source and pytest rewrote the asserts of
    # every test module again: 23 s of collection per worker instead of 10. The caches are
    # the usual __pycache__ directories (.gitignore); not PYTHONPYCACHEPREFIX, which would
    # make every process ignore the installed packages' bytecode and compile them anew.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["TUPA_ENV"] = "test"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(extra)
    return env


def banner(text: str) -> None:
    line = "━" * 78
    print(f"\n{line}\n▶ {text}\n{line}", flush=True)


def run(cmd: Sequence[str], *, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run ``cmd`` in the repository, streaming its output; return the exit code and tail."""
    print("$ " + " ".join(cmd), flush=True)
    tail: list[str] = []
    with subprocess.Popen(  # noqa: S603
        list(cmd),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
    ) as proc:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                sys.stdout.write(line)
                tail.append(line.rstrip("\n"))
                if len(tail) > 400:
                    del tail[:200]
            returncode = proc.wait()
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM: stop the child too (pytest ends cleanly on SIGINT), then let
            # the caller clean up (e.g. the PostgreSQL cluster).
            for stop in (lambda: proc.send_signal(signal.SIGINT), proc.terminate, proc.kill):
                stop()
                try:
                    proc.wait(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    continue
            raise
    sys.stdout.flush()
    return returncode, tail


def timed(name: str, func: Callable[[], tuple[str, str]]) -> Result:
    start = time.monotonic()
    status, detail = func()
    return Result(name, status, time.monotonic() - start, detail)


# --- stage 1: lint ---------------------------------------------------------------------------


def production_env() -> dict[str, str]:
    return base_env(
        TUPA_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="tupa.example.org",
        DJANGO_DEBUG="false",
    )


def lint_steps(tmp: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    manage = [PYTHON, "manage.py"]
    dev_env = base_env(DATABASE_URL=f"sqlite:///{tmp / 'lint.sqlite3'}")
    return [
        ("ruff check", [str(BIN / "ruff"), "check", "."], dev_env),
        ("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."], dev_env),
        ("mypy", [str(BIN / "mypy"), "."], dev_env),
        ("lint-imports", [str(BIN / "lint-imports"), "--no-cache"], dev_env),
        (
            "architecture rules",
            [PYTHON, "-m", "pytest", "-q", "tests/test_architecture.py"],
            dev_env,
        ),
        ("makemigrations --check", [*manage, "makemigrations", "--check", "--dry-run"], dev_env),
        ("checktranslations", [*manage, "checktranslations"], dev_env),
        ("security matrix", [*manage, "security_matrix", "--check"], dev_env),
        (
            "check --deploy (production)",
            [*manage, "check", "--deploy", "--fail-level", "WARNING"],
            production_env(),
        ),
    ]


#: The slowest lint step (mypy, a minute of one core on a fresh clone) runs beside the others,
#: which use the other core; its output is printed when it ends.
BACKGROUND_LINT = "mypy"


def _background(cmd: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603
            list(cmd), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def stage_lint() -> Result:
    start = time.monotonic()
    children: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="tupa-lint-") as tmp:
        steps = lint_steps(Path(tmp))
        background = {}
        for name, cmd, env in steps:
            if name == BACKGROUND_LINT:
                log = Path(tmp) / f"{name}.log"
                background[name] = (time.monotonic(), _background(cmd, env, log), log)
        for name, cmd, env in steps:
            if name in background:
                continue
            banner(f"lint: {name}")

            def step(cmd: list[str] = cmd, env: dict[str, str] = env) -> tuple[str, str]:
                code, tail = run(cmd, env=env)
                last = next((line.strip() for line in reversed(tail) if line.strip()), "")
                return (PASSED if code == 0 else FAILED), (last if code else "")[:90]

            children.append(timed(name, step))
        for name, (started, proc, log) in background.items():
            code = proc.wait()
            banner(f"lint: {name} (ran beside the steps above)")
            text = log.read_text(encoding="utf-8", errors="replace")
            sys.stdout.write(text)
            last = next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")
            children.append(
                Result(
                    name,
                    PASSED if code == 0 else FAILED,
                    time.monotonic() - started,
                    (last if code else "")[:90],
                )
            )
    failed = [c.name for c in children if c.status == FAILED]
    return Result(
        "lint",
        FAILED if failed else PASSED,
        time.monotonic() - start,
        ("failed: " + ", ".join(failed)) if failed else "",
        children,
    )


# --- stages 2–4: pytest -----------------------------------------------------------------------


def xdist_args() -> list[str]:
    workers = os.environ.get("TUPA_TEST_WORKERS", "auto").strip() or "auto"
    if workers == "auto" and (os.cpu_count() or 1) < 2:
        workers = "0"
    # loadgroup: the tests of one ``xdist_group`` (the whole demo, the migrations) run on one
    # worker, so their expensive module or package fixture is built once.
    return [] if workers == "0" else ["-n", workers, "--dist", "loadgroup"]


def pytest(args: Sequence[str], *, env: dict[str, str], extra: Sequence[str]) -> tuple[str, str]:
    cmd = [PYTHON, "-m", "pytest", *args, *extra]
    if sys.stdout.isatty():
        cmd.append("--color=yes")
    code, tail = run(cmd, env=env)
    summary = ""
    for line in reversed(tail):
        plain = re.sub(r"\x1b\[[0-9;]*m", "", line)
        match = PYTEST_SUMMARY.match(plain)
        if match:
            summary = match.group(1)
            break
    if code == 0:
        if not re.search(r"\b\d+ passed\b", summary):
            return FAILED, f"no test passed ({summary or 'no summary'})"
        return PASSED, summary
    if code == 5:
        return FAILED, "no tests were collected (pytest exit 5)"
    return FAILED, summary or f"pytest exit code {code}"


_prepared: list[Result] = []


def prepare() -> list[Result]:
    """What the pytest stages need and the repository does not hold, done once before the first
    of them: the compiled translations (.mo files are not committed) and the official Finvoice
    schema (Finance Finland's file, fetched by scripts/finvoice_schema.py, ADR 0017). Returns the
    steps that did not pass: a schema that cannot be fetched is SKIPPED (its tests skip too), which
    fails the run with ``CI=true``."""
    if _prepared:
        return []
    banner("compile translations (.po → .mo)")
    _prepared.append(
        timed(
            "compiletranslations",
            lambda: (
                PASSED
                if run([PYTHON, "manage.py", "compiletranslations"], env=base_env())[0] == 0
                else FAILED,
                "",
            ),
        )
    )
    banner("official Finvoice 3.0 schema")
    _prepared.append(
        timed(
            "Finvoice 3.0 schema",
            lambda: (
                (PASSED, "")
                if run([PYTHON, "scripts/finvoice_schema.py"], env=base_env())[0] == 0
                else (SKIPPED, "could not be fetched: the official-schema tests skip")
            ),
        )
    )
    return [result for result in _prepared if result.status != PASSED]


def stage_sqlite(extra: Sequence[str]) -> Result:
    """The whole suite on SQLite — the demo's and the developers' database, and the fast one."""
    name = "pytest (SQLite)"
    banner(name)
    with tempfile.TemporaryDirectory(prefix="tupa-sqlite-") as tmp:
        env = base_env(DATABASE_URL=f"sqlite:///{Path(tmp) / 'tupa.sqlite3'}")
        return timed(
            name,
            lambda: pytest(["-m", "not e2e", *NO_MIGRATIONS, *xdist_args()], env=env, extra=extra),
        )


#: Every stage builds its test databases from the models (seconds) instead of by the migrations
#: (~160 s of CPU per database: Django re-renders the model states at each of ~1 000
#: operations); conftest.py adds the append-only triggers. The migrations themselves are applied
#: once, on PostgreSQL, by tupa/core/tests/test_migrations_postgres.py, which compares the
#: schema they build with the models' (ADR 0013, ADR 0016).
NO_MIGRATIONS = ("--nomigrations",)

#: What PostgreSQL runs: everything that can differ between the databases. The web-layer tests
#: (``db_neutral``: pages, access matrices, canary and wall sweeps) and the whole-demo build
#: (``demo_build``: the demo runs on SQLite) run once, on SQLite (ADR 0012).
POSTGRES_MARKER = "not e2e and not db_neutral and not demo_build"


def stage_postgres(extra: Sequence[str]) -> Result:
    start = time.monotonic()
    banner("pytest on PostgreSQL (throw-away cluster)")
    try:
        binaries = pg_cluster.find_binaries()
        pg_cluster._as_postgres_user()
    except pg_cluster.ClusterUnavailable as exc:
        return Result("pytest (PostgreSQL)", SKIPPED, time.monotonic() - start, str(exc))
    name = f"pytest (PostgreSQL {binaries.major}, database-sensitive)"
    try:
        with pg_cluster.temporary_cluster() as url:
            full = os.environ.get("TUPA_PG_FULL", "").strip() in {"1", "true", "yes"}
            marker = "not e2e" if full else POSTGRES_MARKER
            status, detail = pytest(
                ["-m", marker, *NO_MIGRATIONS, *xdist_args()],
                env=base_env(DATABASE_URL=url),
                extra=extra,
            )
    except RuntimeError as exc:
        status, detail = FAILED, str(exc).splitlines()[0]
    return Result(name, status, time.monotonic() - start, detail)


def stage_e2e(extra: Sequence[str]) -> Result:
    start = time.monotonic()
    banner("end-to-end journeys in Chromium")
    if not Path(CHROMIUM).exists():
        return Result(
            "e2e (Chromium)",
            SKIPPED,
            time.monotonic() - start,
            f"{CHROMIUM} not found (apt-get install chromium)",
        )
    with tempfile.TemporaryDirectory(prefix="tupa-e2e-") as tmp:
        env = base_env(DATABASE_URL=f"sqlite:///{Path(tmp) / 'tupa.sqlite3'}")
        # Each xdist worker has its own live server, test database and browser.
        status, detail = pytest(
            ["-m", "e2e", *NO_MIGRATIONS, *xdist_args(), "tests/e2e"], env=env, extra=extra
        )
    return Result("e2e (Chromium)", status, time.monotonic() - start, detail)


# --- summary ----------------------------------------------------------------------------------


def fmt_seconds(seconds: float) -> str:
    return f"{seconds:6.1f}s" if seconds < 120 else f"{int(seconds // 60)}m{seconds % 60:04.1f}s"


def print_summary(results: list[Result], total: float, interrupted: bool) -> int:
    rows: list[tuple[str, str, str, str]] = []
    for result in results:
        rows.append((result.name, result.status, fmt_seconds(result.seconds), result.detail))
        for child in result.children:
            rows.append(("  " + child.name, child.status, fmt_seconds(child.seconds), child.detail))
    width = max(len(r[0]) for r in rows) if rows else 10
    print("\n" + "═" * 78)
    print(f"{'Stage':<{width}}  {'Result':<8} {'Time':>8}  Detail")
    print("─" * 78)
    for name, status, secs, detail in rows:
        print(f"{name:<{width}}  {status:<8} {secs:>8}  {detail}")
    print("─" * 78)
    failed = [r.name for r in results if r.status == FAILED]
    skipped = [r.name for r in results if r.status == SKIPPED]
    ok = not failed and not interrupted and not (skipped and is_ci())
    verdict = "OK" if ok else "FAILED"
    notes = []
    if interrupted:
        notes.append("interrupted")
    if skipped:
        notes.append(
            f"{len(skipped)} stage(s) skipped" + (" — not allowed with CI=true" if is_ci() else "")
        )
    print(
        f"Total {fmt_seconds(total).strip()}: {verdict}"
        + (f" ({'; '.join(notes)})" if notes else "")
    )
    print("═" * 78, flush=True)
    if interrupted:
        return 130
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        index = argv.index("--")
        argv, extra = argv[:index], argv[index + 1 :]
    if any(a in {"-h", "--help"} for a in argv):
        print(__doc__)
        return 0
    unknown = [a for a in argv if a not in STAGES]
    if unknown:
        print(f"unknown stage(s): {', '.join(unknown)}; choose from {', '.join(STAGES)}")
        return 2
    selected = [s for s in STAGES if not argv or s in argv]

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    os.chdir(ROOT)
    start = time.monotonic()
    results: list[Result] = []
    interrupted = False
    runners: dict[str, Callable[[], Result]] = {
        "lint": stage_lint,
        "sqlite": lambda: stage_sqlite(extra),
        "postgres": lambda: stage_postgres(extra),
        "e2e": lambda: stage_e2e(extra),
    }
    try:
        for stage in selected:
            if stage != "lint":
                results.extend(prepare())
            results.append(runners[stage]())
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted", flush=True)
        results.append(Result("(interrupted)", FAILED, 0.0, "stopped by Ctrl-C or SIGTERM"))
    return print_summary(results, time.monotonic() - start, interrupted)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
