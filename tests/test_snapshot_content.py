"""Segment snapshots keyed by what a date's segments depend on (issue 34, item 2): the staged lines
dated up to the date and the customers signed up by then, not the whole export. A new month's
file that only adds later lines leaves every earlier snapshot valid; a late cancellation of an
old order invalidates exactly the dates on or after its line."""

from __future__ import annotations

from datetime import date

import pytest

from helpers.core.params import RunParams
from helpers.kit import rfm, snapshots
from helpers.pages.migration import compute as migration

JAN, FEB, MAR, APR = date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)


def O(customer, order_id, day, amount=100, status="completed"):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day,
            "amount": str(amount), "status": status}


ORDERS = [
    O("a", "1", "2024-01-10", 500), O("a", "2", "2024-02-20", 300),
    O("b", "3", "2024-01-05"), O("b", "4", "2024-03-25"),
    O("c", "5", "2024-02-25"), O("c", "6", "2024-03-30"),
    # an order with lines on both sides of February's end
    O("d", "7", "2024-02-28", 80), O("d", "7", "2024-03-02", 40),
    O("e", "8", "2024-03-10", -50, "refunded"),
]
LATER = [O("a", "9", "2024-04-05"), O("f", "10", "2024-04-20", 900)]
CUSTOMERS = [{"customer_id": c, "signup_date": "2024-01-01"} for c in "abcdef"] + [
    {"customer_id": "p", "signup_date": "2024-02-10"}]


@pytest.fixture
def shop(con, given_orders, given_customers, tmp_path):
    def stage(orders, customers=CUSTOMERS):
        given_orders(orders)
        given_customers(customers)

    stage(ORDERS)
    run = RunParams.from_values(as_of=MAR, orders_path=tmp_path / "orders.csv",
                                customers_path=tmp_path / "customers.csv",
                                scheme="tests/fixtures/active2.yaml")
    return stage, run, rfm.load_run_scheme(run)


def kinds(con, run, scheme, root, dates=(JAN, FEB, MAR)):
    ready = snapshots.prepare(con, run=run, scheme=scheme, dates=dates, snapshot_root=root)
    return {day: kind for day, (kind, _) in ready.items()}


def test_a_new_file_with_later_lines_leaves_every_earlier_snapshot_valid(con, shop, tmp_path):
    stage, run, scheme = shop
    root = tmp_path / "snaps"
    assert set(kinds(con, run, scheme, root).values()) == {"computed"}
    keys = snapshots.content_checksums(con, [JAN, FEB, MAR], run.excluded_statuses)
    # next month's export: the same lines and April's; a customer signed up in April
    stage(ORDERS + LATER, CUSTOMERS + [{"customer_id": "q", "signup_date": "2024-04-02"}])
    assert snapshots.content_checksums(con, [JAN, FEB, MAR], run.excluded_statuses) == keys
    assert kinds(con, run, scheme, root) == {JAN: "snapshot", FEB: "snapshot", MAR: "snapshot"}
    # only the new month end is computed
    assert kinds(con, run, scheme, root, (FEB, MAR, APR)) == {
        FEB: "snapshot", MAR: "snapshot", APR: "computed"}
    # segments_source (pages 02's pair, 05's campaign days) finds the same snapshots
    assert snapshots.segments_source(con, "seg_x", run=run, scheme=scheme, as_of=MAR,
                                     input_checksums={"orders": "a new export"},
                                     snapshot_root=root) == "snapshot"


def test_a_late_cancellation_invalidates_exactly_the_dates_it_touches(con, shop, tmp_path):
    stage, run, scheme = shop
    root = tmp_path / "snaps"
    kinds(con, run, scheme, root)
    # a's order of 20 February is cancelled in a later export
    cancelled = [dict(o, status="cancelled") if o["order_id"] == "2" else o for o in ORDERS]
    stage(cancelled + LATER)
    assert kinds(con, run, scheme, root) == {JAN: "snapshot", FEB: "computed", MAR: "computed"}
    # the recomputed segments are those of the data now: a's last purchase is 10 January
    ready = snapshots.prepare(con, run=run, scheme=scheme, dates=[FEB], snapshot_root=root)
    snapshots.point(con, "seg_feb", ready[FEB])
    assert con.execute("select recency_days, segment from seg_feb where customer_id = 'a'"
                       ).fetchall() == [(50, "lapsed")]
    # a status changed to another kept one changes no segment, and no key
    before = snapshots.content_checksums(con, [JAN, FEB, MAR], run.excluded_statuses)
    stage([dict(o, status="delivered") if o["status"] == "completed" else o
           for o in cancelled] + LATER)
    assert snapshots.content_checksums(con, [JAN, FEB, MAR], run.excluded_statuses) == before
    # a changed amount of the March line of d's order (on both sides of February's end)
    # touches March only
    stage([dict(o, amount="45") if (o["order_id"], o["order_date"]) == ("7", "2024-03-02")
           else o for o in cancelled])
    assert kinds(con, run, scheme, root) == {JAN: "snapshot", FEB: "snapshot", MAR: "computed"}


def test_a_new_signup_before_a_date_invalidates_it(con, shop, tmp_path):
    stage, run, scheme = shop
    root = tmp_path / "snaps"
    kinds(con, run, scheme, root)
    stage(ORDERS, CUSTOMERS + [{"customer_id": "r", "signup_date": "2024-02-15"}])
    assert kinds(con, run, scheme, root) == {JAN: "snapshot", FEB: "computed", MAR: "computed"}


def test_the_trend_reports_where_each_date_came_from(con, shop, tmp_path):
    stage, run, scheme = shop
    root = tmp_path / "snaps"
    ready = {}
    trend = migration.segment_trend(con, run=run, scheme=scheme, dates=[JAN, FEB, MAR],
                                    also=[date(2024, 3, 15)], ready=ready, input_checksums={},
                                    snapshot_root=root)
    assert sorted(ready) == [JAN, FEB, date(2024, 3, 15), MAR]
    assert {kind for kind, _ in ready.values()} == {"computed"}
    assert sorted(set(trend.month_end)) == [JAN, FEB, MAR]
    at_mar = trend[trend.month_end == MAR].set_index("segment").customers.to_dict()
    # b and c bought within 30 days; a on 20 February, d's order is dated at its first line (28
    # February); e only refunded, f never bought, p signed up: prospects
    assert at_mar == {"active": 2, "lapsed": 2, "prospect": 3}
    stage(ORDERS + LATER)
    again = {}
    same = migration.segment_trend(con, run=run, scheme=scheme, dates=[JAN, FEB, MAR],
                                   ready=again, input_checksums={}, snapshot_root=root)
    assert {kind for kind, _ in again.values()} == {"snapshot"}
    assert same.equals(trend)


def test_the_daily_sums_are_kept_beside_the_staged_files_for_the_next_notebook(con, shop,
                                                                               tmp_path,
                                                                               monkeypatch):
    """Pages 01, 02 and 05 each need the content keys: the first to scan the staged files keeps
    the daily sums beside them, the next notebooks (other connections) read them, and another
    staged file is another key."""
    from helpers.engine import db

    stage, run, _ = shop
    folder = tmp_path / "staged"
    folder.mkdir()
    for table in ("order_lines", "customers"):
        con.execute(f"copy {table} to '{folder / table}.parquet' (format parquet)")
    want = snapshots.content_checksums(con, [JAN, FEB, MAR], run.excluded_statuses)

    def staged(c):
        for table in ("order_lines", "customers"):
            db.register_parquet(c, table, folder / f"{table}.parquet", replace=True)
        return snapshots.content_checksums(c, [JAN, FEB, MAR], run.excluded_statuses)

    first = db.connect()
    assert staged(first) == want
    kept = list((folder / "models").glob("segment_content__*.json"))
    assert len(kept) == 1
    # the next notebook reads the kept sums
    read = []
    monkeypatch.setattr(snapshots, "_read_daily",
                        lambda path, real=snapshots._read_daily: read.append(real(path)) or read[-1])
    second = db.connect()
    assert staged(second) == want
    assert read and read[-1] is not None
    # another staged file (a late cancellation) is other sums, computed and kept beside them
    con.execute(f"copy (select * replace (case when order_id = '5' then 'cancelled' "
                f"else status end as status) from order_lines) "
                f"to '{folder}/order_lines.parquet' (format parquet)")
    third = db.connect()
    changed = staged(third)
    assert changed[JAN] == want[JAN] and changed[MAR] != want[MAR]
    assert read[-1] is None  # not kept yet for this file
    assert len(list((folder / "models").glob("segment_content__*.json"))) == 2
    for c in (first, second, third):
        c.close()


def test_the_trend_counts_each_segment_when_its_snapshot_is_written(con, shop, tmp_path):
    """segment_counts reads the customers per segment from the snapshot's meta.json (written
    with it), and counts the file when an older meta.json has none: the same figures."""
    import json

    _, run, scheme = shop
    ready = snapshots.prepare(con, run=run, scheme=scheme, dates=[FEB, MAR],
                              snapshot_root=tmp_path / "snaps")
    for _, path in ready.values():
        counted = dict(con.execute(f"select segment, count(*) from read_parquet('{path}') "
                                   f"group by segment").fetchall())
        assert snapshots.segment_counts(con, path) == counted
        meta = json.loads((path.parent / "meta.json").read_text(encoding="utf-8"))
        assert meta["segments"] == counted
        del meta["segments"]
        (path.parent / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        assert snapshots.segment_counts(con, path) == counted
