"""Predictions that grade themselves (issue 36, item 1): the model as it stood at `backtest_from`
(by default the previous month end) predicts each customer's purchases and revenue over
(`backtest_from`, `as_of`], and page 06 and page 00 set that against what happened.

The fit is compute.py's own (summary_table, fit_table, predict) on what was known at
`fitted_as_of`: a refit, not last month's stored fit, so the back-test needs no file of last
month's and gives the same figures whenever it is rerun on the same data.

Definitions (the issue's output contract):
- customers: those with a purchase on or before `fitted_as_of` (the model knew them);
- purchases: distinct purchase days (a day with an order of amount > 0; of amount 0 too with
  zero_amount_purchases), as the summary counts them; revenue as monetary counts it: the sum of
  the amounts of every order dated in the window, refunds included;
- quality: the accuracy ratio of the gains curve, customers ranked by predicted purchases and
  their actual purchases accumulated: 100 × (area between that curve and the diagonal) ÷ (area
  between the perfect ranking's curve and the diagonal), clipped to 0–100. Customers with the
  same prediction form one step of the curve, crossed in a straight line (the average over
  every order of them: a tie is not broken by the customer id);
- top_decile_capture: the share of the window's buyers among the first floor(10%) customers of
  that ranking (a tie across the cut counts pro rata, for the same reason);
- alive_below_half_bought: among customers with P(alive) < 0.5 at `fitted_as_of`, the share who
  bought in the window.

History: value/backtest.csv and value/backtest_by_frequency.csv keep every past back-test, one
row (one row per frequency) per `fitted_as_of`. A month reads them from the folder published
for `fitted_as_of` beside its own (reports/<fitted_as_of>/value/, the sibling month folder) and
adds its own row; a folder missing, or a file unreadable or of other columns, starts the history
again from this month, and the page says so (`history_note`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.errors import ParamError
from helpers.core.params import month_end_before, parse_date
from helpers.engine import db
from helpers.kit.export import write_csv
from helpers.pages.value import compute

BACKTEST_COLUMNS = ["fitted_as_of", "through", "customers", "predicted_purchases",
                    "actual_purchases", "predicted_revenue", "actual_revenue",
                    "top_decile_capture", "quality", "alive_below_half_bought"]
BY_FREQUENCY_COLUMNS = ["fitted_as_of", "frequency", "customers", "predicted_per_customer",
                        "actual_per_customer"]
FREQUENCIES = ["0", "1", "2", "3", "4", "5", "6", "7+"]
BACKTEST_FILE = "value/backtest.csv"
BY_FREQUENCY_FILE = "value/backtest_by_frequency.csv"
HISTORY_MONTHS = 12  # the line page 06 draws
BELOW_HALF = 0.5
# bands of predicted purchases in the window (the calibration table): lower bounds
BANDS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0)
SCRATCH = "backtest_customers"  # the per-customer table (DuckDB), what slipping.py reads too


def backtest_date(backtest_from, as_of: date) -> date:
    """`backtest_from` as a date: empty means the month end before `as_of`'s month. An error
    that says what to write when it is not a date before `as_of`."""
    if backtest_from is None or (isinstance(backtest_from, str) and not backtest_from.strip()):
        return month_end_before(as_of)
    try:
        day = parse_date(backtest_from, "backtest_from")
    except ParamError:
        raise ParamError(f"backtest_from = {backtest_from!r} is not a date: write YYYY-MM-DD, "
                         f"e.g. {month_end_before(as_of).isoformat()}, or leave it empty for the "
                         f"previous month end") from None
    if day >= as_of:
        raise ParamError(f"backtest_from = {backtest_from!r} is not before as_of "
                         f"({as_of.isoformat()}): the back-test compares what was predicted then "
                         f"with what happened since; give an earlier date, or leave it empty for "
                         f"the previous month end ({month_end_before(as_of).isoformat()})")
    return day


@dataclass
class Backtest:
    """One back-test: the fit at `fitted_as_of`, the window's figures, and the history."""

    fitted_as_of: date
    through: date
    fit: compute.ValueFit | None = None
    row: dict | None = None  # this back-test's row of value/backtest.csv (None: not possible)
    by_frequency: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_segment: pd.DataFrame = field(default_factory=pd.DataFrame)
    bands: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: pd.DataFrame = field(default_factory=pd.DataFrame)  # every row, oldest first
    history_note: str = ""  # why past back-tests were not read ("" when read or none expected)
    # the 90% interval of the window's predicted totals (compute.total_intervals' first row:
    # expected_purchases_low, …_high, expected_revenue_low, …_high), None when not computed
    interval: dict | None = None
    files: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.row is not None


# ---------------------------------------------------------------- the back-test


def actuals_table(con: duckdb.DuckDBPyConnection, *, fitted_as_of: date, through: date,
                  excluded_statuses, zero_amount_purchases: bool) -> str:
    """Per customer who bought in (`fitted_as_of`, `through`]: purchase days and revenue there
    (a temp table, backtest_actuals)."""
    orders = db.table_name(con, "int_orders", as_of=through,
                           excluded_statuses=list(excluded_statuses))
    db.make_room(con, "backtest_actuals", "TABLE")
    con.execute(f"""
        create or replace temp table backtest_actuals as
        select customer_id,
               count(distinct order_date) filter (
                   where is_purchase or ($zero and amount = 0)) as actual_purchases,
               cast(sum(amount) as double) as actual_revenue
        from {orders}
        where order_date > $after and order_date <= $through
        group by customer_id
    """, {"zero": bool(zero_amount_purchases), "after": fitted_as_of, "through": through})
    return "backtest_actuals"


def predict_window(con: duckdb.DuckDBPyConnection, fitted: compute.ValueFit, before: str,
                   actuals: str, *, window_days: int, horizon_days: int,
                   segments: str | None, scratch: Path) -> str:
    """Table SCRATCH: every customer of summary `before` with the fit's P(alive), predicted
    purchases and revenue over the window (`window_days`) and over `horizon_days` (what page 06
    said that month: slipping.py), the actual purchases and revenue, and the segment they were in
    (table `segments`, at the fit's date; null without one). Predicted in batches, as
    compute.write_values does."""
    scratch.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([("customer_id", pa.string()), ("x", pa.int64()), ("t_x", pa.float64()),
                        ("T", pa.float64()), ("mean_spend", pa.float64()),
                        ("last_purchase_date", pa.date32()),
                        ("p_alive", pa.float64()), ("predicted_purchases", pa.float64()),
                        ("predicted_revenue", pa.float64()),
                        ("expected_purchases_horizon", pa.float64()),
                        ("expected_revenue_horizon", pa.float64()),
                        ("actual_purchases", pa.int64()), ("actual_revenue", pa.float64())])
    sql = (f"select b.customer_id, b.x, b.t_x, b.T, b.mean_spend, b.last_purchase_date, "
           f"coalesce(a.actual_purchases, 0) as actual_purchases, "
           f"coalesce(a.actual_revenue, 0) as actual_revenue "
           f"from {before} as b left join {actuals} as a on a.customer_id = b.customer_id "
           f"order by b.customer_id")
    try:
        with pq.ParquetWriter(scratch, schema) as writer:
            for batch in con.sql(sql).to_arrow_reader(compute.BATCH_ROWS):
                frame = batch.to_pandas()
                window = compute.predict(fitted, frame, horizon_days=window_days,
                                         intervals=False)
                horizon = compute.predict(fitted, frame, horizon_days=horizon_days,
                                          intervals=False)
                writer.write_table(pa.table({
                    "customer_id": pa.array(frame.customer_id, pa.string()),
                    "x": pa.array(frame.x, pa.int64()),
                    "t_x": pa.array(frame.t_x.astype(float), pa.float64()),
                    "T": pa.array(frame["T"].astype(float), pa.float64()),
                    "mean_spend": pa.array(pd.to_numeric(frame.mean_spend, errors="coerce"),
                                           pa.float64(), from_pandas=True),
                    "last_purchase_date": pa.array(pd.to_datetime(frame.last_purchase_date)
                                                   .dt.date, pa.date32()),
                    "p_alive": pa.array(window.p_alive, pa.float64(), from_pandas=True),
                    "predicted_purchases": pa.array(window.expected_purchases, pa.float64(),
                                                    from_pandas=True),
                    "predicted_revenue": pa.array(window.expected_revenue.astype(float),
                                                  pa.float64(), from_pandas=True),
                    "expected_purchases_horizon": pa.array(horizon.expected_purchases,
                                                           pa.float64(), from_pandas=True),
                    "expected_revenue_horizon": pa.array(horizon.expected_revenue.astype(float),
                                                         pa.float64(), from_pandas=True),
                    "actual_purchases": pa.array(frame.actual_purchases, pa.int64()),
                    "actual_revenue": pa.array(frame.actual_revenue.astype(float), pa.float64()),
                }, schema=schema))
        segment = "s.segment" if segments else "cast(null as varchar) as segment"
        join = f"left join {segments} as s on s.customer_id = p.customer_id" if segments else ""
        db.make_room(con, SCRATCH, "TABLE")
        con.execute(f"create or replace temp table {SCRATCH} as select p.*, {segment} "
                    f"from read_parquet($path) as p {join}", {"path": str(scratch)})
    finally:
        scratch.unlink(missing_ok=True)
    return SCRATCH


def run(con: duckdb.DuckDBPyConnection, *, fitted_as_of: date, through: date, excluded_statuses,
        zero_amount_purchases: bool = False, horizon_days: int = 90, seed: int = 2026,
        max_customers: int = 500_000, model: str = compute.DEFAULT_MODEL,
        segments: str | None = None, output_dir: Path, history_dir: Path | None = None,
        fitted: compute.ValueFit | None = None, actuals: str | None = None,
        fit_store: Path | None = None, summary_store: Path | None = None) -> Backtest:
    """The back-test of the fit at `fitted_as_of` over (`fitted_as_of`, `through`], written to
    output_dir/value/backtest.csv and backtest_by_frequency.csv with the past back-tests read
    from `history_dir` (default: the sibling month folder, output_dir/../<fitted_as_of>).
    `fitted` is the fit at `fitted_as_of` when the caller has it already; `actuals` the table
    actuals_table made for these dates and settings (page 06 makes it while the orders as of
    `through` are built: at 10M lines only the latest int_orders is kept, and it is rebuilt
    otherwise). `fit_store`: where fits are kept by content (compute.FIT_STORE on page 06:
    last month's page 06 kept the fit at its as_of, this back-test's date; None: refitted);
    `summary_store` where page 06 keeps its summaries (fit_store.keep_summary; DuckDB runs)."""
    output_dir = Path(output_dir)
    result = Backtest(fitted_as_of=fitted_as_of, through=through)
    options = {"excluded_statuses": excluded_statuses,
               "zero_amount_purchases": zero_amount_purchases}
    # the summary at fitted_as_of: the one page 06 kept at that date last month (same lines up
    # to it: fit_store.keep_summary), else built
    before = compute.stored_summary(con, "backtest_summary_kept", as_of=fitted_as_of,
                                    store=summary_store, **options) or \
        compute.summary_table(con, as_of=fitted_as_of, **options)
    db.alias(con, "backtest_before", before)
    result.fit = fitted or compute.stored_fit(con, "backtest_before", as_of=fitted_as_of,
                                              seed=seed, max_customers=max_customers,
                                              model=model, store=fit_store, **options)
    if result.fit.ok:
        actuals = actuals or actuals_table(con, fitted_as_of=fitted_as_of, through=through,
                                           **options)
        predict_window(con, result.fit, "backtest_before", actuals,
                       window_days=(through - fitted_as_of).days, horizon_days=horizon_days,
                       segments=segments,
                       scratch=output_dir / "value" / f".backtest.{os.getpid()}.parquet")
        result.row = summary_row(con, SCRATCH, fitted_as_of=fitted_as_of, through=through)
        result.by_frequency = by_frequency(con, SCRATCH)
        result.by_segment = by_segment(con, SCRATCH)
        result.bands = by_band(con, SCRATCH)
        result.interval = window_interval(con, result.fit, window_days=(through - fitted_as_of).days,
                                          seed=seed)
    folder = Path(history_dir) if history_dir is not None else \
        history_folder(output_dir, fitted_as_of=fitted_as_of, through=through)
    past, frequency_past, result.history_note = read_history(folder, before=fitted_as_of)
    result.history, frequencies = merge_history(past, frequency_past, result)
    result.files = [write_csv(_backtest_arrow(result.history), output_dir / BACKTEST_FILE),
                    write_csv(_frequency_arrow(frequencies), output_dir / BY_FREQUENCY_FILE)]
    return result


# ---------------------------------------------------------------- the figures (SQL)


def gains_figures(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    """quality, top_decile_capture and alive_below_half_bought of the customers of `table`
    (columns predicted_purchases, actual_purchases, p_alive; `table` from the calling code)."""
    row = con.execute(f"""
        with model as (
            select predicted_purchases as score, count(*) as n,
                   sum(actual_purchases) as a,
                   count(*) filter (where actual_purchases > 0) as buyers
            from {table} group by predicted_purchases
        ),
        model_curve as (
            select *, sum(n) over w as cum_n, sum(a) over w as cum_a
            from model window w as (order by score desc nulls last
                                    rows between unbounded preceding and current row)
        ),
        perfect as (
            select actual_purchases as score, count(*) as n, sum(actual_purchases) as a
            from {table} group by actual_purchases
        ),
        perfect_curve as (
            select *, sum(a) over w as cum_a
            from perfect window w as (order by score desc
                                      rows between unbounded preceding and current row)
        ),
        totals as (
            select count(*) as n, sum(actual_purchases) as a,
                   count(*) filter (where actual_purchases > 0) as buyers,
                   floor(count(*) / 10) as k
            from {table}
        )
        select
            totals.n, totals.a, totals.buyers, totals.k,
            (select sum(n * (2 * cum_a - a)) from model_curve),
            (select sum(n * (2 * cum_a - a)) from perfect_curve),
            (select sum(buyers * greatest(least((totals.k - (cum_n - n)) / n, 1), 0))
             from model_curve),
            (select count(*) filter (where p_alive < $half) from {table}),
            (select count(*) filter (where p_alive < $half and actual_purchases > 0) from {table})
        from totals
    """, {"half": BELOW_HALF}).fetchall()[0]
    n, a, buyers, _, model_area, perfect_area, captured, below, below_bought = row
    out = {"quality": None, "top_decile_capture": None, "alive_below_half_bought": None}
    if n and a:
        # area under each gains curve, the x axis in customers (1/n) and y in purchases (1/a):
        # a step of n_g customers from y0 to y1 adds n_g (y0 + y1) / 2 = n_g (2 cum_a - a_g) / 2
        model_auc = float(model_area) / (2 * n * a)
        perfect_auc = float(perfect_area) / (2 * n * a)
        if perfect_auc > 0.5:
            ratio = 100 * (model_auc - 0.5) / (perfect_auc - 0.5)
            out["quality"] = min(max(ratio, 0.0), 100.0)
    if buyers:
        out["top_decile_capture"] = float(captured) / buyers
    if below:
        out["alive_below_half_bought"] = below_bought / below
    return out


def window_interval(con: duckdb.DuckDBPyConnection, fitted: compute.ValueFit, *,
                    window_days: int, seed: int) -> dict | None:
    """The 90% interval of the window's total predicted purchases and revenue (the intervals
    customer_value states, compute.total_intervals, over SCRATCH's customers): whether what
    happened fell inside it grades the intervals as well as the estimates."""
    totals = compute.total_intervals(con, fitted, horizon_days=window_days, source=SCRATCH,
                                     seed=seed)
    if totals is None or not len(totals):
        return None
    row = totals.iloc[0]
    return {k: _float(row.get(k)) for k in ("expected_purchases_low", "expected_purchases_high",
                                            "expected_revenue_low", "expected_revenue_high")}


def summary_row(con: duckdb.DuckDBPyConnection, table: str, *, fitted_as_of: date,
                through: date) -> dict:
    """This back-test's row of value/backtest.csv."""
    customers, predicted, actual, predicted_revenue, actual_revenue = con.execute(
        f"select count(*), sum(predicted_purchases), sum(actual_purchases), "
        f"sum(predicted_revenue), sum(actual_revenue) from {table}").fetchall()[0]
    return {"fitted_as_of": fitted_as_of, "through": through, "customers": int(customers),
            "predicted_purchases": _float(predicted), "actual_purchases": int(actual or 0),
            "predicted_revenue": _float(predicted_revenue),
            "actual_revenue": _float(actual_revenue) or 0.0,
            **gains_figures(con, table)}


def by_frequency(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """Per calibration frequency 0 … 6 and 7+ (repeat purchases by `fitted_as_of`, as Fader,
    Hardie & Lee's Figure 4): customers, predicted and actual purchases per customer."""
    frame = con.execute(f"""
        select least(x, 7) as g, count(*) as customers,
               avg(predicted_purchases) as predicted_per_customer,
               avg(actual_purchases) as actual_per_customer
        from {table} group by g order by g
    """).df()
    frame["frequency"] = [FREQUENCIES[int(g)] for g in frame.g]
    return frame[BY_FREQUENCY_COLUMNS[1:]].reset_index(drop=True)


def by_segment(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """Per segment at `fitted_as_of`: customers, predicted and actual purchases and revenue."""
    return con.execute(f"""
        select segment, count(*) as customers,
               sum(predicted_purchases) as predicted_purchases,
               sum(actual_purchases) as actual_purchases,
               sum(predicted_revenue) as predicted_revenue,
               sum(actual_revenue) as actual_revenue
        from {table} group by segment order by segment nulls last
    """).df()


def by_band(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """The calibration table: customers by band of predicted purchases in the window (BANDS),
    with the predicted and actual purchases per customer and the share who bought."""
    cases = " ".join(f"when predicted_purchases >= $band{i} then {i}"
                     for i in reversed(range(len(BANDS))))
    frame = con.execute(f"""
        select case {cases} else 0 end as band, count(*) as customers,
               avg(predicted_purchases) as predicted_per_customer,
               avg(actual_purchases) as actual_per_customer,
               avg(case when actual_purchases > 0 then 1.0 else 0.0 end) as bought_share
        from {table} where predicted_purchases is not null group by band order by band
    """, {f"band{i}": float(low) for i, low in enumerate(BANDS)}).df()
    frame["low"] = [BANDS[int(b)] for b in frame.band]
    frame["high"] = [BANDS[int(b) + 1] if int(b) + 1 < len(BANDS) else None
                     for b in frame.band]
    return frame[["low", "high", "customers", "predicted_per_customer", "actual_per_customer",
                  "bought_share"]]


def _float(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) \
        else float(value)


# ---------------------------------------------------------------- history


def history_folder(output_dir: Path, *, fitted_as_of: date, through: date) -> Path:
    """Where the past back-tests are read: the month folder of `fitted_as_of` beside
    `output_dir` (reports/<fitted_as_of>/) when it holds them, else the latest month folder
    beside it dated before `through` that does (a month run on a day that was not a month end,
    such as reports/2026-11-15/, or a month that was skipped), else the month of
    `fitted_as_of` (nothing there: the history starts with this month)."""
    parent = Path(output_dir).resolve().parent
    wanted = parent / fitted_as_of.isoformat()
    if (wanted / BACKTEST_FILE).exists():
        return wanted
    dated = []
    for folder in parent.iterdir() if parent.is_dir() else []:
        try:
            when = date.fromisoformat(folder.name)
        except ValueError:
            continue  # a what-if (2026-10-31-name), a staging folder, anything else
        if when < through and folder.resolve() != Path(output_dir).resolve() \
                and (folder / BACKTEST_FILE).exists():
            dated.append((when, folder))
    return max(dated)[1] if dated else wanted


def read_history(folder: Path, *, before: date) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The past back-tests published in `folder` (the month of `before`), their rows fitted
    before `before` only; empty frames and why when they cannot be read (a first month: no
    folder, no file, and no reason to give)."""
    empty = (pd.DataFrame(columns=BACKTEST_COLUMNS), pd.DataFrame(columns=BY_FREQUENCY_COLUMNS))
    path, frequency_path = Path(folder) / BACKTEST_FILE, Path(folder) / BY_FREQUENCY_FILE
    if not path.exists():
        return *empty, ""
    try:
        past = pd.read_csv(path, encoding="utf-8-sig")
        frequencies = pd.read_csv(frequency_path, encoding="utf-8-sig", dtype={"frequency": str}) \
            if frequency_path.exists() else pd.DataFrame(columns=BY_FREQUENCY_COLUMNS)
        if list(past.columns) != BACKTEST_COLUMNS:
            raise ValueError(f"its columns are {', '.join(map(str, past.columns))}")
        if list(frequencies.columns) != BY_FREQUENCY_COLUMNS:
            raise ValueError(f"{BY_FREQUENCY_FILE}'s columns are "
                             f"{', '.join(map(str, frequencies.columns))}")
        for frame in (past, frequencies):
            frame["fitted_as_of"] = pd.to_datetime(frame.fitted_as_of, format="%Y-%m-%d").dt.date
        past["through"] = pd.to_datetime(past.through, format="%Y-%m-%d").dt.date
        numeric = [c for c in BACKTEST_COLUMNS if c not in ("fitted_as_of", "through")]
        past[numeric] = past[numeric].apply(pd.to_numeric, errors="raise").astype(float)
        frequencies[BY_FREQUENCY_COLUMNS[2:]] = frequencies[BY_FREQUENCY_COLUMNS[2:]].apply(
            pd.to_numeric, errors="raise").astype(float)
        if past.fitted_as_of.duplicated().any():
            raise ValueError("it holds two back-tests fitted on the same day")
    except (ValueError, TypeError, pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        return *empty, f"{path}: {exc}"
    return (past[past.fitted_as_of < before].reset_index(drop=True),
            frequencies[frequencies.fitted_as_of < before].reset_index(drop=True), "")


def merge_history(past: pd.DataFrame, frequency_past: pd.DataFrame,
                  result: Backtest) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The past rows and this back-test's (when it could be made), oldest first."""
    rows = [past] if len(past) else []
    frequency_rows = [frequency_past] if len(frequency_past) else []
    if result.row is not None:
        rows.append(pd.DataFrame([result.row], columns=BACKTEST_COLUMNS))
        frequency_rows.append(result.by_frequency.assign(fitted_as_of=result.fitted_as_of)
                              [BY_FREQUENCY_COLUMNS])
    history = pd.concat(rows, ignore_index=True) if rows else \
        pd.DataFrame(columns=BACKTEST_COLUMNS)
    frequencies = pd.concat(frequency_rows, ignore_index=True) if frequency_rows else \
        pd.DataFrame(columns=BY_FREQUENCY_COLUMNS)
    return (history.sort_values("fitted_as_of", kind="stable").reset_index(drop=True),
            frequencies.sort_values(["fitted_as_of"], kind="stable").reset_index(drop=True))


def _column(values, kind) -> pa.Array:
    return pa.array([None if v is None or (isinstance(v, float) and math.isnan(v)) else v
                     for v in values], kind)


def _backtest_arrow(history: pd.DataFrame) -> pa.Table:
    kinds = {"fitted_as_of": pa.date32(), "through": pa.date32(), "customers": pa.int64(),
             "actual_purchases": pa.int64()}
    columns = {}
    for name in BACKTEST_COLUMNS:
        values = list(history[name]) if len(history) else []
        kind = kinds.get(name, pa.float64())
        if kind == pa.int64():
            values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else int(v)
                      for v in values]
        elif kind == pa.float64():
            values = [None if v is None else round(float(v), 6) for v in values]
        columns[name] = _column(values, kind)
    return pa.table(columns)


def _frequency_arrow(frequencies: pd.DataFrame) -> pa.Table:
    rows = frequencies if len(frequencies) else pd.DataFrame(columns=BY_FREQUENCY_COLUMNS)
    return pa.table({
        "fitted_as_of": _column(list(rows.fitted_as_of), pa.date32()),
        "frequency": _column([str(v) for v in rows.frequency], pa.string()),
        "customers": _column([int(v) for v in rows.customers], pa.int64()),
        "predicted_per_customer": _column([None if pd.isna(v) else round(float(v), 6)
                                           for v in rows.predicted_per_customer], pa.float64()),
        "actual_per_customer": _column([round(float(v), 6) for v in rows.actual_per_customer],
                                       pa.float64()),
    })


def last_months(history: pd.DataFrame, months: int = HISTORY_MONTHS) -> pd.DataFrame:
    """The last `months` back-tests, oldest first (the 12-month line)."""
    return history.tail(months).reset_index(drop=True)
