"""Who is still a customer and what each is worth: BG/NBD or MBG/NBD, and Gamma-Gamma
(notebook 06).

The summary per buyer is SQL (customer_value_summary.sql); the fit is pymc-marketing's
BetaGeoModel (BG/NBD, Fader, Hardie & Lee 2005) or ModifiedBetaGeoModel (MBG/NBD, Batislam,
Denizel & Filiztekin 2007), as the run's `value_model` says, and GammaGammaModel, by MAP with flat
priors (HalfFlat), so the estimates are the maximum-likelihood ones the literature publishes
(checked on the CDNOW sample in tests/test_customer_value.py). Time is in weeks, as in the papers.

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

import math
import os
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.errors import ParamError
from helpers.engine import db
from helpers.kit import export, rfm

WEEK_DAYS = 7.0
# below these the estimates say more about chance than about the shop
MIN_CUSTOMERS = 100
MIN_REPEAT_CUSTOMERS = 20
# parameters outside this range mean the optimiser ran off (a flat likelihood, a shop of one
# pattern): the fit is reported as not converged rather than used
SANE = (1e-6, 1e6)
BGNBD_PARAMS = ("r", "alpha", "a", "b")  # MBG/NBD and BG/NBD alike
# the purchase models (the run's value_model): the paper's BG/NBD, the default (the published
# CDNOW figures), and the MBG/NBD, where a customer may also leave after the first purchase
PURCHASE_MODELS = {"bg_nbd": "BetaGeoModel", "mbg_nbd": "ModifiedBetaGeoModel"}
DEFAULT_MODEL = "bg_nbd"
GG_PARAMS = ("p", "q", "v")
# pytensor compiles the models to C on first use (about 45 s on 2 cores, cached in ~/.pytensor
# after that). Up to this many fitted customers its Python mode is faster even with no cache
# (measured, cold: 15k buyers 26 s against 61 s; 150k buyers 91 s against 61 s)
FAST_COMPILE_UP_TO = 50_000
SUMMARY_COLUMNS = ["customer_id", "x", "t_x", "T", "mean_spend"]
OUTPUT_COLUMNS = ["customer_id", "x", "t_x", "T", "mean_spend", "p_alive",
                  "expected_purchases", "expected_revenue", "segment"]


@dataclass
class ValueFit:
    """What was fitted, on how many customers, and whether it can be used."""

    status: str  # ok | too_few_customers | too_few_repeat | did_not_converge
    customers: int
    repeat_customers: int
    fitted_on: int = 0  # customers the purchase model saw (a seeded sample above fit_max_customers)
    model: str = DEFAULT_MODEL  # the purchase model: bg_nbd or mbg_nbd (value_model)
    bgnbd: dict = field(default_factory=dict)  # its r, alpha, a, b
    gamma_gamma: dict = field(default_factory=dict)  # empty: spend could not be estimated
    loglik_bgnbd: float | None = None
    loglik_gamma_gamma: float | None = None
    # Gamma-Gamma is fitted on spend in units of this power of ten (the median repeat spend's):
    # on đồng (v near 150,000) the optimiser ran off; v and the log-likelihood are in money
    spend_unit: float = 1.0
    seconds: float = 0.0
    method: str = "MAP (pymc find_MAP, L-BFGS-B), flat priors"
    mode: str = ""  # pytensor's compile mode: FAST_COMPILE for small shops, else its default
    reason: str = ""
    models: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def summary_params(*, as_of: date, excluded_statuses, zero_amount_purchases: bool) -> dict:
    return {**rfm.order_params(as_of=as_of, excluded_statuses=excluded_statuses),
            "zero_amount_purchases": bool(zero_amount_purchases)}


def build_summary(con: duckdb.DuckDBPyConnection, *, as_of: date, excluded_statuses,
                  zero_amount_purchases: bool = False) -> duckdb.DuckDBPyRelation:
    """x, t_x, T (weeks) and the mean repeat spend of every buyer as of `as_of`, by customer id:
    the fit sums the likelihood in this order, and a sum in another order differs in its last
    bits, enough to move an optimiser's stopping point (the same inputs must give the same file)."""
    return con.table(summary_table(con, as_of=as_of, excluded_statuses=excluded_statuses,
                                   zero_amount_purchases=zero_amount_purchases)
                     ).order("customer_id")


def _compiled(mode: str):
    """pytensor compiles what the models need in `mode` ("" for its default, C)."""
    import contextlib

    if not mode:
        return contextlib.nullcontext()
    import pytensor

    return pytensor.config.change_flags(mode=mode)


def _quiet():
    """pymc and arviz speak on stderr and through warnings; a page shows only sentences."""
    import logging

    for name in ("pymc", "pytensor", "pymc_marketing", "arviz"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return warnings.catch_warnings()


def _import_clv(model: str = DEFAULT_MODEL):
    with _quiet():
        warnings.simplefilter("ignore")
        from pymc_extras.prior import Prior
        from pymc_marketing import clv
    return getattr(clv, PURCHASE_MODELS[model]), clv.GammaGammaModel, Prior


def _sample(summary: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """A seeded sample of customers, the same for the same ids and seed (md5 of seed and id, not
    Python's hash, which changes between processes)."""
    con = duckdb.connect()
    con.register("s", summary)
    picked = _sample_of(con, "s", n, seed)
    con.close()
    return picked


def _sample_of(con: duckdb.DuckDBPyConnection, table: str, n: int, seed: int) -> pd.DataFrame:
    """_sample's rows, from a table of `con` (`table` comes from the calling code)."""
    return con.execute(f"select * from {table} order by md5(cast(? as varchar) || '|' || "
                       f"customer_id) limit ?", [seed, n]).df()


def _point(model, posterior) -> dict:
    """The fitted values as the model's own (transformed) inputs."""
    point = {}
    for value in model.value_vars:
        rv = model.values_to_rvs[value]
        estimate = np.asarray(float(posterior[rv.name].values.ravel()[0]))
        transform = model.rvs_to_transforms.get(rv)
        point[value.name] = transform.forward(estimate).eval() if transform is not None \
            else estimate
    return point


def _loglik(model, posterior) -> float:
    """The log-likelihood at the estimates: the model's log-density without the Jacobian of the
    transforms, which is the likelihood alone because every prior is flat (HalfFlat: 0)."""
    return float(model.compile_logp(jacobian=False)(_point(model, posterior)))


def _estimates(fitted, names) -> dict:
    return {k: float(fitted.fit_result[k].values.ravel()[0]) for k in names}


def _sane(values: dict, loglik: float | None) -> bool:
    return all(math.isfinite(v) and SANE[0] < v < SANE[1] for v in values.values()) and (
        loglik is not None and math.isfinite(loglik))


def fit(summary: pd.DataFrame, *, seed: int = 2026, max_customers: int = 500_000,
        spend: bool = True, counts: tuple[int, int] | None = None,
        model: str = DEFAULT_MODEL) -> ValueFit:
    """The purchase model (`model`: bg_nbd, the default, or mbg_nbd) on every buyer (a seeded
    sample of `max_customers` above that), Gamma-Gamma on the repeat buyers with a positive mean
    spend (unless `spend` is False: purchases only). Never raises for the shop's data: the
    status says what could not be done. `counts` (buyers, repeat buyers) are the whole shop's
    when `summary` is already its sample (fit_table)."""
    if model not in PURCHASE_MODELS:
        raise ParamError(f"model {model!r}: use one of {', '.join(PURCHASE_MODELS)}")
    started = time.perf_counter()
    customers, repeat = counts or (len(summary), int((summary.x > 0).sum()))
    result = ValueFit(status="ok", customers=customers, repeat_customers=repeat, model=model)
    if customers < MIN_CUSTOMERS:
        result.status, result.reason = "too_few_customers", f"{customers} < {MIN_CUSTOMERS}"
        return result
    if result.repeat_customers < MIN_REPEAT_CUSTOMERS:
        result.status = "too_few_repeat"
        result.reason = f"{result.repeat_customers} < {MIN_REPEAT_CUSTOMERS}"
        return result
    BetaGeoModel, GammaGammaModel, Prior = _import_clv(model)
    started = time.perf_counter()  # the fit's own time: importing pymc (~7 s) is not the fit's
    fitted_rows = summary if len(summary) <= max_customers else _sample(summary, max_customers,
                                                                        seed)
    result.fitted_on = len(fitted_rows)
    result.mode = "FAST_COMPILE" if result.fitted_on <= FAST_COMPILE_UP_TO else ""
    with _compiled(result.mode):
        return _fit_models(result, fitted_rows, seed=seed, spend=spend, started=started,
                           classes=(BetaGeoModel, GammaGammaModel, Prior))


def _fit_models(result: ValueFit, fitted_rows: pd.DataFrame, *, seed: int, spend: bool,
                started: float, classes) -> ValueFit:
    """The purchase model on `fitted_rows`, then Gamma-Gamma on its repeat buyers with a
    positive spend."""
    BetaGeoModel, GammaGammaModel, Prior = classes
    repeat = fitted_rows[(fitted_rows.x > 0) & (fitted_rows.mean_spend.astype(float) > 0)]
    data = pd.DataFrame({"customer_id": np.arange(len(fitted_rows)),
                         "frequency": fitted_rows.x.to_numpy(dtype=float),
                         "recency": fitted_rows.t_x.to_numpy(dtype=float),
                         "T": fitted_rows["T"].to_numpy(dtype=float)})
    try:
        with _quiet():
            warnings.simplefilter("ignore")
            bg = BetaGeoModel(data=data, model_config={k: Prior("HalfFlat") for k in BGNBD_PARAMS})
            bg.fit(method="map", progressbar=False, seed=seed)
            result.bgnbd = _estimates(bg, BGNBD_PARAMS)
            result.loglik_bgnbd = _loglik(bg.model, bg.fit_result)
    except Exception as exc:  # the optimiser or the model: a sentence on the page, not a crash
        result.status, result.reason = "did_not_converge", f"{type(exc).__name__}: {exc}"
        result.seconds = time.perf_counter() - started
        return result
    if not _sane(result.bgnbd, result.loglik_bgnbd):
        result.status = "did_not_converge"
        result.reason = f"estimates {result.bgnbd}, log-likelihood {result.loglik_bgnbd}"
        result.seconds = time.perf_counter() - started
        return result
    result.models["bgnbd"] = bg
    if spend and len(repeat) >= MIN_REPEAT_CUSTOMERS:
        amounts = repeat.mean_spend.to_numpy(dtype=float)
        unit = 10.0 ** math.floor(math.log10(float(np.median(amounts))))
        spend_data = pd.DataFrame({"customer_id": np.arange(len(repeat)),
                                   "frequency": repeat.x.to_numpy(dtype=float),
                                   "monetary_value": amounts / unit})
        try:
            with _quiet():
                warnings.simplefilter("ignore")
                gg = GammaGammaModel(data=spend_data,
                                     model_config={k: Prior("HalfFlat") for k in GG_PARAMS})
                gg.fit(method="map", progressbar=False, seed=seed)
                estimates = _estimates(gg, GG_PARAMS)
                loglik = _loglik(gg.model, gg.fit_result)
            # q <= 1: the model's mean spend is infinite; such a fit predicts nothing
            if _sane(estimates, loglik) and estimates["q"] > 1:
                # back to money: v scales with the spend, each density by 1 / unit
                result.gamma_gamma = {**estimates, "v": estimates["v"] * unit}
                result.loglik_gamma_gamma = loglik - len(repeat) * math.log(unit)
                result.models["gamma_gamma"], result.spend_unit = gg, unit
        except Exception:  # spend not estimable: purchases and P(alive) still stand
            pass
    result.seconds = time.perf_counter() - started
    return result


def _frame(summary: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": np.arange(len(summary)),
                         "frequency": summary.x.to_numpy(dtype=float),
                         "recency": summary.t_x.to_numpy(dtype=float),
                         "T": summary["T"].to_numpy(dtype=float)})


def _values(array) -> np.ndarray:
    """One value per customer from the MAP posterior (a chain of one draw)."""
    return np.asarray(array).reshape(-1)


def predict(result: ValueFit, summary: pd.DataFrame, *, horizon_days: int) -> pd.DataFrame:
    """Per customer: P(alive), expected purchases in the next `horizon_days` and expected revenue
    (expected purchases × expected spend per purchase). Nulls when the fit cannot be used."""
    out = summary[SUMMARY_COLUMNS].copy()
    out["p_alive"] = np.nan
    out["expected_purchases"] = np.nan
    out["expected_revenue"] = np.nan
    if not result.ok or not len(summary):
        return out
    bg = result.models["bgnbd"]
    data = _frame(summary)
    with _quiet(), _compiled(result.mode):
        warnings.simplefilter("ignore")
        out["p_alive"] = _values(bg.expected_probability_alive(data=data))
        out["expected_purchases"] = _values(bg.expected_purchases(
            data=data, future_t=horizon_days / WEEK_DAYS))
        gg = result.models.get("gamma_gamma")
        if gg is not None:
            spend = pd.DataFrame({"customer_id": data.customer_id, "frequency": data.frequency,
                                  "monetary_value": summary.mean_spend.fillna(0)
                                  .to_numpy(dtype=float) / result.spend_unit})
            per_purchase = _values(gg.expected_customer_spend(data=spend)) * result.spend_unit
            out["expected_revenue"] = out.expected_purchases * per_purchase
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
        frame = pd.DataFrame({"customer_id": np.arange(len(days)),
                              "frequency": float(purchases - 1), "recency": span,
                              "T": span + days / WEEK_DAYS})
        with _quiet(), _compiled(result.mode):
            warnings.simplefilter("ignore")
            alive = _values(result.models["bgnbd"].expected_probability_alive(data=frame))
        rows.append(pd.DataFrame({"rhythm_days": rhythm, "days_since_last": days,
                                  "p_alive": alive}))
    return pd.concat(rows, ignore_index=True)


def outputs(predicted: pd.DataFrame, segments: pa.Table | None) -> pa.Table:
    """customer_value: the issue's columns, exact where they are money (decimals)."""
    frame = predicted.copy()
    if segments is not None:
        seg = segments.select(["customer_id", "segment"]).to_pandas()
        frame = frame.merge(seg, on="customer_id", how="left")
    else:
        frame["segment"] = None
    frame = frame.sort_values("customer_id", kind="stable")[OUTPUT_COLUMNS]
    money = pa.decimal128(18, 2)
    return pa.table({
        "customer_id": pa.array(frame.customer_id, pa.string()),
        "x": pa.array(frame.x, pa.int64()),
        "t_x": pa.array(frame.t_x.astype(float), pa.float64()),
        "T": pa.array(frame["T"].astype(float), pa.float64()),
        "mean_spend": pa.array(_money(frame.mean_spend), money),
        "p_alive": pa.array(frame.p_alive, pa.float64(), from_pandas=True),
        "expected_purchases": pa.array(frame.expected_purchases, pa.float64(), from_pandas=True),
        "expected_revenue": pa.array(_money(frame.expected_revenue), money),
        "segment": pa.array(frame.segment, pa.string()),
    })


def _money(values: pd.Series) -> list:
    """Amounts as exact decimals of 2 places (the mean spend is exact to the cent in SQL; the
    expected revenue is a model's figure, rounded to the cent)."""
    from decimal import Decimal

    return [None if pd.isna(v) else round(Decimal(repr(float(v))), 2) for v in values]


def model_table(result: ValueFit, *, as_of: date, horizon_days: int) -> pa.Table:
    """customer_value_model.csv: each parameter with its estimate, the log-likelihood, the
    customers, the method and the time; one row per line, values as text."""
    rows = [(result.model, k, f"{v:.6g}") for k, v in result.bgnbd.items()]
    if result.loglik_bgnbd is not None:
        rows.append((result.model, "log_likelihood", f"{result.loglik_bgnbd:.4f}"))
    rows += [("gamma_gamma", k, f"{v:.6g}") for k, v in result.gamma_gamma.items()]
    if result.loglik_gamma_gamma is not None:
        rows.append(("gamma_gamma", "log_likelihood", f"{result.loglik_gamma_gamma:.4f}"))
    rows += [("fit", "status", result.status), ("fit", "reason", result.reason),
             ("fit", "customers", str(result.customers)),
             ("fit", "repeat_customers", str(result.repeat_customers)),
             ("fit", "fitted_on_customers", str(result.fitted_on)),
             ("fit", "model", result.model), ("fit", "method", result.method),
             ("fit", "compile_mode", result.mode or "C (pytensor default)"),
             ("fit", "seconds", f"{result.seconds:.1f}"),
             ("fit", "as_of", as_of.isoformat()), ("fit", "horizon_days", str(horizon_days)),
             ("fit", "time_unit", "week")]
    model, parameter, value = zip(*rows)
    return pa.table({"model": list(model), "parameter": list(parameter), "value": list(value)})


# ---------------------------------------------------------------- every customer, in batches
# At 100M lines a shop has 18.7M buyers: their summary, predictions and segments held as frames
# took notebook 06 to 17.8 GB. The functions below read the summary from DuckDB in batches of
# BATCH_ROWS (by customer id, the order the fit sums in), predict each batch (every formula is
# per customer) and write the file as they go; sums and counts for the page come from SQL.

BATCH_ROWS = 1 << 20


def summary_table(con: duckdb.DuckDBPyConnection, *, as_of: date, excluded_statuses,
                  zero_amount_purchases: bool = False) -> str:
    """The table of build_summary (customer_value_summary for these settings)."""
    return db.table_name(con, "customer_value_summary",
                         **summary_params(as_of=as_of, excluded_statuses=excluded_statuses,
                                          zero_amount_purchases=zero_amount_purchases))


def _batches(con: duckdb.DuckDBPyConnection, sql: str):
    for batch in con.sql(sql).to_arrow_reader(BATCH_ROWS):
        yield batch.to_pandas()


def fit_table(con: duckdb.DuckDBPyConnection, table: str, *, seed: int = 2026,
              max_customers: int = 500_000, spend: bool = True,
              model: str = DEFAULT_MODEL) -> ValueFit:
    """fit() on a summary table: only the rows fitted come to Python (every buyer up to
    `max_customers`, by customer id as build_summary gives them; above it, _sample's rows)."""
    customers, repeat = con.execute(f"select count(*), count(*) filter (where x > 0) "
                                    f"from {table}").fetchall()[0]
    if customers <= max_customers:
        rows = con.table(table).order("customer_id").df()
    else:
        rows = _sample_of(con, table, max_customers, seed)
    return fit(rows, seed=seed, max_customers=max_customers, spend=spend,
               counts=(int(customers), int(repeat)), model=model)


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
            for frame in _batches(con, f"select * from {table} order by customer_id"):
                writer.write_table(outputs(predict(result, frame, horizon_days=horizon_days),
                                           None).cast(schema))
        picked = ", ".join(f"p.{c}" for c in OUTPUT_COLUMNS if c != "segment")
        segment = "s.segment" if segments else "cast(null as varchar) as segment"
        join = f"left join {segments} as s on s.customer_id = p.customer_id" if segments else ""
        export.write_query_parquet(con, f"select {picked}, {segment} "
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


def first_purchase(con: duckdb.DuckDBPyConnection, table: str) -> date | None:
    """The shop's first purchase day among the buyers of a summary table (the history's start)."""
    first = con.execute(f"select min(first_purchase_date) from {table}").fetchall()[0][0]
    return None if first is None else pd.Timestamp(first).date()


def calibration(con, *, as_of: date, excluded_statuses, zero_amount_purchases: bool,
                      horizon_days: int, seed: int, max_customers: int,
                      first_date: date | None, model: str = DEFAULT_MODEL
                      ) -> pd.DataFrame | None:
    """Predicted against actual purchases in the last `horizon_days` before `as_of`, from a fit
    on the history before them, by purchases in that history (0, 1, … 7+), as in the paper's
    Figure 4. None when the history before the holdout is shorter than twice the holdout. The
    summaries are read in batches: the groups' sums are kept, not the customers."""
    cut = as_of - timedelta(days=horizon_days)
    if first_date is None or (cut - first_date).days < 2 * horizon_days:
        return None
    options = {"excluded_statuses": excluded_statuses,
               "zero_amount_purchases": zero_amount_purchases}
    # both dates' summaries are read together: aliases keep each built table (db keeps only the
    # latest table of a model that is large)
    db.alias(con, "value_before", summary_table(con, as_of=cut, **options))
    db.alias(con, "value_after", summary_table(con, as_of=as_of, **options))
    before, after = "value_before", "value_after"
    fitted = fit_table(con, before, seed=seed, max_customers=max_customers, spend=False,
                       model=model)
    if not fitted.ok:
        return None
    sums: dict[int, list[float]] = {}
    # the first purchase day is the same on both dates: holdout purchases = x later - x before
    for frame in _batches(con, f"select b.*, a.x as x_later from {before} as b "
                               f"left join {after} as a on a.customer_id = b.customer_id "
                               f"order by b.customer_id"):
        predicted = predict(fitted, frame, horizon_days=horizon_days)
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
    if not isinstance(fit_max_customers, int) or fit_max_customers < MIN_CUSTOMERS:
        raise ParamError(f"fit_max_customers = {fit_max_customers!r}: give a whole number of at "
                         f"least {MIN_CUSTOMERS}, such as 500000")
