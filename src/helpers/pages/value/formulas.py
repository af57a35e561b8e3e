"""The value models' predictions per customer, in numpy and scipy: P(alive), expected purchases
over t weeks, expected spend per purchase (notebook 06).

The formulas are pymc-marketing's (BetaGeoModel and ModifiedBetaGeoModel.expected_probability_
alive and expected_purchases, GammaGammaModel.expected_customer_spend; Fader, Hardie & Lee 2005
eq. 10 and their 2008 note, Batislam et al. 2007 eq. 5 and 6, Fader & Hardie 2013 eq. 5), written
on plain arrays so that they take parameters that were not fitted by a pymc model (the fit on
patterns, fit.py) and can be evaluated at shifted parameters (the intervals, intervals.py)
without building a model per call; tests/test_value_fit.py checks them against pymc-marketing's
own methods. The power terms are taken in logs, so that a customer of many purchases long gone
does not overflow.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, hyp2f1


def _log_ratio(params: dict, x, t_x, T):
    """(r + x) log((alpha + T) / (alpha + t_x))."""
    r, alpha = params["r"], params["alpha"]
    return (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))


def _log_leave(params: dict, model: str, x):
    """log of a / (b + x - 1) (BG/NBD; x >= 1) or a / (b + x) (MBG/NBD)."""
    a, b = params["a"], params["b"]
    if model == "mbg_nbd":
        return np.log(a) - np.log(b + x)
    return np.log(a) - np.log(b + np.maximum(x, 1) - 1)


def p_alive(params: dict, model: str, x, t_x, T) -> np.ndarray:
    """P(alive) at T; 1 for a BG/NBD one-time buyer (nobody leaves before a repeat purchase)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    with np.errstate(all="ignore"):
        alive = expit(-(_log_leave(params, model, x) + _log_ratio(params, x, t_x, T)))
    return np.where(x == 0, 1.0, alive) if model != "mbg_nbd" else alive


def expected_purchases(params: dict, model: str, x, t_x, T, t: float) -> np.ndarray:
    """Expected purchases in (T, T + t], t in weeks."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    with np.errstate(all="ignore"):
        shrink = (r + x) * (np.log(alpha + T) - np.log(alpha + T + t))
        z = t / (alpha + T + t)
        if model == "mbg_nbd":
            numerator = (a + b + x) / (a - 1) * (
                1 - hyp2f1(r + x, b + x + 1, a + b + x, z) * np.exp(shrink))
            leave = np.exp(_log_leave(params, model, x) + _log_ratio(params, x, t_x, T))
        else:
            numerator = (a + b + x - 1) / (a - 1) * (
                1 - np.exp(shrink) * hyp2f1(r + x, b + x, a + b + x - 1, z))
            leave = np.where(x > 0, np.exp(_log_leave(params, model, x)
                                           + _log_ratio(params, x, t_x, T)), 0.0)
        out = numerator / (1 + leave)
    # a pattern whose odds of having left overflow has left: nothing more expected
    return np.where(np.isfinite(out), np.maximum(out, 0.0), 0.0)


def expected_spend(params: dict, x, mean_spend) -> np.ndarray:
    """Expected spend per purchase: the buyer's own mean repeat spend (0 when none) shrunk
    towards the shop's, v p / (q - 1), by the weight p x / (p x + q - 1)."""
    p, q, v = params["p"], params["q"], params["v"]
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(mean_spend, dtype=float), nan=0.0)
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * v * p / (q - 1) + weight * m
