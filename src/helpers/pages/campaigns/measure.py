"""What a careful analyst reads from a campaign against its holdout (notebook 05): intervals for
every effect, the checks of the design, and the CUPED adjustment, from the per-arm sums that
campaign_results.sql returns (no customer-level row reaches Python).

Methods, each the textbook one:
- purchase uplift: the Wald interval while every arm has at least SMALL_COUNT buyers and
  SMALL_COUNT non-buyers (the published figures on large tests are reproduced as they are), else
  Newcombe's hybrid score interval (Newcombe 1998, Statistics in Medicine 17:873-890, method 10:
  Wilson intervals of each rate combined), which stays inside [-1, 1] and keeps its coverage with
  a handful of buyers;
- revenue per customer: Welch's t interval (Welch 1947) with the Welch-Satterthwaite degrees of
  freedom, from sums and sums of squares (no resampling, so no seed and the same answer on every
  engine);
- sample-ratio mismatch: Pearson's chi-square of the arm sizes against the planned holdout share
  (1 degree of freedom; Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch", KDD);
- balance: the standardised mean difference (treated - holdout) / sqrt((s_t^2 + s_h^2) / 2) of
  recency, frequency and spend before the send (Austin 2009, Statistics in Medicine 28:3083);
  above 0.1 the groups differ (Austin's threshold);
- CUPED (Deng, Xu, Kohavi & Walker 2013, WSDM): Y - theta (X - mean X) with X the customer's
  spend in a window of the attribution's length just before the send, theta the pooled
  within-arm slope cov(X, Y) / var(X); the interval is Welch's on the adjusted values and
  variance_reduction = 1 - (SE_cuped / SE_plain)^2 (0 when X is the same for everyone).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
SMALL_COUNT = 30  # fewer buyers (or non-buyers) than this in an arm: Newcombe, not Wald
SRM_P = 0.001  # a sample-ratio mismatch below this p-value: the holdout was not drawn as planned
MAX_SMD = 0.1  # a standardised difference above this: the groups were not alike before the send
BALANCE = ("recency", "frequency", "spend_before")
# why a campaign (or a segment of it) is not measurable as uplift, in not_measurable_reason
REASONS = ("no_holdout", "too_few_customers", "holdout_contaminated", "sample_ratio_mismatch",
           "groups_unbalanced", "overlapping_campaigns")
# customers both on the send list and in the holdout of the same campaign count as treated (they
# were contacted). Above this share of the holdout list the holdout was not kept out of the
# sends: those customers were picked from the holdout by whatever put them on the send list, not
# at random, and at 1% they can already move a purchase rate of a few percent by a tenth of a
# point (1% x a rate of 10-20% among the chosen), the size of the uplifts campaigns measure.
MAX_SENT_AND_HELD_OUT = 0.01

MEASURE_COLUMNS = [
    "revenue_per_customer_treated", "revenue_per_customer_holdout", "revenue_uplift_per_customer",
    "revenue_uplift_ci_low", "revenue_uplift_ci_high", "incremental_revenue_ci_low",
    "incremental_revenue_ci_high", "srm_p_value", "balance_max_abs_smd", "overlapping_campaigns",
    "measurable", "not_measurable_reason", "cuped_uplift", "cuped_ci_low", "cuped_ci_high",
    "variance_reduction", "sent_and_held_out",
]


# ---------------------------------------------------------------- the formulas, one by one


def wilson(x: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of a proportion x / n (Wilson 1927)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe(x1: float, n1: float, x2: float, n2: float, z: float = Z95) -> tuple[float, float]:
    """Newcombe's hybrid score interval of p1 - p2 (method 10)."""
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def wald(x1: float, n1: float, x2: float, n2: float, z: float = 1.96) -> tuple[float, float]:
    """The normal-approximation interval of p1 - p2 with z = 1.96, as campaign_results.sql
    computes it (the published figures of large tests are reproduced to the digit)."""
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan)
    p1, p2 = x1 / n1, x2 / n2
    half = z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return (p1 - p2 - half, p1 - p2 + half)


def uplift_interval(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float]:
    """Wald with enough buyers and non-buyers in both arms, Newcombe otherwise."""
    small = min(x1, n1 - x1, x2, n2 - x2) < SMALL_COUNT
    return newcombe(x1, n1, x2, n2) if small else wald(x1, n1, x2, n2)


def mean_var(total: float, squares: float, n: float) -> tuple[float, float]:
    """Mean and sample variance from a sum and a sum of squares (variance 0 below 2 values)."""
    if n <= 0:
        return (math.nan, math.nan)
    mean = total / n
    if n < 2:
        return (mean, math.nan)
    return (mean, max(0.0, (squares - n * mean * mean) / (n - 1)))


def welch(m1: float, v1: float, n1: float, m2: float, v2: float, n2: float,
          level: float = 0.95) -> tuple[float, float, float, float]:
    """Difference m1 - m2, its interval (Welch's t) and its standard error."""
    if n1 < 2 or n2 < 2 or math.isnan(v1) or math.isnan(v2):
        return (m1 - m2, math.nan, math.nan, math.nan)
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    if se == 0:
        return (m1 - m2, m1 - m2, m1 - m2, 0.0)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    from scipy import stats  # here: every kernel imports this module, few measure (0.7 s)

    half = stats.t.ppf(0.5 + level / 2, df) * se
    return (m1 - m2, m1 - m2 - half, m1 - m2 + half, se)


def srm_p_value(sent: float, holdout: float, planned_share: float) -> float:
    """Pearson's chi-square of (sent, holdout) against the planned holdout share."""
    n = sent + holdout
    if n <= 0 or not 0 < planned_share < 1:
        return math.nan
    expected = np.array([n * (1 - planned_share), n * planned_share])
    chi2 = float((((np.array([sent, holdout]) - expected) ** 2) / expected).sum())
    from scipy import stats

    return float(stats.chi2.sf(chi2, 1))


def smd(m1: float, v1: float, m2: float, v2: float) -> float:
    """Standardised mean difference (pooled as the mean of the two variances)."""
    if any(math.isnan(v) for v in (m1, v1, m2, v2)):
        return math.nan
    pooled = math.sqrt((v1 + v2) / 2)
    if pooled == 0:
        return 0.0 if m1 == m2 else math.inf
    return (m1 - m2) / pooled


def cuped(row) -> tuple[float, float, float, float]:
    """The CUPED-adjusted revenue uplift per customer, its interval and the variance reduction."""
    arms = {}
    for arm, n in (("treated", row.sent), ("holdout", row.holdout)):
        y_mean, y_var = mean_var(row[f"{arm}_revenue_sum"], row[f"{arm}_revenue_sumsq"], n)
        x_mean, x_var = mean_var(row[f"{arm}_pre_spend_sum"], row[f"{arm}_pre_spend_sumsq"], n)
        cov = ((row[f"{arm}_pre_cross"] - n * x_mean * y_mean) / (n - 1)) if n >= 2 else math.nan
        arms[arm] = (n, y_mean, y_var, x_mean, x_var, cov)
    (n1, y1, vy1, x1, vx1, c1), (n2, y2, vy2, x2, vx2, c2) = arms["treated"], arms["holdout"]
    plain = welch(y1, vy1, n1, y2, vy2, n2)
    if n1 < 2 or n2 < 2:
        return (math.nan, math.nan, math.nan, math.nan)
    sxx = (n1 - 1) * vx1 + (n2 - 1) * vx2
    theta = ((n1 - 1) * c1 + (n2 - 1) * c2) / sxx if sxx > 0 else 0.0
    adjusted_var = [max(0.0, vy + theta * theta * vx - 2 * theta * c)
                    for vy, vx, c in ((vy1, vx1, c1), (vy2, vx2, c2))]
    diff, low, high, se = welch(y1 - theta * x1, adjusted_var[0], n1,
                                y2 - theta * x2, adjusted_var[1], n2)
    if theta == 0:  # a covariate equal for everyone: nothing to adjust
        return (plain[0], plain[1], plain[2], 0.0)
    if not plain[3]:
        return (diff, low, high, math.nan)
    reduction = 1 - (se / plain[3]) ** 2
    return (diff, low, high, min(1.0, max(0.0, reduction)))


# ---------------------------------------------------------------- the table


def overlaps_by_campaign(overlaps: pd.DataFrame) -> dict[str, str]:
    """campaign id -> the ids it overlaps, sorted, separated by ';'."""
    named: dict[str, set] = {}
    for r in overlaps.itertuples():
        named.setdefault(r.campaign_id, set()).add(r.other_campaign_id)
        named.setdefault(r.other_campaign_id, set()).add(r.campaign_id)
    return {k: ";".join(sorted(v)) for k, v in named.items()}


def measure(results: pd.DataFrame, *, holdout_share: float, margin: float | None = None,
            overlaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """campaign_results (campaign_results.sql's rows) with the columns of MEASURE_COLUMNS, the
    purchase interval by uplift_interval, and roi on margin when a margin is known (the
    campaign's own, else `margin`), on revenue otherwise (`roi_basis` says which)."""
    frame = results.copy()
    named = overlaps_by_campaign(overlaps if overlaps is not None
                                 else pd.DataFrame(columns=["campaign_id", "other_campaign_id"]))
    out = {c: [] for c in MEASURE_COLUMNS + ["uplift_ci_low", "uplift_ci_high", "roi",
                                             "roi_basis", "roi_ci_low", "roi_ci_high",
                                             "revenue_se", "holdout_revenue_var"]}
    for _, r in frame.iterrows():
        n1, n2 = float(r.sent), float(r.holdout)
        planned = r.get("planned_holdout_share")
        planned = holdout_share if planned is None or pd.isna(planned) else float(planned)
        y1, v1 = mean_var(r.treated_revenue_sum, r.treated_revenue_sumsq, n1)
        y2, v2 = mean_var(r.holdout_revenue_sum, r.holdout_revenue_sumsq, n2)
        diff, low, high, se = welch(y1, v1, n1, y2, v2, n2)
        if n2 > 0 and n1 > 0:
            ci = uplift_interval(float(r.treated_converters), n1, float(r.holdout_converters), n2)
        else:
            ci = (math.nan, math.nan)
        smds = [abs(smd(*mean_var(r[f"treated_{v}_sum"], r[f"treated_{v}_sumsq"], n1),
                        *mean_var(r[f"holdout_{v}_sum"], r[f"holdout_{v}_sumsq"], n2)))
                for v in BALANCE]
        smd_max = max((s for s in smds if not math.isnan(s)), default=math.nan)
        srm = srm_p_value(n1, n2, planned)
        overlap = named.get(r.campaign_id, "")
        both = r.get("sent_and_held_out")
        both = 0 if both is None or pd.isna(both) else int(both)
        reasons = []
        if n2 == 0:
            reasons.append("no_holdout")
        elif n2 < 2 or n1 < 2:
            reasons.append("too_few_customers")
        if both > MAX_SENT_AND_HELD_OUT * (n2 + both):
            reasons.append("holdout_contaminated")
        if not math.isnan(srm) and srm < SRM_P:
            reasons.append("sample_ratio_mismatch")
        if not math.isnan(smd_max) and smd_max > MAX_SMD:
            reasons.append("groups_unbalanced")
        if overlap:
            reasons.append("overlapping_campaigns")
        c_diff, c_low, c_high, reduction = cuped(r)
        own = r.get("margin")
        share = float(own) if own is not None and pd.notna(own) else margin
        roi, roi_low, roi_high = _roi(diff, low, high, n1, float(r.cost), share)
        values = {
            "revenue_per_customer_treated": y1, "revenue_per_customer_holdout": y2,
            "revenue_uplift_per_customer": diff, "revenue_uplift_ci_low": low,
            "revenue_uplift_ci_high": high, "incremental_revenue_ci_low": low * n1,
            "incremental_revenue_ci_high": high * n1, "srm_p_value": srm,
            "balance_max_abs_smd": smd_max, "overlapping_campaigns": overlap,
            "measurable": not reasons, "not_measurable_reason": ";".join(reasons),
            "cuped_uplift": c_diff, "cuped_ci_low": c_low, "cuped_ci_high": c_high,
            "variance_reduction": reduction, "uplift_ci_low": ci[0], "uplift_ci_high": ci[1],
            "roi": roi, "roi_basis": "margin" if share is not None else "revenue",
            "roi_ci_low": roi_low, "roi_ci_high": roi_high, "revenue_se": se,
            "holdout_revenue_var": v2, "sent_and_held_out": both,
        }
        for key, value in values.items():
            out[key].append(value)
    for key, values in out.items():
        frame[key] = pd.Series(values, index=frame.index, dtype=object if key in (
            "overlapping_campaigns", "not_measurable_reason", "roi_basis") else
            (bool if key == "measurable" else int if key == "sent_and_held_out" else float))
    return frame


def _roi(diff: float, low: float, high: float, sent: float, cost: float,
         margin: float | None) -> tuple[float, float, float]:
    """(extra revenue x margin - cost) / cost, with the interval the revenue's gives it."""
    if not cost > 0 or math.isnan(diff):
        return (math.nan, math.nan, math.nan)
    share = 1.0 if margin is None else margin
    return tuple((v * sent * share - cost) / cost if not math.isnan(v) else math.nan
                 for v in (diff, low, high))


def outcome_effects(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per (campaign, outcome): each arm's rate (yes/no) or mean (numbers), the difference and
    its 95% interval (Newcombe/Wald for rates as purchases are, Welch for means)."""
    rows = []
    for r in outcomes.itertuples():
        m1, v1 = mean_var(r.treated_sum, r.treated_sumsq, r.treated_n)
        m2, v2 = mean_var(r.holdout_sum, r.holdout_sumsq, r.holdout_n)
        if r.is_yes_no:
            low, high = (uplift_interval(r.treated_sum, r.treated_n, r.holdout_sum, r.holdout_n)
                         if r.treated_n and r.holdout_n else (math.nan, math.nan))
        else:
            _, low, high, _ = welch(m1, v1, r.treated_n, m2, v2, r.holdout_n)
        rows.append({"campaign_id": r.campaign_id, "outcome": r.outcome,
                     "kind": "rate" if r.is_yes_no else "mean",
                     "treated_customers": int(r.treated_n), "treated_value": m1,
                     "holdout_customers": int(r.holdout_n), "holdout_value": m2,
                     "difference": m1 - m2, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["campaign_id", "outcome", "kind", "treated_customers",
                                       "treated_value", "holdout_customers", "holdout_value",
                                       "difference", "ci_low", "ci_high"])
