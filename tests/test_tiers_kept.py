"""Page 04's kept tiers (issue 34, a later month): a month end's tiers (tier_now) are kept in
page 04's store, keyed by the lines dated up to that month end, and the next month reads them as
its tier_previous instead of building last month's orders and spend again. The members are the
same as building everything; a changed old line makes the kept tiers invalid."""

from __future__ import annotations

from datetime import date

import pytest

from helpers.kit import snapshots
from helpers.pages.tiers import compute as loyalty

SEP, OCT = date(2024, 9, 30), date(2024, 10, 31)
COLUMNS = ("customer_id, spend, tier, points, next_tier, gap_to_next, close_to_next, "
           "previous_tier, tier_change, will_drop, tier_at_reranking")


def O(customer, order_id, day, amount, status="completed"):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day,
            "amount": str(amount), "status": status}


ORDERS = [
    O("a", "1", "2024-03-01", 4_000_000), O("a", "2", "2024-10-05", 2_000_000),
    O("b", "3", "2024-09-30", 1_999_999), O("b", "4", "2024-10-10", 1),
    O("c", "5", "2023-10-15", 6_000_000),  # leaves the rolling year in October: down
    O("d", "6", "2024-09-29", 15_000_000), O("d", "7", "2024-10-02", -500_000, "refunded"),
    O("e", "8", "2024-10-20", 300_000),  # new in October
    # an order with lines on both sides of September's end
    O("f", "9", "2024-09-30", 1_000_000), O("f", "9", "2024-10-01", 1_500_000),
]


@pytest.fixture
def shop(con, given_orders, tmp_path, monkeypatch):
    monkeypatch.setitem(snapshots.segments_source.__kwdefaults__, "snapshot_root",
                        tmp_path / "snaps")
    given_orders(ORDERS)
    con.execute("create or replace temp table customers as select cast(null as varchar) as "
                "customer_id, cast(null as date) as signup_date where false")
    return loyalty.load_loyalty("params/loyalty.yaml")


def members(con, config, as_of, store=None):
    table = loyalty.build_loyalty_members(con, as_of=as_of, config=config,
                                          excluded_statuses=["cancelled"], store=store).alias
    return sorted(con.execute(f"select {COLUMNS} from {table}").fetchall())


def test_last_months_tiers_are_read_back_as_this_months_previous(con, shop):
    config, store = shop, loyalty.tier_store()
    built = members(con, config, OCT)
    assert {r[0]: r[8] for r in built}["c"] == "down"  # tier_change, by hand
    assert {r[0]: r[8] for r in built}["e"] == "new"
    # September's month: its tiers kept; October's previous read from them
    members(con, config, SEP, store)
    kept = list(store.glob("as_of=2024-09-30/key=*/tiers.parquet"))
    assert len(kept) == 1
    said = loyalty._tier_table(con, "tier_check", as_of=SEP, spend_as_of=SEP, config=config,
                               excluded_statuses=["cancelled"], store=store)
    assert said == "kept"
    assert members(con, config, OCT, store) == built
    assert list(store.glob("as_of=2024-10-31/key=*/tiers.parquet"))  # for November


def test_a_changed_line_before_the_month_end_is_not_read_from_the_kept_tiers(
        con, shop, given_orders):
    config, store = shop, loyalty.tier_store()
    members(con, config, SEP, store)
    changed = [dict(o, status="cancelled") if o["order_id"] == "3" else o for o in ORDERS]
    given_orders(changed)
    said = loyalty._tier_table(con, "tier_check", as_of=SEP, spend_as_of=SEP, config=config,
                               excluded_statuses=["cancelled"], store=store)
    assert said == "built and kept"
    fresh = members(con, config, OCT)
    assert members(con, config, OCT, store) == fresh
    assert {r[0]: r[7] for r in fresh}["b"] is None  # b had no purchase by September now


def test_a_store_that_cannot_be_written_builds_the_tiers_each_month(con, shop):
    # red team: a file where the store's folder goes stopped page 04 (the clean-up raised)
    config, store = shop, loyalty.tier_store()
    built = members(con, config, OCT)
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("not a folder", encoding="utf-8")
    members(con, config, SEP, store)
    assert members(con, config, OCT, store) == built
    assert store.read_text(encoding="utf-8") == "not a folder"
