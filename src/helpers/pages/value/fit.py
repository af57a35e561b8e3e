"""The value models' fit on patterns: BG/NBD or MBG/NBD, and Gamma-Gamma, on every buyer
(notebook 06).

Both models depend on a buyer only through a few numbers: the purchase model through (x, t_x, T),
Gamma-Gamma through (x, mean repeat spend). The fit reads the distinct patterns with how many
buyers share each (customer_value_patterns.sql, customer_value_spend_patterns.sql, built where
the models run: on Spark only the patterns reach the driver) and weighs each pattern's
log-likelihood by its count: the same likelihood as one row per buyer, summed in fewer terms, so
the same estimates (tests/test_value_fit.py: CDNOW, weighted against unweighted and against
pymc-marketing's own fit). A shop of 2M buyers has a few hundred thousand patterns; nobody is
sampled.

Why not pymc-marketing's BetaGeoModel / ModifiedBetaGeoModel / GammaGammaModel.fit: they take
one row per customer and have no weights (pymc-marketing 0.19: no `weights` in clv.models). The
likelihood used here IS pymc-marketing's: the logp of its distributions BetaGeoNBD and
ModifiedBetaGeoNBD (pymc_marketing.clv.distributions) and the Gamma-Gamma log-likelihood of its
GammaGammaModel (the same expression), multiplied by the counts and summed in pytensor, whose
exact gradient drives scipy's L-BFGS-B from the point pymc's find_MAP starts at (every parameter
1, on the log scale), as pymc-marketing's `fit(method="map")` with flat priors does. So the
estimates are the maximum-likelihood ones the literature publishes. The function is compiled
once per process and model (cached in ~/.pytensor across processes), with the data as its
inputs: a second fit, a back-test's refit, costs no compilation.

Cost, after compilation (measured on the shared 2-core machine): CDNOW (2,357 buyers, 1,016
patterns) 0.4 s; 25,000 synthetic buyers 1 s; 2M synthetic buyers over three years in whole days
(728,412 purchase patterns, 938,492 spend patterns, both models and their Hessians) 6.6 s of CPU,
28-35 s of wall time while the machine ran at a load of 20-28. Compiling the three functions,
once per machine (~/.pytensor), took 25-110 s on that machine; a later process loads them in a
few seconds. Sampling, and the `fit_max_customers` it used, is gone: every buyer is fitted.

The covariance of the estimates (on the log scale) is the inverse of the weighted
log-likelihood's Hessian at the estimates (central differences of the exact gradient): the
intervals (intervals.py) come from it.

Gamma-Gamma is fitted on spend in a unit near one (the power of ten of the median repeat
spend: 100,000 ₫ for a shop whose median is 250,000 ₫, 10,000,000 ₫ for orders of tens of
millions), then v and the log-likelihood are put back in money: on đồng directly the optimiser
ran off. p and q do not depend on the unit.
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.core.errors import ParamError

WEEK_DAYS = 7.0
# below these the estimates say more about chance than about the shop
MIN_CUSTOMERS = 100
MIN_REPEAT_CUSTOMERS = 20
# parameters outside this range mean the optimiser ran off (a flat likelihood, a shop of one
# pattern): the fit is reported as not converged rather than used
SANE = (1e-6, 1e6)
BGNBD_PARAMS = ("r", "alpha", "a", "b")  # MBG/NBD and BG/NBD alike
# the purchase models (the run's value_model): the paper's BG/NBD, the default (the published
# CDNOW figures), and the MBG/NBD, where a customer may also leave after the first purchase
PURCHASE_MODELS = {"bg_nbd": "BetaGeoModel", "mbg_nbd": "ModifiedBetaGeoModel"}
# pymc_marketing.clv.distributions: whose logp each purchase model's fit weighs
DISTRIBUTIONS = {"bg_nbd": "BetaGeoNBD", "mbg_nbd": "ModifiedBetaGeoNBD"}
DEFAULT_MODEL = "bg_nbd"
GG_PARAMS = ("p", "q", "v")
METHOD = ("maximum likelihood on the distinct patterns weighted by their buyers (pymc-marketing's "
          "likelihood in pytensor, scipy L-BFGS-B)")
# scipy's L-BFGS-B: at most pymc find_MAP's 5000 steps, and tolerances tighter than scipy's
# defaults (ftol 2.2e-9, gtol 1e-5), with which two sums of one likelihood in different orders
# (patterns or rows) stopped 1e-5 apart: now they agree to 1e-7 (tests/test_value_fit.py)
MAX_STEPS = 5000
FTOL, GTOL = 1e-14, 1e-8
# the log parameters stay within ±30 (1e-13 to 1e13), far outside SANE: an optimiser running off
# stops there and the fit is reported as not converged, instead of overflowing
LOG_BOUND = 30.0


@dataclass
class ValueFit:
    """What was fitted, on how many customers, and whether it can be used."""

    status: str  # ok | too_few_customers | too_few_repeat | did_not_converge
    customers: int
    repeat_customers: int
    fitted_on: int = 0  # buyers the purchase model saw: every buyer (their patterns, weighted)
    model: str = DEFAULT_MODEL  # the purchase model: bg_nbd or mbg_nbd (value_model)
    bgnbd: dict = field(default_factory=dict)  # its r, alpha, a, b
    gamma_gamma: dict = field(default_factory=dict)  # empty: spend could not be estimated
    loglik_bgnbd: float | None = None
    loglik_gamma_gamma: float | None = None
    # Gamma-Gamma is fitted on spend in units of this power of ten (the median repeat spend's):
    # on đồng (v near 150,000) the optimiser ran off; v and the log-likelihood are in money
    spend_unit: float = 1.0
    seconds: float = 0.0
    method: str = METHOD
    mode: str = ""  # pytensor's compile mode ("": its default, C)
    reason: str = ""
    models: dict = field(default_factory=dict, repr=False)  # kept for callers; unused
    patterns: int = 0  # distinct (x, t_x, T) the purchase model summed over
    spend_patterns: int = 0  # distinct (x, mean spend) Gamma-Gamma summed over
    # covariance of the log estimates (order BGNBD_PARAMS, GG_PARAMS): None when not invertible
    cov_bgnbd: np.ndarray | None = field(default=None, repr=False, compare=False)
    cov_gamma_gamma: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _quiet():
    """pymc and arviz speak on stderr and through warnings; a page shows only sentences."""
    import logging

    for name in ("pymc", "pytensor", "pymc_marketing", "arviz"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return warnings.catch_warnings()


@functools.cache
def _loglik_function(model: str):
    """f(log_params, *data, weights) -> (weighted log-likelihood, its gradient), compiled once.

    model: bg_nbd / mbg_nbd (data x, t_x, T; log params in BGNBD_PARAMS order) or gamma_gamma
    (data x, mean spend; GG_PARAMS order)."""
    with _quiet():
        warnings.simplefilter("ignore")
        import pytensor
        import pytensor.tensor as pt
        from pymc_marketing.clv import distributions

        phi = pt.dvector("phi")
        w = pt.dvector("w")
        if model == "gamma_gamma":
            x, z = pt.dvector("x"), pt.dvector("z")
            p, q, v = (pt.exp(phi[i]) for i in range(3))
            # GammaGammaModel's likelihood (pymc_marketing.clv.models.gamma_gamma, Eq 1a)
            ll = (pt.gammaln(p * x + q) - pt.gammaln(p * x) - pt.gammaln(q) + q * pt.log(v)
                  + (p * x - 1) * pt.log(z) + (p * x) * pt.log(x)
                  - (p * x + q) * pt.log(x * z + v))
            inputs = [phi, x, z, w]
        else:
            x, t_x, T = pt.dvector("x"), pt.dvector("t_x"), pt.dvector("T")
            r, alpha, a, b = (pt.exp(phi[i]) for i in range(4))
            dist = getattr(distributions, DISTRIBUTIONS[model])
            ll = dist.logp(pt.stack([t_x, x], axis=1), a, b, r, alpha, T)
            inputs = [phi, x, t_x, T, w]
        total = pt.sum(w * ll)
        return pytensor.function(inputs, [total, pytensor.grad(total, phi)],
                                 on_unused_input="ignore")


def _maximise(model: str, data: tuple, size: int) -> tuple[np.ndarray, float, np.ndarray | None]:
    """The log estimates, the log-likelihood there and the covariance of the log estimates."""
    from scipy.optimize import minimize

    f = _loglik_function(model)
    data = tuple(np.ascontiguousarray(d, dtype=float) for d in data)

    def negative(phi):
        try:
            value, grad = f(phi, *data)
        except ValueError:  # pymc's parameter check: a parameter at 0 or infinity
            return np.inf, np.zeros_like(phi)
        if not np.isfinite(value):
            return np.inf, np.zeros_like(phi)
        return -float(value), -np.asarray(grad, dtype=float)

    with np.errstate(all="ignore"):
        found = minimize(negative, np.zeros(size), jac=True, method="L-BFGS-B",
                         bounds=[(-LOG_BOUND, LOG_BOUND)] * size,
                         options={"maxiter": MAX_STEPS, "maxfun": MAX_STEPS, "ftol": FTOL,
                                  "gtol": GTOL})
    phi = np.asarray(found.x, dtype=float)
    loglik = -float(found.fun)
    return phi, loglik, _covariance(f, phi, data)


def _covariance(f, phi: np.ndarray, data: tuple, step: float = 1e-4) -> np.ndarray | None:
    """The inverse of minus the Hessian of the log-likelihood at `phi` (log scale), from central
    differences of its exact gradient; None when it is not positive definite."""
    size = len(phi)
    hessian = np.empty((size, size))
    for i in range(size):
        up, down = phi.copy(), phi.copy()
        up[i] += step
        down[i] -= step
        hessian[i] = (np.asarray(f(up, *data)[1]) - np.asarray(f(down, *data)[1])) / (2 * step)
    hessian = (hessian + hessian.T) / 2
    try:
        cov = np.linalg.inv(-hessian)
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return None
    return cov


def sane(values: dict, loglik: float | None) -> bool:
    return all(math.isfinite(v) and SANE[0] < v < SANE[1] for v in values.values()) and (
        loglik is not None and math.isfinite(loglik))


def purchase_patterns(summary: pd.DataFrame) -> pd.DataFrame:
    """(x, t_x, T, customers) of a per-buyer summary, as customer_value_patterns.sql gives them,
    in the order the fit sums them (by x, t_x, T)."""
    frame = pd.DataFrame({"x": summary.x.to_numpy(dtype=float),
                          "t_x": summary.t_x.to_numpy(dtype=float),
                          "T": summary["T"].to_numpy(dtype=float)})
    return (frame.groupby(["x", "t_x", "T"], sort=True).size().rename("customers")
            .reset_index())


def spend_patterns(summary: pd.DataFrame) -> pd.DataFrame:
    """(x, mean_spend, customers) of the repeat buyers with a positive mean spend, as
    customer_value_spend_patterns.sql gives them (by x, mean spend)."""
    spend = pd.to_numeric(summary.mean_spend, errors="coerce").astype(float)
    keep = (summary.x.to_numpy() > 0) & (spend.to_numpy() > 0)
    frame = pd.DataFrame({"x": summary.x.to_numpy(dtype=float)[keep],
                          "mean_spend": spend.to_numpy()[keep]})
    return (frame.groupby(["x", "mean_spend"], sort=True).size().rename("customers")
            .reset_index())


def _ordered(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Patterns in one order whatever gave them (SQL or pandas): the sum's order, so that the same
    patterns give the same estimates to the last bit."""
    return frame.astype({k: float for k in keys}).sort_values(keys, kind="stable") \
        .reset_index(drop=True)


def fit(summary: pd.DataFrame | None, *, seed: int = 2026, max_customers: int = 500_000,
        spend: bool = True, counts: tuple[int, int] | None = None,
        model: str = DEFAULT_MODEL, patterns: pd.DataFrame | None = None,
        spend_rows: pd.DataFrame | None = None) -> ValueFit:
    """The purchase model (`model`: bg_nbd, the default, or mbg_nbd) on every buyer, Gamma-Gamma
    on the repeat buyers with a positive mean spend (unless `spend` is False: purchases only).
    Never raises for the shop's data: the status says what could not be done.

    `summary` is one row per buyer (build_summary); or give `patterns` (x, t_x, T, customers) and
    `spend_rows` (x, mean_spend, customers) as the pattern tables give them, with `counts`
    (buyers, repeat buyers). `seed` and `max_customers` are accepted for callers written before
    the fit on patterns and change nothing: the fit is deterministic and fits every buyer."""
    del seed, max_customers  # kept in the signature for callers; see the docstring
    if model not in PURCHASE_MODELS:
        raise ParamError(f"model {model!r}: use one of {', '.join(PURCHASE_MODELS)}")
    if patterns is None:
        patterns = purchase_patterns(summary)
    if spend_rows is None and spend:
        spend_rows = spend_patterns(summary) if summary is not None else None
    patterns = _ordered(patterns, ["x", "t_x", "T"])
    customers, repeat = counts or (int(patterns.customers.sum()),
                                   int(patterns.customers[patterns.x > 0].sum()))
    result = ValueFit(status="ok", customers=customers, repeat_customers=repeat, model=model)
    if customers < MIN_CUSTOMERS:
        result.status, result.reason = "too_few_customers", f"{customers} < {MIN_CUSTOMERS}"
        return result
    if result.repeat_customers < MIN_REPEAT_CUSTOMERS:
        result.status = "too_few_repeat"
        result.reason = f"{result.repeat_customers} < {MIN_REPEAT_CUSTOMERS}"
        return result
    _loglik_function(model)  # compiled (or read from pytensor's cache): not the fit's time
    if spend and spend_rows is not None:
        _loglik_function("gamma_gamma")
    started = time.perf_counter()
    result.fitted_on, result.patterns = int(patterns.customers.sum()), len(patterns)
    try:
        phi, loglik, cov = _maximise(model, (patterns.x, patterns.t_x, patterns["T"],
                                             patterns.customers), len(BGNBD_PARAMS))
    except Exception as exc:  # the optimiser or the model: a sentence on the page, not a crash
        result.status, result.reason = "did_not_converge", f"{type(exc).__name__}: {exc}"
        result.seconds = time.perf_counter() - started
        return result
    result.bgnbd = dict(zip(BGNBD_PARAMS, np.exp(phi).tolist()))
    result.loglik_bgnbd, result.cov_bgnbd = loglik, cov
    if not sane(result.bgnbd, result.loglik_bgnbd):
        result.status = "did_not_converge"
        result.reason = f"estimates {result.bgnbd}, log-likelihood {result.loglik_bgnbd}"
        result.seconds = time.perf_counter() - started
        return result
    if spend and spend_rows is not None:
        _fit_spend(result, _ordered(spend_rows, ["x", "mean_spend"]))
    result.seconds = time.perf_counter() - started
    return result


def _fit_spend(result: ValueFit, rows: pd.DataFrame) -> None:
    """Gamma-Gamma on the spend patterns, in a unit near one; nothing when spend cannot be
    estimated (purchases and P(alive) still stand)."""
    buyers = int(rows.customers.sum())
    if buyers < MIN_REPEAT_CUSTOMERS:
        return
    unit = spend_unit(rows.mean_spend.to_numpy(dtype=float), rows.customers.to_numpy())
    try:
        phi, loglik, cov = _maximise("gamma_gamma", (rows.x, rows.mean_spend / unit,
                                                     rows.customers), len(GG_PARAMS))
    except Exception:  # spend not estimable
        return
    estimates = dict(zip(GG_PARAMS, np.exp(phi).tolist()))
    # q <= 1: the model's mean spend is infinite; such a fit predicts nothing
    if sane(estimates, loglik) and estimates["q"] > 1:
        # back to money: v scales with the spend, each density by 1 / unit
        result.gamma_gamma = {**estimates, "v": estimates["v"] * unit}
        result.loglik_gamma_gamma = loglik - buyers * math.log(unit)
        result.spend_unit, result.cov_gamma_gamma = unit, cov
        result.spend_patterns = len(rows)


def spend_unit(amounts: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The power of ten of the (weighted) median repeat spend: the unit Gamma-Gamma is fitted
    in (1 for CDNOW's dollars, 100,000 for a shop whose median is 250,000 ₫)."""
    order = np.argsort(amounts, kind="stable")
    amounts = amounts[order]
    weights = np.ones(len(amounts)) if weights is None else np.asarray(weights, float)[order]
    cumulative = np.cumsum(weights)
    median = float(amounts[np.searchsorted(cumulative, cumulative[-1] / 2)])
    return 10.0 ** math.floor(math.log10(median))
