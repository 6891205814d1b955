"""The statistics pages' bar charts: scales, labels, legend, size (no database)."""

from __future__ import annotations

import re

from tupa.core import svg
from tupa.statistics import charts

#: A bar: a rect with its tooltip (the legend's swatches have none).
_BAR = re.compile(r'<rect x="[\d.]+" y="[\d.]+" width="(\d+)" height="\d+" fill="([^"]+)"><title>')
SPAN = charts.WIDTH - 56  # the bars' full length: the chart's width less the values' room


def bars(markup: str) -> list[tuple[int, str]]:
    return [(int(w), fill) for w, fill in _BAR.findall(markup)]


def test_paired_bars_share_one_scale_by_default() -> None:
    markup = charts.paired_bars("t", [("A", 50, 100), ("B", 25, 0)], legend=("2026", "2025"))
    # The largest value (100) fills the span, 304 units; the others in proportion, by hand.
    assert SPAN == 304
    assert bars(markup) == [
        (152, charts.THIS_YEAR),
        (304, charts.LAST_YEAR),
        (76, charts.THIS_YEAR),
        (0, charts.LAST_YEAR),
    ]


def test_paired_bars_to_each_rows_own_scale() -> None:
    """Care days beside visits: each row's larger value fills the span."""
    markup = charts.paired_bars(
        "t",
        [("Ensikoti · Hoitovuorokaudet", 3000, 1500), ("Alvari · Käynnit", 20, 80), ("X", 0, 0)],
        legend=("2026", "2025"),
        own_scale=True,
    )
    assert [w for w, _fill in bars(markup)] == [304, 152, 76, 304, 0, 0]


def test_paired_bars_say_which_bar_is_which_and_keep_long_labels_whole_in_the_tooltip() -> None:
    long = "Vanhempi vankilan portilla · Toteutuneet asiakastapaamiset <b>"
    markup = charts.paired_bars("Toiminta", [(long, 3, 4)], legend=("2026", "2025"))
    assert ">2026</text>" in markup and ">2025</text>" in markup
    shown = re.findall(r'font-weight="600"[^>]*>([^<]*)</text>', markup)
    assert len(shown) == 1 and shown[0].endswith("…") and len(shown[0]) <= charts.LABEL_CHARS
    assert "<b>" not in markup and "&lt;b&gt;, 2026: 3</title>" in markup
    assert "style=" not in markup


def test_column_bars_draw_nothing_for_a_suppressed_value() -> None:
    markup = charts.column_bars("t", [("Tammikuu", 10), ("Helmikuu", None), ("Maaliskuu", 5)])
    heights = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="22" height="(\d+)"', markup)
    # 150 high, the base line at 130, the tallest bar 114 (room for its value above it).
    assert heights == ["114", "57"]
    assert ">Tam</text>" in markup and ">Hel</text>" in markup


def test_a_chart_is_drawn_at_its_own_size() -> None:
    """The size in pixels is the viewBox's, so 11-px text is 11 px on every screen (the
    stylesheet only shrinks a chart to a narrower column)."""
    markup = svg.chart("Otsikko <i>", 360, 120, ["<line/>"])
    assert markup.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 120" width="360" height="120" '
        'role="img" class="chart"><title>Otsikko &lt;i&gt;</title>'
    )


def test_values_are_written_as_the_tables_write_them() -> None:
    """Finnish grouping (a no-break space) in the value beside a bar and in its tooltip; English
    a comma."""
    from django.utils import translation

    with translation.override("fi"):
        paired = str(
            charts.paired_bars(
                "Hoitovuorokaudet", [("Ensikoti", 3247, 482)], legend=("2025", "2024")
            )
        )
        columns = str(charts.column_bars("Käynnit", [("tammi", 1250), ("helmi", 980)]))
    assert ">3\xa0247</text>" in paired and ">482</text>" in paired
    assert "<title>Ensikoti, 2025: 3\xa0247</title>" in paired
    assert ">1\xa0250</text>" in columns and ">980</text>" in columns
    with translation.override("en"):
        english = str(
            charts.paired_bars("Care days", [("Ensikoti", 3247, 482)], legend=("2025", "2024"))
        )
    assert ">3,247</text>" in english


def test_a_suppressed_value_draws_no_bar_and_says_what_the_table_says() -> None:
    markup = charts.paired_bars(
        "Asiakkaat",
        [("Jussi-työ", None, 7), ("Avokriisityö", 8, None)],
        legend=("2025", "2024"),
        hidden="< 5",
    )
    assert "<title>Jussi-työ, 2025: &lt; 5</title>" in markup
    assert "<title>Avokriisityö, 2024: &lt; 5</title>" in markup
    # The shown values share the scale of the shown ones only: 8 fills the span.
    widths = [int(w) for w in re.findall(r'<rect x="0" y="\d+" width="(\d+)" height="11"', markup)]
    assert widths[0] == 0 and widths[3] == 0 and widths[2] == max(widths)
