"""Page 06's charts: value per segment, P(alive) curves, calibration."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from helpers.kit.charts import legend_on_top, money_ticks, short_money
from helpers.kit.safe_text import chart_labels, chart_text
from helpers.kit.texts import pick, t

# ---------------------------------------------------------------- page 06: customer value


def value_per_segment(frame: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                      colors: dict[str, str], lang: str = "vi",
                      title: str | None = None) -> go.Figure | None:
    """Expected revenue over the horizon per segment, best segment first (horizontal bars)."""
    if frame.empty or frame.expected_revenue.isna().all():
        return None
    frame = frame.copy()
    labels = chart_labels(labels)  # a scheme file's words: shown as text
    frame["label"] = frame.segment.map(lambda s: labels.get(s, chart_text(s)))
    frame["rank"] = frame.segment.map(lambda s: order.index(s) if s in order else len(order))
    frame = frame.sort_values("rank", ascending=False)
    fig = go.Figure(go.Bar(
        x=frame.expected_revenue.astype(float), y=frame.label, orientation="h",
        marker_color=[colors.get(s, "#8c959f") for s in frame.segment],
        text=[short_money(v, lang) for v in frame.expected_revenue.astype(float)],
        textposition="auto",
        customdata=frame[["customers"]].to_numpy(),
        hovertemplate="%{y}: %{text} · %{customdata[0]:,}<extra></extra>"))
    fig.update_xaxes(title_text=t("expected_revenue", lang),
                     **money_ticks(frame.expected_revenue.astype(float).max(), lang))
    fig.update_layout(title=title, height=max(320, 40 * len(frame) + 140), showlegend=False)
    return fig


def p_alive_curves(curves: pd.DataFrame, *, lang: str = "vi",
                   title: str | None = None) -> go.Figure | None:
    """P(alive) against days since the last purchase for three purchase rhythms, with the fixed
    30- and 45-day rules drawn across."""
    if curves.empty:
        return None
    fig = go.Figure()
    palette = ["#0969da", "#bf8700", "#8250df"]
    for colour, (rhythm, part) in zip(palette, curves.groupby("rhythm_days", sort=True)):
        fig.add_scatter(x=part.days_since_last, y=part.p_alive, mode="lines",
                        line=dict(width=3, color=colour), name=t("rhythm", lang, days=rhythm),
                        hovertemplate="%{x} → %{y:.0%}<extra></extra>")
    # the fixed rules ("gone after 30 or 45 days") as two dotted lines, named at their top: the
    # model puts every curve below 1 there (these customers bought more than once: either model
    # lets them leave)
    for days, shift in ((30, -4), (45, 4)):
        fig.add_vline(x=days, line=dict(dash="dot", color="#8c959f"))
        fig.add_annotation(x=days, y=1.0, yanchor="top",
                           text=pick(lang, f"{days} ngày", f"{days} days"),
                           showarrow=False, xanchor="right" if shift < 0 else "left",
                           xshift=shift, font=dict(size=11, color="#57606a"))
    fig.update_layout(title=title, height=440, xaxis_title=t("days_since_last", lang),
                      yaxis_title=t("p_alive", lang), yaxis_tickformat=".0%",
                      yaxis_range=[0, 1.02])
    return legend_on_top(fig, rows=2)


def calibration(table: pd.DataFrame | None, *, lang: str = "vi",
                title: str | None = None) -> go.Figure | None:
    """Mean purchases per customer in the check period, predicted and actual, by repeat
    purchases before it (7 = seven or more)."""
    if table is None or not len(table):
        return None
    groups = [f"{int(g)}+" if g == 7 else str(int(g)) for g in table.group]
    fig = go.Figure()
    fig.add_bar(x=groups, y=table.actual, name=t("actual", lang), marker_color="#8c959f")
    fig.add_scatter(x=groups, y=table.predicted, name=t("predicted", lang), mode="lines+markers",
                    line=dict(width=3, color="#0969da"))
    fig.update_layout(title=title, height=420, xaxis_title=t("purchases_before", lang),
                      yaxis_title=t("purchases_per_customer_in_check", lang))
    return legend_on_top(fig, rows=1)


def backtest_history(history: pd.DataFrame, *, lang: str = "vi",
                     title: str | None = None) -> go.Figure | None:
    """The last back-tests (backtest.last_months), one point a month at its end: the quality
    (0–100) and the share of buyers in the top 10%, and the actual purchases as a share of the
    predicted ones (100 = predicted exactly). None below two back-tests."""
    if history is None or len(history) < 2:
        return None
    months = [pd.Timestamp(d).strftime("%m/%Y") for d in history.through]
    fig = go.Figure()
    fig.add_scatter(x=months, y=history.quality, mode="lines+markers",
                    line=dict(width=3, color="#0969da"),
                    name=pick(lang, "Chất lượng dự báo (0–100)", "Prediction quality (0–100)"),
                    hovertemplate="%{x}: %{y:.0f}<extra></extra>")
    fig.add_scatter(x=months, y=100 * history.top_decile_capture.astype(float),
                    mode="lines+markers", line=dict(width=2, color="#bf8700", dash="dot"),
                    name=pick(lang, "% khách đã mua nằm trong 10% đầu",
                              "% of buyers in the top 10%"),
                    hovertemplate="%{x}: %{y:.0f}%<extra></extra>")
    ratio = 100 * history.actual_purchases.astype(float) / \
        history.predicted_purchases.astype(float).where(history.predicted_purchases > 0)
    fig.add_scatter(x=months, y=ratio, mode="lines+markers",
                    line=dict(width=2, color="#8250df", dash="dash"),
                    name=pick(lang, "Thực tế ÷ dự báo số lần mua (%)",
                              "Actual ÷ predicted purchases (%)"),
                    hovertemplate="%{x}: %{y:.0f}%<extra></extra>")
    # 100 = the month came out as predicted: a month far above or below it is one the model's
    # calendar-free rhythm missed (a sale peak, a quiet month), the others read against it
    fig.add_hline(y=100, line_dash="dot", line_color="#8c959f", line_width=1,
                  annotation_text=pick(lang, "thực tế = dự báo", "actual = predicted"),
                  annotation_position="bottom right", annotation_font_color="#57606a")
    title = title or pick(lang, "Các lần kiểm tra dự báo gần nhất", "The last back-tests")
    fig.update_layout(title=title, height=420, yaxis_rangemode="tozero",
                      xaxis_type="category")
    return legend_on_top(fig, rows=3)


def backtest_frequency(table: pd.DataFrame | None, *, lang: str = "vi",
                       title: str | None = None) -> go.Figure | None:
    """Predicted and actual purchases per customer in the back-test's window by repeat
    purchases when it was fitted (0 … 6, 7+), as calibration() draws its check period."""
    if table is None or not len(table):
        return None
    fig = go.Figure()
    fig.add_bar(x=list(table.frequency), y=table.actual_per_customer, name=t("actual", lang),
                marker_color="#8c959f")
    fig.add_scatter(x=list(table.frequency), y=table.predicted_per_customer,
                    name=t("predicted", lang), mode="lines+markers",
                    line=dict(width=3, color="#0969da"))
    title = title or pick(lang, "Dự báo và thực tế theo số lần mua lại trước đó",
                          "Predicted and actual, by repeat purchases before")
    fig.update_layout(title=title, height=400, xaxis_title=t("purchases_before", lang),
                      xaxis_type="category",
                      yaxis_title=pick(lang, "Lần mua / khách", "Purchases per customer"))
    return legend_on_top(fig, rows=1)
