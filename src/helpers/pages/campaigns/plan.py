"""Planning the next campaign before it is sent (campaign_plan.csv, pages 05 and 00): per segment,
the smallest uplift its list can tell from chance and the list it needs for the uplift the user
names (`target_uplift`).

Purchases: Fleiss' formula for two proportions with unequal groups (Fleiss, Levin & Paik,
Statistical Methods for Rates and Proportions, 3rd ed. 2003, eq. 4.14, without the continuity
correction): the pooled variance under the null, each group's own under the alternative; 80%
power, 5% two-sided. Revenue per customer: the normal approximation (z_a + z_b) s
sqrt(1/n_t + 1/n_h) with s the holdouts' standard deviation of revenue per customer.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from statistics import NormalDist

import pandas as pd

from helpers.core.params import RunParams
from helpers.core.schemes import Scheme
from helpers.engine import db
from helpers.kit import rfm
from helpers.pages.campaigns import days
from helpers.pages.campaigns.measure import mean_var

ALPHA, POWER = 0.05, 0.8
PLAN_WINDOW_DAYS = 30  # with no campaign measured, one window of this length before the as-of
PLAN_COLUMNS = ["segment", "customers", "holdout_share", "base_rate", "mde_points",
                "mde_revenue_per_customer", "target_uplift_points", "customers_needed"]


def _z() -> tuple[float, float]:
    return NormalDist().inv_cdf(1 - ALPHA / 2), NormalDist().inv_cdf(POWER)


def fleiss_gap(delta: float, base: float, n_treated: float, n_holdout: float) -> float:
    """Fleiss' required difference for these groups minus `delta` (<= 0: delta is detectable)."""
    z_a, z_b = _z()
    p1, p2 = base, base + delta
    p_bar = (n_holdout * p1 + n_treated * p2) / (n_holdout + n_treated)
    return (z_a * math.sqrt(p_bar * (1 - p_bar) * (1 / n_treated + 1 / n_holdout))
            + z_b * math.sqrt(p1 * (1 - p1) / n_holdout + p2 * (1 - p2) / n_treated)) - delta


def mde_rate(*, base_rate: float, customers: float, holdout_share: float) -> float:
    """The smallest uplift (a fraction: 0.003 = 0.3 points) a list of `customers` split with
    `holdout_share` detects at 80% power, 5% two-sided (NaN: none below 100%)."""
    n_h = customers * holdout_share
    n_t = customers - n_h
    if n_h < 1 or n_t < 1 or not 0 <= base_rate < 1:
        return math.nan
    low, high = 0.0, 1 - base_rate
    if fleiss_gap(high, base_rate, n_t, n_h) > 0:
        return math.nan
    for _ in range(100):  # bisection: the gap falls as delta grows
        mid = (low + high) / 2
        low, high = (mid, high) if fleiss_gap(mid, base_rate, n_t, n_h) > 0 else (low, mid)
    return high


def holdout_share_needed(*, base_rate: float, customers: float, uplift: float) -> float:
    """The smallest holdout share (up to half the list) with which a list of `customers` detects
    `uplift` (Fleiss); NaN when even an even split cannot."""
    if math.isnan(base_rate) or not customers or uplift <= 0:
        return math.nan

    def detects(share):
        mde = mde_rate(base_rate=base_rate, customers=customers, holdout_share=share)
        return not math.isnan(mde) and mde <= uplift

    if not detects(0.5):
        return math.nan
    low, high = 0.0, 0.5
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (low, mid) if detects(mid) else (mid, high)
    return high


def customers_needed(*, base_rate: float, uplift: float, holdout_share: float) -> float:
    """Both arms, for `uplift` at this holdout share (Fleiss; NaN when it cannot be)."""
    if not 0 <= base_rate < 1 or uplift <= 0 or base_rate + uplift >= 1 \
            or not 0 < holdout_share < 1:
        return math.nan
    z_a, z_b = _z()
    p1, p2 = base_rate, base_rate + uplift
    k = (1 - holdout_share) / holdout_share
    p_bar = (p1 + k * p2) / (1 + k)
    n_holdout = (z_a * math.sqrt(p_bar * (1 - p_bar) * (1 + 1 / k))
                 + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)) ** 2 / uplift ** 2
    n_holdout = math.ceil(n_holdout)
    return n_holdout + math.ceil(k * n_holdout)


def mde_revenue(*, sd: float, customers: float, holdout_share: float) -> float:
    n_h = customers * holdout_share
    n_t = customers - n_h
    if n_h < 1 or n_t < 1 or math.isnan(sd) or sd == 0:
        return math.nan  # no spend seen (no buyer held out): nothing to plan on, not 0
    z_a, z_b = _z()
    return (z_a + z_b) * sd * math.sqrt(1 / n_t + 1 / n_h)


def holdout_history(results: pd.DataFrame) -> pd.DataFrame:
    """Per segment, pooled over the measured campaigns' holdouts: customers, buyers, and the
    pooled variance of revenue per customer."""
    rows = results[(results.segment != "all") & (results.holdout > 0)]
    out = []
    for segment, group in rows.groupby("segment"):
        held = float(group.holdout.sum())
        variances = [mean_var(r.holdout_revenue_sum, r.holdout_revenue_sumsq, r.holdout)[1]
                     for r in group.itertuples()]
        weights = [r.holdout - 1 for r in group.itertuples()]
        known = [(v, w) for v, w in zip(variances, weights) if w > 0 and not math.isnan(v)]
        pooled = (sum(v * w for v, w in known) / sum(w for _, w in known)) if known else math.nan
        out.append({"segment": segment, "held": held,
                    "buyers": float(group.holdout_converters.sum()), "revenue_var": pooled})
    return pd.DataFrame(out, columns=["segment", "held", "buyers", "revenue_var"])


def own_history(con, *, run: RunParams, scheme: Scheme, input_checksums: dict[str, str],
                window_days: int, store: Path | None = None) -> pd.DataFrame:
    """Per segment as of `window_days` before the as-of: customers, buyers in the window up to
    the as-of and the variance of what they spent (campaign_plan_history.sql). The segments at
    the window's start come from page 05's `store` when it keeps them (days.segments_at)."""
    start = run.as_of - timedelta(days=window_days)
    days.segments_at(con, "seg_plan", run=run, scheme=scheme, day=start,
                     input_checksums=input_checksums, store=store)
    con.execute("create or replace temp table plan_segments as "
                "select customer_id, segment from seg_plan")
    if db.engine(con).attached is not None:  # a source Spark holds too (engine: spark)
        db.register(con, "plan_segments", con.table("plan_segments").to_arrow_table(),
                    replace=True)
    frame = db.build(con, "campaign_plan_history", window_start=start,
                     **rfm.order_params(as_of=run.as_of,
                                        excluded_statuses=run.excluded_statuses)).df()
    frame["revenue_var"] = [mean_var(r.revenue_sum, r.revenue_sumsq, r.customers)[1]
                            for r in frame.itertuples()]
    return frame.rename(columns={"customers": "held"})


def campaign_plan(sizes: dict[str, int], *, history: pd.DataFrame, own: pd.DataFrame | None,
                  holdout_share: float, target_uplift: float) -> pd.DataFrame:
    """campaign_plan.csv's rows, one per segment in `sizes` (its customers at the as-of): the
    base rate from the measured campaigns' holdouts of that segment, else from `own` (the
    segment's own purchases over one window before the as-of)."""
    rows = []
    past = history.set_index("segment")
    mine = own.set_index("segment") if own is not None and len(own) else None
    for segment, customers in sizes.items():
        source = (past.loc[segment] if segment in past.index and past.loc[segment].held > 0
                  else (mine.loc[segment] if mine is not None and segment in mine.index
                        and mine.loc[segment].held > 0 else None))
        base = float(source.buyers / source.held) if source is not None else math.nan
        sd = math.sqrt(source.revenue_var) if source is not None and not math.isnan(
            source.revenue_var) else math.nan
        mde = (mde_rate(base_rate=base, customers=customers, holdout_share=holdout_share)
               if not math.isnan(base) else math.nan)
        needed = (customers_needed(base_rate=base, uplift=target_uplift,
                                   holdout_share=holdout_share)
                  if not math.isnan(base) else math.nan)
        rows.append({"base_customers": 0 if source is None else int(source.held),
                     "base_source": None if source is None else (
                         "holdouts" if segment in past.index and past.loc[segment].held > 0
                         else "own"),
                     "segment": segment, "customers": int(customers),
                     "holdout_share": holdout_share, "base_rate": base,
                     "mde_points": mde * 100,
                     "mde_revenue_per_customer": mde_revenue(sd=sd, customers=customers,
                                                             holdout_share=holdout_share),
                     "target_uplift_points": target_uplift * 100,
                     "customers_needed": needed})
    # beside the file's columns, what the base rate rests on (shown on the page, not written)
    frame = pd.DataFrame(rows, columns=PLAN_COLUMNS + ["base_customers", "base_source"])
    frame["customers_needed"] = frame.customers_needed.astype("Int64")
    return frame
