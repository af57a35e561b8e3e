"""Who is still a customer and what each is worth: BG/NBD or MBG/NBD, and Gamma-Gamma
(notebook 06). This module is the page's entry: it gathers the value package's API under the
names other code imports (`from helpers.pages.value import compute`), and holds the calibration
chart's figures and the parameters' checks.

Where each part lives:
- summary.py: the summary per buyer and its patterns (SQL models in sql/marts/value/), fit_table;
- fit.py: ValueFit and the fit on patterns, weighted by their buyers (pymc-marketing's
  likelihood; why not its own fit: see there);
- formulas.py: P(alive), expected purchases and spend, on arrays;
- predict.py: predictions per customer, customer_value.parquet, customer_value_model.csv, the
  page's sums;
- intervals.py: 90% intervals per customer and for totals and segments (total_intervals).

API for intervals (page 06, the back-test):
- `predict(fit, summary, horizon_days=…)` and `write_values(…)` give each customer
  expected_purchases_low/high and expected_revenue_low/high (customer_value.csv);
  `predict(…, intervals=False)` skips them (point estimates only: cheaper);
- `total_intervals(con, fit, horizon_days=…)` after files.write_customer_value (which registers
  source customer_value): a frame with a first row `segment` None (every buyer) and one row per
  segment: customers, expected_purchases, expected_purchases_low, expected_purchases_high,
  expected_revenue, expected_revenue_low, expected_revenue_high (90%, what will be bought).

The two purchase models: in the BG/NBD (the default, the published CDNOW model) a customer can
leave only after a repeat purchase, so whoever bought once is certainly still a customer
(P(alive) = 1), however long ago: on a shop of mostly one-time buyers it calls alive nearly
everyone page 01 calls lost. The MBG/NBD lets a customer leave after any purchase, the first
included, with the same four parameters (params/monthly.yaml, the managers' month, uses it).

A fit that cannot be trusted (too few buyers, too few repeat buyers, a fit that does not
converge) never fails the month: `fit` returns a ValueFit whose `status` says why, and the page
says it in a sentence.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from helpers.core.errors import ParamError
from helpers.engine import db
from helpers.pages.value.fit import (  # noqa: F401  (the package's API, imported from here)
    BGNBD_PARAMS,
    DEFAULT_MODEL,
    GG_PARAMS,
    MIN_CUSTOMERS,
    MIN_REPEAT_CUSTOMERS,
    PURCHASE_MODELS,
    SANE,
    WEEK_DAYS,
    ValueFit,
    fit,
    purchase_patterns,
    sane,
    spend_patterns,
    spend_unit,
)
from helpers.pages.value.fit_store import STORE as FIT_STORE  # noqa: F401
from helpers.pages.value.fit_store import keep_summary, stored_fit, stored_summary  # noqa: F401
from helpers.pages.value.intervals import (  # noqa: F401
    INTERVAL_COLUMNS,
    TOTAL_COLUMNS,
    total_intervals,
)
from helpers.pages.value.predict import (  # noqa: F401
    OUTPUT_COLUMNS,
    SUMMARY_COLUMNS,
    headline_figures,
    model_table,
    outputs,
    p_alive_curves,
    per_segment,
    predict,
    write_values,
)
from helpers.pages.value.summary import (  # noqa: F401
    BATCH_ROWS,
    batches,
    build_summary,
    first_purchase,
    fit_table,
    pattern_tables,
    summary_params,
    summary_table,
)

_batches = batches  # the name calibration and callers used before the split
_sane = sane  # the name tests used before the split

def calibration(con, *, as_of: date, excluded_statuses, zero_amount_purchases: bool,
                      horizon_days: int, seed: int, max_customers: int,
                      first_date: date | None, model: str = DEFAULT_MODEL,
                      store=None) -> pd.DataFrame | None:
    """Predicted against actual purchases in the last `horizon_days` before `as_of`, from a fit
    on the history before them, by purchases in that history (0, 1, … 7+), as in the paper's
    Figure 4. None when the history before the holdout is shorter than twice the holdout. The
    summaries are read in batches: the groups' sums are kept, not the customers. `store`: where
    fits are kept by content (fit_store.STORE on page 06)."""
    cut = as_of - timedelta(days=horizon_days)
    if first_date is None or (cut - first_date).days < 2 * horizon_days:
        return None
    options = {"excluded_statuses": excluded_statuses,
               "zero_amount_purchases": zero_amount_purchases}
    # both dates' summaries are read together: aliases keep each built table (db keeps only the
    # latest table of a model that is large); as_of's first, the page's own, built already
    db.alias(con, "value_after", summary_table(con, as_of=as_of, **options))
    db.alias(con, "value_before", summary_table(con, as_of=cut, **options))
    before, after = "value_before", "value_after"
    # kept by content in `store` (fit_store.py; None: fitted every time)
    fitted = stored_fit(con, before, as_of=cut, seed=seed, max_customers=max_customers,
                        spend=False, model=model, store=store, **options)
    if not fitted.ok:
        return None
    sums: dict[int, list[float]] = {}
    # the first purchase day is the same on both dates: holdout purchases = x later - x before
    picked = ", ".join(f"b.{c}" for c in SUMMARY_COLUMNS)  # what predict reads
    for frame in batches(con, f"select {picked}, a.x as x_later from {before} as b "
                               f"left join {after} as a on a.customer_id = b.customer_id "
                               f"order by b.customer_id"):
        predicted = predict(fitted, frame, horizon_days=horizon_days, intervals=False)
        groups = predicted.x.clip(upper=7).to_numpy()
        actual = frame.x_later.to_numpy(dtype=float) - predicted.x.to_numpy(dtype=float)
        for group in np.unique(groups):
            at = groups == group
            total = sums.setdefault(int(group), [0, 0.0, 0.0])
            total[0] += int(at.sum())
            total[1] += float(predicted.expected_purchases.to_numpy()[at].sum())
            total[2] += float(actual[at].sum())
    return pd.DataFrame([{"group": g, "customers": n, "predicted": p / n, "actual": a / n}
                         for g, (n, p, a) in sorted(sums.items())])


def check_value_model(value, where: str = "") -> str | None:
    """None when `value` names a purchase model, else the sentence that says what to write
    (`where`: where the value was set, said after it)."""
    if isinstance(value, str) and value in PURCHASE_MODELS:
        return None
    said = f" ({where})" if where else ""
    return (f"value_model = {value!r}{said}: give one of {', '.join(PURCHASE_MODELS)} (bg_nbd: "
            f"Fader, Hardie & Lee 2005, a customer leaves only after a repeat purchase; mbg_nbd: "
            f"Batislam et al. 2007, a customer may leave after any purchase, the first included)")


def check_params(*, horizon_days, fit_max_customers, value_model=DEFAULT_MODEL) -> None:
    message = check_value_model(value_model)
    if message:
        raise ParamError(message)
    if not isinstance(horizon_days, int) or not 1 <= horizon_days <= 3650:
        raise ParamError(f"horizon_days = {horizon_days!r}: give a whole number of days from 1 "
                         f"to 3650, such as 90")
    # fit_max_customers is kept so that older parameter files run: every buyer is fitted now
    # (on their patterns); it is still checked as it was
    if not isinstance(fit_max_customers, int) or fit_max_customers < MIN_CUSTOMERS:
        raise ParamError(f"fit_max_customers = {fit_max_customers!r}: give a whole number of at "
                         f"least {MIN_CUSTOMERS}, such as 500000")
