"""90% intervals of page 06's predictions (pages/value/intervals.py, issue 36 item 2): the interval
of the total expected purchases covers what was actually bought in at least 9 of 10 seeded shops
drawn from a known BG/NBD + Gamma-Gamma process; the delta method agrees with seeded parameter
draws; every point estimate lies inside its interval; the totals from the written file are the
totals of the frames, per segment too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.engine import db
from helpers.pages.value import compute as cv
from helpers.pages.value import fit as vf
from helpers.pages.value import formulas, intervals
from tests.test_value_fit import simulate_shop

HORIZON_DAYS = 91  # 13 weeks, the simulated future's


def test_the_total_interval_covers_what_was_bought_in_9_of_10_simulated_shops():
    """Ten shops of 5,000 buyers, CDNOW's parameters, seeds 0-9: fitted on 78 weeks, the 90%
    interval of the next 13 weeks' purchases (and revenue) against what the process then did.
    (On 40 seeds: purchases 36 of 40, revenue 37 of 40.)"""
    covered = covered_revenue = 0
    for seed in range(10):
        frame, future, future_revenue = simulate_shop(5000, seed=seed)
        fitted = vf.fit(frame)
        assert fitted.ok and fitted.gamma_gamma
        total = intervals.totals_of_frames(fitted, [frame], horizon_days=HORIZON_DAYS,
                                           seed=seed).iloc[0]
        covered += total.expected_purchases_low <= future.sum() <= total.expected_purchases_high
        covered_revenue += (total.expected_revenue_low <= future_revenue.sum()
                            <= total.expected_revenue_high)
    assert covered >= 9
    assert covered_revenue >= 9


@pytest.fixture(scope="module")
def shop():
    frame, _, _ = simulate_shop(3000, seed=21)
    fitted = vf.fit(frame)
    assert fitted.ok and fitted.cov_bgnbd is not None and fitted.cov_gamma_gamma is not None
    return frame, fitted


def test_the_delta_method_agrees_with_seeded_parameter_draws(shop):
    """400 draws of the log parameters from the fit's covariance: the spread of each customer's
    expected purchases and of the shop's total is the delta method's, within 15%."""
    frame, fitted = shop
    x, t_x, T = (frame[c].to_numpy(float) for c in ("x", "t_x", "T"))
    rng = np.random.default_rng(7)
    centre = np.log([fitted.bgnbd[k] for k in vf.BGNBD_PARAMS])
    draws = np.array([formulas.expected_purchases(dict(zip(vf.BGNBD_PARAMS, np.exp(d))),
                                                  "bg_nbd", x, t_x, T, 13.0)
                      for d in rng.multivariate_normal(centre, fitted.cov_bgnbd, 400)])
    got = intervals.customer_intervals(fitted, x, t_x, T, frame.mean_spend,
                                       horizon_days=HORIZON_DAYS)
    low, high = np.quantile(draws, [0.05, 0.95], axis=0)
    busy = got["expected_purchases"] > 0.5  # customers with something to predict
    width = got["expected_purchases_high"] - got["expected_purchases_low"]
    np.testing.assert_allclose(width[busy], (high - low)[busy], rtol=0.15)
    base, grad = intervals.purchase_gradient(fitted, x, t_x, T, 13.0)
    delta_sd = float(np.sqrt(grad.sum(axis=0) @ fitted.cov_bgnbd @ grad.sum(axis=0)))
    assert delta_sd == pytest.approx(float(draws.sum(axis=1).std()), rel=0.15)


def test_every_point_estimate_lies_inside_its_interval(shop):
    frame, fitted = shop
    predicted = cv.predict(fitted, frame, horizon_days=HORIZON_DAYS)
    for point in ("expected_purchases", "expected_revenue"):
        low, high = predicted[f"{point}_low"], predicted[f"{point}_high"]
        assert predicted[point].notna().all() and low.notna().all()
        assert (low <= predicted[point]).all() and (predicted[point] <= high).all()
        assert (low >= 0).all() and (high > low).any()
    # in the file too, the money rounded outwards to the cent
    table = cv.outputs(predicted, None).to_pandas()
    assert (table.expected_revenue_low <= table.expected_revenue).all()
    assert (table.expected_revenue <= table.expected_revenue_high).all()
    assert table.columns.tolist() == cv.OUTPUT_COLUMNS
    assert cv.OUTPUT_COLUMNS[-4:] == ["expected_purchases_low", "expected_purchases_high",
                                      "expected_revenue_low", "expected_revenue_high"]
    # point estimates only, when asked (the back-test): the same points, no intervals
    bare = cv.predict(fitted, frame, horizon_days=HORIZON_DAYS, intervals=False)
    np.testing.assert_allclose(bare.expected_purchases, predicted.expected_purchases)
    np.testing.assert_allclose(bare.expected_revenue, predicted.expected_revenue)
    assert bare.expected_purchases_low.isna().all()


def test_totals_per_segment_from_the_written_file(shop, tmp_path):
    """total_intervals reads source customer_value (write_values' file) in batches: its first
    row is every buyer, then one row per segment; the sums are the customers' sums and each
    point lies inside its interval; the same seed gives the same intervals."""
    frame, fitted = shop
    con = db.connect()
    con.register("rows", frame)
    con.execute("create temp table value_summary as select customer_id, x, t_x, T, "
                "cast(mean_spend as decimal(18, 2)) as mean_spend from rows")
    con.execute("create temp table segs as select customer_id, case when x >= 3 then 'loyal' "
                "when x > 0 then 'repeat' else 'once' end as segment from rows")
    path = cv.write_values(con, fitted, "value_summary", tmp_path / "customer_value.parquet",
                           horizon_days=HORIZON_DAYS, segments="segs")
    db.register_parquet(con, "customer_value", path)
    got = cv.total_intervals(con, fitted, horizon_days=HORIZON_DAYS)
    assert got.columns.tolist() == cv.TOTAL_COLUMNS
    assert got.segment.iloc[0] is None and got.segment.iloc[1:].tolist() == ["loyal", "once",
                                                                             "repeat"]
    written = pd.read_parquet(path)
    assert got.customers.iloc[0] == len(frame) == got.customers.iloc[1:].sum()
    assert got.expected_purchases.iloc[0] == pytest.approx(written.expected_purchases.sum())
    # the file's revenue is rounded to the cent per customer
    assert got.expected_revenue.iloc[0] == pytest.approx(
        written.expected_revenue.astype(float).sum(), abs=0.005 * len(frame))
    for point in ("expected_purchases", "expected_revenue"):
        assert (got[f"{point}_low"] <= got[point]).all()
        assert (got[point] <= got[f"{point}_high"]).all()
    # a total's interval is wider, relative to it, than the whole shop's
    relative = (got.expected_purchases_high - got.expected_purchases_low) / got.expected_purchases
    assert (relative.iloc[1:] > relative.iloc[0]).all()
    pd.testing.assert_frame_equal(got, cv.total_intervals(con, fitted, horizon_days=HORIZON_DAYS))
    con.close()


def test_without_a_fit_no_interval_and_without_spend_no_revenue_interval(shop):
    frame, fitted = shop
    unusable = vf.ValueFit(status="too_few_customers", customers=10, repeat_customers=1)
    assert intervals.totals_of_frames(unusable, [frame], horizon_days=90).empty
    purchases_only = vf.fit(frame, spend=False)
    predicted = cv.predict(purchases_only, frame, horizon_days=90)
    assert predicted.expected_purchases_low.notna().all()
    assert predicted.expected_revenue_low.isna().all()
    total = intervals.totals_of_frames(purchases_only, [frame], horizon_days=90).iloc[0]
    assert total.expected_purchases_low < total.expected_purchases < total.expected_purchases_high
    assert np.isnan(total.expected_revenue_low)


def test_a_gamma_interval_holds_its_mean():
    low, high = intervals.gamma_interval(100.0, 100.0)
    assert low == pytest.approx(84.3, abs=0.5) and high == pytest.approx(116.7, abs=0.5)
    assert intervals.gamma_interval(0.0, 0.0) == (0.0, 0.0)
    low, high = intervals.gamma_interval(0.01, 1.0)  # very skewed: widened to hold the mean
    assert low <= 0.01 <= high
