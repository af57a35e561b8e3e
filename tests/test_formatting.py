"""Money, counts and shares as each reader writes them (babel under the hood)."""

from __future__ import annotations

from decimal import Decimal

from helpers.kit.formatting import money, number, percent, signed_percent_points


def test_money_in_vietnamese_and_english():
    assert money(1234567, "vi") == "1.234.567\u00a0₫"
    assert money(1234567, "en") == "₫1,234,567"
    assert money(Decimal("1234567.50"), "vi") == "1.234.568\u00a0₫"  # VND has no minor unit
    assert money(0, "en") == "₫0"
    assert money(None, "vi") == money(float("nan"), "en") == "–"


def test_a_refund_reads_with_a_minus_sign_not_a_hyphen():
    assert money(-150000, "vi") == "\u2212150.000\u00a0₫"
    assert money(-150000, "en") == "\u2212₫150,000"


def test_other_currencies_keep_their_minor_units():
    assert money(12.5, "en", "USD") == "$12.50"


def test_counts_shares_and_changes():
    assert number(1091, "vi") == "1.091" and number(1091, "en") == "1,091"
    assert percent(0.127, "vi", 1) == "12,7%" and percent(0.127, "en", 1) == "12.7%"
    assert signed_percent_points(-0.025, "vi") == "\u22122,5\u00a0điểm %"
    assert signed_percent_points(0.0001, "en") == "0.0\u00a0pp"  # no sign on a change of nothing
