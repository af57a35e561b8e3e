"""Cohort revenue and retention, second-purchase gaps and repurchase windows (notebook 03)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import duckdb
import pandas as pd

from helpers.engine import db
from helpers.kit.rfm import order_params

GRAINS = ("month", "week")


def check_windows(windows) -> list[int]:
    values = [int(w) for w in windows]
    if not values or values != sorted(set(values)) or values[0] < 1:
        raise ValueError(f"windows = {windows}: give strictly ascending days, e.g. [7, 14, 28]")
    return values


def build_cohort_revenue(con, *, as_of: date, grain: str = "month",
                         excluded_statuses=()) -> duckdb.DuckDBPyRelation:
    """One row per (cohort, period) with at least one order (cohort_revenue.sql)."""
    if grain not in GRAINS:
        raise ValueError(f"grain = {grain!r}: must be month or week")
    return db.build(con, "cohort_revenue", grain=grain,
                    **order_params(as_of=as_of, excluded_statuses=excluded_statuses))


def build_repurchase_windows(con, *, as_of: date, windows: list[int],
                             excluded_statuses=()) -> duckdb.DuckDBPyRelation:
    """One row per buyer in a repurchase window, with contacts (repurchase_windows.sql)."""
    return db.build(con, "repurchase_windows", windows=check_windows(windows),
                    **order_params(as_of=as_of, excluded_statuses=excluded_statuses))


def second_purchase_gap(con, *, as_of: date, excluded_statuses=()) -> duckdb.DuckDBPyRelation:
    """One row per gap in days between first and second purchase (second_purchase_gap.sql)."""
    return db.build(con, "second_purchase_gap",
                    **order_params(as_of=as_of, excluded_statuses=excluded_statuses))


def return_within(con, *, as_of: date, windows: list[int], excluded_statuses=()) -> pd.DataFrame:
    """Share of buyers who came back within N days, among those who had N days (return_within.sql)."""
    return db.build(con, "return_within", windows=check_windows(windows),
                    **order_params(as_of=as_of, excluded_statuses=excluded_statuses)).df()


def period_of(as_of: date, cohort_start: date, grain: str) -> int:
    if grain == "week":
        monday = as_of - timedelta(days=as_of.weekday())
        return (monday - cohort_start).days // 7
    return (as_of.year * 12 + as_of.month) - (cohort_start.year * 12 + cohort_start.month)


def is_period_complete(as_of: date, grain: str) -> bool:
    """True when the as-of date is the last day of its month (or a Sunday for weeks)."""
    if grain == "week":
        return as_of.weekday() == 6
    return as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]


def dense_triangle(cohort_revenue: pd.DataFrame, *, as_of: date, grain: str,
                   max_periods: int | None) -> pd.DataFrame:
    """Every (cohort, period) up to the as-of date, zeros where nothing happened, with the
    current, incomplete period flagged."""
    if cohort_revenue.empty:
        return cohort_revenue.assign(is_incomplete=pd.Series(dtype=bool))
    starts = (cohort_revenue[["cohort", "cohort_start", "cohort_size"]].drop_duplicates("cohort")
              .sort_values("cohort_start"))
    rows = []
    complete = is_period_complete(as_of, grain)
    for r in starts.itertuples():
        start = pd.Timestamp(r.cohort_start).date()
        last = period_of(as_of, start, grain)
        top = last if max_periods is None else min(last, max_periods)
        for p in range(0, top + 1):
            rows.append({"cohort": r.cohort, "cohort_start": r.cohort_start, "period": p,
                         "cohort_size": r.cohort_size, "is_incomplete": p == last and not complete})
    grid = pd.DataFrame(rows)
    cells = cohort_revenue[["cohort", "period", "customers", "purchases", "revenue"]]
    out = grid.merge(cells, on=["cohort", "period"], how="left")
    out[["customers", "purchases"]] = out[["customers", "purchases"]].fillna(0).astype(int)
    out["revenue"] = out["revenue"].astype(float).fillna(0.0)
    out["retention"] = out.customers / out.cohort_size
    return out


def ltv_curves(dense: pd.DataFrame) -> pd.DataFrame:
    """Cumulative revenue per customer of each cohort, by period (complete periods only)."""
    frame = dense[~dense.is_incomplete].sort_values(["cohort_start", "period"]).copy()
    if frame.empty:  # no cohort yet (an as-of before every order)
        return frame.assign(cumulative_revenue_per_customer=pd.Series(dtype=float))
    frame["cumulative_revenue_per_customer"] = (
        frame.groupby("cohort").revenue.cumsum() / frame.cohort_size)
    return frame


def purchases_per_customer(dense: pd.DataFrame) -> pd.DataFrame:
    """Average purchases per customer in each period, over the cohorts that completed it."""
    frame = dense[~dense.is_incomplete]
    grouped = frame.groupby("period").agg(purchases=("purchases", "sum"),
                                          cohort_customers=("cohort_size", "sum"),
                                          cohorts=("cohort", "nunique")).reset_index()
    grouped["purchases_per_customer"] = grouped.purchases / grouped.cohort_customers
    return grouped
