"""Who is slipping (issue 36, item 4), on hand-made customers whose answer is known by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from helpers.core.errors import ParamError
from helpers.engine import db
from helpers.pages.value import backtest_sentences, check, sentences, slipping

FITTED, AS_OF = date(2026, 9, 30), date(2026, 10, 31)


def _weeks(days: int) -> float:
    return days / 7


@pytest.fixture
def hand(con):
    """Last month's P(alive) and expected revenue (backtest.SCRATCH's columns) and this month's
    customer_value, by hand."""
    before = pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E", "F", "H"],
        "p_alive": [0.9, 0.55, 0.8, 0.8, 0.9, 0.7, 0.6],
        "expected_revenue_horizon": [1000.0, 500.0, 300.0, 300.0, 800.0, 100.0, 50.0],
        "x": [0, 0, 3, 3, 0, 0, 0], "t_x": [0.0] * 7, "T": [10.0] * 7,
        "actual_purchases": [0, 0, 0, 0, 1, 0, 0]})
    # C and D buy every 30 days (3 repeat purchases over 90 days); C's last purchase was on
    # 01/08 (91 days before 31/10: three rhythms end on 30/10, in October), D's on 01/07 (three
    # rhythms ended on 29/09, before the month: listed last month, not again)
    now = pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E", "F", "G", "H"],
        "segment": ["champions", "loyal", "loyal", "loyal", "champions", "loyal", "new",
                    "lost"],
        "p_alive": [0.6, 0.45, 0.7, 0.7, 0.75, 0.5, 0.2, 0.6],
        "expected_revenue": [600.0, 400.0, 280.0, 280.0, 700.0, 90.0, 10.0, 50.0],
        "x": [0, 0, 3, 3, 0, 0, 0, 0],
        "t_x": [0.0, 0.0, _weeks(90), _weeks(90), 0.0, 0.0, 0.0, 0.0],
        "T": [_weeks(400), _weeks(200), _weeks(90 + 91), _weeks(90 + 122), _weeks(40),
              _weeks(300), _weeks(5), _weeks(500)]})
    db.register(con, "before_hand", before)
    db.register(con, "customer_value", now)
    return con


def test_slipping_lists_a_big_drop_a_crossing_of_one_half_and_an_overdue_rhythm(hand):
    table = slipping.slipping_table(hand, "before_hand", fitted_as_of=FITTED, as_of=AS_OF,
                                    drop=0.2)
    got = hand.execute(f"select customer_id, segment, p_alive_before, p_alive_now, "
                       f"revenue_at_stake, reason, rhythm_days, last_purchase_date, "
                       f"expected_next_date from {table} order by customer_id").df()
    # A fell 30 points; B crossed one half (10 points); C passed three rhythms in October.
    # Not E (15 points), F (20 points exactly, and 0.5 is not below one half), D (overdue
    # already last month), G (unknown last month), H (no change)
    assert list(got.customer_id) == ["A", "B", "C"]
    assert list(got.reason) == ["p_alive_drop", "crossed_half", "overdue"]
    assert list(got.segment) == ["champions", "loyal", "loyal"]
    assert list(got.p_alive_before) == [0.9, 0.55, 0.8]
    assert list(got.p_alive_now) == [0.6, 0.45, 0.7]
    assert list(got.revenue_at_stake) == [400.0, 100.0, 20.0]
    c = got.iloc[2]
    assert c.rhythm_days == 30.0
    assert pd.Timestamp(c.last_purchase_date).date() == date(2026, 8, 1)
    assert pd.Timestamp(c.expected_next_date).date() == date(2026, 8, 31)
    assert slipping.figures(hand, table) | {} == {
        "customers": 3, "dropped": 1, "crossed": 1, "overdue": 1, "fell": 2, "overdue_only": 1,
        "rose": 0, "at_stake": 520.0, "losing": 3, "gaining": 0, "net": 520.0}


def test_a_smaller_drop_lists_more_and_reasons_add_up(hand):
    table = slipping.slipping_table(hand, "before_hand", fitted_as_of=FITTED, as_of=AS_OF,
                                    drop=0.1)
    reasons = dict(hand.execute(f"select customer_id, reason from {table}").fetchall())
    assert reasons["A"] == "p_alive_drop" and reasons["E"] == "p_alive_drop"
    assert reasons["F"] == "p_alive_drop"  # 20 points > 10
    assert reasons["C"] == "overdue"  # 10 points is not more than 10
    assert reasons["B"] == "crossed_half"  # 10 points, across one half


def test_without_last_months_fit_nobody_is_slipping(hand):
    table = slipping.slipping_table(hand, None, fitted_as_of=FITTED, as_of=AS_OF)
    assert hand.execute(f"select count(*) from {table}").fetchall()[0][0] == 0
    said = backtest_sentences.slipping_sentence({"customers": 0, "drop": 0.2}, lang="en").data
    assert "Nobody slipped" in said and "20 points" in said


def test_slipping_drop_must_be_a_share():
    slipping.check_params(slipping_drop=0.2)
    for bad in (0, 1, 20, "0.2", True, None):
        with pytest.raises(ParamError, match="slipping_drop"):
            slipping.check_params(slipping_drop=bad)


def test_one_time_buyers_by_how_long_ago_and_what_they_did_since(hand):
    frame = check.one_time_buyers(hand, "before_hand")
    # now the one-time buyers bought 5 (G), 40 (E), 200 (B), 300 (F), 400 (A) and 500 (H) days
    # ago (T - t_x weeks × 7)
    assert list(frame.low_days) == [0, 31, 181, 366]
    assert list(frame.customers) == [1, 1, 2, 2]
    assert (frame.p_alive > 0).all()
    # last month the one-time buyers A, B, E, F, H had all bought 70 days before; E bought since
    shares = dict(zip(frame.low_days, frame.bought_share))
    assert shares[31] == pytest.approx(0.2) and pd.isna(shares[0])
    en = sentences.one_time_sentence("bg_nbd", lang="en").data
    assert "every one-time buyer a chance of 100%" in en
    assert "MBG/NBD, the model in use" in sentences.one_time_sentence("mbg_nbd", lang="en").data


def test_the_slipping_sentence_counts_each_rule_and_names_the_date():
    figures = {"customers": 3, "dropped": 1, "crossed": 1, "overdue": 1, "fell": 2,
               "overdue_only": 1, "rose": 0, "at_stake": 520.0, "losing": 3, "gaining": 0,
               "net": 520.0, "drop": 0.2, "fitted_as_of": FITTED}
    said = backtest_sentences.slipping_sentence(figures, lang="en").data
    assert said == (
        "**3 customers are slipping** (value/slipping.xlsx):\n\n"
        "- 2 are listed because their chance of still buying fell since 30 Sep 2026: 1 by more "
        "than 20 points, 1 to below 50% (a customer may be both).\n"
        "- 1 is two of their own rhythms past their expected next purchase; 1 of them is listed "
        "for that alone.\n"
        "- Expected revenue at stake since 30 Sep 2026: **₫520**, what the model now expects 3 "
        "of them to bring less.")
    vi = backtest_sentences.slipping_sentence(figures, lang="vi").data
    assert "so với ngày 30/09/2026" in vi and "520\u00a0₫" in vi
    assert "2 khách được liệt kê vì khả năng còn mua giảm" in vi


@pytest.fixture
def mixed(con):
    """Four customers last month and now: K's P(alive) fell 30 points but their expected revenue
    rose (the refit thinks more of their spend); L's P(alive) rose although they are three
    rhythms late (bought every 30 days, last on 01/08); M's rose and they are not late; N fell
    30 points and lost 400."""
    before = pd.DataFrame({"customer_id": ["K", "L", "M", "N"],
                           "p_alive": [0.9, 0.4, 0.5, 0.9],
                           "expected_revenue_horizon": [100.0, 50.0, 80.0, 1000.0]})
    now = pd.DataFrame({
        "customer_id": ["K", "L", "M", "N"], "segment": ["loyal"] * 4,
        "p_alive": [0.6, 0.45, 0.7, 0.6], "expected_revenue": [130.0, 40.0, 90.0, 600.0],
        "x": [0, 3, 3, 0], "t_x": [0.0, _weeks(90), _weeks(90), 0.0],
        "T": [_weeks(400), _weeks(90 + 91), _weeks(90 + 10), _weeks(400)]})
    db.register(con, "before_mixed", before)
    db.register(con, "customer_value", now)
    return con


def test_a_rise_is_never_at_stake_and_a_rising_chance_is_listed_for_its_rhythm_alone(mixed):
    table = slipping.slipping_table(mixed, "before_mixed", fitted_as_of=FITTED, as_of=AS_OF)
    got = mixed.execute(f"select customer_id, reason, revenue_at_stake from {table} "
                        f"order by customer_id").df()
    # the CSV keeps each row's difference as defined (last month minus now), negative included
    assert list(got.customer_id) == ["K", "L", "N"]  # not M: their chance rose, not late
    assert list(got.reason) == ["p_alive_drop", "overdue", "p_alive_drop"]
    assert list(got.revenue_at_stake) == [-30.0, 10.0, 400.0]
    figures = slipping.figures(mixed, table)
    # at stake: what is at stake only (10 + 400), not the net 380 of the rows
    assert figures["at_stake"] == 410.0 and figures["net"] == 380.0
    assert (figures["losing"], figures["gaining"]) == (2, 1)
    assert (figures["fell"], figures["overdue_only"], figures["rose"]) == (2, 1, 1)
    said = backtest_sentences.slipping_sentence(
        {**figures, "drop": 0.2, "fitted_as_of": FITTED}, lang="en").data
    assert "Expected revenue at stake since 30 Sep 2026: **₫410**" in said
    assert "the other 1 listed is expected to bring more than before, and count for nothing here" in said
    assert ("1 is two of their own rhythms past their expected next purchase; 1 of them is "
            "listed for that alone, 1 of whom have a higher chance of still buying than on 30 Sep "
            "2026: the model is not worried about them, only their own rhythm says they are "
            "late.") in said
    vi = backtest_sentences.slipping_sentence(
        {**figures, "drop": 0.2, "fitted_as_of": FITTED}, lang="vi").data
    assert "**410\u00a0₫**" in vi and "1 khách còn lại trong danh sách được dự kiến mang lại nhiều hơn" in vi
    assert "trong đó 1 khách có khả năng còn mua cao hơn so với ngày 30/09/2026" in vi
