"""The managers' monthly review: reads the run folder written by notebooks 01-06 (notebook 00).

Only the headline KPIs are computed here (for this month and the one before); everything else is
read from the month's output files, so the review always agrees with the detailed reports.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from helpers.core.params import month_end_before
from helpers.engine import db
from helpers.kit import charts, narrative
from helpers.kit.formatting import mask_id, mask_name
from helpers.kit.rfm import order_params
from helpers.kit.texts import pick, t
from helpers.pages.campaigns import sentences as campaigns_sentences
from helpers.pages.cohorts import sentences as cohorts_sentences
from helpers.pages.cohorts.compute import is_period_complete, period_of
from helpers.pages.review import actions, sentences, stamp
from helpers.pages.review import backtest as review_backtest
from helpers.pages.review.period import ReviewPeriod
from helpers.pages.segments import charts as segments_charts
from helpers.pages.tiers import compute as loyalty


def monthly_kpis(con, *, as_of: date, excluded_statuses=(),
                 period: ReviewPeriod | None = None) -> pd.DataFrame:
    """KPIs at the as-of date and at the date compared with (monthly_kpis.sql): the month end
    before it, or, when the month is not over, the same day of the month before, so that the
    first days of this month meet the same days of the last (review/period.py). The guest sales
    of each period are beside them (guest_sales.sql): revenue the KPIs do not cover."""
    dates = (period or ReviewPeriod.of(as_of)).dates
    kpis = db.build(con, "monthly_kpis", dates=dates,
                    **order_params(as_of=as_of, excluded_statuses=excluded_statuses)).df()
    guests = db.build(con, "guest_sales", dates=dates,
                      excluded_statuses=list(excluded_statuses)).df()
    return kpis.merge(guests, on="as_of", how="left")


def read_output(output_dir: Path, name: str) -> pd.DataFrame | None:
    """A file the other notebooks wrote into the run folder, or None when it is not there."""
    path = Path(output_dir) / name
    if not path.exists():
        return None
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    text_columns = {c: str for c in ("customer_id", "cohort", "name", "phone", "email",
                                     "campaign_id", "segment", "from_segment", "to_segment")}
    return pd.read_csv(path, encoding="utf-8-sig", dtype=text_columns, keep_default_na=False,
                       na_values=[""])


def segment_changes(summary: pd.DataFrame, trend: pd.DataFrame, order: list[str], *,
                    as_of: date) -> pd.DataFrame:
    """segment, share_now, share_before, change (in shares of every customer, prospects
    included): share_now is page 01's own (segment_summary.csv), share_before the last month end
    before the as-of date in page 02's trend (segment_trend.csv)."""
    now = summary.set_index("segment").share
    ends = sorted(e for e in trend.month_end.astype(str).unique() if e < as_of.isoformat())
    before = (trend[trend.month_end.astype(str) == ends[-1]].set_index("segment").share
              if ends else now * float("nan"))
    frame = pd.DataFrame({"share_now": now, "share_before": before}).reindex(order)
    frame["share_now"] = frame.share_now.fillna(0.0)
    frame["share_before"] = frame.share_before.fillna(0.0 if ends else float("nan"))
    frame["change"] = frame.share_now - frame.share_before
    return frame.reset_index().rename(columns={"index": "segment"})


def cohort_glance(cohort_revenue: pd.DataFrame, *, as_of: date, cohorts: int = 12) -> pd.DataFrame:
    """Next-month retention of the latest monthly cohorts whose next month is over: the cohorts
    page 03's sentence averages (its last 12, a cohort nobody came back from counted as 0)."""
    if cohort_revenue.empty:
        return pd.DataFrame(columns=["cohort", "retention", "cohort_size"])
    starts = cohort_revenue.drop_duplicates("cohort")[["cohort", "cohort_size"]].copy()
    # cohort_revenue.csv names monthly cohorts YYYY-MM: each starts on its first day
    starts["cohort_start"] = pd.to_datetime(starts.cohort.astype(str) + "-01")
    complete = is_period_complete(as_of, "month")
    since = starts.cohort_start.map(lambda d: period_of(as_of, pd.Timestamp(d).date(), "month"))
    done = starts[(since > 1) | (complete & (since == 1))]
    p1 = cohort_revenue[cohort_revenue.period == 1].set_index("cohort").retention
    glance = done.assign(retention=done.cohort.map(p1).fillna(0.0).astype(float))
    return glance.sort_values("cohort_start").tail(cohorts)[["cohort", "retention", "cohort_size"]]


def recent_campaigns(results: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Campaigns that started in the reporting month or the one before; else the latest one."""
    totals = results[results.segment == "all"].copy()
    if totals.empty:
        return totals
    totals["start_date"] = pd.to_datetime(totals.start_date)
    since = pd.Timestamp(month_end_before(month_end_before(as_of))) + pd.Timedelta(days=1)
    recent = totals[totals.start_date >= since]
    return recent if len(recent) else totals.sort_values("start_date").tail(1)


def masked_top(movers: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The most valuable movers, masked (for the HTML page): the key and the name, the move,
    the spend. Phones and e-mails stay in the list a person opens."""
    top = movers.sort_values("monetary_from", ascending=False).head(n)
    return pd.DataFrame({
        "customer_id": top.customer_id.map(mask_id),
        "name": top.name.map(mask_name),
        "from_segment": top.from_segment,
        "to_segment": top.to_segment,
        "monetary_from": top.monetary_from,
    })


# ---------------------------------------------------------------- sections: lists of displayables


def segments_section(run, scheme, *, period: ReviewPeriod | None = None) -> list:

    trend = read_output(run.output_dir, "segment_trend.csv")
    summary = read_output(run.output_dir, "segment_summary.csv")
    if trend is None or summary is None:
        return [narrative.missing("segment_summary.csv / segment_trend.csv", "01, 02",
                                  lang=run.lang)]
    changes = segment_changes(summary, trend, scheme.order, as_of=run.as_of)
    # the page's own language for the tiles, whatever language the file was written in
    labels = scheme.labels(run.lang)
    summary = summary.assign(segment_label=[labels.get(k, v) for k, v in
                                            zip(summary.segment, summary.segment_label)])
    return [segments_charts.segment_treemap(summary, value="customers", lang=run.lang,
                                            colors=scheme.colors()),
            sentences.segment_change_table(changes, scheme.labels(run.lang),
                                           period=period or ReviewPeriod.of(run.as_of),
                                           lang=run.lang)]


def migration_section(run, scheme, *, period: ReviewPeriod | None = None) -> list:

    # the figures notebook 02 computed (segment_movers.sql), never computed a second time
    summary = read_output(run.output_dir, "migration_summary.csv")
    win_back = read_output(run.output_dir, "movers/win_back.csv")
    if summary is None:
        return [narrative.missing("migration_summary.csv", "02_segment_migration", lang=run.lang)]
    period = period or ReviewPeriod.of(run.as_of)
    out = [sentences.migration_review(
        summary.iloc[0].to_dict(), None if win_back is None else len(win_back),
        file=actions.person_file(run.output_dir, "movers/win_back.csv"), period=period,
        lang=run.lang)]
    if win_back is not None and len(win_back):
        out.append(sentences.win_back_table(masked_top(win_back, 10), scheme.labels(run.lang),
                                            lang=run.lang))
    return out


def cohorts_section(run) -> list:

    cohort_revenue = read_output(run.output_dir, "cohort_revenue.csv")
    if cohort_revenue is None:
        return [narrative.missing("cohort_revenue.csv", "03_cohort_revenue", lang=run.lang)]
    if not cohort_revenue.cohort.astype(str).str.fullmatch(r"\d{4}-\d{2}").all():
        # page 03 ran with weekly cohorts (grain: week): its own sentences say them
        return [sentences.weekly_cohorts(lang=run.lang)]
    glance = cohort_glance(cohort_revenue, as_of=run.as_of)
    if glance.empty:  # no cohort whose next month is over: the sentence says so, no empty chart
        return [cohorts_sentences.cohort_review(glance, lang=run.lang)]
    shown = glance.assign(cohort=glance.cohort.map(lambda c: charts.cohort_label(c, run.lang)))
    # the measure named in the title, not on the axis: a phone's width cut the axis title
    fig = charts.bar(shown, x="cohort", y="retention", text_format=".0%",
                     title=t("next_month_retention", run.lang),
                     labels={"cohort": t("cohort", run.lang),
                             "retention": t("next_month_retention", run.lang)})
    fig.update_yaxes(tickformat=".0%", title=None)
    fig.update_xaxes(type="category")
    return [cohorts_sentences.cohort_review(glance, lang=run.lang), fig]


def tiers_section(run, loyalty_path, *, period: ReviewPeriod | None = None) -> list:

    members = read_output(run.output_dir, "loyalty_members.csv")
    if members is None:
        return [narrative.missing("loyalty_members.csv", "04_loyalty_tiers", lang=run.lang)]
    return [sentences.tier_review(members, loyalty.load_loyalty(loyalty_path).names(run.lang),
                                  period=period or ReviewPeriod.of(run.as_of), lang=run.lang)]


def campaigns_section(run) -> list:

    results = read_output(run.output_dir, "campaign_results.csv")
    info = read_output(run.output_dir, "campaigns_measured.csv")
    if results is None or info is None:
        return [narrative.missing("campaign_results.csv", "05_campaign_results", lang=run.lang)]
    results = results.merge(info, on="campaign_id", how="left")
    results["is_window_complete"] = results.is_window_complete.astype(str).str.lower() == "true"
    return [campaigns_sentences.campaign_sentences(recent_campaigns(results, as_of=run.as_of),
                                                   lang=run.lang)]


def forecast_section(run) -> list:
    """Page 06's back-test in one sentence (pages/review/backtest.py), or why there is none."""
    lines = review_backtest.backtest_lines(run.output_dir, as_of=run.as_of, lang=run.lang)
    return lines or [Markdown(pick(
        run.lang, "Trang 06 chưa có dự báo của tháng trước để đối chiếu với thực tế (xem trang 06).",
        "Page 06 has no forecast from last month to set against what happened (see page 06)."))]


# ---------------------------------------------------------------- this month's actions


def month_actions(run) -> list[dict]:
    """This month's lists to act on (review/actions.py), the next campaign's with its segment's
    plan as page 05 wrote it (campaign_plan.csv: one source for both pages)."""
    plan = read_output(run.output_dir, "campaign_plan.csv")
    rows = ({str(r["segment"]): r for r in plan.to_dict("records")}
            if plan is not None and len(plan) else {})
    return actions.month_actions(run.output_dir, plan=rows)


def actions_section(run, scheme=None) -> list:
    """Where the lists are, this month's actions (the next campaign's plan in page 05's words,
    with the segment's label from `scheme`), and the pages."""
    labels = scheme.labels(run.lang) if scheme is not None else {}
    return [sentences.lists_location(actions.month_folder(run.output_dir), lang=run.lang),
            sentences.actions_list(month_actions(run), lang=run.lang, labels=labels),
            sentences.page_links(lang=run.lang)]


def review_period(run, month_complete: bool | None = None) -> ReviewPeriod:
    """What page 00 compares: `month_complete` as the monthly runner says it, else from the
    date (review/period.py)."""
    partial = None if month_complete is None else not month_complete
    return ReviewPeriod.of(run.as_of, partial=partial)


def opening(run, *, period: ReviewPeriod, run_id: str = "", what_if: str = "") -> list:
    """Page 00's first lines: the title, when and by which run it was made, whether it is a
    what-if rather than the managers' month, the partial-month caveat, and the contents."""
    when = stamp.generated_at()
    return [sentences.review_title(
        run.as_of, made=stamp.stamp_text(when, stamp.run_id(run_id, when, run.as_of),
                                         shop_tz=run.shop_tz, lang=run.lang),
        caveat=" ".join(filter(None, [sentences.what_if_caveat(what_if, lang=run.lang),
                                      period.caveat(run.lang)])),
        lang=run.lang)]
