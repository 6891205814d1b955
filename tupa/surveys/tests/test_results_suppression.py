"""The results' one-way suppression (the ground floor's rule on a question's answers) and the
anonymous responses' groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tupa.surveys.results import suppression


def test_hand_computed_examples() -> None:
    assert suppression.one_way([3, 10, 12], 25, 5) == (["primary", "secondary", "shown"], "shown")
    # A total under the threshold: its zeros are "< 5" too, or "< 5", 0, 0 would say that
    # everyone answered the first option (ADR 0036).
    assert suppression.one_way([3, 0, 0], 3, 5) == (["primary", "primary", "primary"], "primary")
    assert suppression.one_way([2, 3, 10], 15, 5) == (["primary", "primary", "shown"], "shown")
    # 2 + 2 = 14 - 10 would be published: 4, small. The 10 goes too.
    assert suppression.one_way([2, 2, 10], 14, 5) == (["primary", "primary", "secondary"], "shown")
    # The only other cells are zero: the total is hidden instead of a zero.
    assert suppression.one_way([4, 0, 6], 10, 5) == (["primary", "shown", "secondary"], "shown")
    assert suppression.one_way([4, 0, 0, 7], 11, 5)[0] == ["primary", "shown", "shown", "secondary"]
    assert suppression.display(3, "primary", 5) == "< 5"
    assert suppression.display(3, "secondary", 5) == "x"


def test_few_anonymous_responses_counts_each_month_version_and_channel_apart() -> None:
    march, april = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    ids = iter(range(1, 100))

    def rows(n: int, **fields: Any) -> list[dict[str, Any]]:
        base = {
            "anonymous": True,
            "service_form_id": 1,
            "submitted_on": march,
            "version_id": 10,
            "channel": "kiosk",
            "measurement_point": "",
        }
        return [{**base, **fields, "id": next(ids)} for _n in range(n)]

    big = rows(5)
    alone = [
        *rows(1, submitted_on=april),
        *rows(1, version_id=11),
        *rows(1, channel="oral"),
        *rows(1, service_form_id=2),
        *rows(1, measurement_point="end"),
    ]
    linked = rows(4, anonymous=False, submitted_on=april)
    few = suppression.few_anonymous_responses([*big, *alone, *linked])
    assert few == {r["id"] for r in alone}
    assert suppression.few_anonymous_responses(big) == set()
