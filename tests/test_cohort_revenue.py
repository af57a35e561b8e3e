"""Cohort revenue, retention, second-purchase gaps and repurchase windows on hand-made data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from helpers.kit import rfm
from helpers.pages.cohorts import compute as cohorts


def O(customer, order_id, day, amount, status="completed"):  # noqa: N802
    return {"customer_id": customer, "order_id": order_id, "order_date": day,
            "amount": str(amount), "status": status}


@pytest.fixture
def cohort(con, given_orders):
    def _build(rows, *, as_of="2024-03-31", grain="month"):
        given_orders(rows)
        con.execute(rfm.EMPTY_CUSTOMERS)
        cohorts.build_cohort_revenue(con, as_of=date.fromisoformat(as_of), grain=grain,
                                     excluded_statuses=["cancelled"])
        rows = con.execute("select cohort, period, customers, purchases, revenue, cohort_size, "
                           "retention from cohort_revenue order by cohort_start, period").fetchall()
        return {(r[0], r[1]): r[2:] for r in rows}

    return _build


def test_cohorts_and_calendar_month_periods_across_a_year_boundary(cohort):
    got = cohort([O("a", "1", "2023-11-30", 100), O("a", "2", "2023-12-01", 50),
                  O("a", "3", "2024-01-15", 70), O("b", "4", "2023-11-02", 10),
                  O("b", "5", "2024-02-29", 20)])
    # one day later is already the next period: calendar months, not 30-day blocks
    assert got[("2023-11", 0)] == (2, 2, Decimal("110"), 2, 1.0)
    assert got[("2023-11", 1)] == (1, 1, Decimal("50"), 2, 0.5)
    assert got[("2023-11", 2)] == (1, 1, Decimal("70"), 2, 0.5)
    assert got[("2023-11", 3)] == (1, 1, Decimal("20"), 2, 0.5)
    assert set(got) == {("2023-11", p) for p in range(4)}  # no rows filled in


def test_refunds_count_in_revenue_not_purchases_and_refund_only_cells_show_zero(cohort):
    got = cohort([O("a", "1", "2024-01-10", 100), O("a", "R", "2024-02-05", -30, "refunded"),
                  O("a", "z", "2024-02-06", 0)])
    assert got[("2024-01", 1)] == (0, 0, Decimal("-30"), 1, 0.0)


def test_orders_before_the_cohort_month_are_left_out(cohort):
    got = cohort([O("a", "R", "2023-12-20", -50, "refunded"), O("a", "1", "2024-01-10", 100),
                  O("b", "R2", "2024-01-02", -5, "refunded"), O("b", "2", "2024-01-20", 40)])
    assert set(got) == {("2024-01", 0)}
    # b's refund is before the first purchase but in the same month: it stays in period 0
    assert got[("2024-01", 0)] == (2, 2, Decimal("135"), 2, 1.0)


def test_the_as_of_date_cuts_orders_and_excluded_statuses_are_dropped(cohort):
    got = cohort([O("a", "1", "2024-03-01", 100), O("a", "2", "2024-04-01", 100),
                  O("b", "3", "2024-03-05", 100, "cancelled")], as_of="2024-03-31")
    assert got == {("2024-03", 0): (1, 1, Decimal("100"), 1, 1.0)}


def test_weekly_grain_uses_iso_weeks(cohort):
    # 2023-12-31 is a Sunday in ISO week 2023-W52; 2024-01-01 (Monday) starts 2024-W01
    got = cohort([O("a", "1", "2023-12-31", 10), O("a", "2", "2024-01-01", 10),
                  O("a", "3", "2024-01-14", 10), O("b", "4", "2024-01-03", 5)], grain="week")
    assert got[("2023-W52", 0)][0:2] == (1, 1)
    assert got[("2023-W52", 1)][0:2] == (1, 1)
    assert got[("2023-W52", 2)][0:2] == (1, 1)
    assert got[("2024-W01", 0)] == (1, 1, Decimal("5"), 1, 1.0)


def test_window_boundaries_exactly_7_and_8_days_before(con, given_orders):
    given_orders([O("d7", "1", "2024-03-24", 10), O("d8", "2", "2024-03-23", 10),
                  O("d0", "3", "2024-03-31", 10), O("d1", "4", "2024-03-30", 10),
                  O("d28", "5", "2024-03-03", 10), O("d29", "6", "2024-03-02", 10),
                  O("rep", "7", "2024-01-01", 10), O("rep", "8", "2024-03-17", 10),
                  O("ref", "9", "2024-03-01", 10), O("ref", "R", "2024-03-30", -5)])
    con.execute(rfm.EMPTY_CUSTOMERS)
    as_of = date(2024, 3, 31)
    cohorts.build_repurchase_windows(con, as_of=as_of, windows=[7, 14, 28])
    got = {r[0]: (r[1], r[2]) for r in con.execute(
        "select customer_id, window_key, buyer_type from repurchase_windows").fetchall()}
    assert got["d7"] == ("1-7d", "one_time") and got["d1"] == ("1-7d", "one_time")
    assert got["d8"] == ("8-14d", "one_time")
    assert got["rep"] == ("8-14d", "repeat")
    assert got["d28"] == ("15-28d", "one_time")
    assert "d0" not in got and "d29" not in got
    assert "ref" not in got  # a refund is not a purchase: last purchase was 30 days ago


def test_second_purchase_gap_and_return_within(con, given_orders):
    given_orders([O("a", "1", "2024-01-01", 10), O("a", "2", "2024-01-08", 10),
                  O("b", "3", "2024-01-01", 10), O("b", "4", "2024-01-01", 10),
                  O("c", "5", "2024-01-01", 10), O("c", "6", "2024-02-01", 10),
                  O("d", "7", "2024-03-28", 10)])  # too recent to judge a 7-day window
    con.execute(rfm.EMPTY_CUSTOMERS)
    as_of = date(2024, 3, 31)
    gaps = cohorts.second_purchase_gap(con, as_of=as_of).df().set_index("gap_days")
    assert gaps.customers.to_dict() == {0: 1, 7: 1, 31: 1}
    assert gaps.cumulative_share.iloc[-1] == pytest.approx(1.0)
    returned = cohorts.return_within(con, as_of=as_of, windows=[7, 14]).set_index("window_days")
    assert returned.loc[7, "eligible_buyers"] == 3 and returned.loc[7, "returned"] == 2


def test_dense_triangle_marks_the_current_incomplete_period():
    import pandas as pd

    frame = pd.DataFrame({"cohort": ["2024-01", "2024-01"], "cohort_start": [date(2024, 1, 1)] * 2,
                          "period": [0, 2], "customers": [2, 1], "purchases": [2, 1],
                          "revenue": [10.0, 5.0], "cohort_size": [2, 2], "retention": [1.0, 0.5]})
    dense = cohorts.dense_triangle(frame, as_of=date(2024, 3, 15), grain="month", max_periods=None)
    assert dense.period.tolist() == [0, 1, 2]
    assert dense.customers.tolist() == [2, 0, 1]
    assert dense.is_incomplete.tolist() == [False, False, True]
    full = cohorts.dense_triangle(frame, as_of=date(2024, 3, 31), grain="month", max_periods=None)
    assert not full.is_incomplete.any()
