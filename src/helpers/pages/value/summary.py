"""What the value models read, from SQL: the summary per buyer (customer_value_summary.sql) and
its distinct patterns with their counts (customer_value_patterns.sql,
customer_value_spend_patterns.sql), built where the run's models run (DuckDB, or Spark with
`engine: spark`: only the patterns come back to be fitted), and the fit on them (notebook 06)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from helpers.engine import db
from helpers.kit import rfm
from helpers.pages.value.fit import DEFAULT_MODEL, ValueFit, fit

# At 100M lines a shop has 18.7M buyers: their summary, predictions and segments held as frames
# took notebook 06 to 17.8 GB. Predictions read the summary from DuckDB in batches of
# BATCH_ROWS (by customer id) and write the file as they go; sums for the page come from SQL.
BATCH_ROWS = 1 << 20


def summary_params(*, as_of: date, excluded_statuses, zero_amount_purchases: bool) -> dict:
    return {**rfm.order_params(as_of=as_of, excluded_statuses=excluded_statuses),
            "zero_amount_purchases": bool(zero_amount_purchases)}


def summary_table(con: duckdb.DuckDBPyConnection, *, as_of: date, excluded_statuses,
                  zero_amount_purchases: bool = False) -> str:
    """The table of build_summary (customer_value_summary for these settings)."""
    return db.table_name(con, "customer_value_summary",
                         **summary_params(as_of=as_of, excluded_statuses=excluded_statuses,
                                          zero_amount_purchases=zero_amount_purchases))


def build_summary(con: duckdb.DuckDBPyConnection, *, as_of: date, excluded_statuses,
                  zero_amount_purchases: bool = False) -> duckdb.DuckDBPyRelation:
    """x, t_x, T (weeks) and the mean repeat spend of every buyer as of `as_of`, by customer id
    (the order predictions are written in)."""
    return con.table(summary_table(con, as_of=as_of, excluded_statuses=excluded_statuses,
                                   zero_amount_purchases=zero_amount_purchases)
                     ).order("customer_id")


def pattern_tables(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, str]:
    """The purchase patterns (x, t_x, T, customers) and spend patterns (x, mean_spend,
    customers) of summary `table`, built on the engine that holds it."""
    inputs = {"value_summary": table}
    return (db.table_name(con, "customer_value_patterns", inputs=inputs),
            db.table_name(con, "customer_value_spend_patterns", inputs=inputs))


def batches(con: duckdb.DuckDBPyConnection, sql: str):
    """The rows of `sql` as frames of at most BATCH_ROWS."""
    for batch in con.sql(sql).to_arrow_reader(BATCH_ROWS):
        yield batch.to_pandas()


def fit_table(con: duckdb.DuckDBPyConnection, table: str, *, seed: int = 2026,
              max_customers: int = 500_000, spend: bool = True,
              model: str = DEFAULT_MODEL) -> ValueFit:
    """fit() on every buyer of a summary table: only its distinct patterns, with their counts,
    come to Python (`seed` and `max_customers` change nothing: see fit)."""
    patterns, spend_rows = pattern_tables(con, table)
    purchase = con.execute(f"select x, t_x, T, customers from {patterns}").df()
    spend_frame = con.execute(f"select x, cast(mean_spend as double) as mean_spend, customers "
                              f"from {spend_rows}").df() if spend else None
    customers = int(purchase.customers.sum())
    repeat = int(purchase.customers[purchase.x > 0].sum())
    return fit(None, seed=seed, max_customers=max_customers, spend=spend,
               counts=(customers, repeat), model=model, patterns=purchase,
               spend_rows=spend_frame)


def first_purchase(con: duckdb.DuckDBPyConnection, table: str) -> date | None:
    """The shop's first purchase day among the buyers of a summary table (the history's start)."""
    first = con.execute(f"select min(first_purchase_date) from {table}").fetchall()[0][0]
    return None if first is None else pd.Timestamp(first).date()
