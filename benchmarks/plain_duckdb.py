"""The reference: one plain DuckDB SQL pipeline for RFM scores and rfm11 segments from Parquet.

What a competent analyst writes by hand in one query, with no validation, caching or exports. The
workbook's RFM + segments is measured against it (target: within 1.25x).
"""

from __future__ import annotations

from datetime import date

import duckdb

from benchmarks.pandas_rfm import GRID  # the rfm11 grid, written once for both baselines

SQL = """
with lines as (
    select customer_id, order_id, order_date, amount, status
    from read_parquet($path)
    where order_date <= $as_of
      and coalesce(lower(trim(status)), '') not in ('cancelled', 'canceled', 'failed', 'void')
),
orders as (
    select customer_id, min(order_date) as order_date, sum(amount) as amount
    from lines group by customer_id, order_id
),
metrics as (
    select customer_id,
           date_diff('day', max(order_date) filter (where amount > 0), $as_of) as recency_days,
           count(*) filter (where amount > 0) as frequency,
           sum(amount) as monetary
    from orders group by customer_id
    having count(*) filter (where amount > 0) > 0
),
scored as (
    select *,
        1 + (5 * (rank() over (order by recency_days desc) - 1)) // count(*) over () as r,
        1 + (5 * (rank() over (order by frequency) - 1)) // count(*) over () as f,
        1 + (5 * (rank() over (order by monetary) - 1)) // count(*) over () as m
    from metrics
)
select scored.*, grid.segment
from scored
join grid on grid.r = scored.r and grid.fm = (scored.f + scored.m + 1) // 2
"""


def rfm_segments(path, *, as_of: date) -> int:
    con = duckdb.connect()
    con.execute("create table grid (r int, fm int, segment varchar)")
    con.executemany("insert into grid values (?, ?, ?)",
                    [(r, fm + 1, seg) for r, row in GRID.items() for fm, seg in enumerate(row)])
    con.execute(f"create table result as {SQL}", {"path": str(path), "as_of": as_of})
    return con.execute("select count(*) from result").fetchall()[0][0]
