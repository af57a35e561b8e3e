"""Page 03's charts: the cohort triangle, value curves, purchases, second-purchase gap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from IPython.display import Markdown

from helpers.kit.charts import (
    cohort_label,
    money_hover,
    money_ticks,
    nothing_to_draw,
    short_money,
)
from helpers.kit.formatting import percent
from helpers.kit.texts import pick, t
from helpers.kit.theme import min_width


def cohort_heatmap(dense: pd.DataFrame, *, value: str = "retention", lang: str = "vi",
                   title: str | None = None) -> go.Figure | Markdown:
    """Cohorts (rows, oldest on top) x periods: retention in percent or revenue; the current,
    incomplete period is marked with an asterisk (a sentence when there is no cohort yet)."""
    if dense.empty or dense[value].isna().all():
        return nothing_to_draw(lang)
    pivot = dense.pivot(index="cohort", columns="period", values=value).sort_index()
    # the last 12 cohorts fit a page with readable numbers; every cohort is in cohort_revenue.csv
    pivot = pivot.iloc[-12:]
    pivot = pivot.loc[:, pivot.notna().any()]
    flags = dense.pivot(index="cohort", columns="period", values="is_incomplete").sort_index()
    flags = flags.reindex_like(pivot).fillna(False).astype(bool)
    if value == "retention":
        text = pivot.map(lambda v: "" if pd.isna(v) else percent(v, lang))
        hover = "%{y}, +%{x}: %{z:.1%}<extra></extra>"
        scale, zmax = "Blues", float(pivot.iloc[:, 1:].max().max()) if pivot.shape[1] > 1 else 1.0
    else:
        text = pivot.map(lambda v: "" if pd.isna(v) else short_money(v, lang))
        hover = f"%{{y}}, +%{{x}}: {money_hover('z', lang)}<extra></extra>"
        scale, zmax = "Greens", None
    text = text.where(~flags, text + "*")
    fig = go.Figure(go.Heatmap(
        z=pivot.values, x=[str(c) for c in pivot.columns],
        y=[cohort_label(c, lang) for c in pivot.index],
        text=text.values, texttemplate="%{text}", textfont=dict(size=9), colorscale=scale,
        zmin=0, zmax=zmax, hovertemplate=hover, xgap=1, ygap=1,
        colorbar=(dict(tickformat=".0%") if value == "retention"
                  else dict(**money_ticks(float(np.nanmax(pivot.values)), lang))),
    ))
    fig.update_yaxes(autorange="reversed", type="category",
                     title=t("cohort", lang))
    fig.update_xaxes(type="category", title=t("period", lang))
    fig.update_layout(title=title, height=max(420, 22 * len(pivot) + 160))
    return min_width(fig, 160 + 58 * pivot.shape[1])


def ltv_curves(curves: pd.DataFrame, *, lang: str = "vi",
               title: str | None = None) -> go.Figure | Markdown:
    """Cumulative revenue per customer by period, one line per cohort (recent cohorts darker);
    the last 12 cohorts, so the legend fits beside the chart."""
    if curves.empty:
        return nothing_to_draw(lang)
    keep = sorted(curves.cohort.unique())[-12:]
    curves = curves[curves.cohort.isin(keep)].copy()
    curves["cohort"] = curves.cohort.map(lambda c: cohort_label(c, lang))
    fig = px.line(curves, x="period", y="cumulative_revenue_per_customer", color="cohort",
                  color_discrete_sequence=px.colors.sample_colorscale(
                      "Viridis", max(curves.cohort.nunique(), 2)),
                  labels={"period": t("period", lang),
                          "cumulative_revenue_per_customer": t("ltv", lang),
                          "cohort": t("cohort", lang)}, title=title)
    fig.update_yaxes(**money_ticks(curves.cumulative_revenue_per_customer.astype(float).max(),
                                   lang))
    # twelve cohorts: the legend beside the chart, and the chart scrolls sideways on a phone
    fig.update_layout(height=480)
    return min_width(fig, 640)


def purchases_per_customer(frame: pd.DataFrame, *, lang: str = "vi",
                           title: str | None = None) -> go.Figure | Markdown:
    if frame.empty:
        return nothing_to_draw(lang)
    fig = px.bar(frame, x="period", y="purchases_per_customer", title=title,
                 labels={"period": t("period", lang),
                         "purchases_per_customer": t("purchases_per_customer", lang)},
                 text_auto=".2f")
    fig.update_layout(height=380)
    return fig


def second_purchase_gap(gaps: pd.DataFrame, returned: pd.DataFrame, *, lang: str = "vi",
                        max_days: int = 120, title: str | None = None) -> go.Figure | Markdown:
    """Repeat buyers by days between first and second purchase, with the chosen windows marked."""
    if gaps.empty:
        return nothing_to_draw(lang)
    frame = gaps[gaps.gap_days <= max_days]
    fig = go.Figure(go.Bar(x=frame.gap_days, y=frame.customers, marker_color="#0969da",
                           hovertemplate="%{x} d: %{y:,}<extra></extra>"))
    unit = pick(lang, "ngày", "days")
    for i, row in enumerate(returned.itertuples()):
        fig.add_vline(x=row.window_days + 0.5, line_dash="dash", line_color="#cf222e")
        # the shares stand in a box at the top right, away from the lines and the bars
        fig.add_annotation(xref="paper", x=1.0, yref="paper", y=1.0 - 0.09 * i, showarrow=False,
                           text=f"≤ {row.window_days} {unit}: {percent(row.share_returned, lang, 1)}",
                           xanchor="right", font=dict(color="#cf222e"),
                           bgcolor="rgba(255,255,255,0.9)")
    fig.update_layout(title=title, height=400, xaxis_title=t("days_to_second", lang),
                      yaxis_title=t("customers", lang), bargap=0.1)
    return fig
