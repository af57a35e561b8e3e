"""Predictions of the fitted value models for every buyer, and the files and figures made of them
(notebook 06): customer_value.parquet (then .csv), customer_value_model.csv, the page's sums.

Spend at VND scale: Gamma-Gamma is fitted in a unit near one (fit.spend_unit, the power of ten
of the median repeat spend) and its v put back in money; the expected spend per purchase is a
weighted mean of the shop's mean spend and the buyer's own (formulas.expected_spend), both in ₫,
so it is positive and between the two whatever the scale (tests/test_value_fit.py: a shop of
10-50 million ₫ orders).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.kit import export
from helpers.pages.value import formulas, patterns
from helpers.pages.value import intervals as iv
from helpers.pages.value.fit import WEEK_DAYS, ValueFit
from helpers.pages.value.summary import batches

SUMMARY_COLUMNS = ["customer_id", "x", "t_x", "T", "mean_spend"]
OUTPUT_COLUMNS = ["customer_id", "x", "t_x", "T", "mean_spend", "p_alive",
                  "expected_purchases", "expected_revenue", "segment",
                  *iv.INTERVAL_COLUMNS]


def predict(result: ValueFit, summary: pd.DataFrame, *, horizon_days: int,
            intervals: bool = True) -> pd.DataFrame:
    """Per customer: P(alive), expected purchases in the next `horizon_days` and expected revenue
    (expected purchases × expected spend per purchase), with their 90% intervals
    (intervals.customer_intervals; `intervals` False: the interval columns are null, for a
    caller that needs only the estimates). Nulls when the fit cannot be used."""
    out = summary[SUMMARY_COLUMNS].copy()
    for column in ("p_alive", "expected_purchases", "expected_revenue",
                   *iv.INTERVAL_COLUMNS):
        out[column] = np.nan
    if not result.ok or not len(summary):
        return out
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    spend = pd.to_numeric(summary.mean_spend, errors="coerce").to_numpy(dtype=float)
    # each figure on the distinct patterns, handed back to their customers (patterns.py)
    (px, pt_x, pT), at = patterns.distinct(x, t_x, T)
    out["p_alive"] = formulas.p_alive(result.bgnbd, result.model, px, pt_x, pT)[at]
    if intervals:
        for key, values in iv.customer_intervals(result, x, t_x, T, spend,
                                                        horizon_days=horizon_days,
                                                        purchase_patterns=((px, pt_x, pT), at)
                                                        ).items():
            out[key] = values
        return out
    purchases = formulas.expected_purchases(
        result.bgnbd, result.model, px, pt_x, pT, horizon_days / WEEK_DAYS)[at]
    out["expected_purchases"] = purchases
    if result.gamma_gamma:
        (sx, sm), spend_at = patterns.distinct(x, spend)
        out["expected_revenue"] = purchases * formulas.expected_spend(
            result.gamma_gamma, sx, sm)[spend_at]
    return out


def p_alive_curves(result: ValueFit, *, rhythms_days=(7, 30, 90), purchases: int = 6,
                   max_days: int = 365) -> pd.DataFrame:
    """P(alive) of three typical customers, each with `purchases` purchases `rhythm` days apart,
    as the days since their last purchase grow: a fixed 30/45-day rule treats them alike."""
    if not result.ok:
        return pd.DataFrame(columns=["rhythm_days", "days_since_last", "p_alive"])
    days = np.arange(0, max_days + 1, 3)
    rows = []
    for rhythm in rhythms_days:
        span = rhythm * (purchases - 1) / WEEK_DAYS
        alive = formulas.p_alive(result.bgnbd, result.model, np.full(len(days), purchases - 1.0),
                                 np.full(len(days), span), span + days / WEEK_DAYS)
        rows.append(pd.DataFrame({"rhythm_days": rhythm, "days_since_last": days,
                                  "p_alive": alive}))
    return pd.concat(rows, ignore_index=True)


def outputs(predicted: pd.DataFrame, segments: pa.Table | None) -> pa.Table:
    """customer_value: the issue's columns, exact where they are money (decimals)."""
    frame = predicted.copy()
    for column in iv.INTERVAL_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    if segments is not None:
        seg = segments.select(["customer_id", "segment"]).to_pandas()
        frame = frame.merge(seg, on="customer_id", how="left")
    else:
        frame["segment"] = None
    frame = frame.sort_values("customer_id", kind="stable")[OUTPUT_COLUMNS]

    def number(column):
        return pa.array(frame[column].astype(float), pa.float64(), from_pandas=True)

    return pa.table({
        "customer_id": pa.array(frame.customer_id, pa.string()),
        "x": pa.array(frame.x, pa.int64()),
        "t_x": number("t_x"),
        "T": number("T"),
        "mean_spend": money_array(frame.mean_spend),
        "p_alive": number("p_alive"),
        "expected_purchases": number("expected_purchases"),
        "expected_revenue": money_array(frame.expected_revenue),
        "segment": pa.array(frame.segment, pa.string()),
        "expected_purchases_low": number("expected_purchases_low"),
        "expected_purchases_high": number("expected_purchases_high"),
        # rounded outwards to the cent: the point estimate, rounded, stays inside
        "expected_revenue_low": money_array(frame.expected_revenue_low, "floor"),
        "expected_revenue_high": money_array(frame.expected_revenue_high, "ceiling"),
    })


MONEY = pa.decimal128(18, 2)
# |amount × 100| below which a double's cents are read in numpy: within 2^53 the cents are exact
# integers, and a value this far from a rounding edge (MONEY_EDGE of its size) rounds as its
# shortest decimal text does (_money's rule); the others (about one in 10^6) go through _money
MONEY_EXACT = 2.0 ** 52
MONEY_EDGE = 1e-9


def money_array(values, rounding: str = "half_even") -> pa.Array:
    """_money(values, rounding) as a decimal(18, 2) array, the same values, computed in numpy:
    only the amounts near a rounding edge (or huge) are rounded one by one by _money. Where
    _money read 1.7 µs an amount (four columns of 2M buyers: 13 s), this reads 0.02."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    cents_float = numbers * 100.0
    valid = ~np.isnan(numbers)
    with np.errstate(all="ignore"):
        size = np.abs(cents_float)
        fraction = cents_float - np.floor(cents_float)
        edge = np.abs(fraction - 0.5) if rounding == "half_even" else \
            np.minimum(fraction, 1.0 - fraction)
        slow = valid & ~((size < MONEY_EXACT) & (edge > MONEY_EDGE * np.maximum(size, 1.0)))
    rounded = {"half_even": np.rint, "floor": np.floor, "ceiling": np.ceil}[rounding]
    with np.errstate(all="ignore"):
        cents = np.where(valid & ~slow, rounded(cents_float), 0.0).astype(np.int64)
    if slow.any():
        where = np.flatnonzero(slow)
        exact = _money(pd.Series(pd.Series(values).to_numpy()[where]), rounding)
        cents[where] = [int(v.scaleb(2)) for v in exact]
    if np.abs(cents).max(initial=0) >= 10 ** 18:  # beyond decimal(18, 2): as pyarrow says it
        return pa.array(_money(pd.Series(values), rounding), MONEY)
    words = np.empty((len(cents), 2), dtype=np.int64)  # little-endian 128-bit integers
    words[:, 0], words[:, 1] = cents, cents >> 63
    validity = pa.array(valid, pa.bool_()).buffers()[1]
    return pa.Array.from_buffers(MONEY, len(cents), [validity, pa.py_buffer(words.tobytes())],
                                 null_count=int((~valid).sum()))


def _money(values: pd.Series, rounding: str = "half_even") -> list:
    """Amounts as exact decimals of 2 places (the mean spend is exact to the cent in SQL; the
    expected revenue is a model's figure, rounded to the cent; an interval's ends outwards)."""
    import decimal
    from decimal import Decimal

    mode = {"half_even": decimal.ROUND_HALF_EVEN, "floor": decimal.ROUND_FLOOR,
            "ceiling": decimal.ROUND_CEILING}[rounding]
    cent = Decimal("0.01")
    return [None if pd.isna(v) else Decimal(repr(float(v))).quantize(cent, rounding=mode)
            for v in values]


def model_table(result: ValueFit, *, as_of: date, horizon_days: int) -> pa.Table:
    """customer_value_model.csv: each parameter with its estimate, the log-likelihood, the
    customers, the method and the time; one row per line, values as text."""
    rows = [(result.model, k, f"{v:.6g}") for k, v in result.bgnbd.items()]
    if result.loglik_bgnbd is not None:
        rows.append((result.model, "log_likelihood", f"{result.loglik_bgnbd:.4f}"))
    rows += [("gamma_gamma", k, f"{v:.6g}") for k, v in result.gamma_gamma.items()]
    if result.loglik_gamma_gamma is not None:
        rows.append(("gamma_gamma", "log_likelihood", f"{result.loglik_gamma_gamma:.4f}"))
    if result.gamma_gamma:
        rows.append(("gamma_gamma", "spend_unit", f"{result.spend_unit:.6g}"))
    rows += [("fit", "status", result.status), ("fit", "reason", result.reason),
             ("fit", "customers", str(result.customers)),
             ("fit", "repeat_customers", str(result.repeat_customers)),
             ("fit", "fitted_on_customers", str(result.fitted_on)),
             ("fit", "patterns", str(result.patterns)),
             ("fit", "spend_patterns", str(result.spend_patterns)),
             ("fit", "model", result.model), ("fit", "method", result.method),
             ("fit", "compile_mode", result.mode or "C (pytensor default)"),
             ("fit", "seconds", f"{result.seconds:.1f}"),
             ("fit", "as_of", as_of.isoformat()), ("fit", "horizon_days", str(horizon_days)),
             ("fit", "time_unit", "week"),
             ("fit", "interval", "90%: per customer the expected value's (delta method on the "
                                 "estimates' covariance); totals what will be bought")]
    model, parameter, value = zip(*rows)
    return pa.table({"model": list(model), "parameter": list(parameter), "value": list(value)})


def write_values(con: duckdb.DuckDBPyConnection, result: ValueFit, table: str, path: Path, *,
                 horizon_days: int, segments: str | None) -> Path:
    """customer_value.parquet: outputs() of every buyer of summary `table`, predicted batch by
    batch, with each one's segment from table `segments` (None: no segment), by customer id."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.stem}.{os.getpid()}.predicted.parquet")
    schema = outputs(predict(result, _empty_summary(), horizon_days=horizon_days), None).schema
    try:
        with pq.ParquetWriter(scratch, schema) as writer:
            for frame in batches(con, f"select {', '.join(SUMMARY_COLUMNS)} from {table} "
                                      f"order by customer_id"):
                writer.write_table(outputs(predict(result, frame, horizon_days=horizon_days),
                                           None).cast(schema))
        picked = ", ".join(f"p.{c}" if c != "segment" else
                           ("s.segment" if segments else "cast(null as varchar) as segment")
                           for c in OUTPUT_COLUMNS)
        join = f"left join {segments} as s on s.customer_id = p.customer_id" if segments else ""
        export.write_query_parquet(con, f"select {picked} "
                                        f"from read_parquet($scratch) as p {join} "
                                        f"order by p.customer_id", path,
                                   {"scratch": str(scratch)})
    finally:
        scratch.unlink(missing_ok=True)
    return path


def _empty_summary() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series([], dtype=object),
                         "x": pd.Series([], dtype="int64"), "t_x": pd.Series([], dtype=float),
                         "T": pd.Series([], dtype=float), "mean_spend": pd.Series([], dtype=float)})


def headline_figures(con: duckdb.DuckDBPyConnection) -> dict:
    """What page 06's sentences say, from source customer_value (write_values' file): buyers,
    repeat buyers, how many buyers are still customers (the sum and the mean of P(alive)), how
    many of the repeat buyers, expected purchases and revenue."""
    row = con.execute("""
        select
            count(*),
            count(*) filter (where x > 0),
            sum(p_alive),
            avg(p_alive),
            sum(p_alive) filter (where x > 0),
            sum(expected_purchases),
            sum(expected_revenue)
        from customer_value
    """).fetchall()[0]
    keys = ("customers", "repeat", "alive", "alive_share", "alive_repeat", "purchases", "revenue")
    return dict(zip(keys, row))


def per_segment(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per segment, from source customer_value (write_values' file): customers, expected
    purchases and revenue over the horizon, mean P(alive); none when nothing was predicted."""
    columns = ["segment", "customers", "expected_purchases", "expected_revenue", "p_alive"]
    frame = con.execute("""
        select segment, count(*) as customers, sum(expected_purchases) as expected_purchases,
               cast(sum(expected_revenue) as double) as expected_revenue,
               avg(p_alive) as p_alive
        from customer_value
        group by segment
        having count(p_alive) > 0
        order by segment
    """).df()
    return frame[columns] if len(frame) else pd.DataFrame(columns=columns)
