"""The results' one-way suppression is the statistics app's rule (checked against it)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tupa.statistics import suppression as statistics_suppression
from tupa.statistics.tables import TOTAL, Table
from tupa.surveys.results import suppression


def test_hand_computed_examples() -> None:
    assert suppression.one_way([3, 10, 12], 25, 5) == (["primary", "secondary", "shown"], "shown")
    assert suppression.one_way([3, 0, 0], 3, 5) == (["primary", "shown", "shown"], "primary")
    assert suppression.one_way([2, 2, 10], 14, 5) == (["primary", "primary", "shown"], "shown")
    # The only other cells are zero: the total is hidden instead of a zero.
    assert suppression.one_way([4, 0, 6], 10, 5) == (["primary", "shown", "secondary"], "shown")
    assert suppression.one_way([4, 0, 0, 7], 11, 5)[0] == ["primary", "shown", "shown", "secondary"]
    assert suppression.display(3, "primary", 5) == "< 5"
    assert suppression.display(3, "secondary", 5) == "x"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=7))
def test_same_states_as_the_statistics_engine(cells: list[int]) -> None:
    rows = [(str(i), str(i)) for i in range(len(cells))]
    values: dict[tuple[str, ...], int] = {("cell", r, ""): v for (r, _l), v in zip(rows, cells)}
    values[TOTAL] = sum(cells)
    table = Table(row_dimension="d", rows=rows, values=values)
    expected = statistics_suppression.suppress(table, 5)
    states, total = suppression.one_way(cells, sum(cells), 5)
    assert states == [expected[("cell", r, "")] for r, _l in rows]
    assert total == expected[TOTAL]


def _rows(form_id: int, anonymous: int, linked: int) -> list[dict[str, int | bool]]:
    row: dict[str, int | bool] = {"service_form_id": form_id, "anonymous": True}
    return [row] * anonymous + [{**row, "anonymous": False}] * linked


def test_few_anonymous_forms_counts_only_the_anonymous_responses() -> None:
    responses = [
        *_rows(1, anonymous=1, linked=4),  # five respondents, but one anonymous: withheld
        *_rows(2, anonymous=4, linked=0),  # four: withheld
        *_rows(3, anonymous=5, linked=0),  # the threshold: shown
        *_rows(4, anonymous=0, linked=2),  # no anonymous answer to withhold
    ]
    assert suppression.few_anonymous_forms(responses) == {1, 2}
    assert suppression.few_anonymous_forms([]) == set()
