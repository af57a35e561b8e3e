"""90% intervals of the value model's predictions: per customer, and for totals (the whole shop,
each segment) (notebook 06).

API (what page 06 and the back-test call):
- `predict(result, summary, horizon_days=…)` (predict.py) gives each customer's
  expected_purchases_low/high and expected_revenue_low/high beside the point estimates, and
  `write_values` writes them to customer_value.csv; `predict(…, intervals=False)` skips them (the
  back-test, which needs only the point estimates).
- `total_intervals(con, result, horizon_days=…)` → a frame with one row per segment and a first
  row `segment` = None for every buyer: customers, expected_purchases (+ _low, _high),
  expected_revenue (+ _low, _high), from source customer_value (write_values' file, registered by
  files.write_customer_value), in batches. `interval_sentence` is not here: the page's words are
  sentences.py's.

Method. Per customer, the interval is that of the EXPECTED value (what the parameters leave
uncertain): the estimates' covariance (fit.py: the inverse Hessian of the weighted
log-likelihood at the maximum, on the log scale, the MAP's Laplace approximation) is carried to
log E by the delta method: the gradient of log E in the log parameters (forward differences), so
the interval is E·exp(±1.645·s) and always holds the point estimate, and never goes below 0.
Revenue adds the spend model's variance (Gamma-Gamma is fitted apart: independent estimates).

For a total (a segment, the shop) the interval is for what WILL be bought (what a reader
compares with the month that follows): the parameters' part (the same delta method on the sum)
plus the purchases' own chance (each customer's future simulated from the model given their
history, `REPLICATES` times at the estimates: alive or not with P(alive); purchase rate from
Gamma(r + x, alpha + T); chance of leaving from Beta(a, b + x), b + x + 1 under the MBG/NBD;
purchases min(Poisson(rate·t), Geometric(p)); each purchase's spend Gamma(p, ν) with ν from
Gamma(p·x + q, v + x·m)); the sum of the customers' variances is estimated from the replicates
(unbiased). The total's interval is the 5% and 95% points of a gamma distribution of that mean
and variance (counts and money are positive and skewed), then widened to hold the point estimate
when a very skewed one would not.

Why this and not pymc-marketing's posterior (MCMC) nor a parametric bootstrap of the MAP fit:
both need the predictions once per draw, and a prediction is a hypergeometric function per
customer (about 0.25 µs of CPU here): 200 draws at 2M buyers is 400M of them, well over a minute
and a half of CPU on top of the fit, and the bootstrap proper refits each draw (200 fits of 6.6 s
of CPU at 2M), NUTS on 2M buyers more still; the delta method needs 5 evaluations per customer
(the point and one per parameter) and the simulation no hypergeometric function at all. The
covariance it carries is the one a parametric bootstrap estimates (the MLE's sampling
distribution), so at the sizes where both run they agree (the check below).
Checked against 400 seeded parameter draws from the same covariance (the per-customer widths and
the total's spread agree within 15%), and for coverage on ten shops drawn from a known BG/NBD +
Gamma-Gamma process: the total's interval held what was bought in 9 of 10 (36 of 40 over 40
seeds; revenue 37 of 40) (tests/test_value_fit_intervals.py).

Cost (measured on the shared 2-core machine; CPU time, wall time at a load of 20-28 in
brackets): 25,000 buyers, the intervals per customer and the totals 0.1 s and 0.2 s; 2M buyers,
the predictions with intervals 2.4 s of CPU (12 s) against 0.4 s (1.8 s) without (5
hypergeometric functions per customer instead of 1), the totals 4.3 s (23 s; 4 simulated futures
per customer). These intervals say what the model itself leaves uncertain: at 2M buyers the
total's is about ±0.3%, narrower than any misfit of the model to the shop (CDNOW's holdout is
12% under its prediction), which the back-test measures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.pages.value import formulas, patterns
from helpers.pages.value.fit import BGNBD_PARAMS, GG_PARAMS, WEEK_DAYS, ValueFit
from helpers.pages.value.summary import batches

LEVEL = 0.90
Z = 1.6448536269514722  # the standard normal's 95% point: a two-sided 90% interval
STEP = 1e-5  # the forward difference's step in each log parameter
REPLICATES = 4  # simulated futures per customer for the totals' variance (at least 2)
SEED = 2026
INTERVAL_COLUMNS = ["expected_purchases_low", "expected_purchases_high",
                    "expected_revenue_low", "expected_revenue_high"]
TOTAL_COLUMNS = ["segment", "customers", "expected_purchases", "expected_purchases_low",
                 "expected_purchases_high", "expected_revenue", "expected_revenue_low",
                 "expected_revenue_high"]


def _shifted(params: dict, key: str) -> dict:
    return {**params, key: params[key] * float(np.exp(STEP))}


def purchase_gradient(result: ValueFit, x, t_x, T, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected purchases in t weeks and their gradient in the log parameters (n × 4)."""
    params, model = result.bgnbd, result.model
    base = formulas.expected_purchases(params, model, x, t_x, T, t)
    grad = np.stack([(formulas.expected_purchases(_shifted(params, k), model, x, t_x, T, t)
                      - base) / STEP for k in BGNBD_PARAMS], axis=1)
    return base, grad


def spend_gradient(result: ValueFit, x, mean_spend) -> tuple[np.ndarray, np.ndarray]:
    """Expected spend per purchase and its gradient in the log parameters (n × 3)."""
    params = result.gamma_gamma
    base = formulas.expected_spend(params, x, mean_spend)
    grad = np.stack([(formulas.expected_spend(_shifted(params, k), x, mean_spend) - base) / STEP
                     for k in GG_PARAMS], axis=1)
    return base, grad


def _log_variance(value: np.ndarray, grad: np.ndarray, cov: np.ndarray | None) -> np.ndarray:
    """Var(log value) by the delta method (0 where value is 0; nan without a covariance)."""
    if cov is None:
        return np.full(len(value), np.nan)
    absolute = np.einsum("ij,jk,ik->i", grad, cov, grad)
    with np.errstate(all="ignore"):
        return np.where(value > 0, np.maximum(absolute, 0.0) / value ** 2, 0.0)


def customer_intervals(result: ValueFit, x, t_x, T, mean_spend, *,
                       horizon_days: int, purchase_patterns=None) -> dict[str, np.ndarray]:
    """Per customer: expected purchases and revenue over the horizon with their 90% intervals
    (keys expected_purchases, expected_revenue and INTERVAL_COLUMNS); revenue is nan without a
    spend model. Each model's figures are computed on the distinct patterns (patterns.py);
    `purchase_patterns`: patterns.distinct(x, t_x, T) when the caller has it."""
    t = horizon_days / WEEK_DAYS
    (px, pt_x, pT), at = purchase_patterns or patterns.distinct(x, t_x, T)
    purchases, grad = purchase_gradient(result, px, pt_x, pT, t)
    var_purchases = _log_variance(purchases, grad, result.cov_bgnbd)
    spread = np.exp(Z * np.sqrt(var_purchases))
    purchases, var_purchases, spread = purchases[at], var_purchases[at], spread[at]
    out = {"expected_purchases": purchases,
           "expected_purchases_low": purchases / spread,
           "expected_purchases_high": purchases * spread}
    if result.gamma_gamma:
        (sx, sm), spend_at = patterns.distinct(x, mean_spend)
        spend, spend_grad = spend_gradient(result, sx, sm)
        var_spend = _log_variance(spend, spend_grad, result.cov_gamma_gamma)
        spend, var_spend = spend[spend_at], var_spend[spend_at]
        revenue = purchases * spend
        spread = np.exp(Z * np.sqrt(var_purchases + var_spend))
        out.update(expected_revenue=revenue, expected_revenue_low=revenue / spread,
                   expected_revenue_high=revenue * spread)
    else:
        nothing = np.full(len(purchases), np.nan)
        out.update(expected_revenue=nothing, expected_revenue_low=nothing,
                   expected_revenue_high=nothing)
    return out


# ---------------------------------------------------------------- totals: what will be bought


def simulate(result: ValueFit, x, t_x, T, mean_spend, *, horizon_days: int,
             rng: np.random.Generator, alive_now: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """One simulated future of each customer over the horizon, given their history and the
    estimates: (purchases, revenue; revenue nan without a spend model). `alive_now`: their
    P(alive), when the caller has it."""
    params, model = result.bgnbd, result.model
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    t = horizon_days / WEEK_DAYS
    if alive_now is None:
        alive_now = formulas.p_alive(params, model, x, t_x, T)
    alive = rng.random(len(x)) < alive_now
    rate = rng.gamma(params["r"] + x, 1.0 / (params["alpha"] + T))
    survived = x + 1 if model == "mbg_nbd" else x
    leave = rng.beta(params["a"], params["b"] + survived)
    purchases = np.where(alive, np.minimum(rng.poisson(rate * t),
                                           rng.geometric(np.clip(leave, 1e-12, 1.0))), 0)
    if not result.gamma_gamma:
        return purchases.astype(float), np.full(len(x), np.nan)
    unit = result.spend_unit
    p, q, v = (result.gamma_gamma[k] for k in GG_PARAMS)
    m = np.nan_to_num(np.asarray(mean_spend, dtype=float), nan=0.0) / unit
    nu = rng.gamma(p * x + q, 1.0 / (v / unit + x * m))
    revenue = rng.gamma(p * purchases, 1.0 / nu) * unit
    return purchases.astype(float), np.where(purchases > 0, revenue, 0.0)


class _Sums:
    """A total's running sums over batches: customers, means, gradients, simulated variances."""

    def __init__(self):
        self.customers = 0
        self.purchases = self.revenue = self.var_purchases = self.var_revenue = 0.0
        self.grad_purchases = np.zeros(len(BGNBD_PARAMS))
        self.grad_revenue_bg = np.zeros(len(BGNBD_PARAMS))
        self.grad_revenue_gg = np.zeros(len(GG_PARAMS))

    def add(self, at: np.ndarray, parts: dict) -> None:
        self.customers += int(at.sum())
        self.purchases += float(parts["purchases"][at].sum())
        self.revenue += float(np.nansum(parts["revenue"][at]))
        self.var_purchases += float(parts["var_purchases"][at].sum())
        self.var_revenue += float(np.nansum(parts["var_revenue"][at]))
        self.grad_purchases += parts["grad_purchases"][at].sum(axis=0)
        self.grad_revenue_bg += parts["grad_revenue_bg"][at].sum(axis=0)
        self.grad_revenue_gg += parts["grad_revenue_gg"][at].sum(axis=0)

    def row(self, segment, result: ValueFit) -> dict:
        low_p, high_p = gamma_interval(
            self.purchases, _quadratic(self.grad_purchases, result.cov_bgnbd)
            + self.var_purchases)
        row = {"segment": segment, "customers": self.customers,
               "expected_purchases": self.purchases, "expected_purchases_low": low_p,
               "expected_purchases_high": high_p}
        if result.gamma_gamma:
            low_r, high_r = gamma_interval(
                self.revenue, _quadratic(self.grad_revenue_bg, result.cov_bgnbd)
                + _quadratic(self.grad_revenue_gg, result.cov_gamma_gamma) + self.var_revenue)
            row.update(expected_revenue=self.revenue, expected_revenue_low=low_r,
                       expected_revenue_high=high_r)
        else:
            row.update(expected_revenue=np.nan, expected_revenue_low=np.nan,
                       expected_revenue_high=np.nan)
        return row


def _quadratic(grad: np.ndarray, cov: np.ndarray | None) -> float:
    return float("nan") if cov is None else float(grad @ cov @ grad)


def gamma_interval(mean: float, variance: float, level: float = LEVEL) -> tuple[float, float]:
    """The central `level` interval of a gamma distribution of this mean and variance, widened to
    hold the mean; (mean, mean) when there is no spread, nan when the variance is unknown.
    The points are scipy.stats.gamma.ppf's own arithmetic, gammaincinv(shape, q) × scale
    (tests/test_value_patterns.py: the same bits), without importing scipy.stats (seconds of a
    page's time, for two numbers)."""
    from scipy.special import gammaincinv

    if not np.isfinite(variance) or not np.isfinite(mean):
        return float("nan"), float("nan")
    if mean <= 0 or variance <= 0:
        return float(mean), float(mean)
    shape, scale = mean ** 2 / variance, variance / mean
    tail = (1 - level) / 2
    low, high = (float(v) for v in gammaincinv(shape, np.array([tail, 1 - tail])) * scale)
    return min(low, mean), max(high, mean)


def batch_parts(result: ValueFit, frame: pd.DataFrame, *, horizon_days: int,
                rng: np.random.Generator, replicates: int = REPLICATES) -> dict:
    """What the totals sum for each customer of `frame` (x, t_x, T, mean_spend)."""
    x, t_x, T = (frame[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    m = pd.to_numeric(frame.mean_spend, errors="coerce").to_numpy(dtype=float)
    t = horizon_days / WEEK_DAYS
    # the model's figures on the distinct patterns, handed back to each customer (patterns.py)
    (px, pt_x, pT), at = patterns.distinct(x, t_x, T)
    purchases, grad = purchase_gradient(result, px, pt_x, pT, t)
    purchases, grad = purchases[at], grad[at]
    n = len(x)
    parts = {"purchases": purchases, "grad_purchases": grad,
             "revenue": np.full(n, np.nan), "grad_revenue_bg": np.zeros((n, len(BGNBD_PARAMS))),
             "grad_revenue_gg": np.zeros((n, len(GG_PARAMS)))}
    if result.gamma_gamma:
        (sx, sm), spend_at = patterns.distinct(x, m)
        spend, spend_grad = spend_gradient(result, sx, sm)
        spend, spend_grad = spend[spend_at], spend_grad[spend_at]
        parts.update(revenue=purchases * spend, grad_revenue_bg=grad * spend[:, None],
                     grad_revenue_gg=spend_grad * purchases[:, None])
    alive_now = formulas.p_alive(result.bgnbd, result.model, px, pt_x, pT)[at]
    draws = [simulate(result, x, t_x, T, m, horizon_days=horizon_days, rng=rng,
                      alive_now=alive_now) for _ in range(max(replicates, 2))]
    parts["var_purchases"] = np.var(np.stack([d[0] for d in draws]), axis=0, ddof=1)
    parts["var_revenue"] = np.var(np.stack([d[1] for d in draws]), axis=0, ddof=1)
    return parts


def totals_of_frames(result: ValueFit, frames, *, horizon_days: int, seed: int = SEED,
                     replicates: int = REPLICATES) -> pd.DataFrame:
    """total_intervals' frame from batches of customers (x, t_x, T, mean_spend, segment)."""
    columns = TOTAL_COLUMNS
    if not result.ok:
        return pd.DataFrame(columns=columns)
    rng = np.random.default_rng(seed)
    everyone, segments = _Sums(), {}
    for frame in frames:
        if not len(frame):
            continue
        parts = batch_parts(result, frame, horizon_days=horizon_days, rng=rng,
                            replicates=replicates)
        everyone.add(np.ones(len(frame), dtype=bool), parts)
        labels = frame["segment"].to_numpy(dtype=object) if "segment" in frame else \
            np.full(len(frame), None, dtype=object)
        for segment in pd.unique(labels):
            if segment is None or (isinstance(segment, float) and np.isnan(segment)):
                continue
            segments.setdefault(segment, _Sums()).add(labels == segment, parts)
    names = sorted(segments)
    rows = [everyone.row(None, result)] + [segments[s].row(s, result) for s in names]
    out = pd.DataFrame(rows, columns=columns)
    out["segment"] = pd.Series([None, *names], dtype=object)  # None stays None, not nan
    return out


def total_intervals(con, result: ValueFit, *, horizon_days: int, source: str = "customer_value",
                    seed: int = SEED, replicates: int = REPLICATES) -> pd.DataFrame:
    """90% intervals of the purchases and revenue expected over the horizon, in total (first
    row, `segment` None) and per segment, from `source` (write_values' file: x, t_x, T,
    mean_spend, and segment if it has one), read in batches by customer id. Empty when the fit
    cannot be used."""
    columns = {row[0] for row in con.execute(f"describe {source}").fetchall()}
    segment = "segment" if "segment" in columns else "cast(null as varchar) as segment"
    sql = (f"select x, t_x, T, cast(mean_spend as double) as mean_spend, {segment} "
           f"from {source} order by customer_id")
    return totals_of_frames(result, batches(con, sql), horizon_days=horizon_days, seed=seed,
                            replicates=replicates)
