"""Page 04's charts: tier members, tier changes, the gap to the next tier."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown
from plotly.subplots import make_subplots

from helpers.kit.charts import legend_on_top, money_range, money_ticks, nothing_to_draw, short_money
from helpers.kit.formatting import number
from helpers.kit.safe_text import chart_labels
from helpers.kit.texts import t


def tier_members(summary: pd.DataFrame, *, names: dict[str, str], lang: str = "vi",
                 title: str | None = None) -> go.Figure | Markdown:
    """Members and spend per tier, one above the other (side by side, a phone cannot fit the
    tier names of both)."""
    if summary.empty or not summary.members.sum():  # no member on or before the as-of date
        return nothing_to_draw(lang)
    frame = summary.assign(name=summary.tier.map(chart_labels(names)))
    spend = frame.spend.astype(float)
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.2,
                        subplot_titles=[t("members", lang), t("spend_period", lang)])
    fig.add_bar(x=frame.name, y=frame.members, row=1, col=1, marker_color="#0969da",
                text=[number(v, lang) for v in frame.members], textposition="auto",
                name=t("members", lang), hovertemplate="%{x}: %{text}<extra></extra>")
    fig.add_bar(x=frame.name, y=spend, row=2, col=1, marker_color="#bf8700",
                text=[short_money(v, lang) for v in spend], textposition="auto",
                name=t("spend_period", lang), hovertemplate="%{x}: %{text}<extra></extra>")
    fig.update_yaxes(row=2, col=1, **money_ticks(spend.max(), lang))
    fig.update_traces(textangle=0)
    fig.update_layout(title=title, showlegend=False, height=620)
    return fig


def tier_changes(summary: pd.DataFrame, *, order: list[str], names: dict[str, str],
                 lang: str = "vi", title: str | None = None) -> go.Figure | Markdown:
    """Members per current tier by change since the previous month end (up, down, new, same),
    from the tier summary's counts: one row per tier with members, its changes side by side, so
    each count has room for its label."""
    frame = summary[summary.members > 0].set_index("tier")
    if frame.empty:
        return nothing_to_draw(lang)
    counts = {"up": frame.upgraded, "down": frame.downgraded, "new": frame.new_members,
              "same": frame.members - frame.upgraded - frame.downgraded - frame.new_members}
    change = {k: t(f"change_{k}", lang) for k in counts}
    colors = {"up": "#1a7f37", "down": "#cf222e", "new": "#0969da", "same": "#afb8c1"}
    fig = go.Figure()
    present = [k for k in order if k in frame.index]
    tiers = [chart_labels(names)[k] for k in present]
    for key, values in counts.items():
        shown = [int(values[k]) for k in present]
        fig.add_bar(y=tiers, x=shown, orientation="h", name=change[key],
                    marker_color=colors[key], text=[number(v, lang) for v in shown],
                    textposition="outside", cliponaxis=False,
                    hovertemplate="%{y} · " + change[key] + ": %{text}<extra></extra>")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=t("members", lang), rangemode="tozero")
    fig.update_layout(title=title, barmode="group", bargap=0.25, legend_traceorder="normal",
                      # four bars a tier, each tall enough for its count at the font's size
                      # (plotly shrinks a label to its bar: at 70 px a tier they were specks)
                      height=160 + 100 * len(tiers))
    return legend_on_top(fig)


def gap_distribution(histogram: pd.DataFrame, *, names: dict[str, str], lang: str = "vi",
                     title: str | None = None) -> go.Figure | Markdown:
    """How far members are from the next tier (close ones are the ones to nudge): members per
    bin of the gap (loyalty.gap_histogram), one colour per tier they would reach."""
    if histogram.empty:
        return nothing_to_draw(lang)
    fig = go.Figure()
    for tier, name in chart_labels(names).items():
        part = histogram[histogram.next_tier == tier].sort_values("gap_from")
        if part.empty:
            continue
        label = "→ " + name  # the tier they would reach
        fig.add_bar(x=(part.gap_from + part.gap_to) / 2, y=part.members,
                    width=part.gap_to - part.gap_from, name=label, opacity=0.7,
                    customdata=[[money_range(a, b, lang)] for a, b in zip(part.gap_from,
                                                                          part.gap_to)],
                    # the tier's name by reference: a loyalty file's words never in a template
                    hovertemplate="%{fullData.name} · %{customdata[0]}: %{y:,}<extra></extra>")
    top = float(histogram.gap_to.max()) if len(histogram) else 0.0
    fig.update_xaxes(title=t("gap_to_next", lang), **money_ticks(top, lang))
    fig.update_layout(title=title, barmode="overlay", bargap=0, height=420,
                      yaxis_title=t("members", lang))
    return legend_on_top(fig)
