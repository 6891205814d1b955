"""Every return line names a registered indicator version and dimensions it has."""

from __future__ import annotations

import pytest

from tupa.statistics.indicators import registry as indicators
from tupa.statistics.returns import registry as returns
from tupa.statistics.returns.base import Recipient


def test_every_line_names_an_existing_indicator_and_dimensions() -> None:
    for template in returns:
        for index, line in template.lines():
            indicator = indicators.get(line.indicator, line.version)  # KeyError fails the test
            for key in line.breakdown:
                indicator.dimension(key)  # KeyError fails the test
            assert len(line.breakdown) <= 2, (template.key, index)


def test_every_recipient_has_a_return() -> None:
    recipients = {t.recipient for t in returns}
    assert recipients == set(Recipient.values)


def test_indicator_ids_and_versions_are_unique_and_described() -> None:
    seen = set()
    for indicator in indicators:
        assert indicator.key not in seen
        seen.add(indicator.key)
        assert str(indicator.rule).strip(), indicator.key
        assert str(indicator.title).strip(), indicator.key
        keys = [d.key for d in indicator.dimensions]
        assert len(keys) == len(set(keys)), indicator.key


@pytest.mark.parametrize("template", list(returns), ids=lambda t: t.key)
def test_only_the_board_and_internal_reports_are_unsuppressed(template) -> None:  # type: ignore[no-untyped-def]
    internal = template.recipient in (Recipient.BOARD, Recipient.INTERNAL)
    assert template.outgoing == (not internal)
