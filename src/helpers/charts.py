"""Figures for the workbook: tidy frame in, plotly Figure out, no I/O, never .show()."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.formatting import number, percent
from helpers.texts import channel_name, pick, t
from helpers.theme import min_width, two_lines


def segment_treemap(segment_summary: pd.DataFrame, *, value: str = "customers", lang: str = "vi",
                    colors: dict[str, str] | None = None, title: str | None = None,
                    min_share: float = 0.04) -> go.Figure:
    """Treemap of segments sized by customers or revenue; prospects and empty segments left out.
    Segments under `min_share` of the total are one grey tile ("Khác", "Other") whose hover
    lists them: their own tiles would be too small to label on a phone (the table beside the
    chart has every segment)."""
    frame = segment_summary[(segment_summary.segment != "prospect")
                            & (segment_summary[value].astype(float) > 0)].copy()
    frame[value] = frame[value].astype(float)
    frame["share_pct"] = frame[value] / frame[value].sum()
    small = frame[frame.share_pct < min_share]
    frame["members"] = ""
    if len(small) > 1:
        fmt = (lambda v: _short_money(v, lang) + (" ₫" if lang == "vi" else "")) \
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
    fmt = "%{value:,.0f} ₫" if value == "revenue" else "%{value:,.0f}"
    # go.Treemap, not px.treemap: the same figure in a tenth of the time (the explorer redraws it)
    fig = go.Figure(go.Treemap(
        ids=["(all)"] + [f"(all)/{k}" for k in frame.segment],
        labels=[root] + list(frame.segment_label), parents=[""] + ["(all)"] * len(frame),
        values=[total] + list(frame[value]), branchvalues="total",
        marker=dict(colors=["#f6f8fa"] + [colors.get(k, "#8c959f") for k in frame.segment]),
        customdata=[[1.0, "", root]] + [[sh, m, _wrap(lbl)] for sh, m, lbl in
                                        zip(frame.share_pct, frame.members, frame.segment_label)],
        # tiles by size, squarified: they keep readable shapes (in rank order some were slivers)
        sort=True, tiling=dict(packing="squarify"),
        texttemplate="<b>%{customdata[2]}</b><br>" + fmt + "<br>%{customdata[0]:.1%}",
        hovertemplate="<b>%{label}</b><br>" + fmt + "%{customdata[1]}<extra></extra>",
    ))
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=50, b=10), height=460,
                      uniformtext=dict(minsize=10, mode="hide"))
    return fig


def _wrap(text: str, width: int = 13) -> str:
    """A label on two lines at the space nearest its middle when longer than `width`."""
    return two_lines(str(text), width)


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
        text[i][j] = (f"{_wrap(labels.get(row.segment, row.segment), 10)}<br>"
                      f"{number(int(row.customers), lang)}")
    # no colour bar: each cell says its count, and on a phone the bar took a third of the width;
    # a fixed text size (plotly shrinks cell texts to fit, down to unreadable) on wrapped names
    fig = go.Figure(go.Heatmap(
        z=counts, x=[str(c) for c in range(1, bins + 1)],
        y=[str(r) for r in range(bins, 0, -1)], text=text, texttemplate="%{text}",
        textfont=dict(size=10 if bins <= 5 else 8), showscale=False, colorscale="Blues",
        hovertemplate="R=%{y}, FM=%{x}<br>%{text}<extra></extra>", xgap=1, ygap=1,
    ))
    fig.update_layout(title=title, xaxis_title="FM", yaxis_title="R", height=520)
    fig.update_yaxes(type="category", autorange="reversed")  # R = 5 (most recent) on top
    fig.update_xaxes(type="category")
    return fig


def rfm_distributions(distributions: pd.DataFrame, *, lang: str = "vi") -> go.Figure:
    """Three histograms (pre-binned in SQL), one above the other so that their titles and labels
    never run into each other on a phone: recency in 30-day buckets, frequency, monetary on log."""
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
    money = [_short_money(v, lang) for v in mon.bucket_low]
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


def _short_money(value: float, lang: str = "vi") -> str:
    """Money in a small cell: 1,6 tỷ / 250 tr / 31,6 nghìn (vi), ₫1.6B / ₫250M / ₫31.6k (en)."""
    units = ((1e9, "tỷ"), (1e6, "tr"), (1e3, "nghìn")) if lang == "vi" else (
        (1e9, "B"), (1e6, "M"), (1e3, "k"))
    for size, unit in units:
        if abs(value) >= size:
            shown = f"{value / size:.3g}"
            return (f"{shown.replace('.', ',')} {unit}" if lang == "vi"
                    else f"₫{shown}{unit}")
    return number(value, lang)


def money_ticks(top: float, lang: str = "vi", *, count: int = 4) -> dict:
    """Axis ticks for money as the reader writes it in a small space (0, 5 tỷ, 10 tỷ / ₫0,
    ₫5B, ₫10B): round steps of 1, 2, 2.5 or 5 times a power of ten, about `count` of them.
    Plotly's own ticks would write 10.000.000.000 on a phone or 10B in Vietnamese."""
    top = float(top) if top and np.isfinite(top) and top > 0 else 1.0
    raw = top / count
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    values = [i * step for i in range(int(np.floor(top / step)) + 1)]
    return dict(tickmode="array", tickvals=values,
                ticktext=[_short_money(v, lang) if v else "0" for v in values])


def legend_on_top(fig: go.Figure, *, rows: int = 2) -> go.Figure:
    """The legend in a row above the plot, under the title: at the right it took half a phone's
    width from the bars. `rows` is how many rows its items may need on a phone."""
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left",
                                  x=0, title_text=""),
                      # the title (two lines on a phone) at the very top, the legend under it
                      title=dict(yref="container", yanchor="top",
                                 y=1 - 16 / float(fig.layout.height or 450)),
                      margin=dict(t=100 + 22 * rows))
    return fig


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


def cohort_label(cohort, lang: str = "vi") -> str:
    """'2026-10' as the reader writes a month: 10/2026 (vi), Oct 2026 (en); weeks as they are."""
    import re
    from datetime import date

    text = str(cohort)
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    month = date(int(text[:4]), int(text[5:]), 1)
    return f"{month:%m/%Y}" if lang == "vi" else f"{month:%b %Y}"


def cohort_heatmap(dense: pd.DataFrame, *, value: str = "retention", lang: str = "vi",
                   title: str | None = None) -> go.Figure:
    """Cohorts (rows, oldest on top) x periods: retention in percent or revenue; the current,
    incomplete period is marked with an asterisk."""
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
        text = pivot.map(lambda v: "" if pd.isna(v) else _short_money(v, lang))
        hover = "%{y}, +%{x}: %{z:,.0f} ₫<extra></extra>"
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


def ltv_curves(curves: pd.DataFrame, *, lang: str = "vi", title: str | None = None) -> go.Figure:
    """Cumulative revenue per customer by period, one line per cohort (recent cohorts darker);
    the last 12 cohorts, so the legend fits beside the chart."""
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
                           title: str | None = None) -> go.Figure:
    fig = px.bar(frame, x="period", y="purchases_per_customer", title=title,
                 labels={"period": t("period", lang),
                         "purchases_per_customer": t("purchases_per_customer", lang)},
                 text_auto=".2f")
    fig.update_layout(height=380)
    return fig


def second_purchase_gap(gaps: pd.DataFrame, returned: pd.DataFrame, *, lang: str = "vi",
                        max_days: int = 120, title: str | None = None) -> go.Figure:
    """Repeat buyers by days between first and second purchase, with the chosen windows marked."""
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


def migration_heatmap(matrix: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                      lang: str = "vi", title: str | None = None) -> go.Figure:
    """From (rows) x to (columns) in the scheme's rank order: share of each row, with counts."""
    rows = ["(new)"] + [s for s in order if s in set(matrix.from_segment)]
    cols = [s for s in order if s in set(matrix.to_segment)] + (
        ["(gone)"] if "(gone)" in set(matrix.to_segment) else [])
    rows = [r for r in rows if r in set(matrix.from_segment)]
    share = matrix.pivot(index="from_segment", columns="to_segment", values="share_of_from")
    count = matrix.pivot(index="from_segment", columns="to_segment", values="customers")
    share = share.reindex(index=rows, columns=cols)
    count = count.reindex(index=rows, columns=cols)
    name = {**labels, "(new)": t("new_in_period", lang),
            "(gone)": pick(lang, "(không còn)", "(gone)")}
    text = [[("" if pd.isna(c) else f"{percent(s, lang)}<br>{number(int(c), lang)}")
             for s, c in zip(srow, crow)]
            for srow, crow in zip(share.values, count.values)]
    fig = go.Figure(go.Heatmap(
        z=share.values.astype(float), x=[name.get(c, c) for c in cols],
        y=[name.get(r, r) for r in rows], text=text, texttemplate="%{text}",
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
                     title: str | None = None) -> go.Figure:
    """Flows from each segment at the first date to each segment at the second."""
    name = {**labels, "(new)": t("new_in_period", lang), "(gone)": "(gone)"}
    left = ["(new)"] + [s for s in order]
    left = [s for s in left if s in set(matrix.from_segment)]
    right = [s for s in order if s in set(matrix.to_segment)]
    nodes = [name.get(s, s) for s in left] + [name.get(s, s) for s in right]
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
                  colors: dict[str, str], lang: str = "vi", title: str | None = None) -> go.Figure:
    """Share of each segment at each month end (stacked area, best segment on top)."""
    frame = trend.assign(segment_label=trend.segment.map(lambda s: labels.get(s, s)))
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


def tier_members(summary: pd.DataFrame, *, names: dict[str, str], lang: str = "vi",
                 title: str | None = None) -> go.Figure:
    """Members and spend per tier, one above the other (side by side, a phone cannot fit the
    tier names of both)."""
    frame = summary.assign(name=summary.tier.map(names))
    spend = frame.spend.astype(float)
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.2,
                        subplot_titles=[t("members", lang), t("spend_period", lang)])
    fig.add_bar(x=frame.name, y=frame.members, row=1, col=1, marker_color="#0969da",
                text=[number(v, lang) for v in frame.members], textposition="auto",
                name=t("members", lang), hovertemplate="%{x}: %{text}<extra></extra>")
    fig.add_bar(x=frame.name, y=spend, row=2, col=1, marker_color="#bf8700",
                text=[_short_money(v, lang) for v in spend], textposition="auto",
                name=t("spend_period", lang), hovertemplate="%{x}: %{text}<extra></extra>")
    fig.update_yaxes(row=2, col=1, **money_ticks(spend.max(), lang))
    fig.update_traces(textangle=0)
    fig.update_layout(title=title, showlegend=False, height=620)
    return fig


def tier_changes(summary: pd.DataFrame, *, order: list[str], names: dict[str, str],
                 lang: str = "vi", title: str | None = None) -> go.Figure:
    """Members per current tier by change since the previous month end (up, down, new, same),
    from the tier summary's counts: one row per tier with members, its changes side by side, so
    each count has room for its label."""
    frame = summary[summary.members > 0].set_index("tier")
    counts = {"up": frame.upgraded, "down": frame.downgraded, "new": frame.new_members,
              "same": frame.members - frame.upgraded - frame.downgraded - frame.new_members}
    change = {k: t(f"change_{k}", lang) for k in counts}
    colors = {"up": "#1a7f37", "down": "#cf222e", "new": "#0969da", "same": "#afb8c1"}
    fig = go.Figure()
    present = [k for k in order if k in frame.index]
    tiers = [names[k] for k in present]
    for key, values in counts.items():
        shown = [int(values[k]) for k in present]
        fig.add_bar(y=tiers, x=shown, orientation="h", name=change[key],
                    marker_color=colors[key], text=[number(v, lang) for v in shown],
                    textposition="outside", cliponaxis=False,
                    hovertemplate="%{y} · " + change[key] + ": %{text}<extra></extra>")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=t("members", lang), rangemode="tozero")
    fig.update_layout(title=title, barmode="group", bargap=0.25, legend_traceorder="normal",
                      height=120 + 70 * len(tiers))
    return legend_on_top(fig)


def gap_distribution(histogram: pd.DataFrame, *, names: dict[str, str], lang: str = "vi",
                     title: str | None = None) -> go.Figure:
    """How far members are from the next tier (close ones are the ones to nudge): members per
    bin of the gap (loyalty.gap_histogram), one colour per tier they would reach."""
    fig = go.Figure()
    for tier, name in names.items():
        part = histogram[histogram.next_tier == tier].sort_values("gap_from")
        if part.empty:
            continue
        label = "→ " + name  # the tier they would reach
        fig.add_bar(x=(part.gap_from + part.gap_to) / 2, y=part.members,
                    width=part.gap_to - part.gap_from, name=label, opacity=0.7,
                    customdata=[[money_range(a, b, lang)] for a, b in zip(part.gap_from,
                                                                          part.gap_to)],
                    hovertemplate=label + " · %{customdata[0]}: %{y:,}<extra></extra>")
    top = float(histogram.gap_to.max()) if len(histogram) else 0.0
    fig.update_xaxes(title=t("gap_to_next", lang), **money_ticks(top, lang))
    fig.update_layout(title=title, barmode="overlay", bargap=0, height=420,
                      yaxis_title=t("members", lang))
    return legend_on_top(fig)


def money_range(low: float, high: float, lang: str = "vi") -> str:
    """A bin of money as a reader writes it: 0–500 nghìn, 1,5 tr–2 tr / 0–₫500k, ₫1.5M–₫2M."""
    return f"{_short_money(low, lang) if low else '0'}–{_short_money(high, lang)}"


def delivery_funnel(results: pd.DataFrame, *, lang: str = "vi",
                    title: str | None = None) -> go.Figure:
    """Per channel: sent, delivered, opened, interacted (campaign totals)."""
    totals = results[results.segment == "all"].copy()
    totals["opened"] = (totals.open_rate.fillna(0) * totals.delivered).round()
    totals["interacted"] = (totals.interaction_rate.fillna(0) * totals.delivered).round()
    by_channel = totals.groupby("channel")[["sent", "delivered", "opened", "interacted"]].sum()
    frame = by_channel.reset_index().melt(id_vars="channel", var_name="stage", value_name="count")
    frame["stage"] = frame.stage.map(lambda s: t(f"stage_{s}", lang))
    frame["channel"] = frame.channel.map(channel_name)
    fig = px.bar(frame, x="stage", y="count", color="channel", barmode="group", text_auto=",",
                 labels={"stage": "", "count": t("customers", lang), "channel": t("channel", lang)},
                 title=title)
    fig.update_layout(height=400)
    return legend_on_top(fig)


def uplift_intervals(results: pd.DataFrame, *, labels: dict[str, str] | None = None,
                     lang: str = "vi", title: str | None = None) -> go.Figure:
    """Uplift in conversion rate with its 95% interval: per campaign (bold) and per segment."""
    frame = results.dropna(subset=["uplift"]).copy()
    labels = labels or {}
    frame["row"] = [
        f"<b>{html.escape(str(r.campaign_id))}</b>" if r.segment == "all"
        else f"{html.escape(str(r.campaign_id))} · {labels.get(r.segment, r.segment)}"
        for r in frame.itertuples()]
    frame["color"] = ["#1a7f37" if lo > 0 else ("#cf222e" if hi < 0 else "#8c959f")
                      for lo, hi in zip(frame.uplift_ci_low, frame.uplift_ci_high)]
    fig = go.Figure(go.Scatter(
        x=frame.uplift, y=frame.row, mode="markers",
        marker=dict(color=frame.color, size=[11 if s == "all" else 7 for s in frame.segment]),
        error_x=dict(type="data", symmetric=False, array=frame.uplift_ci_high - frame.uplift,
                     arrayminus=frame.uplift - frame.uplift_ci_low, color="#8c959f"),
        customdata=frame[["sent", "holdout"]].values,
        hovertemplate="%{y}<br>uplift %{x:.1%}<br>n = %{customdata[0]:,} / %{customdata[1]:,}"
                      "<extra></extra>"))
    fig.add_vline(x=0, line_dash="dash", line_color="#57606a")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(title=title, xaxis_tickformat=".0%", xaxis_title=t("uplift_axis", lang),
                      height=max(360, 26 * len(frame) + 120), showlegend=False)
    # rows named "campaign · segment" leave a phone no room for the intervals: scroll instead
    return min_width(fig, 560) if (frame.segment != "all").any() else fig


def revenue_per_group(results: pd.DataFrame, *, lang: str = "vi",
                      title: str | None = None) -> go.Figure:
    """Revenue per customer in the attribution window: treated vs holdout, per campaign."""
    totals = results[results.segment == "all"]
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


# ---------------------------------------------------------------- page 06: customer value


def value_per_segment(frame: pd.DataFrame, *, order: list[str], labels: dict[str, str],
                      colors: dict[str, str], lang: str = "vi",
                      title: str | None = None) -> go.Figure | None:
    """Expected revenue over the horizon per segment, best segment first (horizontal bars)."""
    if frame.empty or frame.expected_revenue.isna().all():
        return None
    frame = frame.copy()
    frame["label"] = frame.segment.map(lambda s: labels.get(s, s))
    frame["rank"] = frame.segment.map(lambda s: order.index(s) if s in order else len(order))
    frame = frame.sort_values("rank", ascending=False)
    fig = go.Figure(go.Bar(
        x=frame.expected_revenue.astype(float), y=frame.label, orientation="h",
        marker_color=[colors.get(s, "#8c959f") for s in frame.segment],
        text=[_short_money(v, lang) for v in frame.expected_revenue.astype(float)],
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
    # the fixed rules ("gone after 30 or 45 days") as two dotted lines, named at their feet
    for days, shift in ((30, -4), (45, 4)):
        fig.add_vline(x=days, line=dict(dash="dot", color="#8c959f"))
        fig.add_annotation(x=days, y=0.04, text=pick(lang, f"{days} ngày", f"{days} days"),
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
