"""The model graph: what each SQL file reads and takes, built once per parameters, nothing
overwritten, grains checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from helpers import ingest
from helpers.engine import db
from helpers.engine.db import ModelError
from helpers.kit import rfm


def test_each_model_reads_what_its_sql_says():
    assert db.model("rfm_scores").deps == ("int_customer_metrics",)
    assert db.model("int_customer_metrics").deps == ("int_orders",)
    assert db.model("int_orders").deps == ("int_order_totals",)
    assert db.model("int_order_totals").sources == ("order_lines",)  # an import CTE of that name
    assert set(db.model("rfm_segments").sources) == {"scheme_rules", "scheme_segments",
                                                     "customers", "scheme_lookup"}
    assert set(db.model("rfm_customers").deps) == {"rfm_segments", "int_customer_contacts"}
    # the lists it counts are the table the caller gives (a declared input), not a dependency
    assert db.model("contact_list_counts").inputs == ("contact_lists",)
    assert db.model("contact_list_counts").deps == ()
    # the trend's chain at a set of dates reads as the single date's does
    assert db.model("rfm_segments_at_dates").deps == ("rfm_scores_at_dates",)
    assert db.model("rfm_scores_at_dates").deps == ("int_customer_metrics_at_dates",)
    assert db.model("int_customer_metrics_at_dates").deps == ("int_orders_at_dates",)
    assert db.model("int_orders_at_dates").deps == ("int_order_totals",)
    assert db.model("rfm_segments_at_dates").unique == ("as_of", "customer_id")
    # only the parameters a file uses: the order totals are the same table at every as-of date
    assert set(db.model("int_orders").params) == {"as_of", "excluded_statuses"}
    assert db.model("int_order_totals").params == ("excluded_statuses",)
    # loyalty_spend sees spend at one date from the orders known at another
    assert {"spend_as_of", "period_days"} <= set(db.model("loyalty_spend").params)
    assert db.model("cohort_revenue").unique == ("cohort", "period")
    for name in db.model_names():  # every dependency is a model, none is its own
        m = db.model(name)
        assert name not in m.deps and set(m.deps) <= db.model_names()


def O(customer, order_id, day, amount=100):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day, "amount": str(amount)}


def test_two_dates_give_two_tables_and_each_is_built_once(con, given_orders):
    given_orders([O("a", "1", "2024-01-10"), O("a", "2", "2024-03-05"), O("b", "3", "2024-02-01")])
    early = dict(as_of=date(2024, 1, 31), excluded_statuses=[])
    late = dict(as_of=date(2024, 3, 31), excluded_statuses=[])
    t_early = db.table_name(con, "int_orders", **early)
    t_late = db.table_name(con, "int_orders", **late)
    assert t_early != t_late
    # the order totals are built once for both dates (a view over the file persisted beside the
    # staged export: db._persisted)
    assert len(con.execute("select view_name from duckdb_views() "
                           "where view_name like 'int_order_totals\\_\\_%' escape '\\'").fetchall()) == 1
    assert con.execute(f"select count(*) from {t_early}").fetchall()[0][0] == 1
    assert con.execute(f"select count(*) from {t_late}").fetchall()[0][0] == 3
    oid = con.execute("select table_oid from duckdb_tables() where table_name = ?",
                      [t_early]).fetchall()
    assert db.table_name(con, "int_orders", **early, unused="ignored") == t_early  # not rebuilt
    assert con.execute("select table_oid from duckdb_tables() where table_name = ?",
                       [t_early]).fetchall() == oid
    # the plain name is the table built last, for queries written by hand
    assert con.execute("select count(*) from int_orders").fetchall()[0][0] == 1


def test_order_totals_are_written_once_beside_the_staged_export_for_every_process(
        tmp_path, write_csv):
    """Each notebook of the month is its own process: the order totals (every line grouped by
    order) are built by the first and read from the file by the others, never from a file of
    another export."""
    rows = [O("a", "1", "2024-01-10", 100), O("a", "1", "2024-01-10", 50),
            O("b", "2", "2024-02-01", 70)]
    header = ["order_id", "customer_id", "order_date", "amount", "status", "channel"]
    path = write_csv([{k: r.get(k, "") for k in header} for r in rows], header=header)
    params = dict(excluded_statuses=[])

    def session():
        con = db.connect()
        ingest.load(con, "orders", path, cache_dir=tmp_path / "cache",
                    quarantine_dir=tmp_path / "q")
        table = db.table_name(con, "int_order_totals", **params)
        return con, table, con.execute(f"select customer_id, amount from {table} "
                                       f"order by customer_id").fetchall()

    first, table, totals = session()
    assert totals == [("a", Decimal("150")), ("b", Decimal("70"))]
    stored = list((tmp_path / "cache").glob("orders-*/models/int_order_totals__*.parquet"))
    assert [p.stem.split("__")[1] for p in stored] == [table.split("__")[1]]
    written = stored[0].stat().st_ino  # a file written again is a new file
    second, table2, totals2 = session()
    assert (table2, totals2) == (table, totals) and stored[0].stat().st_ino == written
    # another export in the same place: its own totals, the old file is not read
    rows.append(O("c", "3", "2024-03-01", 5))
    path.write_text("", encoding="utf-8")
    write_csv([{k: r.get(k, "") for k in header} for r in rows], header=header)
    _, table3, totals3 = session()
    assert table3 != table and ("c", Decimal("5")) in totals3
    first.close()
    second.close()


def test_a_changed_source_rebuilds_what_reads_it_and_the_same_content_does_not(con):
    frame = pd.DataFrame({"segment": ["a"], "segment_rank": [1], "segment_label": ["A"],
                          "segment_description": [""], "suggested_action": [""]})
    db.register(con, "scheme_segments", frame)
    first = db._identity(con, "scheme_segments")
    db.register(con, "scheme_segments", frame.copy())
    assert db._identity(con, "scheme_segments") == first
    # other content under the same name is said, never silently swapped in
    with pytest.raises(ModelError, match=r"source scheme_segments is already a registered table "
                                         r"\(1 rows, content \w+\); registering a registered "
                                         r"table \(1 rows, content \w+\)"):
        db.register(con, "scheme_segments", frame.assign(segment_label=["B"]))
    assert db._identity(con, "scheme_segments") == first
    db.register(con, "scheme_segments", frame.assign(segment_label=["B"]), replace=True)
    assert db._identity(con, "scheme_segments") != first


def test_a_missing_parameter_and_a_broken_grain_are_errors_that_say_which(con, given_orders):
    given_orders([O("a", "1", "2024-01-10")])
    with pytest.raises(ModelError, match=r"model int_orders needs \$excluded_statuses"):
        db.build(con, "int_orders", as_of=date(2024, 1, 31))
    con.execute("create or replace temp table contact_source as "
                "select 'x' as list_key, * from (values ('c1'), ('c1')) t(customer_id)")
    with pytest.raises(ModelError, match=r"no model 'nope'"):
        db.build(con, "nope")
    with pytest.raises(ModelError, match=r"\(customer_id\) should be unique.*'c1'.*2 times"):
        db._check_unique(con, "contact_source", "contact_source", ("customer_id",))


def test_scores_are_reused_across_schemes(con, given_orders, tmp_path):
    from helpers.core.params import RunParams

    given_orders([O("a", "1", "2024-01-10"), O("b", "2", "2024-03-05")])
    con.execute(rfm.EMPTY_CUSTOMERS)
    run = RunParams.from_values(as_of=date(2024, 3, 31), orders_path=tmp_path / "orders.csv")
    a = rfm.build_rfm_customers(con, run=run, scheme=rfm.load_run_scheme(run)).alias
    b = rfm.build_rfm_customers(con, run=run.replace(scheme="vn4"),
                                scheme=rfm.load_run_scheme(run.replace(scheme="vn4"))).alias
    assert a != b
    scores = con.execute("select count(*) from duckdb_tables() "
                         "where table_name like 'rfm\\_scores\\_\\_%' escape '\\'").fetchall()[0][0]
    assert scores == 1


def test_a_long_session_keeps_only_the_recent_tables_of_a_model(con, given_orders):
    """An explorer session or a 12-month trend builds a model for many dates: the least recently
    used tables are dropped beyond db.KEEP, and one asked for again is simply built again."""
    given_orders([O("a", "1", "2024-01-10"), O("b", "2", "2024-03-05")])
    days = [date(2024, 1, d) for d in range(11, 11 + db.KEEP + 3)]
    names = [db.table_name(con, "int_orders", as_of=d, excluded_statuses=[]) for d in days]
    kept = {r[0] for r in con.execute("select table_name from duckdb_tables() "
                                      "where table_name like 'int\\_orders\\_\\_%' escape '\\'")
            .fetchall()}
    assert kept == set(names[-db.KEEP:])
    again = db.table_name(con, "int_orders", as_of=days[0], excluded_statuses=[])
    assert again == names[0]
    assert con.execute(f"select count(*) from {again}").fetchall()[0][0] == 1


def test_a_large_table_is_kept_only_while_it_is_the_latest_of_its_model(con, given_orders,
                                                                       monkeypatch):
    """At 100M lines one int_orders holds 60M orders: a trend of 12 dates keeping four of each
    model filled DuckDB's temp disk. Tables of KEEP_LARGE_ROWS rows or more are kept one."""
    monkeypatch.setattr(db, "KEEP_LARGE_ROWS", 2)
    given_orders([O("a", "1", "2024-01-10"), O("b", "2", "2024-01-05"), O("c", "3", "2024-01-06")])
    days = [date(2024, 1, d) for d in range(11, 15)]
    names = [db.table_name(con, "int_orders", as_of=d, excluded_statuses=[]) for d in days]
    kept = {r[0] for r in con.execute("select table_name from duckdb_tables() "
                                      "where table_name like 'int\\_orders\\_\\_%' escape '\\'")
            .fetchall()}
    assert kept == {names[-1]}
    # a small model's tables are kept as before
    monkeypatch.setattr(db, "KEEP_LARGE_ROWS", 10)
    names = [db.table_name(con, "int_orders", as_of=d, excluded_statuses=[]) for d in days]
    assert con.execute("select count(*) from duckdb_tables() where table_name like "
                       "'int\\_orders\\_\\_%' escape '\\'").fetchall()[0][0] == db.KEEP


def test_scores_and_cohorts_agree_on_every_first_purchase(con, given_orders, tmp_path):
    """rfm_scores keeps its own aggregate for speed; it must give the first purchase that
    int_second_purchases (read by cohorts) gives, refunds and same-day orders included."""
    from helpers.core.params import RunParams

    given_orders([O("a", "1", "2024-01-05", -50), O("a", "2", "2024-01-09"),
                  O("b", "3", "2024-02-01"), O("b", "4", "2024-02-01"),
                  O("c", "5", "2024-03-01", -20), O("d", "6", "2024-03-20")])
    con.execute(rfm.EMPTY_CUSTOMERS)
    run = RunParams.from_values(as_of=date(2024, 3, 31), orders_path=tmp_path / "orders.csv")
    scores = db.table_name(con, "rfm_scores", **rfm.score_params(run))
    firsts = db.table_name(con, "int_second_purchases", **rfm.score_params(run))
    pairs = con.execute(f"""
        select coalesce(s.customer_id, f.customer_id), s.first_purchase_date, f.first_purchase_date
        from {scores} as s full join {firsts} as f on s.customer_id = f.customer_id
        where s.first_purchase_date is distinct from f.first_purchase_date
    """).fetchall()
    assert pairs == []
    got = dict(con.execute(f"select customer_id, first_purchase_date from {firsts}").fetchall())
    assert got == {"a": date(2024, 1, 9), "b": date(2024, 2, 1), "d": date(2024, 3, 20)}


def test_contacts_cover_every_known_id_with_consent_false_unless_given(con, given_orders,
                                                                        given_customers):
    given_orders([O("a", "1", "2024-01-10"), O("buyer-only", "2", "2024-01-11")])
    given_customers([{"customer_id": "a", "name": "An", "phone": "0912345678",
                      "consent_sms": "có", "consent_zalo": "", "consent_email": "no"},
                     {"customer_id": "never-bought", "consent_email": "yes"}])
    table = db.table_name(con, "int_customer_contacts")
    got = {r[0]: r[1:] for r in con.execute(
        f"select customer_id, name, consent_sms, consent_zalo, consent_email from {table}"
    ).fetchall()}
    assert got == {"a": ("An", True, False, False),
                   "buyer-only": (None, False, False, False),  # false, never null
                   "never-bought": (None, False, False, True)}


def test_a_persisted_file_unused_for_a_day_goes_when_another_is_written(tmp_path, write_csv,
                                                                          monkeypatch):
    import os
    import time

    header = ["order_id", "customer_id", "order_date", "amount", "status", "channel"]

    def session(rows):
        path = write_csv([{k: r.get(k, "") for k in header} for r in rows], header=header)
        con = db.connect()
        ingest.load(con, "orders", path, cache_dir=tmp_path / "cache", quarantine_dir=tmp_path)
        db.table_name(con, "int_order_totals", excluded_statuses=[])
        db.table_name(con, "int_order_totals", excluded_statuses=["void"])
        con.close()
        return sorted((tmp_path / "cache").glob("orders-*/models/int_order_totals__*.parquet"))

    first = session([O("a", "1", "2024-01-10")])
    assert len(first) == 2
    stale = time.time() - 2 * db.PERSISTED_KEPT_SECONDS
    os.utime(first[0], (stale, stale))
    # the same export with another status setting: the stale file goes, the used one stays
    again = session([O("a", "1", "2024-01-10")])
    assert again == first  # both were asked for again: read, and kept
    os.utime(first[0], (stale, stale))
    con = db.connect()
    ingest.load(con, "orders", tmp_path / "orders.csv", cache_dir=tmp_path / "cache",
                quarantine_dir=tmp_path)
    db.table_name(con, "int_order_totals", excluded_statuses=["x"])
    left = sorted((tmp_path / "cache").glob("orders-*/models/int_order_totals__*.parquet"))
    assert first[0] not in left and first[1] in left and len(left) == 2
