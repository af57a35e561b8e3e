"""Chart helpers that decide what a reader sees: money ticks, grouped small tiles, wrapped titles,
charts that scroll sideways on a phone."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from helpers.kit import charts, theme
from helpers.pages.segments import charts as segments_charts
from helpers.pages.tiers import charts as tiers_charts


def test_money_ticks_are_round_amounts_in_the_readers_words():
    vi = charts.money_ticks(13_900_000_000, "vi")
    assert vi["tickvals"] == [0, 5e9, 10e9]
    assert vi["ticktext"] == ["0", "5 tỷ", "10 tỷ"]
    en = charts.money_ticks(9_800_000, "en")
    assert en["tickvals"] == [0, 2.5e6, 5e6, 7.5e6]
    assert en["ticktext"] == ["0", "₫2.5M", "₫5M", "₫7.5M"]
    assert charts.money_ticks(0, "vi")["tickvals"][0] == 0  # an empty chart still has an axis


def test_long_labels_break_at_the_space_nearest_their_middle():
    assert charts.wrap("Có tiềm năng trung thành") == "Có tiềm năng<br>trung thành"
    assert charts.wrap("Đã mất") == "Đã mất"
    assert theme.two_lines("Lên hạng, xuống hạng so với cuối tháng trước", 34) == \
        "Lên hạng, xuống hạng so<br>với cuối tháng trước"


def _summary():
    return pd.DataFrame({
        "segment": ["champions", "loyal", "new", "promising", "about_to_sleep", "prospect"],
        "segment_label": ["Xuất sắc", "Trung thành", "Khách mới", "Hứa hẹn", "Sắp ngủ đông", "x"],
        "customers": [500, 400, 30, 20, 50, 900],
        "revenue": [5e9, 3e9, 1e7, 5e6, 2e8, 0],
    })


def test_tiles_too_small_to_label_become_one_tile_that_names_them():
    fig = segments_charts.segment_treemap(_summary(), value="customers", lang="vi")
    labels = list(fig.data[0].labels)
    assert "Khác" in labels and "Khách mới" not in labels and "Hứa hẹn" not in labels
    other = labels.index("Khác")
    assert fig.data[0].values[other] == 50  # 30 + 20: nothing lost
    hover = fig.data[0].customdata[other][1]
    assert "Khách mới: 30" in hover and "Hứa hẹn: 20" in hover
    assert "x" not in labels  # prospects (no purchase) are not in a chart of buyers
    # a single small segment keeps its own tile: grouping one tile would hide its name
    one_small = _summary()[lambda f: f.segment != "promising"]
    assert "Khách mới" in list(segments_charts.segment_treemap(one_small, lang="en").data[0].labels)


def test_wide_charts_scroll_sideways_and_long_titles_wrap_in_the_page():
    fig = theme.min_width(go.Figure(go.Bar(x=[1], y=[1])), 800)
    fig.update_layout(title="Tỷ lệ quay lại mua theo nhóm tháng (* = kỳ hiện tại, chưa trọn)")
    html = theme.OfflineHtmlRenderer().to_mimebundle(fig.to_dict())["text/html"]
    assert 'overflow-x:auto' in html and "min-width:800px" in html
    assert "th\\u00e1ng\\u003cbr\\u003e(*" in html  # "…nhóm tháng<br>(* = kỳ hiện tại…", JSON-escaped


def test_tier_changes_label_every_count_and_keep_the_tier_order():
    summary = pd.DataFrame({"tier": ["member", "silver", "gold", "diamond"],
                            "members": [2, 1, 1, 0], "upgraded": [0, 1, 0, 0],
                            "downgraded": [0, 0, 1, 0], "new_members": [1, 0, 0, 0]})
    names = {"member": "Thành viên", "silver": "Bạc", "gold": "Vàng", "diamond": "Kim cương"}
    fig = tiers_charts.tier_changes(summary, order=["member", "silver", "gold", "diamond"],
                              names=names, lang="vi")
    assert [tr.name for tr in fig.data] == ["Lên hạng", "Xuống hạng", "Mới", "Giữ hạng"]
    assert list(fig.data[0].y) == ["Thành viên", "Bạc", "Vàng"]
    assert list(fig.data[0].x) == [0, 1, 0] and list(fig.data[0].text) == ["0", "1", "0"]


def test_the_gap_chart_draws_counts_per_bin_one_colour_per_next_tier():
    histogram = pd.DataFrame({"next_tier": ["silver", "silver", "gold"],
                              "gap_from": [0.0, 500_000.0, 1_000_000.0],
                              "gap_to": [500_000.0, 1_000_000.0, 1_500_000.0],
                              "members": [3, 7, 2]})
    names = {"member": "Thành viên", "silver": "Bạc", "gold": "Vàng"}
    fig = tiers_charts.gap_distribution(histogram, names=names, lang="vi")
    assert [tr.name for tr in fig.data] == ["→ Bạc", "→ Vàng"]
    assert list(fig.data[0].x) == [250_000.0, 750_000.0] and list(fig.data[0].y) == [3, 7]
    assert list(fig.data[0].width) == [500_000.0, 500_000.0]
    assert [c[0] for c in fig.data[0].customdata] == ["0–500 nghìn", "500 nghìn–1 tr"]
    assert fig.layout.barmode == "overlay"
    empty = tiers_charts.gap_distribution(histogram.iloc[0:0], names=names, lang="en")
    assert empty.data == "_No data to chart here._"  # a sentence, not an empty frame


def test_names_on_balanced_lines_fit_a_width():
    assert charts.balanced_lines("Có tiềm năng trung thành", 12) == "Có tiềm năng<br>trung thành"
    assert charts.balanced_lines("Đã mất", 12) == "Đã mất"
    assert charts.balanced_lines("Khách hàng xuất sắc", 12) == "Khách hàng<br>xuất sắc"
    assert max(len(line) for line in charts.balanced_lines(
        "Có tiềm năng trung thành", 10).split("<br>")) <= 10  # three lines when two do not fit


def test_the_segment_trend_draws_each_month_on_its_months_tick():
    """A month end's point sat a month right of its tick ("10/2026" is the 1st of October; the
    31st is next to "11/2026"): each point is drawn at the first of its month."""
    from helpers.pages.migration import charts as migration_charts

    trend = pd.DataFrame({"month_end": ["2026-09-30", "2026-10-31"] * 2,
                          "segment": ["a", "a", "b", "b"], "customers": [1, 2, 3, 4],
                          "share": [0.25, 1 / 3, 0.75, 2 / 3]})
    fig = migration_charts.segment_trend(trend, order=["a", "b"], labels={"a": "A", "b": "B"},
                                         colors={}, lang="vi")
    assert [str(x)[:10] for x in fig.data[0].x] == ["2026-09-01", "2026-10-01"]
    assert fig.layout.xaxis.tickformat == "%m/%Y" and fig.layout.xaxis.hoverformat == "%m/%Y"


def test_sankey_names_stand_outside_the_flows_with_room_between_them():
    """Each node's name beside its column (left of the first, right of the second), never
    inside where the two columns' names met on a phone; consecutive names far enough apart for
    their lines, and the nodes where plotly will draw them."""
    from helpers.pages.migration import charts as migration_charts

    order = ["champions", "loyal", "potential", "new", "lost"]
    labels = {"champions": "Khách hàng xuất sắc", "loyal": "Khách hàng trung thành",
              "potential": "Có tiềm năng trung thành", "new": "Khách hàng mới", "lost": "Đã mất"}
    rows = [("champions", "champions", 900), ("champions", "loyal", 100), ("loyal", "loyal", 500),
            ("potential", "new", 3), ("new", "potential", 2), ("lost", "lost", 1200),
            ("(new)", "new", 40)]
    matrix = pd.DataFrame(rows, columns=["from_segment", "to_segment", "customers"])
    fig = migration_charts.migration_sankey(matrix, order=order, labels=labels, colors={},
                                            lang="vi")
    sankey = fig.data[0]
    assert set(sankey.node.label) == {""} and sankey.arrangement == "fixed"
    notes = fig.layout.annotations
    assert len(notes) == len(sankey.node.x) == 6 + 5  # "(mới trong kỳ)" on the left
    inner = migration_charts.SANKEY_HEIGHT - migration_charts.SANKEY_MARGIN["t"] \
        - migration_charts.SANKEY_MARGIN["b"]
    for side in ("left", "right"):
        column = [a for a in notes if a.xanchor == ("right" if side == "left" else "left")]
        for a, b in zip(column, column[1:]):
            lines = (a.text.count("<br>") + 1 + b.text.count("<br>") + 1) / 2
            assert (a.y - b.y) * inner >= lines * migration_charts.SANKEY_LINE - 0.01
    # the nodes' own heights fit their slots: plotly's scale for the padding chosen
    pad, (left, right) = migration_charts.sankey_positions([[1000, 500, 3, 2, 1240],
                                                            [900, 600, 2, 43, 1200]],
                                                           [[2] * 5, [2] * 5], inner)
    assert all(0 < y < 1 for y in left + right) and left == sorted(left) and pad >= 8
