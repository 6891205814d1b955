"""The house rules that a reader of one file cannot see (docs/adr/0006, 0007, 0008).

Access decisions live in ``tupa/access/``: a view does not define its own ``may_*`` predicate,
does not write the access-log basis as a literal (the basis comes from the decision), and does
not look a service form up by slug and 404 by hand (``tupa.access.fetch`` does). No module
guesses whether another exists (``try: import … except ImportError``). No module grows past
~600 lines (the house's point where it becomes a package). Optimistic locking has one check and
one error (``tupa.core.conflicts``): no app compares a record's ``version`` itself or defines a
conflict exception of its own. Every PDF is written by ``tupa.core.pdf`` (tagged PDF/UA): no other
module imports WeasyPrint or calls ``write_pdf``. And ``tupa.core`` is the ground floor:
it imports nothing of Tupa above it. The layers themselves are checked by
``lint-imports`` (``[tool.importlinter]`` in pyproject.toml).

Static checks on the source (``ast``): fast, no database.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.db_neutral

ROOT = Path(__file__).resolve().parent.parent
TUPA = ROOT / "tupa"

#: What ``tupa.core`` may import of Tupa: itself and the URL marks (the same floor).
CORE_MAY_IMPORT = ("tupa.core", "tupa.access.marks")


def _modules() -> Iterator[Path]:
    for path in sorted(TUPA.rglob("*.py")):
        parts = path.relative_to(TUPA).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _is_view_module(path: Path) -> bool:
    """``views.py``, ``*_views.py``, ``views_*.py`` and every module of a ``views`` package."""
    parts = path.relative_to(TUPA).with_suffix("").parts
    return any("views" in part for part in parts[1:])


VIEW_MODULES = [p for p in _modules() if _is_view_module(p)]
CORE_MODULES = [p for p in _modules() if p.relative_to(TUPA).parts[0] == "core"]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


Check = Callable[[Path, ast.Module], list[str]]


def _offenders(check: Check, paths: list[Path]) -> list[str]:
    return [where for path in paths for where in check(path, _tree(path))]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _may_functions(path: Path, tree: ast.Module) -> list[str]:
    return [
        _where(path, node)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("may_")
    ]


def _literal_bases(path: Path, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "basis":
                continue
            value = keyword.value
            literal_enum = _dotted(value).startswith("Basis.") or _dotted(value).startswith(
                "policy.Basis."
            )
            literal_str = isinstance(value, ast.Constant) and isinstance(value.value, str)
            if literal_enum or literal_str:
                found.append(_where(path, node))
    return found


def _service_forms_by_slug(path: Path, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = _dotted(node.func)
        if func in {"get_object_or_404", "shortcuts.get_object_or_404"} and node.args:
            target = _dotted(node.args[0])
            if target == "ServiceForm" or target.startswith("ServiceForm."):
                found.append(_where(path, node))
        elif func.startswith("ServiceForm.objects.") and any(
            k.arg is not None and k.arg.startswith("slug") for k in node.keywords
        ):
            found.append(_where(path, node))
    return found


def _import_guesses(path: Path, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        for handler in node.handlers:
            caught = handler.type
            names = (
                [_dotted(e) for e in caught.elts]
                if isinstance(caught, ast.Tuple)
                else [_dotted(caught)]
                if caught is not None
                else []
            )
            if {"ImportError", "ModuleNotFoundError"} & set(names):
                found.append(_where(path, handler))
    return found


#: The one module that compares a record's version with the one the user saw.
CONFLICTS = TUPA / "core" / "conflicts.py"


def _own_version_checks(path: Path, tree: ast.Module) -> list[str]:
    """A comparison of ``<record>.version`` or an exception class named ``*Conflict`` outside
    ``tupa.core.conflicts`` (its ``ensure_version`` and ``VersionConflict`` are the house's)."""
    if path == CONFLICTS:
        return []
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops)
            and any(
                isinstance(side, ast.Attribute) and side.attr == "version"
                for side in [node.left, *node.comparators]
            )
        ) or (
            isinstance(node, ast.ClassDef)
            and node.name.endswith("Conflict")
            and any(_dotted(base).endswith(("Exception", "Error")) for base in node.bases)
        ):
            found.append(_where(path, node))
    return found


#: The one module that writes a PDF (always tagged PDF/UA-1).
PDF_WRITER = TUPA / "core" / "pdf.py"


def _own_pdf_writers(path: Path, tree: ast.Module) -> list[str]:
    """An import of ``weasyprint`` or a call of ``….write_pdf(…)`` outside ``tupa.core.pdf``: a
    PDF written there would be untagged unless its author remembered the variant."""
    if path == PDF_WRITER:
        return []
    found = []
    for node in ast.walk(tree):
        imported = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        if any(name.split(".")[0] == "weasyprint" for name in imported) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "write_pdf"
        ):
            found.append(_where(path, node))
    return found


#: The one module that makes a response a download (``Content-Disposition: attachment``).
DOWNLOADS = TUPA / "core" / "downloads.py"


def _own_downloads(path: Path, tree: ast.Module) -> list[str]:
    """A ``Content-Disposition`` header set outside ``tupa.core.downloads`` (an ``inline`` one,
    a calendar feed the calendar app reads, is not a download)."""
    if path == DOWNLOADS:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            header = target.slice if isinstance(target, ast.Subscript) else None
            if not (isinstance(header, ast.Constant) and header.value == "Content-Disposition"):
                continue
            value = node.value
            inline = isinstance(value, ast.Constant) and str(value.value).startswith("inline")
            if not inline:
                found.append(_where(path, node))
    return found


def _upward_imports(path: Path, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "tupa" or node.module == "tupa.access":
                names = [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if not (name == "tupa" or name.startswith("tupa.")):
                continue
            if not any(name == ok or name.startswith(f"{ok}.") for ok in CORE_MAY_IMPORT):
                found.append(f"{_where(path, node)} imports {name}")
    return found


#: Where the self-tests of the checks pretend their source lives.
PROBE = TUPA / "core" / "views_probe.py"


def test_the_checks_see_the_views_and_core() -> None:
    assert len(VIEW_MODULES) > 10
    assert TUPA / "core" / "views.py" in VIEW_MODULES
    assert TUPA / "core" / "registry.py" in CORE_MODULES


def test_views_define_no_access_predicates() -> None:
    offenders = _offenders(_may_functions, VIEW_MODULES)
    assert offenders == [], "may_* predicates belong in tupa/access/: " + ", ".join(offenders)


def test_views_take_the_access_log_basis_from_the_decision() -> None:
    offenders = _offenders(_literal_bases, VIEW_MODULES)
    assert offenders == [], "a literal basis= in a view: " + ", ".join(offenders)


def test_views_fetch_service_forms_through_the_access_module() -> None:
    offenders = _offenders(_service_forms_by_slug, VIEW_MODULES)
    assert offenders == [], "use tupa.access.fetch.service_form_access: " + ", ".join(offenders)


def test_no_module_guesses_whether_another_exists() -> None:
    offenders = _offenders(_import_guesses, list(_modules()))
    assert offenders == [], "try/except ImportError: " + ", ".join(offenders)


#: The house's "a module past ~600 lines becomes a package", with the tilde's room.
MODULE_LINE_LIMIT = 650


def test_no_module_grows_past_the_house_limit() -> None:
    """A module past ~600 lines holds several sub-domains, or one too big to read: it becomes a
    package (one module per part, as ``episodes/services/``). Tests and migrations aside."""
    offenders = [
        f"{path.relative_to(ROOT)} ({lines} lines)"
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINE_LIMIT
    ]
    assert offenders == [], "make these packages: " + ", ".join(offenders)


def test_optimistic_locking_goes_through_the_core() -> None:
    assert _offenders(_own_version_checks, list(_modules())) == []


def test_every_pdf_is_written_by_the_core() -> None:
    offenders = _offenders(_own_pdf_writers, list(_modules()))
    assert offenders == [], "write PDFs with tupa.core.pdf.html_to_pdf: " + ", ".join(offenders)


def test_downloads_go_through_the_core() -> None:
    assert _offenders(_own_downloads, list(_modules())) == []


def test_core_imports_nothing_above_it() -> None:
    offenders = _offenders(_upward_imports, CORE_MODULES)
    assert offenders == [], "tupa.core is the ground floor: " + ", ".join(offenders)


def _layered_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["id"] == "layers"]
    return {name.strip("() ") for layer in layers for name in re.split(r"[:|]", layer)}


def test_every_app_and_access_file_has_a_floor() -> None:
    """A new app or ``tupa/access/<app>.py`` is placed in the layers contract (ADR 0008)."""
    layered = _layered_modules()
    apps = {
        f"tupa.{path.parent.name}"
        for path in TUPA.glob("*/__init__.py")
        if path.parent.name != "access"
    }
    access = {
        f"tupa.access.{path.stem}"
        for path in (TUPA / "access").glob("*.py")
        if path.stem not in {"__init__", "apps"}
    }
    assert sorted((apps | access) - layered) == []


@pytest.mark.parametrize(
    ("source", "check"),
    [
        ("def may_use(user):\n    return True\n", _may_functions),
        ("record_access(request, basis=Basis.MEMBERSHIP)\n", _literal_bases),
        ("record_access(request, basis='membership')\n", _literal_bases),
        ("get_object_or_404(ServiceForm, slug=slug)\n", _service_forms_by_slug),
        ("ServiceForm.objects.filter(slug=slug).first()\n", _service_forms_by_slug),
        ("try:\n    import x\nexcept ImportError:\n    x = None\n", _import_guesses),
        ("from tupa.organisations.models import ServiceForm\n", _upward_imports),
        ("from tupa.access import policy\n", _upward_imports),
        ("if current.version != version:\n    raise X\n", _own_version_checks),
        ("class StayConflict(Exception):\n    pass\n", _own_version_checks),
        ("r['Content-Disposition'] = f'attachment; filename={n}'\n", _own_downloads),
        ("import weasyprint\n", _own_pdf_writers),
        ("from weasyprint import HTML\n", _own_pdf_writers),
        ("pdf = document.write_pdf(pdf_variant=variant)\n", _own_pdf_writers),
    ],
)
def test_each_check_catches_its_offence(source: str, check: Check) -> None:
    assert check(PROBE, ast.parse(source)) != []


@pytest.mark.parametrize(
    ("source", "check"),
    [
        ("def may_use(user):\n    return True\n", _literal_bases),
        ("record_access(request, basis=granted.basis)\n", _literal_bases),
        ("service_form_access(request, slug, rule='x')\n", _service_forms_by_slug),
        ("from tupa.access.marks import public\n", _upward_imports),
        ("from tupa.core.forms import submit\n", _upward_imports),
        ("ensure_version(current, version)\n", _own_version_checks),
        ("ok = sub.template_version != version\n", _own_version_checks),
        ("if group.version is None:\n    pass\n", _own_version_checks),
        ("r['Content-Disposition'] = 'inline; filename=\"tupa.ics\"'\n", _own_downloads),
        ("return download(body, 'application/zip', name)\n", _own_downloads),
        ("from tupa.core.pdf import html_to_pdf\nbody = html_to_pdf(html)\n", _own_pdf_writers),
    ],
)
def test_each_check_lets_the_house_style_pass(source: str, check: Check) -> None:
    assert check(PROBE, ast.parse(source)) == []
