"""Who is slipping (issue 36, item 4): value/slipping.csv, with its channel lists after consent.

A customer is listed when, between the back-test's fit (`fitted_as_of`, by default the previous
month end: backtest.py's table of every customer then) and this month's (source customer_value):
- their P(alive) fell by more than `slipping_drop` (`p_alive_drop`), or
- it crossed one half from above (`crossed_half`), or
- their expected next purchase date (the last purchase plus their own rhythm, the usual gap
  between their purchases: repeat buyers only) passed two rhythms ago during the month, i.e.
  three rhythms since their last purchase were completed in (`fitted_as_of`, `as_of`]
  (`overdue`).
`reason` names every rule that holds, joined by "+". The first two need a fall of P(alive), so a
customer whose P(alive) rose (the model refit this month may think better of them) is listed for
`overdue` alone, and page 06 says how many. The revenue at stake is their expected revenue over
`horizon_days` as the model said last month minus what it says now (both over the same horizon,
both Gamma-Gamma spend times expected purchases): negative for a customer whose P(alive) fell
but whose expected revenue rose (their spend estimate or expected purchases rose with the refit).
The CSV keeps every row's difference as it is; the page's total at stake adds the positive ones
only (`at_stake`), a rise for one customer does not offset a fall for another.

Why 0.2 for `slipping_drop`: a customer who keeps their rhythm loses little P(alive) in a month,
and one whose next purchase is only a little late loses a few points; a fall of 20 points in one
month (1 in 5) is a change a person should look at, and on the sample shop it lists a few
percent of the buyers, a list a shop can act on. Crossing one half is listed whatever the fall.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from helpers.core.errors import ParamError
from helpers.engine import db
from helpers.kit.export import build_contact_lists, write_contact_lists
from helpers.kit.person_lists import EVIDENCE, PersonList, segment_labels

DEFAULT_DROP = 0.2
HALF = 0.5
OVERDUE_RHYTHMS = 2  # the expected next date passed this many rhythms ago
SLIPPING_COLUMNS = ["customer_id", "segment", "p_alive_before", "p_alive_now", "revenue_at_stake",
                    "reason", "expected_revenue_before", "expected_revenue", "rhythm_days",
                    "last_purchase_date", "expected_next_date", "name", "phone", "email",
                    "consent_sms", "consent_zalo", "consent_email"]
# the person's XLSX: the columns kit.person_lists has words and formats for first (p_alive is
# p_alive_now, shown as a percent), then the slipping's own
PERSON_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                  "consent_email", "segment", "p_alive", "expected_revenue", "last_purchase_date",
                  "p_alive_before", "revenue_at_stake", "reason", "rhythm_days",
                  "expected_next_date"]
SLIPPING_FILE = "value/slipping.csv"
SLIPPING_SHEET = {"vi": "Khách đang trượt dần", "en": "Customers slipping"}
# no fit at fitted_as_of (backtest.Backtest.ok false): nobody can be said to slip, the list is
# written empty (its columns as always)
NOBODY_BEFORE = ("(select cast(null as varchar) as customer_id, cast(null as double) as p_alive, "
                 "cast(null as double) as expected_revenue_horizon where false)")


def check_params(*, slipping_drop) -> None:
    """slipping_drop: a share of P(alive) between 0 and 1 (exclusive)."""
    if isinstance(slipping_drop, bool) or not isinstance(slipping_drop, (int, float)) \
            or not 0 < slipping_drop < 1:
        raise ParamError(f"slipping_drop = {slipping_drop!r}: give the fall of P(alive) in one "
                         f"month that lists a customer as slipping, a number between 0 and 1 "
                         f"such as {DEFAULT_DROP} (20 points)")


def slipping_table(con: duckdb.DuckDBPyConnection, before: str | None, *, fitted_as_of: date,
                   as_of: date, drop: float = DEFAULT_DROP) -> str:
    """Temp table slipping: the customers of `before` (backtest.SCRATCH: P(alive) and expected
    revenue over the horizon at `fitted_as_of`) who are slipping by source customer_value (now),
    with why; no contact columns. `before` None: nobody (NOBODY_BEFORE)."""
    before = before or NOBODY_BEFORE
    db.make_room(con, "slipping", "TABLE")
    con.execute(f"""
        create or replace temp table slipping as
        with joined as (
            select
                n.customer_id, n.segment,
                b.p_alive as p_alive_before, n.p_alive as p_alive_now,
                b.expected_revenue_horizon as expected_revenue_before,
                cast(n.expected_revenue as double) as expected_revenue,
                case when n.x > 0 then n.t_x / n.x * 7 end as rhythm_days,
                cast($as_of as date) - cast(round((n.T - n.t_x) * 7) as integer)
                    as last_purchase_date
            from {before} as b
            inner join customer_value as n on n.customer_id = b.customer_id
            where b.p_alive is not null and n.p_alive is not null
        ),
        flagged as (
            select *,
                p_alive_before - p_alive_now > $drop + 1e-9 as dropped,  -- not a float's last bit
                p_alive_before >= $half and p_alive_now < $half as crossed,
                rhythm_days > 0
                    and last_purchase_date + cast(ceil(($rhythms + 1) * rhythm_days) as integer)
                        > cast($fitted as date)
                    and last_purchase_date + cast(ceil(($rhythms + 1) * rhythm_days) as integer)
                        <= cast($as_of as date) as overdue
            from joined
        )
        select
            customer_id, segment, p_alive_before, p_alive_now,
            round(expected_revenue_before - expected_revenue, 2) as revenue_at_stake,
            concat_ws('+', case when dropped then 'p_alive_drop' end,
                      case when crossed then 'crossed_half' end,
                      case when overdue then 'overdue' end) as reason,
            round(expected_revenue_before, 2) as expected_revenue_before,
            round(expected_revenue, 2) as expected_revenue, round(rhythm_days, 1) as rhythm_days,
            last_purchase_date,
            case when rhythm_days > 0
                then last_purchase_date + cast(round(rhythm_days) as integer) end
                as expected_next_date,
            'slipping' as slipping_key
        from flagged
        where dropped or crossed or overdue
    """, {"drop": float(drop), "half": HALF, "rhythms": OVERDUE_RHYTHMS,
          "fitted": fitted_as_of, "as_of": as_of})
    return "slipping"


def figures(con: duckdb.DuckDBPyConnection, table: str = "slipping") -> dict:
    """How many are slipping, by which rule, and the revenue at stake (page 06's sentence):
    customers; dropped, crossed, overdue (each rule, a customer may meet several); fell (P(alive)
    fell by more than the drop or crossed one half: dropped or crossed); overdue_only (listed for
    their rhythm alone); rose (overdue customers whose P(alive) is higher now than before);
    at_stake (the sum of the positive revenue_at_stake: what is at stake) over `losing`
    customers; gaining (customers whose expected revenue rose, revenue_at_stake < 0, left out of
    at_stake) and net (the sum of every row, as value/slipping.csv adds up)."""
    row = con.execute(f"""
        select count(*),
               count(*) filter (where reason like '%p_alive_drop%'),
               count(*) filter (where reason like '%crossed_half%'),
               count(*) filter (where reason like '%overdue%'),
               count(*) filter (where reason like '%p_alive_drop%'
                                   or reason like '%crossed_half%'),
               count(*) filter (where reason = 'overdue'),
               count(*) filter (where p_alive_now > p_alive_before),
               coalesce(sum(revenue_at_stake) filter (where revenue_at_stake > 0), 0),
               count(*) filter (where revenue_at_stake > 0),
               count(*) filter (where revenue_at_stake < 0),
               sum(revenue_at_stake)
        from {table}
    """).fetchall()[0]
    return dict(zip(("customers", "dropped", "crossed", "overdue", "fell", "overdue_only", "rose",
                     "at_stake", "losing", "gaining", "net"), row))


def write_slipping(con: duckdb.DuckDBPyConnection, before: str | None, *, output_dir: Path,
                   fitted_as_of: date, as_of: date, drop: float = DEFAULT_DROP,
                   lang: str = "vi", written_at: datetime | None = None) -> dict:
    """value/slipping.csv (every customer slipping, with contacts) and its send list per channel
    after consent (value/<channel>/slipping.csv with its manifest), value/slipping.xlsx for a
    person; returns figures() and the files."""
    table = slipping_table(con, before, fitted_as_of=fitted_as_of, as_of=as_of, drop=drop)
    contacts = db.table_name(con, "int_customer_contacts")
    db.make_room(con, "slipping_customers", "TABLE")
    con.execute(f"create or replace temp table slipping_customers as "
                f"select s.*, s.p_alive_now as p_alive, c.* exclude (customer_id, birthday) "
                f"from {table} as s "
                f"inner join {contacts} as c on c.customer_id = s.customer_id")
    lists = build_contact_lists(con, "slipping_customers", "slipping_key")
    files = write_contact_lists(con, Path(output_dir) / "value", file_name="{key}.csv",
                                keys=["slipping"], columns=SLIPPING_COLUMNS,
                                order_by="revenue_at_stake", as_of=as_of, written_at=written_at,
                                table=lists.alias,
                                person=PersonList(columns=PERSON_COLUMNS + EVIDENCE, lang=lang,
                                                  segments=segment_labels(con),
                                                  sheets={"slipping": SLIPPING_SHEET[lang]}))
    return {**figures(con, table), "files": files, "drop": drop, "fitted_as_of": fitted_as_of}
