"""A plain pandas implementation of the RFM definitions: the benchmark baseline and the tests' oracle.

Written independently of the SQL, straight from the issue's definitions, the way an analyst would.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd


def rfm_scores(lines: pd.DataFrame, *, as_of, window_days=None, bins=5,
               excluded=("cancelled", "canceled", "failed", "void")) -> pd.DataFrame:
    """lines: customer_id, order_id (None = own order), order_date (date), amount (exact: int or
    Decimal), status. Returns customer_id, recency_days, frequency, monetary, r/f/m/fm scores."""
    as_of = pd.Timestamp(as_of)
    df = lines.copy()
    df["order_date"] = pd.to_datetime(df["order_date"])
    df = df[df.order_date <= as_of]
    status = df["status"].fillna("").astype(str).str.strip().str.lower()
    df = df[~status.isin(excluded)]
    # a row without an order id is an order of its own
    key = df["order_id"].astype(object).copy()
    missing = key.isna()
    key[missing] = "\0row" + df.index[missing].astype(str)
    df = df.assign(order_key=key)
    orders = df.groupby(["customer_id", "order_key"], sort=False).agg(
        order_date=("order_date", "min"), amount=("amount", "sum")).reset_index()
    orders["is_purchase"] = orders.amount > 0
    purchases = orders[orders.is_purchase]
    last = purchases.groupby("customer_id").order_date.max()
    pop = last.index
    if window_days is None:
        in_window = orders
    else:
        in_window = orders[orders.order_date > as_of - pd.Timedelta(days=window_days)]
    freq = in_window[in_window.is_purchase].groupby("customer_id").size()
    mon = in_window.groupby("customer_id").amount.sum()
    out = pd.DataFrame(index=pop)
    out["recency_days"] = (as_of - last).dt.days
    out["frequency"] = freq.reindex(pop).fillna(0).astype(int)
    out["monetary"] = mon.reindex(pop).apply(lambda x: Decimal(0) if pd.isna(x) else x)
    n = len(out)

    def score(values: pd.Series) -> pd.Series:
        rank_min = values.rank(method="min").astype(np.int64)
        return 1 + (bins * (rank_min - 1)) // n

    out["r_score"] = score(-out.recency_days)
    out["f_score"] = score(out.frequency)
    out["m_score"] = score(out.monetary)  # exact: Decimal or integer values
    out["fm_score"] = np.floor((out.f_score + out.m_score) / 2 + 0.5).astype(int)
    return out.reset_index().rename(columns={"index": "customer_id"})


GRID = {5: ["new_customers", "potential_loyalists", "potential_loyalists", "champions",
            "champions"],
        4: ["promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"],
        3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
        2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"],
        1: ["lost", "lost", "at_risk", "at_risk", "cant_lose_them"]}


def rfm11_segments(scores: pd.DataFrame) -> pd.DataFrame:
    """The rfm11 grid on R and FM."""
    lookup = {(r, fm + 1): seg for r, row in GRID.items() for fm, seg in enumerate(row)}
    return scores.assign(segment=[lookup[(r, fm)] for r, fm in zip(scores.r_score,
                                                                    scores.fm_score)])
