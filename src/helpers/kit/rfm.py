"""RFM scores and segments at a date: the model every page reads (scheme tables, the run's
inputs, segments, their summary).
"""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb
import pandas as pd

from helpers import ingest
from helpers.core.params import RunParams
from helpers.core.schemes import Scheme, load_scheme, score_lookup
from helpers.engine import db

EMPTY_CUSTOMERS = """
create or replace temp table customers as
select
    cast(null as varchar) as customer_id, cast(null as varchar) as name,
    cast(null as varchar) as phone, cast(null as varchar) as phone_raw,
    cast(null as varchar) as email, cast(null as varchar) as province,
    cast(null as date) as signup_date, cast(null as date) as birthday,
    false as consent_sms, false as consent_zalo, false as consent_email,
    false as is_phone_valid, false as is_email_valid, cast(null as bigint) as source_line
where false
"""


def load_inputs(con: duckdb.DuckDBPyConnection, run: RunParams, *,
                spark=None) -> dict[str, ingest.LoadReport]:
    """Stage order_lines (and customers, or an empty customers table) for a run. With a
    SparkSession the exports are parsed and checked on Spark."""
    options = run.input_options()
    reports = {"orders": ingest.load_orders(con, run.orders_path, returns_path=run.returns_path,
                                            spark=spark, **options)}
    if run.customers_path:
        # the customers export comes from the same system: read it with the mapping the orders
        # were read with (mapping auto picked it from the orders' headers)
        options["mapping"] = ingest.customers_mapping(run.mapping, reports["orders"])
        reports["customers"] = ingest.load_customers(con, run.customers_path, spark=spark,
                                                     **options)
    else:
        db.drop_relation(con, "customers")
        con.execute(EMPTY_CUSTOMERS)
    return reports


# The models a stored segment depends on; their text is part of every snapshot's key, so a rule
# changed in any of them makes the next run recompute instead of reusing old segments.
SEGMENT_MODELS = ("macros", "stg_order_lines_parsed", "stg_order_structure",
                  "stg_order_repeats", "stg_order_lines", "stg_return_lines", "stg_customers",
                  "int_order_totals", "int_orders", "int_customer_metrics", "rfm_scores",
                  "rfm_segments", "rfm_customers", "int_orders_at_dates",
                  "int_customer_metrics_at_dates", "rfm_scores_at_dates", "rfm_segments_at_dates")
# Bumped by hand when the meaning of a segment changes outside those files (Python rules).
# 3: snapshots keyed by the content of the lines up to their date (kit.snapshots).
MODEL_VERSION = 3


def snapshot_settings(run: RunParams, scheme: Scheme) -> dict:
    """What made a run's segments: its settings, the scheme file's content and the models' text."""
    models = hashlib.sha256("\0".join(db.sql_text(m) for m in SEGMENT_MODELS).encode())
    return {**run.settings(), "scheme_sha256": scheme.content_sha,
            "model_version": MODEL_VERSION, "models_sha256": models.hexdigest()}


def load_run_scheme(run: RunParams) -> Scheme:
    return load_scheme(run.scheme, bins=run.bins, factors=run.factors, params=run.scheme_params)


def register_scheme(con: duckdb.DuckDBPyConnection, scheme: Scheme, lang: str,
                    factors: str = "rfm") -> None:
    """Sources scheme_lookup (segment per score combination, for schemes on scores only),
    scheme_rules (range rules, for schemes on raw values) and scheme_segments (labels, rank):
    the scheme of what is built next, so another scheme or language replaces them (the tables
    built from the old ones keep their own keys)."""
    for name, table in scheme_tables(scheme, lang, factors).items():
        db.register(con, name, table, replace=True)


def scheme_tables(scheme: Scheme, lang: str, factors: str = "rfm") -> dict[str, pd.DataFrame]:
    """The scheme as the three tables the models read (on either engine)."""
    lookup = score_lookup(scheme, factors)
    rules = scheme.rules.astype({c: "float64" for c in scheme.rules.columns
                                 if c.endswith(("_min", "_max"))})
    if lookup is not None:
        rules = rules.iloc[0:0]  # the equality lookup assigns every combination
    else:
        lookup = pd.DataFrame({"r_key": pd.Series(dtype="int64"),
                               "f_key": pd.Series(dtype="int64"),
                               "m_key": pd.Series(dtype="int64"),
                               "segment": pd.Series(dtype="str")})
    return {"scheme_lookup": lookup, "scheme_rules": rules,
            "scheme_segments": scheme.segment_table(lang)}


def order_params(*, as_of: date, excluded_statuses) -> dict:
    return {"as_of": as_of, "excluded_statuses": list(excluded_statuses)}


def score_params(run: RunParams, as_of: date | None = None) -> dict:
    """Every parameter of the scores (rfm_scores.sql and what it reads) for this run."""
    cuts = run.fixed_cuts
    return {**order_params(as_of=as_of or run.as_of, excluded_statuses=run.excluded_statuses),
            "window_days": run.window_days, "bins": run.bins, "scoring": run.scoring,
            "monetary_basis": run.monetary, "r_cuts": cuts.get("recency_days", []),
            "f_cuts": cuts.get("frequency", []), "m_cuts": cuts.get("monetary", []), **run.use}


def build_orders(con, *, as_of: date, excluded_statuses) -> duckdb.DuckDBPyRelation:
    """One row per order on or before `as_of` (int_orders.sql)."""
    return db.build(con, "int_orders", **order_params(as_of=as_of,
                                                      excluded_statuses=excluded_statuses))


def build_rfm_customers(con, *, run: RunParams, scheme: Scheme,
                        as_of: date | None = None) -> duckdb.DuckDBPyRelation:
    """One row per customer: scores, segment and contacts; prospects included (rfm_customers.sql).
    Scores already built for these settings are not built again (a new scheme or language only
    assigns the segments)."""
    build_rfm_segments(con, run=run, scheme=scheme, as_of=as_of)
    return db.build(con, "rfm_customers", **score_params(run, as_of))


def build_rfm_segments(con, *, run: RunParams, scheme: Scheme,
                       as_of: date | None = None) -> duckdb.DuckDBPyRelation:
    """rfm_customers without the contact columns (rfm_segments.sql): what migration, the trend
    and the summaries read, cheaper at every extra as-of date."""
    register_scheme(con, scheme, run.lang, run.factors)
    table = db.table_name(con, "rfm_segments", **score_params(run, as_of))
    check_one_segment_each(con, table)
    return con.table(table)


def build_rfm_segments_at_dates(con, *, run: RunParams, scheme: Scheme,
                                dates) -> duckdb.DuckDBPyRelation:
    """rfm_segments at every date of `dates` in one pass over the lines
    (rfm_segments_at_dates.sql): one row per (as_of, customer), each date's rows those
    build_rfm_segments gives for it alone. The trend's month ends, computed together."""
    dates = sorted(set(dates))
    if not dates:
        raise ValueError("build_rfm_segments_at_dates: no dates given")
    register_scheme(con, scheme, run.lang, run.factors)
    params = {**score_params(run, dates[-1]), "as_of_dates": dates}
    table = db.table_name(con, "rfm_segments_at_dates", **params)
    check_one_segment_each(con, table)
    return con.table(table)


def build_segment_summary(con, run: RunParams, as_of: date | None = None
                          ) -> duckdb.DuckDBPyRelation:
    """One row per segment of the scheme, best first (segment_summary.sql)."""
    return db.build(con, "segment_summary", **score_params(run, as_of))


def check_one_segment_each(con, table: str) -> None:
    """Every customer exactly once, every buyer with a segment, in `table` (an rfm_segments
    table, as db.table_name gives it): a broken rule fails the run."""
    # an rfm_segments_at_dates table: each customer once per date is its grain, checked when it
    # is built ("-- unique: as_of, customer_id")
    dated = "as_of" in [c[0] for c in con.execute(f"describe {table}").fetchall()]
    once = "0" if dated else f"(select count(*) - count(distinct customer_id) from {table})"
    dup, missing = db.one(con, f"""
        select
            {once},
            (select count(*) from {table} where segment is null)
    """)
    if dup or missing:
        raise AssertionError(f"rfm_customers: {dup} customers counted twice, {missing} without a "
                             f"segment; the scheme's rules are not exclusive and complete")


def last_order_date(con, as_of: date):
    """The latest order on or before the as-of date in the staged orders (None when none)."""
    return db.one(con, "select max(order_date) from order_lines where order_date <= ?",
                  [as_of])[0]


def input_checksums(reports: dict[str, ingest.LoadReport]) -> dict[str, str]:
    return {kind: report.sha256 for kind, report in sorted(reports.items())}
