"""Page 05's campaign days kept (issue 34, a later month): each campaign's segments the day before
it began, and the plan's window start, are kept in page 05's own store (campaign_store()), keyed
like every snapshot by the settings and the lines dated up to the day. A later month reads them
instead of computing them again; what is read equals what is computed; page 01/02's store is read
but never written."""

from __future__ import annotations

from datetime import date

import pytest

from helpers.core.params import RunParams
from helpers.kit import rfm, snapshots
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.campaigns import days

DAY = date(2024, 2, 29)


def O(customer, order_id, day, amount=100, status="completed"):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day,
            "amount": str(amount), "status": status}


ORDERS = [
    O("a", "1", "2024-01-10", 500), O("a", "2", "2024-02-20", 300),
    O("b", "3", "2024-01-05"), O("b", "4", "2024-03-25"),
    O("c", "5", "2024-02-25"), O("c", "6", "2024-03-30"),
    O("d", "7", "2024-02-28", 80), O("d", "7", "2024-03-02", 40),
]
LATER = [O("a", "9", "2024-04-05"), O("f", "10", "2024-04-20", 900)]
CUSTOMERS = [{"customer_id": c, "signup_date": "2024-01-01"} for c in "abcdf"]


@pytest.fixture
def shop(con, given_orders, given_customers, tmp_path, monkeypatch):
    # page 01/02's store and page 05's beside it, both private to the test
    monkeypatch.setitem(snapshots.segments_source.__kwdefaults__, "snapshot_root",
                        tmp_path / "snaps")

    def stage(orders):
        given_orders(orders)
        given_customers(CUSTOMERS)

    stage(ORDERS)
    run = RunParams.from_values(as_of=date(2024, 3, 31), orders_path=tmp_path / "orders.csv",
                                customers_path=tmp_path / "customers.csv",
                                scheme="tests/fixtures/active2.yaml")
    con.execute("create or replace temp table campaigns as select * from (values "
                "('C1', date '2024-03-01'), ('C2', date '2024-03-20'), ('C3', date '2024-05-01')"
                ") t(campaign_id, start_date)")
    return stage, run, rfm.load_run_scheme(run)


def rows(con, table, columns="*"):
    return sorted(con.execute(f"select {columns} from {table}").fetchall())


def test_a_campaign_day_is_computed_once_then_read_from_page_05s_store(con, shop, tmp_path):
    stage, run, scheme = shop
    store = days.campaign_store()
    assert store == tmp_path / "snaps" / "campaign_days"
    said = days.segments_at(con, "seg_x", run=run, scheme=scheme, day=DAY,
                            input_checksums={}, store=store)
    computed = rows(con, "seg_x", ", ".join(snapshots.SNAPSHOT_COLUMNS))
    assert said == "computed" and computed
    # the next month: a new export that adds only later lines
    stage(ORDERS + LATER)
    assert days.segments_at(con, "seg_x", run=run, scheme=scheme, day=DAY,
                                   input_checksums={}, store=store) == "kept"
    assert rows(con, "seg_x", ", ".join(snapshots.SNAPSHOT_COLUMNS)) == computed
    # page 01/02's store is never written by page 05
    assert not list((tmp_path / "snaps" / "customer_segments").glob("scheme=*"))
    # a changed line on or before the day: computed again
    stage([dict(o, amount="999") if o["order_id"] == "5" else o for o in ORDERS + LATER])
    assert days.segments_at(con, "seg_x", run=run, scheme=scheme, day=DAY,
                                   input_checksums={}, store=store) == "computed"


def test_a_day_page_02_keeps_is_read_from_its_store_and_not_copied(con, shop, tmp_path):
    _, run, scheme = shop
    snapshots.prepare(con, run=run, scheme=scheme, dates=[DAY],
                      snapshot_root=tmp_path / "snaps")
    store = days.campaign_store()
    assert days.segments_at(con, "seg_x", run=run, scheme=scheme, day=DAY,
                                   input_checksums={}, store=store) == "snapshot"
    assert not store.exists()


def test_campaign_segments_from_the_store_equal_those_computed(con, shop):
    _, run, scheme = shop
    plain = rows(con, campaigns.build_campaign_segments(
        con, run=run, scheme=scheme, input_checksums={}).alias)
    store = days.campaign_store()
    for _ in range(2):  # computed and kept, then read
        kept = rows(con, campaigns.build_campaign_segments(
            con, run=run, scheme=scheme, input_checksums={}, store=store).alias)
        assert kept == plain
    assert {r[2] for r in plain} == {"C1", "C2"}  # C3 starts after the as-of date
    assert len(list(store.glob("customer_segments/scheme=*/as_of=*"))) == 2


def test_a_store_that_cannot_be_written_only_costs_the_computation(con, shop, tmp_path):
    # red team: a file where the store's folder goes (as a read-only copy of the snapshots does)
    # stopped page 05 with NotADirectoryError; the day is computed and the page goes on
    stage, run, scheme = shop
    store = days.campaign_store()
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("not a folder", encoding="utf-8")
    for _ in range(2):
        assert days.segments_at(con, "seg_x", run=run, scheme=scheme, day=DAY,
                                input_checksums={}, store=store) == "computed"
    columns = ", ".join(snapshots.SNAPSHOT_COLUMNS)
    kept = rows(con, "seg_x", columns)
    days.segments_at(con, "seg_y", run=run, scheme=scheme, day=DAY, input_checksums={})
    assert kept and kept == rows(con, "seg_y", columns)
    assert store.read_text(encoding="utf-8") == "not a folder"
