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
from helpers.kit.theme import min_width


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


def migration_sankey(matrix: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                     colors: dict[str, str], lang: str = "vi",
                     title: str | None = None) -> go.Figure | Markdown:
    """Flows from each segment at the first date to each segment at the second."""
    if matrix.empty:
        return nothing_to_draw(lang)
    name = {**chart_labels(labels), "(new)": t("new_in_period", lang), "(gone)": "(gone)"}
    left = ["(new)"] + [s for s in order]
    left = [s for s in left if s in set(matrix.from_segment)]
    right = [s for s in order if s in set(matrix.to_segment)]
    nodes = [name.get(s, chart_text(s)) for s in left + right]
    index_left = {s: i for i, s in enumerate(left)}
    index_right = {s: len(left) + i for i, s in enumerate(right)}
    flows = matrix[matrix.from_segment.isin(index_left) & matrix.to_segment.isin(index_right)]
    node_colors = [colors.get(s, "#8c959f") for s in left] + [colors.get(s, "#8c959f")
                                                               for s in right]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=nodes, color=node_colors, pad=12, thickness=14),
        link=dict(source=[index_left[s] for s in flows.from_segment],
                  target=[index_right[s] for s in flows.to_segment],
                  value=flows.customers.astype(float).tolist(),
                  color="rgba(140,149,159,0.35)"),
    ))
    fig.update_layout(title=title, height=620)
    return fig


def segment_trend(trend: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                  colors: dict[str, str], lang: str = "vi",
                  title: str | None = None) -> go.Figure | Markdown:
    """Share of each segment at each month end (stacked area, best segment on top)."""
    if trend.empty or not trend.customers.sum():
        return nothing_to_draw(lang)
    labels = {s: chart_text(s) for s in order} | chart_labels(labels)
    frame = trend.assign(segment_label=trend.segment.map(
        lambda s: labels.get(s, chart_text(s))))
    fig = px.area(frame, x="month_end", y="share", color="segment_label",
                  category_orders={"segment_label": [labels.get(s, s) for s in order]},
                  color_discrete_map={labels.get(k, k): v for k, v in colors.items()},
                  labels={"month_end": "", "share": t("share", lang),
                          "segment_label": t("segment", lang)}, title=title)
    fig.update_layout(height=460, yaxis_tickformat=".0%", hovermode="x unified",
                      # months as the reader writes them (plotly's own names are English)
                      xaxis_tickformat="%m/%Y" if lang == "vi" else "%b %Y",
                      # and the hover's date too (plotly's default is "Oct 31, 2026")
                      xaxis_hoverformat="%d/%m/%Y" if lang == "vi" else "%d %b %Y")
    # twelve long segment names: beside the chart, and the chart scrolls sideways on a phone
    return min_width(fig, 720)
