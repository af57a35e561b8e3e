"""Page 01's own figures: cut points, score levels, the headline, the R x FM grid, the
distributions and revenue concentration."""

from __future__ import annotations

import duckdb
import pandas as pd

from helpers.core.params import RunParams
from helpers.engine import db
from helpers.kit.rfm import score_params


def cut_points(con, *, bins: int, table: str | None = None) -> pd.DataFrame:
    """Per factor and score level: the raw values it stands for and how many customers; empty too.
    `table`: the rfm_customers table to read (rfm.build_rfm_customers(…).alias, or
    db.table_name); without it, the one built last (db.latest): callers should pass it."""
    table = table or db.latest(con, "rfm_customers")
    frame = con.execute(f"""
        select 'R' as factor, r_score as score, min(recency_days) as value_min,
               max(recency_days) as value_max, count(*) as customers
        from {table} where segment <> 'prospect' and r_score is not null group by all
        union all
        select 'F', f_score, min(frequency), max(frequency), count(*)
        from {table} where segment <> 'prospect' and f_score is not null group by all
        union all
        select 'M', m_score, min(monetary), max(monetary), count(*)
        from {table} where segment <> 'prospect' and m_score is not null group by all
    """).df()
    factors = sorted(set(frame.factor), key="RFM".index)
    full = pd.MultiIndex.from_product([factors, range(1, bins + 1)], names=["factor", "score"])
    out = frame.set_index(["factor", "score"]).reindex(full).reset_index()
    out["customers"] = out["customers"].fillna(0).astype(int)
    return out


def empty_levels(cuts: pd.DataFrame) -> list[str]:
    """['F = 2', ...]: score levels nobody reached (normal when most buyers buy once)."""
    rows = cuts[cuts.customers == 0]
    return [f"{r.factor} = {r.score}" for r in rows.itertuples()]


def headline(con, run: RunParams) -> dict:
    """The figures page 01 opens with (rfm_headline.sql), one dict."""
    frame = db.build(con, "rfm_headline", **score_params(run)).df()
    return {k: (None if pd.isna(v) else v) for k, v in frame.iloc[0].to_dict().items()}


def build_revenue_concentration(con, run: RunParams) -> duckdb.DuckDBPyRelation:
    """One row per percentile of buyers: share of revenue (revenue_concentration.sql)."""
    return db.build(con, "revenue_concentration", **score_params(run))


def rfm_grid(con, run: RunParams) -> pd.DataFrame:
    """Customers and revenue per (r_score, fm_score) cell (rfm_grid.sql)."""
    return db.build(con, "rfm_grid", **score_params(run)).df()


def distributions(con, run: RunParams) -> pd.DataFrame:
    """Buyers per bucket of recency, frequency and monetary (rfm_distributions.sql)."""
    return db.build(con, "rfm_distributions", **score_params(run)).df()
