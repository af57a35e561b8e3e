"""The sample shop against its truth: notebook 06's fit finds the parameters it was made with,
and page 01's lost customers are the ones the model thinks gone.

The sample (helpers.ingest.sample_data, data/raw/README.md) is made from a known process: MBG/NBD
purchases and dropout, Gamma-Gamma spend. Notebook 06 fits that process with
pages/value/compute.py (`build_summary`, then `fit`) under `value_model: mbg_nbd` (as
params/monthly.yaml runs it; the default, bg_nbd, cannot see a customer leave after the first
purchase); these tests run exactly those functions with that model.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import duckdb
import pytest

from helpers.core.params import RunParams
from helpers.engine import db
from helpers.ingest import sample_data
from helpers.ingest.sample_data import REFERENCE_AS_OF
from helpers.kit import rfm
from helpers.pages.value import check
from helpers.pages.value import compute as cv

pytestmark = pytest.mark.slow

# 30,000 customers at 2.5 order lines each: about 25,800 buyers, CDNOW's pace (alpha ~ 9 weeks)
RECOVERY = {"customers": 30_000, "orders": 75_000}
# relative tolerance per parameter, and for what the parameters mean together (the mean purchase
# rate r / alpha, the mean chance of leaving after a purchase a / (a + b), the mean spend per
# purchase p v / (q - 1)): see test_notebook_06_recovers_the_true_parameters
TOLERANCE = {"r": 0.30, "alpha": 0.30, "a": 0.15, "b": 0.20, "p": 0.35, "q": 0.10, "v": 0.40}
MEANS_TOLERANCE = {"rate": 0.10, "dropout": 0.15, "spend": 0.05}


def _means(v: dict) -> dict:
    return {"rate": v["r"] / v["alpha"], "dropout": v["a"] / (v["a"] + v["b"]),
            "spend": v["p"] * v["v"] / (v["q"] - 1)}


def fitted(out: Path, *, seed: int, as_of: date = REFERENCE_AS_OF, customers: int, orders: int,
           without_campaign_purchases: bool = True):
    """A sample made into `out`, its summary as notebook 06 builds it, and the fit; the
    campaigns' extra purchases left out (their order ids are DH<yyyy-mm>-<n>) unless asked."""
    counts = sample_data.generate(out, customers=customers, orders=orders, seed=seed,
                                  as_of=as_of)
    orders_path = out / "orders.csv"
    if without_campaign_purchases:
        orders_path = out / "orders_without_campaigns.csv"
        duckdb.execute("copy (select * from read_csv(?, all_varchar = true) "
                       "where not regexp_matches(coalesce(order_id, ''), '^DH\\d{4}-\\d{2}-')) "
                       "to '" + str(orders_path) + "' (header)", [str(out / "orders.csv")])
    con = db.connect()
    run = RunParams.from_values(as_of=as_of.isoformat(), orders_path=orders_path,
                                customers_path=out / "customers.csv")
    rfm.load_inputs(con, run)
    summary = cv.build_summary(con, as_of=as_of, excluded_statuses=run.excluded_statuses).df()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = cv.fit(summary, seed=2026, model="mbg_nbd")
    return counts.truth, result, summary, con, run


def test_notebook_06_recovers_the_true_parameters(tmp_path):
    """On 30,000 customers (about 24,800 buyers) the MBG/NBD and Gamma-Gamma estimates are
    within TOLERANCE of the truth, and what they mean together within MEANS_TOLERANCE.

    Why these tolerances: over seeds 1, 2 and 3 of this very sample (3 to 4 minutes each on this
    2-core machine) the estimates strayed from the truth by r +4, +15, +4%; alpha +9, +14, +7%;
    a -5, +3, +6%; b -9, -9, +3%; p +4, +16, -1%; q -2, -4, +4%; v -5, -18, +6%; the mean rate
    -5, +1, -3%; the mean dropout +3, +9, +2%; the mean spend +1, +1, 0%. Each tolerance is
    about twice the largest deviation seen, so another seed passes while a real error (a
    parameter off by half, a model that cannot see dropout, spend in the wrong unit) fails. The
    parameters of one model move together (r with alpha, a with b, p with v: one shop cannot
    tell them apart well), so each alone strays more than the means they make.

    Part of the deviation is a bias the data cannot avoid: a purchase is a day, so two purchases
    on one day are one, and the shop's busy days (Tết, 11/11) bend time a little; alpha comes out
    high on every seed. At make report's pace (5 lines a customer, alpha ~ 1.2 weeks) more
    purchases share a day: alpha comes out about 25% high and r about 15%. The campaigns' extra
    purchases are left out: they are the campaigns' true effect, added on purpose outside the
    MBG/NBD (kept, they make b about 40% high: customers who would have stayed silent buy once
    more)."""
    truth, result, *_ = fitted(tmp_path, seed=1, **RECOVERY)
    assert result.ok and result.model == "mbg_nbd" and result.customers > 20_000
    estimates = {**result.bgnbd, **result.gamma_gamma}
    wanted = truth.as_dict()
    for name, tolerance in TOLERANCE.items():
        assert estimates[name] == pytest.approx(wanted[name], rel=tolerance), (name, estimates,
                                                                               wanted)
    got, truth_means = _means(estimates), _means(wanted)
    for name, tolerance in MEANS_TOLERANCE.items():
        assert got[name] == pytest.approx(truth_means[name], rel=tolerance), name


def test_most_customers_page_01_calls_lost_are_gone_by_the_model(tmp_path):
    """make report's shop (20,000 customers, 100,000 lines, every purchase kept): of the
    customers rfm11 calls lost ("Đã mất"), most have P(alive) below one half, and the fit's
    verdict lets page 00 show the fading best customers."""
    truth, result, summary, con, run = fitted(tmp_path, seed=42, customers=20_000,
                                              orders=100_000, without_campaign_purchases=False)
    assert result.ok
    scheme = rfm.load_run_scheme(run)
    segments = rfm.build_rfm_segments(con, run=run, scheme=scheme).alias
    table = cv.summary_table(con, as_of=run.as_of, excluded_statuses=run.excluded_statuses)
    values = cv.write_values(con, result, table, tmp_path / "customer_value.parquet",
                             horizon_days=90, segments=segments)
    db.register_parquet(con, "customer_value", values)
    figures = check.against_rfm(con, check.lost_segment(scheme))
    assert figures["lost_segment"] == "lost" and figures["lost_customers"] > 1000
    assert figures["lost_likely"] < 0.5 * figures["lost_customers"]
    verdict = check.verdict(result, figures)
    assert (verdict["verdict"], verdict["fading_action"]) == ("ok", "show")
