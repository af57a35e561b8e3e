"""The value models fitted on patterns (pages/value/fit.py): the distinct (x, t_x, T) and (x, mean
spend) with their buyers as weights give the estimates of one row per buyer, on a hand-made set
and on CDNOW (against pymc-marketing's own unweighted fit and the published figures); the pattern
tables from SQL; the predictions against pymc-marketing's methods; spend at VND scale (issue 36
item 3): the rescaled fit, a shop of 10-50 million ₫ orders, CDNOW in đồng.

The CDNOW fits run once per module (fixtures); pymc-marketing's own fit compiles in pytensor's
Python mode (FAST_COMPILE), which is faster than its C for 2,357 buyers when nothing is cached.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import ingest
from helpers.engine import db
from helpers.pages.value import compute as cv
from helpers.pages.value import fit as vf
from helpers.pages.value import formulas, summary

CDNOW = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow_sample"
AS_OF = date(1997, 9, 30)
PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
needs_cdnow = pytest.mark.skipif(not (CDNOW / "cdnow_sample_orders.csv").exists(),
                                 reason="../shared/data/cdnow_sample is not beside the project")


def _rows_fit(model: str, frame: pd.DataFrame) -> dict:
    """The fit with one row per buyer, every weight 1 (what the weighted fit must equal)."""
    ones = np.ones(len(frame))
    if model == "gamma_gamma":
        phi, loglik, _ = vf._maximise(model, (frame.x, frame.mean_spend, ones), 3)
        return {**dict(zip(vf.GG_PARAMS, np.exp(phi))), "loglik": loglik}
    phi, loglik, _ = vf._maximise(model, (frame.x, frame.t_x, frame["T"], ones), 4)
    return {**dict(zip(vf.BGNBD_PARAMS, np.exp(phi))), "loglik": loglik}


def simulate_shop(n: int, *, seed: int, weeks: float = 78.0, horizon_weeks: float = 13.0,
                  model: str = "bg_nbd", r=0.243, alpha=4.414, a=0.793, b=2.426, p=6.25,
                  q=3.74, v=15.44, whole_weeks: bool = False):
    """n buyers of a shop drawn from the BG/NBD (or MBG/NBD) with Gamma-Gamma spend, CDNOW's
    parameters by default, their first purchases spread over `weeks`: the summary at the end
    (x, t_x, T, mean_spend) and each buyer's actual purchases and revenue in the `horizon_weeks`
    after it. `whole_weeks`: T and t_x rounded down to whole weeks (buyers then share
    patterns)."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(0, weeks, n)
    if whole_weeks:
        T = np.floor(T)
    rate, leave, nu = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n), rng.gamma(q, 1 / v, n)
    active = np.ones(n, bool) if model == "bg_nbd" else rng.random(n) >= leave
    x, t_x, spend = np.zeros(n), np.zeros(n), np.zeros(n)
    future, future_revenue, now = np.zeros(n), np.zeros(n), np.zeros(n)
    while active.any():
        at = np.flatnonzero(active)
        now[at] += rng.exponential(1 / rate[at])
        active[at[now[at] > T[at] + horizon_weeks]] = False
        at = at[now[at] <= T[at] + horizon_weeks]
        amount, past = rng.gamma(p, 1 / nu[at]), now[at] <= T[at]
        x[at[past]] += 1
        t_x[at[past]] = now[at[past]]
        spend[at[past]] += amount[past]
        future[at[~past]] += 1
        future_revenue[at[~past]] += amount[~past]
        active[at[rng.random(len(at)) < leave[at]]] = False
    if whole_weeks:
        t_x = np.floor(t_x)
    frame = pd.DataFrame({"customer_id": [f"c{i:06d}" for i in range(n)], "x": x.astype(int),
                          "t_x": t_x, "T": T,
                          "mean_spend": np.where(x > 0, np.round(spend / np.maximum(x, 1), 2),
                                                 np.nan)})
    return frame, future, future_revenue


def _hand_made() -> pd.DataFrame:
    """600 buyers of a BG/NBD shop counted in whole weeks: many share a pattern (every one-time
    buyer of a week, the same week's one-repeat buyers…)."""
    return simulate_shop(600, seed=5, weeks=52, whole_weeks=True)[0]


@pytest.mark.parametrize("model", ["bg_nbd", "mbg_nbd"])
def test_the_weighted_fit_on_patterns_equals_the_fit_on_every_buyer_by_hand(model):
    rows = _hand_made()
    patterns = vf.purchase_patterns(rows)
    assert len(patterns) < 400 and patterns.customers.sum() == 600
    assert patterns.customers.max() > 5
    got = vf.fit(rows, model=model)
    assert got.ok and got.patterns == len(patterns) and got.fitted_on == got.customers == 600
    every = _rows_fit(model, rows)
    for name in vf.BGNBD_PARAMS:
        assert got.bgnbd[name] == pytest.approx(every[name], rel=1e-5), name
    assert got.loglik_bgnbd == pytest.approx(every["loglik"], abs=1e-6)
    spend = rows[rows.x > 0]
    every_gg = _rows_fit("gamma_gamma", spend.assign(mean_spend=spend.mean_spend / 10))
    assert got.spend_unit == 10 and got.spend_patterns == len(vf.spend_patterns(rows))
    assert got.gamma_gamma["p"] == pytest.approx(every_gg["p"], rel=1e-5)
    assert got.gamma_gamma["q"] == pytest.approx(every_gg["q"], rel=1e-5)
    assert got.gamma_gamma["v"] == pytest.approx(every_gg["v"] * 10, rel=1e-5)


def test_the_pattern_tables_from_sql_are_the_patterns_of_every_buyer():
    """customer_value_patterns.sql and customer_value_spend_patterns.sql on a summary table give
    the patterns pandas counts; fit_table on them gives fit()'s estimates."""
    rows = _hand_made()
    con = db.connect()
    con.register("hand_rows", rows)
    con.execute("create temp table hand_summary as select customer_id, x, t_x, T, "
                "cast(mean_spend as decimal(18, 2)) as mean_spend from hand_rows")
    patterns, spend = summary.pattern_tables(con, "hand_summary")
    got = con.execute(f"select x, t_x, T, customers from {patterns} order by x, t_x, T").df()
    want = vf.purchase_patterns(rows)
    np.testing.assert_array_equal(got[["x", "t_x", "T"]].to_numpy(float),
                                  want[["x", "t_x", "T"]].to_numpy(float))
    assert got.customers.tolist() == want.customers.tolist()
    got_spend = con.execute(f"select x, cast(mean_spend as double) as m, customers from {spend} "
                            f"order by x, mean_spend").df()
    assert got_spend.customers.tolist() == vf.spend_patterns(rows).customers.tolist()
    fitted = cv.fit_table(con, "hand_summary")
    assert fitted.bgnbd == vf.fit(rows).bgnbd and fitted.customers == 600
    con.close()


# ---------------------------------------------------------------- CDNOW


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cdnow")
    con = db.connect()
    ingest.load(con, "orders", CDNOW / "cdnow_sample_orders.csv", cache_dir=tmp / "cache",
                quarantine_dir=tmp / "q")
    frame = cv.build_summary(con, as_of=AS_OF, excluded_statuses=[],
                             zero_amount_purchases=True).df()
    yield con, frame
    con.close()


@pytest.fixture(scope="module")
def pymc_marketing_fit(cdnow):
    """pymc-marketing's BetaGeoModel and GammaGammaModel, unweighted, one row per buyer, MAP with
    flat priors: the reference the weighted fit must reproduce."""
    import pytensor
    from pymc_extras.prior import Prior
    from pymc_marketing import clv

    _, frame = cdnow
    data = pd.DataFrame({"customer_id": np.arange(len(frame)), "frequency": frame.x.astype(float),
                         "recency": frame.t_x, "T": frame["T"]})
    repeat = frame[frame.x > 0]
    spend = pd.DataFrame({"customer_id": np.arange(len(repeat)),
                          "frequency": repeat.x.astype(float),
                          "monetary_value": repeat.mean_spend.astype(float)})
    with warnings.catch_warnings(), pytensor.config.change_flags(mode="FAST_COMPILE"):
        warnings.simplefilter("ignore")
        bg = clv.BetaGeoModel(data=data, model_config={k: Prior("HalfFlat")
                                                       for k in vf.BGNBD_PARAMS})
        bg.fit(method="map", progressbar=False)
        gg = clv.GammaGammaModel(data=spend, model_config={k: Prior("HalfFlat")
                                                          for k in vf.GG_PARAMS})
        gg.fit(method="map", progressbar=False)
    return bg, gg, data


@needs_cdnow
def test_on_cdnow_the_weighted_fit_equals_pymc_marketings_and_the_published_one(
        cdnow, pymc_marketing_fit):
    _, frame = cdnow
    bg, gg, _ = pymc_marketing_fit
    got = vf.fit(frame)
    assert got.ok and got.fitted_on == 2357 and got.patterns < 2357
    theirs = {k: float(bg.fit_result[k].values.ravel()[0]) for k in vf.BGNBD_PARAMS}
    every = _rows_fit("bg_nbd", frame)
    for name, value in PUBLISHED_BG.items():
        assert got.bgnbd[name] == pytest.approx(every[name], rel=1e-5), name
        assert got.bgnbd[name] == pytest.approx(theirs[name], rel=1e-3), name
        assert got.bgnbd[name] == pytest.approx(value, rel=0.005), name
    assert got.loglik_bgnbd == pytest.approx(-9582.4, abs=0.05)
    theirs_gg = {k: float(gg.fit_result[k].values.ravel()[0]) for k in vf.GG_PARAMS}
    for name, value in PUBLISHED_GG.items():
        assert got.gamma_gamma[name] == pytest.approx(theirs_gg[name], rel=1e-3), name
        assert got.gamma_gamma[name] == pytest.approx(value, rel=0.005), name


@needs_cdnow
def test_predictions_equal_pymc_marketings_methods(cdnow, pymc_marketing_fit):
    _, frame = cdnow
    bg, gg, data = pymc_marketing_fit
    params = {k: float(bg.fit_result[k].values.ravel()[0]) for k in vf.BGNBD_PARAMS}
    x, t_x, T = (frame[c].to_numpy(float) for c in ("x", "t_x", "T"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_alive = bg.expected_probability_alive(data=data).values.ravel()
        theirs_purchases = bg.expected_purchases(data=data, future_t=13.0).values.ravel()
        spend = pd.DataFrame({"customer_id": data.customer_id, "frequency": data.frequency,
                              "monetary_value": frame.mean_spend.fillna(0).astype(float)})
        theirs_spend = gg.expected_customer_spend(data=spend).values.ravel()
    np.testing.assert_allclose(formulas.p_alive(params, "bg_nbd", x, t_x, T), theirs_alive,
                               rtol=1e-9)
    np.testing.assert_allclose(formulas.expected_purchases(params, "bg_nbd", x, t_x, T, 13.0),
                               theirs_purchases, rtol=1e-9)
    gg_params = {k: float(gg.fit_result[k].values.ravel()[0]) for k in vf.GG_PARAMS}
    np.testing.assert_allclose(formulas.expected_spend(gg_params, x, frame.mean_spend),
                               theirs_spend, rtol=1e-9)


def test_mbgnbd_formulas_equal_pymc_marketings():
    """The MBG/NBD's P(alive) and expected purchases against ModifiedBetaGeoModel's methods, at
    lifetimes' CDNOW estimates, on hand-made customers (one-time buyers included)."""
    import arviz as az
    import xarray as xr
    from pymc_marketing import clv

    params = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    data = pd.DataFrame({"customer_id": np.arange(5), "frequency": [0.0, 0, 1, 4, 20],
                         "recency": [0.0, 0, 10, 30, 70], "T": [5.0, 60, 40, 39, 78]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = clv.ModifiedBetaGeoModel(data=data)
        model.build_model()
        model.idata = az.InferenceData(posterior=xr.Dataset(
            {k: (("chain", "draw"), [[v]]) for k, v in params.items()}))
        alive = model.expected_probability_alive(data=data).values.ravel()
        purchases = model.expected_purchases(data=data, future_t=26.0).values.ravel()
    args = (data.frequency, data.recency, data["T"])
    np.testing.assert_allclose(formulas.p_alive(params, "mbg_nbd", *args), alive, rtol=1e-9)
    np.testing.assert_allclose(formulas.expected_purchases(params, "mbg_nbd", *args, 26.0),
                               purchases, rtol=1e-9)


# ---------------------------------------------------------------- spend at VND scale


@needs_cdnow
def test_cdnow_in_dong_gives_the_same_gamma_gamma_estimates_v_in_dong(cdnow):
    """CDNOW's dollars × 25,000 (đồng): fitted in units of 100,000 ₫ (the median repeat spend's
    power of ten), p and q are the dollars' and v is 25,000 times the dollars' (15.44 $)."""
    _, frame = cdnow
    dollars = vf.fit(frame)
    dong = vf.fit(frame.assign(mean_spend=frame.mean_spend.astype(float) * 25_000))
    assert dollars.spend_unit == 10 and dong.spend_unit == 100_000
    assert dong.gamma_gamma["p"] == pytest.approx(dollars.gamma_gamma["p"], rel=1e-4)
    assert dong.gamma_gamma["q"] == pytest.approx(dollars.gamma_gamma["q"], rel=1e-4)
    assert dong.gamma_gamma["v"] == pytest.approx(dollars.gamma_gamma["v"] * 25_000, rel=1e-4)
    assert dong.gamma_gamma["v"] == pytest.approx(PUBLISHED_GG["v"] * 25_000, rel=0.005)
    predicted = cv.predict(dong, frame.assign(mean_spend=frame.mean_spend.astype(float) * 25_000),
                           horizon_days=90)
    in_dollars = cv.predict(dollars, frame, horizon_days=90)
    np.testing.assert_allclose(predicted.expected_revenue, in_dollars.expected_revenue * 25_000,
                               rtol=1e-4)
    assert (predicted.expected_revenue >= 0).all()


def _shop_of_millions(n: int = 3000, seed: int = 3) -> pd.DataFrame:
    """A shop whose every order is 10 to 50 million ₫ (machines, furniture): n buyers of a
    BG/NBD shop, each with an order value of their own between 12 and 45 million ₫ and orders
    within 15% of it, kept between 10 and 50 million ₫."""
    frame = simulate_shop(n, seed=seed, weeks=104)[0]
    rng = np.random.default_rng(seed)
    level = rng.uniform(12e6, 45e6, n)
    spend = [np.clip(level[i] * rng.uniform(0.85, 1.15, k), 10e6, 50e6).mean() if k else np.nan
             for i, k in enumerate(frame.x)]
    return frame.assign(mean_spend=np.round(spend, 2))


def test_a_shop_of_10_to_50_million_dong_orders_gets_sane_spend_predictions():
    frame = _shop_of_millions()
    got = vf.fit(frame, model="mbg_nbd")
    assert got.ok and got.gamma_gamma and got.spend_unit == 10_000_000
    predicted = cv.predict(got, frame, horizon_days=90)
    per_purchase = formulas.expected_spend(got.gamma_gamma, frame.x, frame.mean_spend)
    # every expected spend per purchase is an order's value: within 10-50 million ₫
    assert per_purchase.min() >= 10e6 and per_purchase.max() <= 50e6
    assert (predicted.expected_revenue >= 0).all() and predicted.expected_revenue.notna().all()
    # no buyer is expected to bring more than 50 million ₫ per purchase expected
    assert (predicted.expected_revenue <= predicted.expected_purchases * 50e6 + 1).all()
    for low, point, high in (("expected_purchases_low", "expected_purchases",
                              "expected_purchases_high"),
                             ("expected_revenue_low", "expected_revenue",
                              "expected_revenue_high")):
        assert (predicted[low] <= predicted[point]).all()
        assert (predicted[point] <= predicted[high]).all() and (predicted[low] >= 0).all()


def test_predictions_on_the_sample_shop_are_positive_and_bounded(month):
    """customer_value.csv of the sample shop's month (conftest's month): no negative, no absurd
    (above 100 times the largest mean spend per purchase) revenue, intervals hold the points."""
    values = pd.read_csv(month / "customer_value.csv")
    assert len(values) > 1000
    assert (values.expected_revenue >= 0).all() and (values.expected_purchases >= 0).all()
    per_purchase = values.expected_revenue / values.expected_purchases
    assert per_purchase.max() <= values.mean_spend.max() + 0.01
    assert per_purchase.min() >= 0
    for low, point, high in (("expected_purchases_low", "expected_purchases",
                              "expected_purchases_high"),
                             ("expected_revenue_low", "expected_revenue",
                              "expected_revenue_high")):
        assert (values[low] <= values[point]).all() and (values[point] <= values[high]).all()
