"""Loyalty tiers on hand-made data: thresholds, rolling period, gaps, changes, lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from helpers.kit import rfm
from helpers.pages.tiers import compute as loyalty

AS_OF = date(2024, 6, 30)


def O(customer, order_id, day, amount):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day, "amount": str(amount)}


@pytest.fixture
def members(con, given_orders, given_customers):
    def _build(rows, customers=None, as_of=AS_OF, path="params/loyalty.yaml"):
        given_orders(rows)
        if customers:
            given_customers(customers)
        else:
            con.execute(rfm.EMPTY_CUSTOMERS)
        config = loyalty.load_loyalty(path)
        loyalty.build_loyalty_members(con, as_of=as_of, config=config, excluded_statuses=[])
        cols = ("customer_id, spend, tier, points, next_tier, gap_to_next, close_to_next, "
                "previous_tier, tier_change, will_drop, tier_at_reranking")
        rows = con.execute(f"select {cols} from loyalty_members").fetchall()
        names = [c.strip() for c in cols.split(",")]
        return {r[0]: dict(zip(names, r)) for r in rows}

    return _build


def test_exactly_at_a_threshold_reaches_the_tier(members):
    got = members([O("a", "1", "2024-06-01", 2_000_000), O("b", "2", "2024-06-01", 1_999_999),
                   O("c", "3", "2024-06-01", 15_000_000)])
    assert got["a"]["tier"] == "silver" and got["b"]["tier"] == "member"
    assert got["c"]["tier"] == "platinum"
    assert got["c"]["next_tier"] is None and got["c"]["gap_to_next"] is None
    assert not got["c"]["close_to_next"]
    assert got["a"]["gap_to_next"] == Decimal("3000000") and got["a"]["next_tier"] == "gold"


def test_spend_uses_the_rolling_period_and_refunds(members):
    got = members([
        O("a", "1", "2023-07-01", 9_000_000),   # exactly 365 days before: outside (D-365, D]
        O("a", "2", "2023-07-02", 1_000_000),   # 364 days before: inside
        O("a", "3", "2024-06-30", 1_500_000),
        O("b", "4", "2024-01-10", 3_000_000), O("b", "R", "2024-02-01", -3_500_000),
    ])
    assert got["a"]["spend"] == Decimal("2500000") and got["a"]["tier"] == "silver"
    assert got["b"]["spend"] == Decimal("-500000") and got["b"]["tier"] == "member"
    assert got["b"]["points"] == 0  # points never go negative


def test_points_are_floored(members):
    got = members([O("a", "1", "2024-06-01", 129_999), O("b", "2", "2024-06-01", 130_000)])
    assert (got["a"]["points"], got["b"]["points"]) == (12, 13)


def test_close_to_next_tier(members):
    # gold at 5,000,000; close when the gap <= 0.2 x 5,000,000 = 1,000,000
    got = members([O("a", "1", "2024-06-01", 4_000_000), O("b", "2", "2024-06-01", 3_999_999)])
    assert got["a"]["close_to_next"] and not got["b"]["close_to_next"]


def test_upgrades_downgrades_and_new_members_against_the_previous_month_end(members):
    got = members([
        O("up", "1", "2024-05-10", 1_000_000), O("up", "2", "2024-06-10", 1_500_000),
        O("down", "3", "2023-06-15", 2_500_000), O("down", "4", "2024-05-31", 10),
        O("same", "5", "2024-01-01", 100),
        O("new", "6", "2024-06-15", 100),
    ])
    assert (got["up"]["previous_tier"], got["up"]["tier"], got["up"]["tier_change"]) == (
        "member", "silver", "up")
    # on 31 May the 15 June 2023 order was inside the year; on 30 June it has left it
    assert (got["down"]["previous_tier"], got["down"]["tier"]) == ("silver", "member")
    assert got["down"]["tier_change"] == "down"
    assert got["same"]["tier_change"] == "same"
    assert got["new"]["previous_tier"] is None and got["new"]["tier_change"] == "new"


def test_will_drop_at_the_next_reranking_if_nothing_changes(members):
    got = members([O("a", "1", "2023-10-01", 5_000_000),   # leaves the year before 31/12/2024
                   O("b", "2", "2024-06-01", 5_000_000)])  # still counts on 31/12/2024
    assert got["a"]["tier"] == "gold" and got["a"]["will_drop"]
    assert got["a"]["tier_at_reranking"] == "member"
    assert got["b"]["tier"] == "gold" and not got["b"]["will_drop"]


def test_birthday_list_is_next_month(con, members):
    members([O("a", "1", "2024-06-01", 100), O("b", "2", "2024-06-01", 100)],
            customers=[{"customer_id": "a", "birthday": "15/07/1990"},
                       {"customer_id": "b", "birthday": "15/06/1990"}])
    loyalty.build_tier_lists(con, as_of=AS_OF, config=loyalty.load_loyalty("params/loyalty.yaml"))
    got = con.execute("select customer_id from tier_lists where list_key = 'birthdays'").fetchall()
    assert got == [("a",)]


def test_next_reranking_and_bad_files(tmp_path):
    assert loyalty.next_reranking(date(2024, 6, 30), (31, 12)) == date(2024, 12, 31)
    assert loyalty.next_reranking(date(2024, 12, 31), (31, 12)) == date(2025, 12, 31)
    bad = tmp_path / "l.yaml"
    bad.write_text("tiers:\n  - {key: a, vi: A, en: A, threshold: 5}\n"
                   "  - {key: b, vi: B, en: B, threshold: 1}\n", encoding="utf-8")
    with pytest.raises(loyalty.LoyaltyError, match="rise strictly"):
        loyalty.load_loyalty(bad)


def test_the_gap_histogram_counts_members_in_round_bins_per_next_tier(con, members):
    # gaps: silver at 2,000,000 -> a 1,000,000, b 1,950,000, c 1,999,999 (spend 1), member d
    # with a refund (spend -500,000 -> gap 2,500,000); gold at 5,000,000 -> e 100,000
    members([O("a", "1", "2024-06-01", 1_000_000), O("b", "2", "2024-06-01", 50_000),
             O("c", "3", "2024-06-01", 1), O("d", "4", "2024-06-01", 500_000),
             O("d", "R", "2024-06-02", -1_000_000), O("e", "5", "2024-06-01", 4_900_000),
             O("f", "6", "2024-06-01", 20_000_000)])  # platinum: no next tier, not counted
    config = loyalty.load_loyalty("params/loyalty.yaml")
    got = loyalty.gap_histogram(con, config)
    # the largest gap 2,500,000 / 40 = 62,500 -> a round width of 100,000
    assert set(got.gap_to - got.gap_from) == {100_000.0}
    bins = {(r.next_tier, r.gap_from): r.members for r in got.itertuples()}
    assert bins == {("silver", 1_000_000.0): 1, ("silver", 1_900_000.0): 2,
                    ("silver", 2_500_000.0): 1, ("gold", 100_000.0): 1}
    assert got.members.sum() == 5


def test_no_member_below_a_next_tier_gives_an_empty_histogram(con, members):
    members([O("f", "6", "2024-06-01", 20_000_000)])
    assert loyalty.gap_histogram(con, loyalty.load_loyalty("params/loyalty.yaml")).empty
