"""Every page says how fresh the data is, and warns when the export ends days before the as-of."""

from __future__ import annotations

from datetime import date

from helpers.kit import narrative, rfm
from helpers.run import monthly


def test_a_shop_whose_data_ends_early_is_warned_about(con, given_orders):
    given_orders([{"order_id": "1", "customer_id": "a", "order_date": "2024-03-10",
                   "amount": "100"}])
    last = rfm.last_order_date(con, date(2024, 3, 31))
    assert last == date(2024, 3, 10)
    assert rfm.last_order_date(con, date(2024, 3, 1)) is None  # nothing on or before it
    warning = narrative.freshness(last, as_of=date(2024, 3, 31), lang="vi").data
    assert "10/03/2024" in warning and "21 ngày" in warning and "không cân xứng" in warning
    english = narrative.freshness(last, as_of=date(2024, 3, 31), lang="en").data
    assert "10 Mar 2024" in english and "21 days" in english and "uneven" in english
    calm = narrative.freshness(last, as_of=date(2024, 3, 12), lang="en").data
    assert calm == "Latest order in the data: 10 Mar 2024."


def test_the_runner_counts_stale_days_only_beyond_three():
    assert monthly.stale_days("2024-03-10", date(2024, 3, 31)) == 21
    assert monthly.stale_days("2024-03-28", date(2024, 3, 31)) == 0
    assert monthly.stale_days("2024-04-20", date(2024, 3, 31)) == 0  # data past the as-of date
    assert monthly.stale_days(None, date(2024, 3, 31)) == 0
