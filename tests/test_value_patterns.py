"""Page 06's figures on distinct patterns and its money columns in numpy: the same values, to the
last bit, as computing every customer one by one (patterns.py, predict.money_array)."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from helpers.pages.value import formulas, patterns
from helpers.pages.value import intervals as iv
from helpers.pages.value.fit import ValueFit
from helpers.pages.value.predict import _money, money_array, predict

FIT = ValueFit(status="ok", customers=1000, repeat_customers=400, model="mbg_nbd",
               bgnbd={"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4},
               gamma_gamma={"p": 6.25, "q": 3.74, "v": 1_500_000.0}, spend_unit=100_000.0,
               cov_bgnbd=np.diag([0.01, 0.02, 0.03, 0.04]) + 0.001,
               cov_gamma_gamma=np.diag([0.02, 0.01, 0.03]) + 0.002)


def _customers(n=3000, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, n)
    T = rng.integers(1, 300, n) / 7
    t_x = np.where(x > 0, np.floor(rng.random(n) * T * 7) / 7, 0.0)
    spend = np.where(x > 0, rng.integers(1, 40, n) * 12_500.0, np.nan)
    return pd.DataFrame({"customer_id": [f"c{i:05d}" for i in range(n)], "x": x, "t_x": t_x,
                         "T": T, "mean_spend": [None if np.isnan(s) else Decimal(f"{s:.2f}")
                                                for s in spend]})


def test_distinct_gives_each_row_its_pattern():
    values, at = patterns.distinct([1, 0, 1, 0, 2], [0.5, 0.0, 0.5, 0.0, np.nan])
    assert len(values[0]) == 3
    assert [values[0][i] for i in at] == [1, 0, 1, 0, 2]
    assert np.isnan(values[1][at[4]]) and values[1][at[0]] == 0.5
    empty, none = patterns.distinct(np.array([]), np.array([]))
    assert len(none) == 0 and len(empty[0]) == 0


def test_predictions_on_patterns_equal_every_customer_alone():
    frame = _customers()
    x, t_x, T = (frame[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    spend = pd.to_numeric(frame.mean_spend, errors="coerce").to_numpy(dtype=float)
    out = predict(FIT, frame, horizon_days=90)
    alone = np.arange(len(x))
    direct = iv.customer_intervals(FIT, x, t_x, T, spend, horizon_days=90,
                                   purchase_patterns=((x, t_x, T), alone))
    assert np.array_equal(out.p_alive.to_numpy(), formulas.p_alive(FIT.bgnbd, FIT.model, x, t_x, T))
    for key, values in direct.items():
        assert np.array_equal(out[key].to_numpy(), values, equal_nan=True), key
    quick = predict(FIT, frame, horizon_days=30, intervals=False)
    purchases = formulas.expected_purchases(FIT.bgnbd, FIT.model, x, t_x, T, 30 / 7)
    assert np.array_equal(quick.expected_purchases.to_numpy(), purchases)
    assert np.array_equal(quick.expected_revenue.to_numpy(),
                          purchases * formulas.expected_spend(FIT.gamma_gamma, x, spend),
                          equal_nan=True)


def test_totals_parts_on_patterns_equal_every_customer_alone():
    frame = _customers(n=500).assign(mean_spend=lambda f: pd.to_numeric(f.mean_spend))
    parts = iv.batch_parts(FIT, frame, horizon_days=90, rng=np.random.default_rng(1))
    x, t_x, T = (frame[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    purchases, grad = iv.purchase_gradient(FIT, x, t_x, T, 90 / 7)
    assert np.array_equal(parts["purchases"], purchases)
    assert np.array_equal(parts["grad_purchases"], grad)
    spend, spend_grad = iv.spend_gradient(FIT, x, frame.mean_spend.to_numpy(dtype=float))
    assert np.array_equal(parts["grad_revenue_gg"], spend_grad * purchases[:, None])


@pytest.mark.parametrize("rounding", ["half_even", "floor", "ceiling"])
def test_money_in_numpy_equals_money_one_by_one(rounding):
    rng = np.random.default_rng(3)
    values = np.concatenate([
        rng.lognormal(12, 2, 5000), -rng.lognormal(8, 2, 500),
        rng.integers(0, 10 ** 7, 2000) / 100,  # exact cents
        rng.integers(0, 10 ** 7, 2000) / 100 + 0.005,  # half a cent: the edge
        [0.0, -0.0, 0.005, 0.015, 0.025, 1.005, 2.675, 1e-9, 123456789012.345, 9.99e15,
         np.nan]])
    series = pd.Series(values)
    assert money_array(series, rounding).equals(pa.array(_money(series, rounding),
                                                         pa.decimal128(18, 2)))
    decimals = pd.Series([Decimal("12.50"), None, Decimal("-3.10"), Decimal("0.00")],
                         dtype=object)
    assert money_array(decimals, rounding).equals(pa.array(_money(decimals, rounding),
                                                           pa.decimal128(18, 2)))
    assert money_array(pd.Series([], dtype=float), rounding).equals(
        pa.array([], pa.decimal128(18, 2)))


def test_gamma_interval_is_scipy_stats_gamma_ppf_to_the_last_bit():
    from scipy.stats import gamma

    rng = np.random.default_rng(11)
    means = np.concatenate([rng.lognormal(5, 4, 400), [1e-9, 0.5, 3.0, 1e12]])
    variances = means * np.concatenate([rng.lognormal(0, 3, 400), [1.0, 1e-6, 50.0, 1e-3]])
    for mean, variance in zip(means, variances):
        shape, scale = mean ** 2 / variance, variance / mean
        tail = (1 - iv.LEVEL) / 2
        low, high = (float(v) for v in gamma.ppf([tail, 1 - tail], shape, scale=scale))
        assert iv.gamma_interval(float(mean), float(variance)) == (min(low, mean),
                                                                  max(high, mean))
