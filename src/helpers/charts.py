"""Figures for the workbook: tidy frame in, plotly Figure out, no I/O, never .show()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.texts import t

MONEY_FORMAT = ",.0f"


def segment_treemap(segment_summary: pd.DataFrame, *, value: str = "customers", lang: str = "vi",
                    colors: dict[str, str] | None = None, title: str | None = None) -> go.Figure:
    """Treemap of segments sized by customers or revenue; prospects and empty segments left out."""
    frame = segment_summary[(segment_summary.segment != "prospect")
                            & (segment_summary[value].astype(float) > 0)].copy()
    frame[value] = frame[value].astype(float)
    frame["share_pct"] = frame[value] / frame[value].sum()
    fig = px.treemap(
        frame, path=[px.Constant(t("all_buyers", lang)), "segment_label"], values=value,
        color="segment", color_discrete_map={"(?)": "#ffffff", **(colors or {})},
        custom_data=["share_pct"], title=title,
    )
    fmt = "%{value:,.0f} ₫" if value == "revenue" else "%{value:,.0f}"
    fig.update_traces(texttemplate="<b>%{label}</b><br>" + fmt + "<br>%{customdata[0]:.1%}",
                      hovertemplate="%{label}<br>" + fmt + "<extra></extra>", sort=False)
    fig.update_layout(margin=dict(l=10, r=10, t=50, b=10), height=460)
    return fig


def rfm_grid_heatmap(rfm_grid: pd.DataFrame, *, bins: int, labels: dict[str, str],
                     lang: str = "vi", title: str | None = None) -> go.Figure:
    """R (rows, best on top) x FM (columns) with customers per cell and the cell's segment name."""
    counts = np.zeros((bins, bins))
    text = [["" for _ in range(bins)] for _ in range(bins)]
    for row in rfm_grid.itertuples():
        if pd.isna(row.r_score) or pd.isna(row.fm_score):
            continue
        i, j = bins - int(row.r_score), int(row.fm_score) - 1
        counts[i, j] = row.customers
        text[i][j] = f"{labels.get(row.segment, row.segment)}<br>{int(row.customers):,}"
    fig = go.Figure(go.Heatmap(
        z=counts, x=[str(c) for c in range(1, bins + 1)],
        y=[str(r) for r in range(bins, 0, -1)], text=text, texttemplate="%{text}",
        colorscale="Blues", hovertemplate="R=%{y}, FM=%{x}<br>%{z:,.0f}<extra></extra>",
        colorbar=dict(title=t("customers", lang)),
    ))
    fig.update_layout(title=title, xaxis_title="FM", yaxis_title="R", height=520)
    fig.update_yaxes(type="category", autorange="reversed")  # R = 5 (most recent) on top
    fig.update_xaxes(type="category")
    return fig


def rfm_distributions(distributions: pd.DataFrame, *, lang: str = "vi") -> go.Figure:
    """Three histograms (pre-binned in SQL): recency in 30-day buckets, frequency, monetary on log."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=[
        t("recency_days", lang), t("frequency", lang), t("monetary_log", lang)])
    rec = distributions[distributions.factor == "recency_days"]
    fig.add_bar(x=rec.bucket_low + 15, y=rec.customers, width=28, row=1, col=1,
                marker_color="#0969da", name="R",
                hovertemplate="%{x:,.0f}: %{y:,}<extra></extra>")
    freq = distributions[distributions.factor == "frequency"]
    fig.add_bar(x=freq.bucket_low.astype(int).astype(str).where(freq.bucket_low < 20, "20+"),
                y=freq.customers, row=1, col=2, marker_color="#1a7f37", name="F")
    mon = distributions[(distributions.factor == "monetary") & (distributions.bucket_low > 0)]
    # log-spaced buckets (four per power of ten) shown as categories: equal widths on a log scale
    fig.add_bar(x=[_short_money(v) for v in mon.bucket_low], y=mon.customers, row=1, col=3,
                marker_color="#bf8700", name="M",
                hovertemplate="≥ %{x} ₫: %{y:,}<extra></extra>")
    fig.update_xaxes(type="category", row=1, col=2)
    fig.update_xaxes(type="category", row=1, col=3)
    fig.update_yaxes(title_text=t("customers", lang), row=1, col=1)
    fig.update_layout(showlegend=False, height=380, bargap=0.05)
    return fig


def _short_money(value: float) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:.3g}{unit}"
    return f"{value:.0f}"


def revenue_concentration(concentration: pd.DataFrame, *, lang: str = "vi",
                          title: str | None = None) -> go.Figure:
    """Pareto curve: the top x% of buyers bring y% of revenue."""
    frame = pd.concat([pd.DataFrame({"customer_percentile": [0], "revenue_share": [0.0]}),
                       concentration], ignore_index=True)
    fig = go.Figure()
    fig.add_scatter(x=frame.customer_percentile / 100, y=frame.revenue_share.astype(float),
                    mode="lines", line=dict(width=3, color="#0969da"),
                    name=t("revenue_share", lang),
                    hovertemplate="Top %{x:.0%} → %{y:.0%}<extra></extra>")
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color="#8c959f"),
                    name=t("equal_share", lang), hoverinfo="skip")
    top20 = frame.loc[frame.customer_percentile == 20, "revenue_share"]
    if len(top20):
        fig.add_annotation(x=0.2, y=float(top20.iloc[0]), text=f"Top 20% → {float(top20.iloc[0]):.0%}",
                           showarrow=True, arrowhead=2, ax=60, ay=30)
    fig.update_layout(title=title, xaxis_title=t("top_share_of_buyers", lang),
                      yaxis_title=t("share_of_revenue", lang), height=420,
                      xaxis_tickformat=".0%", yaxis_tickformat=".0%")
    return fig


def bar(frame: pd.DataFrame, *, x: str, y: str, color: str | None = None,
        order: list[str] | None = None, colors: dict | None = None, title: str | None = None,
        labels: dict | None = None, text_format: str = ",.0f", orientation: str = "v",
        barmode: str = "relative") -> go.Figure:
    """A plain bar chart in house style, for small summaries."""
    fig = px.bar(frame, x=x, y=y, color=color, title=title, labels=labels,
                 category_orders={(x if orientation == "v" else y): order} if order else None,
                 color_discrete_map=colors, orientation=orientation, barmode=barmode,
                 text_auto=text_format)
    fig.update_layout(height=420)
    return fig
