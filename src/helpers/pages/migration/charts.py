"""Page 02's charts: the migration heatmap and sankey, the segment trend."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from IPython.display import Markdown

from helpers.kit.charts import nothing_to_draw
from helpers.kit.formatting import number, percent
from helpers.kit.safe_text import chart_labels, chart_text
from helpers.kit.texts import pick, t
from helpers.kit.theme import min_width, two_lines


def migration_heatmap(matrix: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                      lang: str = "vi", title: str | None = None) -> go.Figure | Markdown:
    """From (rows) x to (columns) in the scheme's rank order: share of each row, with counts."""
    if matrix.empty:  # nobody at either date
        return nothing_to_draw(lang)
    rows = ["(new)"] + [s for s in order if s in set(matrix.from_segment)]
    cols = [s for s in order if s in set(matrix.to_segment)] + (
        ["(gone)"] if "(gone)" in set(matrix.to_segment) else [])
    rows = [r for r in rows if r in set(matrix.from_segment)]
    share = matrix.pivot(index="from_segment", columns="to_segment", values="share_of_from")
    count = matrix.pivot(index="from_segment", columns="to_segment", values="customers")
    share = share.reindex(index=rows, columns=cols)
    count = count.reindex(index=rows, columns=cols)
    name = {**chart_labels(labels), "(new)": t("new_in_period", lang),
            "(gone)": pick(lang, "(không còn)", "(gone)")}
    text = [[("" if pd.isna(c) else f"{percent(s, lang)}<br>{number(int(c), lang)}")
             for s, c in zip(srow, crow)]
            for srow, crow in zip(share.values, count.values)]
    fig = go.Figure(go.Heatmap(
        z=share.values.astype(float), x=[name.get(c, chart_text(c)) for c in cols],
        y=[name.get(r, chart_text(r)) for r in rows], text=text, texttemplate="%{text}",
        textfont=dict(size=10), colorscale="Blues", zmin=0, zmax=1, xgap=1, ygap=1,
        hovertemplate="%{y} → %{x}<br>%{text}<extra></extra>",
        colorbar=dict(title=t("share_of_row", lang), tickformat=".0%"),
    ))
    fig.update_yaxes(autorange="reversed", title=t("from_segment", lang))
    # column labels below the cells: above them they ran into the title
    fig.update_xaxes(title=t("to_segment", lang), side="bottom", tickangle=-35)
    fig.update_layout(title=title, height=max(480, 42 * len(rows) + 240),
                      margin=dict(t=70, b=170))
    return min_width(fig, 260 + 62 * len(cols))


SANKEY_HEIGHT = 620
SANKEY_MARGIN = dict(l=112, r=112, t=60, b=16)  # a node's name beside it, outside the flows
SANKEY_LINE = 15  # pixels a line of an 11-px name takes


def migration_sankey(matrix: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                     colors: dict[str, str], lang: str = "vi",
                     title: str | None = None) -> go.Figure | Markdown:
    """Flows from each segment at the first date to each segment at the second.

    Each node's name stands outside the flows, left of the first date's nodes and right of the
    second's, on at most two lines: plotly writes them inside, towards the middle, where on a
    phone the two columns' names ran into each other. The nodes are placed here (arrangement
    fixed) with room between them for their names (sankey_positions)."""
    if matrix.empty:
        return nothing_to_draw(lang)
    name = {**chart_labels(labels), "(new)": t("new_in_period", lang), "(gone)": "(gone)"}
    left = ["(new)"] + [s for s in order]
    left = [s for s in left if s in set(matrix.from_segment)]
    right = [s for s in order if s in set(matrix.to_segment)]
    index_left = {s: i for i, s in enumerate(left)}
    index_right = {s: len(left) + i for i, s in enumerate(right)}
    flows = matrix[matrix.from_segment.isin(index_left) & matrix.to_segment.isin(index_right)]
    flows = flows[flows.customers.astype(float) > 0]
    if flows.empty:
        return nothing_to_draw(lang)
    shown = {s: two_lines(name.get(s, chart_text(s)), 14) for s in left + right}
    values_left = flows.groupby("from_segment").customers.sum().astype(float)
    values_right = flows.groupby("to_segment").customers.sum().astype(float)
    left = [s for s in left if values_left.get(s, 0) > 0]
    right = [s for s in right if values_right.get(s, 0) > 0]
    index_left = {s: i for i, s in enumerate(left)}
    index_right = {s: len(left) + i for i, s in enumerate(right)}
    inner = SANKEY_HEIGHT - SANKEY_MARGIN["t"] - SANKEY_MARGIN["b"]
    pad, (y_left, y_right) = sankey_positions(
        [[values_left[s] for s in left], [values_right[s] for s in right]],
        [[shown[s].count("<br>") + 1 for s in left],
         [shown[s].count("<br>") + 1 for s in right]], inner)
    node_colors = [colors.get(s, "#8c959f") for s in left] + [colors.get(s, "#8c959f")
                                                               for s in right]
    plain = [name.get(s, chart_text(s)) for s in left + right]
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node=dict(label=[""] * len(plain), customdata=plain, color=node_colors, pad=pad,
                  thickness=14, x=[0.001] * len(left) + [0.999] * len(right),
                  y=list(y_left) + list(y_right),
                  hovertemplate="%{customdata}: %{value:,.0f}<extra></extra>"),
        link=dict(source=[index_left[s] for s in flows.from_segment],
                  target=[index_right[s] for s in flows.to_segment],
                  value=flows.customers.astype(float).tolist(),
                  customdata=[f"{plain[index_left[a]]} → {plain[index_right[b]]}"
                              for a, b in zip(flows.from_segment, flows.to_segment)],
                  hovertemplate="%{customdata}: %{value:,.0f}<extra></extra>",
                  color="rgba(140,149,159,0.35)"),
    ))
    for side, keys, ys in (("left", left, y_left), ("right", right, y_right)):
        for key, y in zip(keys, ys):
            fig.add_annotation(
                xref="paper", yref="paper", x=0 if side == "left" else 1, y=1 - y,
                xanchor="right" if side == "left" else "left", yanchor="middle",
                xshift=-10 if side == "left" else 10, text=shown[key], showarrow=False,
                align="right" if side == "left" else "left", font=dict(size=11))
    fig.update_layout(title=title, height=SANKEY_HEIGHT, margin=SANKEY_MARGIN)
    return fig


def sankey_positions(values: list[list[float]], lines: list[list[int]], inner: float, *,
                     line: float = SANKEY_LINE, gap: float = 4) -> tuple[float, list[list[float]]]:
    """Node centres (0 at the top, 1 at the bottom of the `inner` pixels) for columns of nodes,
    in order, each node with room for its name's `lines` beside it, and the node padding that
    makes plotly draw the nodes at the heights assumed here.

    Plotly (d3-sankey) draws a node `value * ky` tall, ky = min over columns of (inner - (n - 1)
    * pad) / sum(values): the padding is raised until every column's nodes, each in a slot as
    tall as the node or its name, fit; the room left over is shared between the slots."""
    pad = 8.0
    while True:
        ky = min((inner - (len(col) - 1) * pad) / sum(col) for col in values)
        slots = [[max(v * ky, n * line) + gap for v, n in zip(col, names)]
                 for col, names in zip(values, lines)]
        if all(sum(s) <= inner for s in slots) or pad > inner:
            break
        pad += 2
    out = []
    for col in slots:
        spare = max(inner - sum(col), 0) / len(col)
        top, centres = 0.0, []
        for slot in col:
            centres.append((top + (slot + spare) / 2) / inner)
            top += slot + spare
        out.append(centres)
    return pad, out


def segment_trend(trend: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                  colors: dict[str, str], lang: str = "vi",
                  title: str | None = None) -> go.Figure | Markdown:
    """Share of each segment at each month end (stacked area, best segment on top)."""
    if trend.empty or not trend.customers.sum():
        return nothing_to_draw(lang)
    labels = {s: chart_text(s) for s in order} | chart_labels(labels)
    # each month end drawn on its month's tick (the first of the month: a point at the 31st sat
    # a month to the right of the "10/2026" tick, under "11/2026")
    frame = trend.assign(segment_label=trend.segment.map(
        lambda s: labels.get(s, chart_text(s))),
        month=pd.to_datetime(trend.month_end).dt.to_period("M").dt.to_timestamp())
    fig = px.area(frame, x="month", y="share", color="segment_label",
                  category_orders={"segment_label": [labels.get(s, s) for s in order]},
                  color_discrete_map={labels.get(k, k): v for k, v in colors.items()},
                  labels={"month": "", "share": t("share", lang),
                          "segment_label": t("segment", lang)}, title=title)
    fig.update_layout(height=460, yaxis_tickformat=".0%", hovermode="x unified",
                      # months as the reader writes them (plotly's own names are English)
                      xaxis_tickformat="%m/%Y" if lang == "vi" else "%b %Y",
                      # the hover names the month too (plotly's default is "Oct 1, 2026")
                      xaxis_hoverformat="%m/%Y" if lang == "vi" else "%b %Y")
    fig.update_xaxes(ticklabelmode="instant", dtick="M1" if frame.month.nunique() <= 6 else "M2")
    # twelve long segment names: beside the chart, and the chart scrolls sideways on a phone
    return min_width(fig, 720)
