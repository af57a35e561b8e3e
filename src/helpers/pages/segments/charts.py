"""Page 01's charts: segment treemap, R x FM grid, distributions, revenue concentration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown
from plotly.subplots import make_subplots

from helpers.kit.charts import (
    balanced_lines,
    legend_on_top,
    money_hover,
    nothing_to_draw,
    short_money,
    wrap,
)
from helpers.kit.formatting import number, percent
from helpers.kit.safe_text import chart_labels, chart_text
from helpers.kit.texts import pick, t
from helpers.kit.theme import min_width


def segment_treemap(segment_summary: pd.DataFrame, *, value: str = "customers", lang: str = "vi",
                    colors: dict[str, str] | None = None, title: str | None = None,
                    min_share: float = 0.04) -> go.Figure | Markdown:
    """Treemap of segments sized by customers or revenue; prospects and empty segments left out.
    Segments under `min_share` of the total are one grey tile ("Khác", "Other") whose hover
    lists them: their own tiles would be too small to label on a phone (the table beside the
    chart has every segment)."""
    frame = segment_summary[(segment_summary.segment != "prospect")
                            & (segment_summary[value].astype(float) > 0)].copy()
    if frame.empty:  # no buyer on or before the as-of date
        return nothing_to_draw(lang)
    frame[value] = frame[value].astype(float)
    frame["segment_label"] = frame.segment_label.map(chart_text)  # a scheme file's words
    frame["share_pct"] = frame[value] / frame[value].sum()
    small = frame[frame.share_pct < min_share]
    frame["members"] = ""
    if len(small) > 1:
        fmt = (lambda v: short_money(v, lang, sign=True)) \
            if value == "revenue" else (lambda v: number(v, lang))
        listed = "<br>".join(f"{r.segment_label}: {fmt(getattr(r, value))} "
                             f"({percent(r.share_pct, lang)})" for r in small.itertuples())
        other = pd.DataFrame([{
            "segment": "(other)", value: small[value].sum(), "share_pct": small.share_pct.sum(),
            # a short name fits a narrow tile; the hover and the table name each segment
            "segment_label": pick(lang, "Khác", "Other"),
            "members": "<br>" + listed}])
        frame = pd.concat([frame[frame.share_pct >= min_share], other], ignore_index=True)
    # long names on two lines, so a narrow tile on a phone can still hold them at a readable size
    colors = {"(other)": "#afb8c1", **(colors or {})}
    total = float(frame[value].sum())
    root = t("all_buyers", lang)
    fmt = money_hover("value", lang) if value == "revenue" else "%{value:,.0f}"
    # in a tile, money as it is said (31,7 tỷ ₫): 31.696.460.000 ₫ ran past a phone's tiles;
    # the hover keeps the amount to the dong (or the cent)
    shown = ([short_money(v, lang, sign=True) for v in frame[value]]
             if value == "revenue" else [number(v, lang) for v in frame[value]])
    # go.Treemap, not px.treemap: the same figure, much faster (the explorer redraws it)
    fig = go.Figure(go.Treemap(
        ids=["(all)"] + [f"(all)/{k}" for k in frame.segment],
        labels=[root] + list(frame.segment_label), parents=[""] + ["(all)"] * len(frame),
        values=[total] + list(frame[value]), branchvalues="total",
        marker=dict(colors=["#f6f8fa"] + [colors.get(k, "#8c959f") for k in frame.segment]),
        customdata=[[1.0, "", root, ""]] + [
            [sh, m, wrap(lbl), amount] for sh, m, lbl, amount in
            zip(frame.share_pct, frame.members, frame.segment_label, shown)],
        # tiles by size, squarified: they keep readable shapes (in rank order some were slivers)
        sort=True, tiling=dict(packing="squarify"),
        texttemplate="<b>%{customdata[2]}</b><br>%{customdata[3]}<br>%{customdata[0]:.1%}",
        hovertemplate="<b>%{label}</b><br>" + fmt + "%{customdata[1]}<extra></extra>",
    ))
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=50, b=10), height=460,
                      uniformtext=dict(minsize=10, mode="hide"))
    return fig


def rfm_grid_heatmap(rfm_grid: pd.DataFrame, *, bins: int, labels: dict[str, str],
                     lang: str = "vi", title: str | None = None) -> go.Figure | Markdown:
    """R (rows, best on top) x FM (columns) with customers per cell and the cell's segment name."""
    if rfm_grid.empty or not rfm_grid.customers.sum():
        return nothing_to_draw(lang)
    labels = chart_labels(labels)
    counts = np.zeros((bins, bins))
    text = [["" for _ in range(bins)] for _ in range(bins)]
    for row in rfm_grid.itertuples():
        if pd.isna(row.r_score) or pd.isna(row.fm_score):
            continue
        i, j = bins - int(row.r_score), int(row.fm_score) - 1
        counts[i, j] = row.customers
        text[i][j] = (f"{balanced_lines(labels.get(row.segment, chart_text(row.segment)), 12)}"
                      f"<br>{number(int(row.customers), lang)}")
    # no colour bar: each cell says its count, and on a phone the bar took a third of the width;
    # a fixed text size (plotly shrinks cell texts to fit, down to unreadable) on names of at most
    # 12 characters a line: at 390 px a cell of a 5 x 5 grid is about 60 px wide, and longer
    # lines ran into the next cell; the margins keep only the room the one-digit ticks need
    fig = go.Figure(go.Heatmap(
        z=counts, x=[str(c) for c in range(1, bins + 1)],
        y=[str(r) for r in range(bins, 0, -1)], text=text, texttemplate="%{text}",
        textfont=dict(size=9 if bins <= 5 else 8), showscale=False, colorscale="Blues",
        hovertemplate="R=%{y}, FM=%{x}<br>%{text}<extra></extra>", xgap=1, ygap=1,
    ))
    fig.update_layout(title=title, xaxis_title="FM", yaxis_title="R", height=520,
                      margin=dict(l=44, r=8))
    if bins > 5:  # 6 or more cells a row hold no name on a phone: the grid scrolls sideways
        min_width(fig, 64 * bins + 52)
    fig.update_yaxes(type="category", autorange="reversed")  # R = 5 (most recent) on top
    fig.update_xaxes(type="category")
    return fig


def rfm_distributions(distributions: pd.DataFrame, *, lang: str = "vi") -> go.Figure | Markdown:
    """Three histograms (pre-binned in SQL), one above the other so that their titles and labels
    never run into each other on a phone: recency in 30-day buckets, frequency, monetary on log."""
    if distributions.empty or not distributions.customers.sum():
        return nothing_to_draw(lang)
    fig = make_subplots(rows=3, cols=1, vertical_spacing=0.14, subplot_titles=[
        t("recency_days", lang), t("frequency", lang), t("monetary_log", lang)])
    rec = distributions[distributions.factor == "recency_days"]
    fig.add_bar(x=rec.bucket_low + 15, y=rec.customers, width=28, row=1, col=1,
                marker_color="#0969da", name="R",
                hovertemplate="%{x:,.0f}: %{y:,}<extra></extra>")
    freq = distributions[distributions.factor == "frequency"]
    fig.add_bar(x=freq.bucket_low.astype(int).astype(str).where(freq.bucket_low < 20, "20+"),
                y=freq.customers, row=2, col=1, marker_color="#1a7f37", name="F",
                hovertemplate="%{x}: %{y:,}<extra></extra>")
    mon = distributions[(distributions.factor == "monetary") & (distributions.bucket_low > 0)]
    # log-spaced buckets (four per power of ten) shown as categories: equal widths on a log scale
    money = [short_money(v, lang) for v in mon.bucket_low]
    fig.add_bar(x=money, y=mon.customers, row=3, col=1,
                marker_color="#bf8700", name="M",
                hovertemplate="≥ %{x}: %{y:,}<extra></extra>")
    fig.update_xaxes(type="category", row=2, col=1)
    # ticks at round amounts only (1 nghìn, 10 nghìn … 1 tr): the buckets between are 1.78×,
    # 3.16×, 5.62× a power of ten, true but not how anyone writes money
    round_amounts = [m for m, v in zip(money, mon.bucket_low)
                     if v > 0 and abs(np.log10(v) - round(np.log10(v))) < 1e-9]
    fig.update_xaxes(type="category", row=3, col=1, tickmode="array", tickvals=round_amounts,
                     ticktext=round_amounts, tickangle=0)
    for row in (1, 2, 3):
        fig.update_yaxes(title_text=t("customers", lang), row=row, col=1)
    fig.update_layout(showlegend=False, height=820, bargap=0.05)
    return fig


def revenue_concentration(concentration: pd.DataFrame, *, lang: str = "vi",
                          title: str | None = None) -> go.Figure | Markdown:
    """Pareto curve: the top x% of buyers bring y% of revenue."""
    if concentration.empty:
        return nothing_to_draw(lang)
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
        share = float(top20.iloc[0])
        text = (f"20% khách → {percent(share, lang)} doanh thu" if lang == "vi"
                else f"Top 20% → {percent(share, lang)} of revenue")
        # the note stands in the empty lower right (under the diagonal), its arrow to the curve
        fig.add_annotation(x=0.2, y=share, text=text, showarrow=True, arrowhead=2,
                           axref="x", ayref="y", ax=0.62, ay=0.12,
                           bgcolor="rgba(255,255,255,0.9)")
    fig.update_layout(title=title, xaxis_title=t("top_share_of_buyers", lang),
                      yaxis_title=t("share_of_revenue", lang), height=440,
                      xaxis_tickformat=".0%", yaxis_tickformat=".0%")
    return legend_on_top(fig)
