"""Page 05's charts: delivery funnel, uplift intervals, revenue per group."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from IPython.display import Markdown

from helpers.kit.charts import legend_on_top, money_ticks, nothing_to_draw
from helpers.kit.safe_text import chart_labels, chart_text
from helpers.kit.texts import channel_name, pick, t


def delivery_funnel(results: pd.DataFrame, *, lang: str = "vi",
                    title: str | None = None) -> go.Figure | Markdown:
    """Per channel: sent, delivered, opened, interacted (campaign totals)."""
    totals = results[results.segment == "all"].copy()
    if totals.empty:  # no campaign started on or before the as-of date
        return nothing_to_draw(lang)
    # a send file without opens (or interactions) says nothing of them: the stage is left out
    # of the chart (and named unknown in its title), never drawn as 0
    stages = ["sent", "delivered"]
    for stage, column in (("opened", "open_rate"), ("interacted", "interaction_rate")):
        if totals[column].notna().any():
            totals[stage] = (totals[column].fillna(0) * totals.delivered).round()
            stages.append(stage)
    unknown = [t(f"stage_{s}", lang) for s in ("opened", "interacted") if s not in stages]
    if unknown:
        title = (title or "") + pick(lang, f" · {', '.join(unknown)}: không rõ (tệp gửi không ghi)",
                                     f" · {', '.join(unknown)}: unknown (not in the send file)")
    by_channel = totals.groupby("channel")[stages].sum()
    frame = by_channel.reset_index().melt(id_vars="channel", var_name="stage", value_name="count")
    frame["stage"] = frame.stage.map(lambda s: t(f"stage_{s}", lang))
    frame["channel"] = frame.channel.map(lambda c: chart_text(channel_name(c)))
    fig = px.bar(frame, x="stage", y="count", color="channel", barmode="group", text_auto=",",
                 labels={"stage": "", "count": t("customers", lang), "channel": t("channel", lang)},
                 title=title)
    fig.update_layout(height=400)
    return legend_on_top(fig)


def uplift_intervals(results: pd.DataFrame, *, labels: dict[str, str] | None = None,
                     lang: str = "vi", title: str | None = None,
                     few_buyers: int = 10) -> go.Figure | Markdown:
    """Uplift in purchase rate, in percentage points, with its 95% interval: per campaign (bold)
    and per segment; a segment row resting on fewer than `few_buyers` buyers in a group is drawn
    small and grey and marked so; a campaign not measurable as uplift is drawn grey, hollow."""
    frame = results.dropna(subset=["uplift"]).copy()
    if frame.empty:
        return nothing_to_draw(lang)
    labels = chart_labels(labels)  # campaign ids and a scheme's labels: shown as text
    few = ((frame.segment != "all") & ((frame.holdout_converters < few_buyers)
                                       | (frame.treated_converters < few_buyers)))
    measurable = frame.get("measurable", pd.Series(True, index=frame.index)).isin([True, "true"])
    mark = pick(lang, " · ít người mua", " · few buyers")
    frame["row"] = [
        f"<b>{chart_text(r.campaign_id)}</b>" if r.segment == "all"
        # campaign over segment, on two lines: a phone keeps its width for the intervals
        else f"{chart_text(r.campaign_id)}{mark if f else ''}<br>"
             f"{labels.get(r.segment, chart_text(r.segment))}"
        for r, f in zip(frame.itertuples(), few)]
    frame["color"] = ["#8c959f" if f or not m else
                      ("#1a7f37" if lo > 0 else ("#cf222e" if hi < 0 else "#8c959f"))
                      for lo, hi, f, m in zip(frame.uplift_ci_low, frame.uplift_ci_high, few,
                                              measurable)]
    points = frame.uplift * 100
    fig = go.Figure(go.Scatter(
        x=points, y=frame.row, mode="markers",
        marker=dict(color=frame.color,
                    size=[11 if s == "all" else (5 if f else 7)
                          for s, f in zip(frame.segment, few)],
                    symbol=["circle" if m else "circle-open" for m in measurable]),
        error_x=dict(type="data", symmetric=False, array=frame.uplift_ci_high * 100 - points,
                     arrayminus=points - frame.uplift_ci_low * 100, color="#8c959f"),
        customdata=frame[["sent", "holdout", "treated_converters", "holdout_converters"]].values,
        hovertemplate="%{y}<br>%{x:+.2f} " + pick(lang, "điểm %", "pp")
                      + "<br>n = %{customdata[0]:,} / %{customdata[1]:,}"
                      + pick(lang, "<br>người mua", "<br>buyers")
                      + " %{customdata[2]:,} / %{customdata[3]:,}<extra></extra>"))
    fig.add_vline(x=0, line_dash="dash", line_color="#57606a")
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    two = (frame.segment != "all").any()
    # the chart takes the page's width (a phone's 390 px too: no sideways scroll), the ticks
    # without a unit (the axis title names it) and few of them
    fig.update_xaxes(nticks=6, automargin=True)
    fig.update_layout(title=title,
                      # three short lines: centred under a phone's narrow plot, none cut
                      xaxis_title=pick(lang, "Chênh lệch tỷ lệ mua<br>nhận tin − đối chứng<br>"
                                             "(điểm %)",
                                       "Uplift in purchase rate<br>treated − holdout<br>"
                                       "(points)"),
                      height=max(360, (40 if two else 26) * len(frame) + 120), showlegend=False,
                      margin=dict(l=8, r=16))
    return fig


def revenue_per_group(results: pd.DataFrame, *, lang: str = "vi",
                      title: str | None = None) -> go.Figure | Markdown:
    """Revenue per customer in the attribution window: treated vs holdout, per campaign."""
    if not (results.segment == "all").any():
        return nothing_to_draw(lang)
    totals = results[results.segment == "all"].assign(
        campaign_id=lambda f: f.campaign_id.map(chart_text))
    frame = totals.melt(id_vars="campaign_id", value_vars=["treated_revenue", "holdout_revenue"],
                        var_name="group", value_name="revenue")
    frame["group"] = frame.group.map({"treated_revenue": t("treated", lang),
                                      "holdout_revenue": t("holdout_group", lang)})
    fig = px.bar(frame, x="campaign_id", y="revenue", color="group", barmode="group",
                 text_auto=",.0f", title=title,
                 labels={"campaign_id": "", "revenue": t("revenue_per_customer", lang),
                         "group": ""},
                 color_discrete_sequence=["#0969da", "#afb8c1"])
    fig.update_yaxes(**money_ticks(frame.revenue.astype(float).max(), lang))
    fig.update_layout(height=400)
    return legend_on_top(fig)
