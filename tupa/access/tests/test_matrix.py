"""The printed security matrix says what the code decides (issue 9)."""

from __future__ import annotations

from tupa.access import matrix, policy


def _row(lines: list[str], action: str) -> list[str]:
    (line,) = [row for row in lines if row.startswith(f"| `{action}` |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_role_table_marks_exactly_the_roles_of_the_rule() -> None:
    lines = matrix.role_table()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    # The access log is browsed by the data-protection officer alone.
    cells = _row(lines, "audit.browse")
    ticked = {header[i] for i, cell in enumerate(cells) if cell == "✓"}
    assert ticked == {"dpo"}
    # The budget: finance, the executive director and the administrator.
    cells = _row(lines, "budget.view")
    ticked = {header[i] for i, cell in enumerate(cells) if cell == "✓"}
    assert ticked == {"finance", "executive_director", "admin"}
    assert len(lines) == 2 + len(policy.RULES)


def test_predicates_come_with_their_docstrings() -> None:
    rows = "\n".join(matrix.predicate_table())
    assert "| `may_break_glass` | `tupa.access.clients` | Only staff doing client work" in rows
    assert "user_of" not in rows  # a helper, not a rule about a user


def test_every_url_is_listed_with_its_class() -> None:
    rows = matrix.url_table()[2:]
    assert rows, "the URL table is empty"
    assert not [row for row in rows if "**unclassified**" in row]
    assert any("`login:login`" in row or "| public |" in row for row in rows)
