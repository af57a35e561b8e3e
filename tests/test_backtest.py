"""Predictions that grade themselves (issue 36, item 1): the back-test's figures on hand-made data
whose answers are worked out by hand, the CDNOW holdout of Fader, Hardie & Lee (2005), the
stored history over three months in a row on a small generated shop, and its parameter."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import ingest
from helpers.core.errors import ParamError
from helpers.engine import db
from helpers.ingest import sample_data
from helpers.pages.value import backtest, formulas
from helpers.pages.value import backtest_sentences as sentences
from helpers.pages.value import compute as cv

CDNOW = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow_sample"
needs_cdnow = pytest.mark.skipif(not (CDNOW / "cdnow_sample_orders.csv").exists(),
                                 reason="../shared/data/cdnow_sample is not beside the project")
CALIBRATION_END, HOLDOUT_END = date(1997, 9, 30), date(1998, 6, 30)  # weeks 1–39, 40–78
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def _customers(con, predicted, actual, p_alive=None) -> str:
    frame = pd.DataFrame({"customer_id": [f"c{i:02d}" for i in range(len(predicted))],
                          "predicted_purchases": [float(v) for v in predicted],
                          "actual_purchases": actual,
                          "p_alive": p_alive or [0.9] * len(predicted)})
    con.register("hand", frame)
    return "hand"


# ---------------------------------------------------------------- by hand


def test_quality_top_decile_and_alive_below_half_by_hand(con):
    # ranked by predicted purchases the actual ones are 3,0,2,0,0,1,0,0,0,0 (6 in all):
    # the gains curve's steps (in purchases) 3,3,5,5,5,6,6,6,6,6, area 48/60 = 0.8; the perfect
    # ranking's 3,5,6,6,… area 53/60; quality = (0.8 - 0.5) / (53/60 - 0.5) = 78.26
    table = _customers(con, range(10, 0, -1), [3, 0, 2, 0, 0, 1, 0, 0, 0, 0],
                       [0.9, 0.9, 0.4, 0.3, 0.2, 0.45, 0.9, 0.9, 0.9, 0.9])
    got = backtest.gains_figures(con, table)
    assert got["quality"] == pytest.approx(100 * 0.3 / (53 / 60 - 0.5))
    assert got["quality"] == pytest.approx(78.26, abs=0.01)
    # floor(10%) of 10 customers is the first one, who bought: 1 of the 3 buyers
    assert got["top_decile_capture"] == pytest.approx(1 / 3)
    # P(alive) < 0.5: the 3rd to 6th customers, who bought 2, 0, 0, 1 times: 2 of 4
    assert got["alive_below_half_bought"] == pytest.approx(0.5)


def test_a_perfect_ranking_scores_100_and_a_reversed_one_is_clipped_to_0(con):
    table = _customers(con, [5, 4, 3, 2, 1, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05],
                       [4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0])
    got = backtest.gains_figures(con, table)
    assert got["quality"] == pytest.approx(100)
    assert got["top_decile_capture"] == pytest.approx(1 / 4)  # floor(1.1) = 1 customer
    assert got["alive_below_half_bought"] is None  # nobody under one half
    reversed_ = _customers(con, [0.1, 0.2, 0.3, 0.4, 0.5, 1, 2, 3, 4, 5],
                           [4, 3, 2, 1, 0, 0, 0, 0, 0, 0])
    got = backtest.gains_figures(con, reversed_)
    assert got["quality"] == 0 and got["top_decile_capture"] == 0


def test_equal_predictions_are_no_better_than_random_whatever_the_ids(con):
    # one tie: the curve crosses it in a straight line (the diagonal), and the top decile takes
    # its share of the tie's buyers (3 buyers × 2 of 20 customers)
    table = _customers(con, [1.0] * 20, [1, 0, 0, 2, 0, 0, 0, 1] + [0] * 12)
    got = backtest.gains_figures(con, table)
    assert got["quality"] == pytest.approx(0, abs=1e-9)
    assert got["top_decile_capture"] == pytest.approx(0.1)


def test_nobody_bought_gives_no_quality(con):
    got = backtest.gains_figures(con, _customers(con, [1, 2, 3], [0, 0, 0], [0.1, 0.2, 0.9]))
    assert got == {"quality": None, "top_decile_capture": None, "alive_below_half_bought": 0.0}


def test_window_counts_purchase_days_and_revenue_of_the_known_customers_only(
        con, given_orders):
    given_orders([
        # A: known on 30/09; in October two orders on one day, one on another, a refund
        {"order_id": "1", "customer_id": "A", "order_date": "2026-09-10", "amount": "100"},
        {"order_id": "2", "customer_id": "A", "order_date": "2026-10-02", "amount": "50"},
        {"order_id": "3", "customer_id": "A", "order_date": "2026-10-02", "amount": "70"},
        {"order_id": "4", "customer_id": "A", "order_date": "2026-10-20", "amount": "30"},
        {"order_id": "5", "customer_id": "A", "order_date": "2026-10-25", "amount": "-40"},
        # B: known, an order of 0 (not a purchase by the RFM rule) and one after the window
        {"order_id": "6", "customer_id": "B", "order_date": "2026-08-01", "amount": "10"},
        {"order_id": "7", "customer_id": "B", "order_date": "2026-10-05", "amount": "0"},
        {"order_id": "8", "customer_id": "B", "order_date": "2026-11-02", "amount": "90"},
        # C: first bought in October: the model did not know them
        {"order_id": "9", "customer_id": "C", "order_date": "2026-10-03", "amount": "60"},
        # on 30/09 itself: before the window
        {"order_id": "10", "customer_id": "B", "order_date": "2026-09-30", "amount": "5"},
    ])
    options = {"excluded_statuses": [], "zero_amount_purchases": False}
    actuals = backtest.actuals_table(con, fitted_as_of=date(2026, 9, 30),
                                     through=date(2026, 10, 31), **options)
    before = cv.summary_table(con, as_of=date(2026, 9, 30), **options)
    rows = dict(con.execute(f"select b.customer_id, [coalesce(a.actual_purchases, 0), "
                            f"coalesce(a.actual_revenue, 0)] from {before} as b left join "
                            f"{actuals} as a on a.customer_id = b.customer_id").fetchall())
    assert rows == {"A": [2, 110.0], "B": [0, 0.0]}


# ---------------------------------------------------------------- parameters and sentences


def test_backtest_from_empty_is_the_previous_month_end_and_bad_values_say_how_to_fix():
    assert backtest.backtest_date("", date(2026, 10, 31)) == date(2026, 9, 30)
    assert backtest.backtest_date(None, date(2026, 10, 15)) == date(2026, 9, 30)
    assert backtest.backtest_date("2026-06-30", date(2026, 10, 31)) == date(2026, 6, 30)
    with pytest.raises(ParamError, match="backtest_from = 'last month'.*YYYY-MM-DD"):
        backtest.backtest_date("last month", date(2026, 10, 31))
    with pytest.raises(ParamError, match="not before as_of"):
        backtest.backtest_date("2026-10-31", date(2026, 10, 31))


def test_the_sentence_says_cdnow_is_under_predicted_by_about_12_percent():
    en = sentences.direction(1654, 1882, what_en="purchases", lang="en")
    assert en == "the model under-predicts purchases by about 12%"
    vi = sentences.direction(1654, 1882, what_vi="số lần mua", lang="vi")
    assert vi == "mô hình dự báo số lần mua thấp hơn thực tế khoảng 12%"
    assert "over-predicts" in sentences.direction(1100, 1000, lang="en")
    assert "about right" in sentences.direction(1010, 1000, lang="en")


def test_quality_words_are_brazes_bands():
    assert [sentences.quality_word(q, "en") for q in (10, 25, 45, 84)] == [
        "poor", "fair", "good", "excellent"]
    assert "Braze" in sentences.quality_scale("en") and "Braze" in sentences.quality_scale("vi")


# ---------------------------------------------------------------- CDNOW (Fader, Hardie & Lee 2005)


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cdnow")
    con = db.connect()
    ingest.load(con, "orders", CDNOW / "cdnow_sample_orders.csv", cache_dir=tmp / "cache",
                quarantine_dir=tmp / "q")
    yield con, tmp
    con.close()


@needs_cdnow
def test_cdnow_holdout_with_the_published_parameters(cdnow):
    """Weeks 40–78 against the calibration on weeks 1–39: 1,654 expected repeat purchase days
    against 1,882 actual; per calibration frequency 0, 1, 2: 0.225, 0.523, 1.044 expected
    against 0.237, 0.697, 1.393 actual (the published summary counts every transaction day)."""
    con, _ = cdnow
    options = {"excluded_statuses": [], "zero_amount_purchases": True}
    summary = cv.build_summary(con, as_of=CALIBRATION_END, **options).df()
    summary["predicted_purchases"] = formulas.expected_purchases(
        PUBLISHED, "bg_nbd", summary.x, summary.t_x, summary["T"], 39.0)
    actuals = backtest.actuals_table(con, fitted_as_of=CALIBRATION_END, through=HOLDOUT_END,
                                     **options)
    con.register("cdnow_summary", summary)
    con.execute(f"create or replace temp table cdnow_test as select s.*, "
                f"coalesce(a.actual_purchases, 0) as actual_purchases, "
                f"coalesce(a.actual_revenue, 0) as actual_revenue, "
                f"cast(null as double) as predicted_revenue, cast(null as double) as p_alive "
                f"from cdnow_summary as s left join {actuals} as a using (customer_id)")
    row = backtest.summary_row(con, "cdnow_test", fitted_as_of=CALIBRATION_END,
                               through=HOLDOUT_END)
    assert row["customers"] == 2357
    assert row["predicted_purchases"] == pytest.approx(1654, rel=0.005)
    assert row["actual_purchases"] == 1882
    frequency = backtest.by_frequency(con, "cdnow_test").set_index("frequency")
    assert list(frequency.index) == backtest.FREQUENCIES
    assert frequency.customers.sum() == 2357
    for group, expected, actual in (("0", 0.225, 0.237), ("1", 0.523, 0.697),
                                    ("2", 1.044, 1.393)):
        assert frequency.loc[group, "predicted_per_customer"] == pytest.approx(expected, rel=0.005)
        assert frequency.loc[group, "actual_per_customer"] == pytest.approx(actual, rel=0.005)
    said = sentences.direction(row["predicted_purchases"], row["actual_purchases"],
                               what_en="purchases", lang="en")
    assert said == "the model under-predicts purchases by about 12%"


@needs_cdnow
def test_cdnow_backtest_fitted_by_the_page_says_it_under_predicts_by_12_percent(cdnow):
    """The page's own back-test (the fit on weeks 1–39, the RFM purchase rule): the MAP fit is
    the published one, so the holdout is under-predicted by about 12% as well. About 15-20 s
    (one fit, pymc's import)."""
    con, tmp = cdnow
    tested = backtest.run(con, fitted_as_of=CALIBRATION_END, through=HOLDOUT_END,
                          excluded_statuses=[], output_dir=tmp / "reports" / "1998-06-30")
    assert tested.ok and tested.row["customers"] == 2349  # 8 bought only for 0 before
    assert tested.row["predicted_purchases"] == pytest.approx(1654, rel=0.005)
    assert tested.row["actual_purchases"] == 1882
    assert 0 <= tested.row["quality"] <= 100
    en = sentences.backtest_sentences(tested, lang="en").data
    assert "the model under-predicts purchases by about 12%" in en
    assert "Prediction quality" in en and "Braze" in en
    vi = sentences.backtest_sentences(tested, lang="vi").data
    assert "thấp hơn thực tế khoảng 12%" in vi
    written = pd.read_csv(tmp / "reports" / "1998-06-30" / backtest.BACKTEST_FILE,
                          encoding="utf-8-sig")
    assert list(written.columns) == backtest.BACKTEST_COLUMNS and len(written) == 1


# ---------------------------------------------------------------- three months in a row


@pytest.fixture(scope="module")
def small_shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop")
    sample_data.generate(root / "raw", customers=500, orders=3000, seed=7,
                         as_of=date(2026, 10, 31))
    con = db.connect()
    ingest.load(con, "orders", root / "raw" / "orders.csv", cache_dir=root / "cache",
                quarantine_dir=root / "q")
    yield con, root
    con.close()


def test_three_months_in_a_row_keep_every_back_test(small_shop):
    con, root = small_shop
    started = time.perf_counter()
    months = [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]
    for i, as_of in enumerate(months, 1):
        fitted_as_of = backtest.backtest_date("", as_of)
        tested = backtest.run(con, fitted_as_of=fitted_as_of, through=as_of,
                              excluded_statuses=[], horizon_days=90,
                              output_dir=root / "reports" / as_of.isoformat())
        assert tested.ok, tested.fit.status
        assert tested.history_note == ""
        stored = pd.read_csv(root / "reports" / as_of.isoformat() / backtest.BACKTEST_FILE,
                             encoding="utf-8-sig")
        assert list(stored.columns) == backtest.BACKTEST_COLUMNS
        assert len(stored) == i
        assert list(stored.fitted_as_of) == [backtest.backtest_date("", m).isoformat()
                                             for m in months[:i]]
        assert list(stored.through) == [m.isoformat() for m in months[:i]]
        assert stored.quality.between(0, 100).all()
        assert stored.top_decile_capture.between(0, 1).all()
        frequencies = pd.read_csv(root / "reports" / as_of.isoformat()
                                  / backtest.BY_FREQUENCY_FILE, encoding="utf-8-sig",
                                  dtype={"frequency": str})
        assert list(frequencies.columns) == backtest.BY_FREQUENCY_COLUMNS
        assert frequencies.fitted_as_of.nunique() == i
        assert set(frequencies.frequency) <= set(backtest.FREQUENCIES)
        # each month's customers by frequency add up to its row's
        last = frequencies[frequencies.fitted_as_of == fitted_as_of.isoformat()]
        assert last.customers.sum() == stored.customers.iloc[-1]
    # the line: three points, the oldest first
    assert len(backtest.last_months(tested.history)) == 3
    assert time.perf_counter() - started < 60


def test_a_broken_past_file_starts_the_history_again_and_says_so(tmp_path):
    folder = tmp_path / "2026-09-30" / "value"
    folder.mkdir(parents=True)
    (folder / "backtest.csv").write_text("fitted_as_of,quality\n2026-08-31,50\n",
                                         encoding="utf-8")
    past, frequencies, note = backtest.read_history(tmp_path / "2026-09-30",
                                                    before=date(2026, 9, 30))
    assert past.empty and frequencies.empty and "columns" in note
    # no folder at all: a first month, nothing to say
    assert backtest.read_history(tmp_path / "nowhere", before=date(2026, 9, 30))[2] == ""


def test_the_history_is_read_from_the_last_month_folder_that_holds_one(tmp_path):
    reports = tmp_path / "reports"
    for name in ("2026-08-31", "2026-09-15", "2026-10-31-what_if", ".staging-x"):
        (reports / name / "value").mkdir(parents=True)
        (reports / name / "value" / "backtest.csv").write_text("x\n", encoding="utf-8")
    (reports / "2026-09-30").mkdir()  # a month folder without a back-test
    here = reports / ".staging-x"
    # September's month end was not published with a back-test: the mid-September run's file
    assert backtest.history_folder(here, fitted_as_of=date(2026, 9, 30),
                                   through=date(2026, 10, 31)) == reports / "2026-09-15"
    (reports / "2026-09-30" / "value").mkdir()
    (reports / "2026-09-30" / "value" / "backtest.csv").write_text("x\n", encoding="utf-8")
    assert backtest.history_folder(here, fitted_as_of=date(2026, 9, 30),
                                   through=date(2026, 10, 31)) == reports / "2026-09-30"
    # nothing before: the month of the fit, where nothing is read
    assert backtest.history_folder(here, fitted_as_of=date(2026, 7, 31),
                                   through=date(2026, 8, 31)) == reports / "2026-07-31"


def test_a_back_test_that_cannot_be_made_says_why_in_words():
    fit = cv.ValueFit(status="too_few_customers", customers=0, repeat_customers=0)
    tested = backtest.Backtest(fitted_as_of=date(2019, 12, 31), through=date(2020, 1, 31),
                               fit=fit)
    en = sentences.backtest_sentences(tested, lang="en").data
    assert en == ("Last month's predictions cannot be checked: the model fitted on the data to "
                  "31 Dec 2019 cannot be used (it knew 0 buyers, and needs at least 100).")
    fit.status, fit.customers, fit.repeat_customers = "too_few_repeat", 150, 7
    assert "chỉ 7 khách đã mua lại" in sentences.backtest_sentences(tested, lang="vi").data


def test_the_sentence_says_whether_what_happened_fell_in_the_90_percent_interval():
    tested = backtest.Backtest(fitted_as_of=date(2026, 9, 30), through=date(2026, 10, 31))
    tested.row = {"fitted_as_of": date(2026, 9, 30), "through": date(2026, 10, 31),
                  "customers": 3222, "predicted_purchases": 387.1, "actual_purchases": 434,
                  "predicted_revenue": 1.4e8, "actual_revenue": 1.5e8,
                  "top_decile_capture": 0.58, "quality": 84.3, "alive_below_half_bought": 0.03}
    tested.interval = {"expected_purchases_low": 350.0, "expected_purchases_high": 425.0,
                       "expected_revenue_low": 1.2e8, "expected_revenue_high": 1.6e8}
    en = sentences.backtest_sentences(tested, lang="en").data
    assert ("they made **434**: the model under-predicts purchases by about 11%, outside the "
            "90% interval (350–425).") in en
    assert "actual ₫150,000,000, inside the 90% interval (₫120,000,000–₫160,000,000)." in en
    assert "**Prediction quality 84/100 (excellent)**" in en
    assert "Of the customers it gave a chance below 50% of still buying, 3% did buy." in en
    vi = sentences.backtest_sentences(tested, lang="vi").data
    assert "ngoài khoảng tin cậy 90% (350–425)" in vi


def _tested(fitted: date, through: date, predicted: float, actual: int,
            low: float, high: float) -> backtest.Backtest:
    tested = backtest.Backtest(fitted_as_of=fitted, through=through)
    tested.row = {"fitted_as_of": fitted, "through": through, "customers": 16245,
                  "predicted_purchases": predicted, "actual_purchases": actual,
                  "predicted_revenue": 8.3e8, "actual_revenue": 8.4e8,
                  "top_decile_capture": 0.57, "quality": 86.6, "alive_below_half_bought": 0.035}
    tested.interval = {"expected_purchases_low": low, "expected_purchases_high": high,
                       "expected_revenue_low": 7.8e8, "expected_revenue_high": 8.8e8}
    return tested


def test_outside_the_interval_the_page_says_it_covers_chance_not_seasons_and_names_the_month():
    # the sample shop fitted at 31/10 under-predicts November by 22%, outside its interval
    under = _tested(date(2026, 10, 31), date(2026, 11, 30), 2229.7, 2844, 2133, 2328)
    en = sentences.backtest_sentences(under, lang="en").data
    assert "the model under-predicts purchases by about 22%, outside the 90% interval" in en
    assert ("**The 90% interval covers chance, not seasons.** The model has no calendar: it expects "
            "each customer to keep their own rhythm, every month alike") in en
    assert ("In November 2026 the customers bought more than their own rhythms said; the data "
            "does not tell the model why.") in en
    vi = sentences.backtest_sentences(under, lang="vi").data
    assert "**Khoảng tin cậy 90% chỉ tính đến may rủi, không tính mùa vụ.**" in vi
    assert "Trong tháng 11/2026, khách mua nhiều hơn so với nhịp mua của chính họ" in vi
    # fitted at 15/11: over-predicted, a window of days rather than a month
    over = _tested(date(2026, 11, 15), date(2026, 11, 30), 1100.0, 930, 1040, 1160)
    en = sentences.backtest_sentences(over, lang="en").data
    assert "From 16 Nov 2026 to 30 Nov 2026 the customers bought less than their own" in en
    assert "Từ 16/11/2026 đến 30/11/2026, khách mua ít hơn" in \
        sentences.backtest_sentences(over, lang="vi").data
    # inside the interval: no word on seasons
    inside = _tested(date(2026, 10, 31), date(2026, 11, 30), 2229.7, 2250, 2133, 2328)
    assert "seasons" not in sentences.backtest_sentences(inside, lang="en").data
    # the revenue alone outside is enough to say it
    inside.row["actual_revenue"] = 1.15e9
    assert "bought more than their own rhythms said" in \
        sentences.backtest_sentences(inside, lang="en").data


def test_the_heading_names_the_fits_date_unless_it_is_the_previous_month_end():
    as_of = date(2026, 11, 30)
    assert sentences.heading("backtest", lang="en", since=date(2026, 10, 31), as_of=as_of) \
        .data.startswith("## Did last month's predictions come true?\n")
    assert sentences.heading("backtest", lang="vi", since=date(2026, 10, 31), as_of=as_of) \
        .data.startswith("## Dự báo tháng trước có đúng không?\n")
    for since, en, vi in ((date(2026, 11, 15), "15 Nov 2026", "15/11/2026"),
                          (date(2020, 1, 31), "31 Jan 2020", "31/01/2020")):
        said = sentences.heading("backtest", lang="en", since=since, as_of=as_of).data
        assert said.startswith(f"## Did the predictions made on {en} come true?\n")
        assert "last month" not in said
        assert sentences.heading("backtest", lang="vi", since=since, as_of=as_of).data \
            .startswith(f"## Dự báo lập ngày {vi} có đúng không?\n")
    fit = cv.ValueFit(status="too_few_customers", customers=0, repeat_customers=0)
    tested = backtest.Backtest(fitted_as_of=date(2020, 1, 31), through=as_of, fit=fit)
    assert sentences.backtest_sentences(tested, lang="en").data.startswith(
        "Predictions made on 31 Jan 2020 cannot be checked")
    assert sentences.backtest_sentences(tested, lang="vi").data.startswith(
        "Chưa kiểm tra được dự báo lập ngày 31/01/2020")


def test_the_calibration_says_it_is_90_days_together_and_the_back_test_one_month_alone():
    from helpers.pages.value import sentences as page_sentences

    table = pd.DataFrame({"group": [0, 1], "customers": [1000, 500],
                          "predicted": [0.2, 0.8], "actual": [0.2, 0.7]})
    # 200 + 400 = 600 predicted against 200 + 350 = 550 made: 9% over
    en = page_sentences.calibration_sentence(table, horizon_days=90, lang="en",
                                             as_of=date(2026, 11, 30),
                                             since=date(2026, 10, 31)).data
    assert en.startswith("With the model fitted on the data to 1 Sep 2026, over the 90 days after "
                         "(to 30 Nov 2026) taken together, 1,500 customers were predicted to make "
                         "600 purchases and actually made 550: the model over-predicts purchases "
                         "by about 9%.")
    assert "the back-test below looks at the last month alone" in en
    assert "without contradicting each other" in en
    other = page_sentences.calibration_sentence(table, horizon_days=90, lang="en",
                                                as_of=date(2026, 11, 30),
                                                since=date(2026, 11, 15)).data
    assert "looks at the days after 15 Nov 2026 alone" in other and "a few weeks can be" in other
    years = page_sentences.calibration_sentence(table, horizon_days=90, lang="en",
                                                as_of=date(2026, 11, 30),
                                                since=date(2020, 1, 31)).data
    assert years.endswith("the back-test below looks at the days after 31 Jan 2020, another "
                          "stretch, so the two figures can differ without contradicting each "
                          "other.")
    vi = page_sentences.calibration_sentence(table, horizon_days=90, lang="vi",
                                             as_of=date(2026, 11, 30),
                                             since=date(2026, 10, 31)).data
    assert "trong 90 ngày sau đó (đến 30/11/2026) gộp lại" in vi and "tháng vừa qua" in vi


def test_the_calibration_table_writes_its_bands_short_enough_for_a_phone():
    frame = pd.DataFrame({"low": [0.0, 0.25, 2.0], "high": [0.1, 0.5, None],
                          "customers": [10, 5, 2], "predicted_per_customer": [0.05, 0.3, 2.5],
                          "actual_per_customer": [0.1, 0.4, 2.0], "bought_share": [0.1, 0.4, 1.0]})
    en = sentences.band_table(frame, lang="en").data
    assert all(f"<td>{band}</td>" in en for band in ("0–0.1", "0.25–0.5", "≥ 2"))
    vi = sentences.band_table(frame, lang="vi").data
    assert all(f"<td>{band}</td>" in vi for band in ("0–0,1", "0,25–0,5", "≥ 2"))


def test_the_history_line_marks_as_predicted_at_100():
    from helpers.pages.value import charts

    history = pd.DataFrame({"through": [date(2026, 9, 30), date(2026, 10, 31),
                                        date(2026, 11, 30)],
                            "quality": [80.0, 84.0, 87.0],
                            "top_decile_capture": [0.5, 0.55, 0.57],
                            "predicted_purchases": [400.0, 420.0, 2230.0],
                            "actual_purchases": [410, 400, 2844]})
    fig = charts.backtest_history(history, lang="en")
    assert list(fig.data[0].x) == ["09/2026", "10/2026", "11/2026"]
    assert [round(v) for v in fig.data[2].y] == [102, 95, 128]
    [line] = fig.layout.shapes
    assert (line.y0, line.y1) == (100, 100)
    assert fig.layout.annotations[0].text == "actual = predicted"
    assert charts.backtest_history(history.head(1), lang="en") is None
