"""The managers' monthly review: reads the run folder written by notebooks 01-06 (notebook 00).

Only the headline KPIs are computed here (for this month and the one before); everything else is
read from the month's output files, so the review always agrees with the detailed reports.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from helpers.core.params import month_end_before
from helpers.engine import db
from helpers.kit import charts, narrative
from helpers.kit.formatting import mask_email, mask_id, mask_name, mask_phone
from helpers.kit.rfm import order_params
from helpers.kit.texts import t
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.campaigns import sentences as campaigns_sentences
from helpers.pages.cohorts import sentences as cohorts_sentences
from helpers.pages.migration import sentences as migration_sentences
from helpers.pages.review import sentences
from helpers.pages.segments import charts as segments_charts
from helpers.pages.tiers import compute as loyalty
from helpers.pages.tiers import sentences as tiers_sentences


def monthly_kpis(con, *, as_of: date, excluded_statuses=()) -> pd.DataFrame:
    """KPIs at the as-of date and at the month end before it (monthly_kpis.sql), with the
    guest sales of each month beside them (guest_sales.sql): revenue the KPIs do not cover."""
    dates = [month_end_before(as_of), as_of]
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


def segment_changes(trend: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """segment, share_now, share_before, change (in shares), from segment_trend.csv."""
    ends = sorted(trend.month_end.unique())
    now = trend[trend.month_end == ends[-1]].set_index("segment").share
    before = (trend[trend.month_end == ends[-2]].set_index("segment").share
              if len(ends) > 1 else now * float("nan"))
    frame = pd.DataFrame({"share_now": now, "share_before": before}).reindex(order).fillna(0.0)
    frame["change"] = frame.share_now - frame.share_before
    return frame.reset_index().rename(columns={"index": "segment"})


def cohort_glance(cohort_revenue: pd.DataFrame, *, as_of: date, cohorts: int = 6) -> pd.DataFrame:
    """Next-month retention of the latest cohorts whose next month is over."""
    month = as_of.strftime("%Y-%m")
    prev = month_end_before(as_of).strftime("%Y-%m")
    p1 = cohort_revenue[cohort_revenue.period == 1][["cohort", "retention", "cohort_size"]]
    # a cohort's period 1 is complete once it is before the as-of month (or the month is over)
    done = p1[p1.cohort < (prev if as_of.day != pd.Timestamp(as_of).days_in_month else month)]
    return done.sort_values("cohort").tail(cohorts)


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
    """The most valuable movers with names, phones and e-mails masked (for the HTML page)."""
    top = movers.sort_values("monetary_from", ascending=False).head(n)
    return pd.DataFrame({
        "customer_id": top.customer_id.map(mask_id),
        "name": top.name.map(mask_name),
        "phone": top.phone.map(mask_phone),
        "email": top.email.map(mask_email),
        "from_segment": top.from_segment,
        "to_segment": top.to_segment,
        "monetary_from": top.monetary_from,
    })


# ---------------------------------------------------------------- sections: lists of displayables


def segments_section(run, scheme) -> list:

    trend = read_output(run.output_dir, "segment_trend.csv")
    summary = read_output(run.output_dir, "segment_summary.csv")
    if trend is None or summary is None:
        return [narrative.missing("segment_summary.csv / segment_trend.csv", "01, 02",
                                  lang=run.lang)]
    changes = segment_changes(trend, scheme.order)
    return [segments_charts.segment_treemap(summary, value="customers", lang=run.lang,
                                   colors=scheme.colors()),
            sentences.segment_change_table(changes, scheme.labels(run.lang), lang=run.lang)]


def migration_section(run, scheme) -> list:

    # the figures notebook 02 computed (segment_movers.sql), never computed a second time
    summary = read_output(run.output_dir, "migration_summary.csv")
    win_back = read_output(run.output_dir, "movers/win_back.csv")
    if summary is None:
        return [narrative.missing("migration_summary.csv", "02_segment_migration", lang=run.lang)]
    out = [migration_sentences.migration_review(summary.iloc[0].to_dict(),
                                      None if win_back is None else len(win_back), lang=run.lang)]
    if win_back is not None and len(win_back):
        out.append(migration_sentences.masked_table(masked_top(win_back, 10), scheme.labels(run.lang),
                                          lang=run.lang))
    return out


def cohorts_section(run) -> list:

    cohort_revenue = read_output(run.output_dir, "cohort_revenue.csv")
    if cohort_revenue is None:
        return [narrative.missing("cohort_revenue.csv", "03_cohort_revenue", lang=run.lang)]
    glance = cohort_glance(cohort_revenue, as_of=run.as_of)
    if glance.empty:  # no cohort whose next month is over: the sentence says so, no empty chart
        return [cohorts_sentences.cohort_review(glance, lang=run.lang)]
    shown = glance.assign(cohort=glance.cohort.map(lambda c: charts.cohort_label(c, run.lang)))
    fig = charts.bar(shown, x="cohort", y="retention", text_format=".0%",
                     labels={"cohort": t("cohort", run.lang),
                             "retention": t("next_month_retention", run.lang)})
    fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(type="category")
    return [cohorts_sentences.cohort_review(glance, lang=run.lang), fig]


def tiers_section(run, loyalty_path) -> list:

    members = read_output(run.output_dir, "loyalty_members.csv")
    if members is None:
        return [narrative.missing("loyalty_members.csv", "04_loyalty_tiers", lang=run.lang)]
    return [tiers_sentences.tier_review(members, loyalty.load_loyalty(loyalty_path).names(run.lang),
                                  lang=run.lang)]


def campaigns_section(run) -> list:

    results = read_output(run.output_dir, "campaign_results.csv")
    info = read_output(run.output_dir, "campaigns_measured.csv")
    if results is None or info is None:
        return [narrative.missing("campaign_results.csv", "05_campaign_results", lang=run.lang)]
    results = results.merge(info, on="campaign_id", how="left")
    results["is_window_complete"] = results.is_window_complete.astype(str).str.lower() == "true"
    return [campaigns_sentences.campaign_sentences(recent_campaigns(results, as_of=run.as_of),
                                         lang=run.lang)]


# ---------------------------------------------------------------- this month's actions

CHANNELS = ("sms", "zalo", "email")
# (key, list file in the month folder): the lists notebooks 02-06 write, in the order to act
ACTION_FILES = [
    ("win_back", "movers/win_back.csv"),
    ("fading_champions", "value/fading_champions.csv"),
    ("close_to_next", "tiers/close_to_next.csv"),
    ("will_drop", "tiers/will_drop.csv"),
    ("repurchase_1_7", "repurchase/window=1-7d.csv"),
    ("repurchase_8_14", "repurchase/window=8-14d.csv"),
    ("repurchase_15_28", "repurchase/window=15-28d.csv"),
    ("birthdays", "tiers/birthdays.csv"),
]
PAGES = ["01_rfm_segments", "02_segment_migration", "03_cohort_revenue", "04_loyalty_tiers",
         "05_campaign_results", "06_customer_value"]


def _rows(path: Path) -> int | None:
    """Data rows of a CSV the workbook wrote (quoted newlines counted right), None if absent."""
    import pyarrow.csv as pacsv

    if not path.exists():
        return None
    return pacsv.read_csv(path).num_rows


def month_actions(run, *, detectable_uplift: float = 0.02, holdout_share: float = 0.1) -> list[dict]:
    """This month's lists to act on: how many customers, how many can be reached on each channel
    (consent and a valid contact), and the file, relative to the month folder."""

    folder = Path(run.output_dir)
    actions = []
    for key, relative in ACTION_FILES:
        count = _rows(folder / relative)
        if count is None:
            continue
        channels = {c: _rows(folder / Path(relative).parent / c / Path(relative).name) or 0
                    for c in CHANNELS}
        actions.append({"key": key, "customers": count, "channels": channels, "file": relative})
    # what the measured campaigns show without contact: the base for the sample size
    results = read_output(run.output_dir, "campaign_results.csv")
    base = campaigns.base_rate(results) if results is not None and len(results) else 0.0
    for campaign in sorted((folder / "campaign_lists").glob("*/")):
        sends = {c: _rows(campaign / f"send_{c}.csv") or 0 for c in CHANNELS}
        holdout = _rows(campaign / "holdout.csv") or 0
        treated = max(sends.values(), default=0)
        action = {"key": "next_campaign", "customers": treated + holdout, "channels": sends,
                  "holdout": holdout, "file": f"campaign_lists/{campaign.name}/"}
        if 0 < base < 1 - detectable_uplift:
            need = campaigns.sample_size(base_rate=base, uplift=detectable_uplift,
                                         holdout_share=holdout_share)
            if action["customers"] < need["total"]:
                action["needed"] = need["total"]
                action["uplift"] = detectable_uplift
        actions.append(action)
    return actions


def actions_section(run, *, detectable_uplift: float = 0.02, holdout_share: float = 0.1) -> list:

    return [sentences.actions_list(month_actions(run, detectable_uplift=detectable_uplift,
                                                 holdout_share=holdout_share), lang=run.lang),
            sentences.page_links(lang=run.lang)]

