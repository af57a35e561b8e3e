"""Money, counts and shares as each reader writes them (babel under the hood)."""

from __future__ import annotations

from decimal import Decimal

from helpers.kit.formatting import money, number, percent, signed_percent_points, signed_points


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


def test_a_value_that_rounds_to_nothing_has_no_sign():
    """Page 05 showed '-0,0%' and 'chênh -0,0 điểm %' for a campaign with no effect."""
    assert percent(-0.00004, "vi", 1) == "0,0%" and percent(-0.00004, "en", 1) == "0.0%"
    assert percent(-0.004, "vi") == "0%" and percent(-0.05, "vi") == "-5%"
    assert number(-0.04, "vi", 1) == "0,0" and number(-0.4, "en") == "0"
    assert number(-1234.5, "vi", 1) == "-1.234,5"  # a real negative keeps its sign
    assert signed_points(-0.00004, "vi") == "0,0" and signed_points(-0.029, "vi") == "\u22122,9"
    assert signed_points(0.028, "en") == "+2.8"


def test_money_without_a_currency_is_in_the_runs():
    """The pages call money(value, lang): the run's currency (core.currency) decides."""
    from helpers.core import currency

    with currency.using("USD"):
        assert money(12.5, "en") == "$12.50" and money(12.5, "en", "VND") == "₫12"
    assert money(12.5, "en") == "₫12"  # VND again after the block (half to even)
