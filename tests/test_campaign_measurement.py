"""Campaign measurement with known answers (issue 35): intervals that cover the truth, the checks
of the design (sample-ratio mismatch, balance, overlap), CUPED, the next campaign's plan, other
outcomes and unknown opens.

The repetitions are simulated with numpy and measured by pages/campaigns/measure.py directly from
per-arm sums (one DataFrame row per repetition): the SQL path is checked once, on hand-made files
whose answers are worked out by hand below."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from helpers.core.errors import ParamError
from helpers.ingest import IngestError
from helpers.kit import rfm
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.campaigns import measure, plan

# ---------------------------------------------------------------- simulated campaigns


def arm_sums(arm: str, bought, revenue, pre, recency=None, frequency=None, spend=None) -> dict:
    """The per-arm sums campaign_results.sql returns, one row per repetition (axis 1: customers)."""
    recency = np.zeros_like(revenue) if recency is None else recency
    frequency = np.zeros_like(revenue) if frequency is None else frequency
    spend = np.zeros_like(revenue) if spend is None else spend
    out = {f"{arm}_converters": bought.sum(axis=1)}
    for name, v in (("revenue", revenue), ("pre_spend", pre), ("recency", recency),
                    ("frequency", frequency), ("spend_before", spend)):
        out[f"{arm}_{name}_sum"] = v.sum(axis=1)
        out[f"{arm}_{name}_sumsq"] = (v * v).sum(axis=1)
    out[f"{arm}_pre_cross"] = (pre * revenue).sum(axis=1)
    return out


def simulate(rng, reps: int, n_t: int, n_h: int, *, base=0.05, uplift=0.03, spend=200.0,
             rho=0.0, lift=1.0) -> tuple[pd.DataFrame, float]:
    """Randomized campaigns from a known process: a purchase with probability base (+ uplift when
    treated), revenue = purchase x Gamma(2, spend/2) (+ `lift` x spend on the treated buyers'
    baskets... none here: the true revenue effect is uplift x spend), a pre-send spend correlated
    `rho` with revenue. Returns the frame and the true revenue uplift per customer."""
    def arm(n, p):
        bought = rng.random((reps, n)) < p
        z = rng.standard_normal((reps, n))
        basket = rng.gamma(2.0, spend / 2, (reps, n))
        revenue = bought * basket
        noise = rng.standard_normal((reps, n))
        # the covariate: correlated rho with the revenue (standardised), none when rho = 0
        sd = revenue.std() or 1.0
        pre = rho * (revenue - revenue.mean()) / sd + math.sqrt(1 - rho ** 2) * noise
        return bought, revenue, pre * 100 + 1000, z

    t_bought, t_rev, t_pre, _ = arm(n_t, base + uplift)
    h_bought, h_rev, h_pre, _ = arm(n_h, base)
    frame = pd.DataFrame({"campaign_id": [f"R{i}" for i in range(reps)], "segment": "all",
                          "sent": n_t, "holdout": n_h, "cost": 0.0,
                          "treated_converters": t_bought.sum(axis=1),
                          "holdout_converters": h_bought.sum(axis=1)})
    for arm_name, (b, r, p) in (("treated", (t_bought, t_rev, t_pre)),
                                ("holdout", (h_bought, h_rev, h_pre))):
        for k, v in arm_sums(arm_name, b, r, p).items():
            if not k.endswith("_converters"):
                frame[k] = v
    return frame, uplift * spend


def coverage(measured: pd.DataFrame, low: str, high: str, truth: float) -> float:
    return float(((measured[low] <= truth) & (truth <= measured[high])).mean())


def test_intervals_cover_the_true_effect_in_about_95_percent_of_seeded_repetitions():
    # 1,000 repetitions: the coverage's own standard error is 0.69 points, so 93-97% is a
    # tolerance of about 3 standard errors around 95%. A base rate of 20%: about 40 buyers held
    # out (with 10, Welch's revenue interval covers about 92%: see the next test)
    rng = np.random.default_rng(35)
    frame, revenue_truth = simulate(rng, 1000, 1800, 200, base=0.2, uplift=0.05)
    measured = measure.measure(frame, holdout_share=0.1)
    assert 0.93 <= coverage(measured, "uplift_ci_low", "uplift_ci_high", 0.05) <= 0.97
    assert 0.93 <= coverage(measured, "revenue_uplift_ci_low", "revenue_uplift_ci_high",
                            revenue_truth) <= 0.97
    assert 0.93 <= coverage(measured, "cuped_ci_low", "cuped_ci_high", revenue_truth) <= 0.97
    incremental = revenue_truth * 1800
    assert 0.93 <= coverage(measured, "incremental_revenue_ci_low",
                            "incremental_revenue_ci_high", incremental) <= 0.97


def test_with_few_buyers_newcombe_keeps_its_coverage_where_wald_does_not():
    # 10% holdout of 200: about 1 buyer held out at 5%; Wald's interval collapses on 0 buyers
    rng = np.random.default_rng(7)
    frame, _ = simulate(rng, 1500, 180, 20, base=0.05, uplift=0.05)
    measured = measure.measure(frame, holdout_share=0.1)
    newcombe = coverage(measured, "uplift_ci_low", "uplift_ci_high", 0.05)
    wald = [measure.wald(r.treated_converters, r.sent, r.holdout_converters, r.holdout)
            for r in frame.itertuples()]
    wald_cover = np.mean([lo <= 0.05 <= hi for lo, hi in wald])
    assert newcombe >= 0.93
    assert wald_cover < newcombe - 0.03


def test_with_about_ten_buyers_held_out_the_revenue_interval_covers_a_little_less():
    # stated, not hidden: revenue per customer is skewed (most spend nothing), and Welch's
    # interval on 200 held out at 5% (about 10 buyers) covers about 92%, not 95%
    rng = np.random.default_rng(35)
    frame, revenue_truth = simulate(rng, 1000, 1800, 200)
    measured = measure.measure(frame, holdout_share=0.1)
    assert 0.89 <= coverage(measured, "revenue_uplift_ci_low", "revenue_uplift_ci_high",
                            revenue_truth) <= 0.95


def test_with_many_buyers_the_interval_is_the_model_s_wald_to_the_digit():
    # 266 of 21,307 vs 122 of 21,306 (a published e-mail test's size): Wald with 1.96, as
    # campaign_results.sql computes uplift_ci_low / uplift_ci_high
    p1, p2 = 266 / 21307, 122 / 21306
    half = 1.96 * math.sqrt(p1 * (1 - p1) / 21307 + p2 * (1 - p2) / 21306)
    assert measure.uplift_interval(266, 21307, 122, 21306) == (p1 - p2 - half, p1 - p2 + half)


def test_newcombe_and_wilson_match_newcombe_1998_by_hand():
    # Newcombe (1998) table II example (method 10): 56/70 vs 48/80 -> 0.0524 to 0.3339
    low, high = measure.newcombe(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    assert measure.wilson(0, 10)[0] == 0.0


def linear_campaigns(rng, reps: int, n_t: int, n_h: int, *, rho: float) -> pd.DataFrame:
    """Revenue Y = 50 + 10 x treated + b (X - 1000) + e with X the pre-send spend, N(1000, 100^2),
    and corr(X, Y) = rho within each arm: CUPED's variance reduction is then rho^2 (Deng et al.
    2013, section 3)."""
    frame = pd.DataFrame({"campaign_id": [f"R{i}" for i in range(reps)], "segment": "all",
                          "sent": n_t, "holdout": n_h, "cost": 0.0})
    for arm, n, effect in (("treated", n_t, 10.0), ("holdout", n_h, 0.0)):
        x = rng.normal(1000, 100, (reps, n))
        noise_sd = 100 * math.sqrt(1 - rho ** 2) / rho if rho else 100.0
        y = 50 + effect + (1.0 if rho else 0.0) * (x - 1000) + rng.normal(0, noise_sd, (reps, n))
        frame[f"{arm}_converters"] = (y > 50).sum(axis=1)
        for k, v in arm_sums(arm, y > 50, y, x).items():
            if not k.endswith("_converters"):
                frame[k] = v
    return frame


def test_cuped_reduction_is_near_rho_squared_with_a_strong_covariate_and_near_zero_without():
    rng = np.random.default_rng(3)
    strong = linear_campaigns(rng, 200, 1800, 200, rho=0.8)
    none = linear_campaigns(rng, 200, 1800, 200, rho=0.0)
    measured = measure.measure(strong, holdout_share=0.1)
    assert measured.variance_reduction.mean() == pytest.approx(0.64, abs=0.02)  # rho^2
    assert 0.93 <= coverage(measured, "cuped_ci_low", "cuped_ci_high", 10.0) <= 0.99
    nothing = measure.measure(none, holdout_share=0.1).variance_reduction
    assert nothing.mean() < 0.01
    constant = strong.copy()
    for arm, n in (("treated", 1800), ("holdout", 200)):
        constant[f"{arm}_pre_spend_sum"] = 500.0 * n
        constant[f"{arm}_pre_spend_sumsq"] = 500.0 ** 2 * n
        constant[f"{arm}_pre_cross"] = 500.0 * constant[f"{arm}_revenue_sum"]
    flat = measure.measure(constant, holdout_share=0.1)
    assert (flat.variance_reduction == 0).all()
    assert np.allclose(flat.cuped_uplift, flat.revenue_uplift_per_customer)


def _one(n_t=900, n_h=100, *, t_recency=30.0, h_recency=30.0, **extra) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frame, _ = simulate(rng, 1, n_t, n_h)
    for arm, n, mean in (("treated", n_t, t_recency), ("holdout", n_h, h_recency)):
        spread = np.linspace(-1, 1, n)
        values = mean + 10.0 * spread / spread.std(ddof=1)  # mean `mean`, sd exactly 10
        frame[f"{arm}_recency_sum"] = values.sum()
        frame[f"{arm}_recency_sumsq"] = (values ** 2).sum()
    return frame.assign(**extra)


def test_a_broken_split_is_flagged_as_not_measurable():
    fine = measure.measure(_one(), holdout_share=0.1).iloc[0]
    assert fine.measurable and fine.not_measurable_reason == "" and fine.srm_p_value > 0.001
    broken = measure.measure(_one(950, 50), holdout_share=0.1).iloc[0]
    assert broken.srm_p_value < 0.001
    assert not broken.measurable and broken.not_measurable_reason == "sample_ratio_mismatch"
    # ... unless the campaign planned a 5% holdout (campaigns.csv's planned_holdout_share)
    planned = measure.measure(_one(950, 50, planned_holdout_share=0.05), holdout_share=0.1)
    assert planned.iloc[0].measurable


def test_an_unbalanced_holdout_is_flagged_as_not_measurable():
    row = measure.measure(_one(t_recency=30.0, h_recency=40.0), holdout_share=0.1).iloc[0]
    assert row.balance_max_abs_smd == pytest.approx(1.0)  # 10 days / sd 10
    assert not row.measurable and row.not_measurable_reason == "groups_unbalanced"


def test_srm_and_smd_by_hand():
    # 900 / 100 against 10%: chi-square 0; 880 / 120: (20^2/900 + 20^2/100) = 4.444, p = 0.035
    assert measure.srm_p_value(900, 100, 0.1) == pytest.approx(1.0)
    assert measure.srm_p_value(880, 120, 0.1) == pytest.approx(0.03501, abs=1e-4)
    assert measure.smd(1.0, 4.0, 0.0, 4.0) == pytest.approx(0.5)
    assert measure.smd(1.0, 0.0, 1.0, 0.0) == 0.0


def test_roi_on_margin_when_a_margin_is_given_else_on_revenue():
    frame = _one(cost=1000.0)
    on_revenue = measure.measure(frame, holdout_share=0.1).iloc[0]
    on_margin = measure.measure(frame, holdout_share=0.1, margin=0.25).iloc[0]
    extra = on_revenue.revenue_uplift_per_customer * 900
    assert on_revenue.roi_basis == "revenue" and on_margin.roi_basis == "margin"
    assert on_revenue.roi == pytest.approx((extra - 1000) / 1000)
    assert on_margin.roi == pytest.approx((extra * 0.25 - 1000) / 1000)
    own = measure.measure(frame.assign(margin=0.5), holdout_share=0.1, margin=0.25).iloc[0]
    assert own.roi == pytest.approx((extra * 0.5 - 1000) / 1000)  # the campaign's own margin


# ---------------------------------------------------------------- the plan (Fleiss)


def test_the_plan_reproduces_the_issue_s_sizes_and_inverts_itself():
    # base 0.57%, uplift 0.31 points: about 23,000 customers 50/50 and 69,000 with a 10% holdout
    assert 23_000 <= plan.customers_needed(base_rate=0.0057, uplift=0.0031,
                                           holdout_share=0.5) <= 24_000
    needed = plan.customers_needed(base_rate=0.0057, uplift=0.0031, holdout_share=0.1)
    assert 69_000 <= needed <= 70_000
    # the smallest detectable uplift with that many customers is the uplift planned for
    assert plan.mde_rate(base_rate=0.0057, customers=needed,
                         holdout_share=0.1) == pytest.approx(0.0031, abs=2e-6)
    # the holdout share a list needs for an uplift: at that share, the MDE is the uplift
    share = plan.holdout_share_needed(base_rate=0.0055, customers=2342, uplift=0.02)
    assert 0.1 < share < 0.5
    assert plan.mde_rate(base_rate=0.0055, customers=2342,
                         holdout_share=share) == pytest.approx(0.02, abs=1e-4)
    assert math.isnan(plan.holdout_share_needed(base_rate=0.0055, customers=200, uplift=0.02))
    # equal groups, 5% -> 10%: about 430 per group (the textbook answer), both arms counted
    assert 840 <= plan.customers_needed(base_rate=0.05, uplift=0.05, holdout_share=0.5) <= 880


def test_plan_rows_use_the_segment_s_holdouts_else_its_own_history():
    results = pd.DataFrame({
        "segment": ["all", "at_risk", "at_risk"], "holdout": [300, 100, 200],
        "holdout_converters": [9, 2, 4], "holdout_revenue_sum": [0.0, 200.0, 400.0],
        "holdout_revenue_sumsq": [0.0, 20000.0, 40000.0]})
    history = plan.holdout_history(results)
    own = pd.DataFrame({"segment": ["champions"], "held": [50.0], "buyers": [10.0],
                        "revenue_var": [100.0]})
    rows = plan.campaign_plan({"at_risk": 1113, "champions": 40, "lost": 0}, history=history,
                              own=own, holdout_share=0.1, target_uplift=0.005)
    at_risk = rows.set_index("segment").loc["at_risk"]
    assert at_risk.base_rate == pytest.approx(6 / 300)
    assert at_risk.target_uplift_points == pytest.approx(0.5)
    assert at_risk.mde_points == pytest.approx(
        100 * plan.mde_rate(base_rate=0.02, customers=1113, holdout_share=0.1))
    assert rows.set_index("segment").loc["champions"].base_rate == pytest.approx(0.2)
    assert pd.isna(rows.set_index("segment").loc["lost"].base_rate)
    assert list(rows.columns)[:len(plan.PLAN_COLUMNS)] == plan.PLAN_COLUMNS
    assert rows.set_index("segment").loc["at_risk"].base_customers == 300


def test_parameters_are_checked_with_the_key_the_value_and_the_fix():
    campaigns.check_params(holdout_share=0.1, detectable_uplift=0.02, target_uplift=0.005,
                           margin=0.3)
    with pytest.raises(ParamError, match=r"target_uplift = 5: .*0.005"):
        campaigns.check_params(holdout_share=0.1, detectable_uplift=0.02, target_uplift=5)
    with pytest.raises(ParamError, match="margin = 'x'"):
        campaigns.check_params(holdout_share=0.1, detectable_uplift=0.02, margin="x")


# ---------------------------------------------------------------- the SQL path, by hand


def write(path, header, rows):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


CAMPAIGNS = "campaign_id,name,channel,target,start_date,attribution_days,cost_per_message"


def load(con, tmp_path, campaigns_rows, sends, holdout, *, campaigns_header=CAMPAIGNS,
         sends_header="campaign_id,customer_id,channel,sent_at,status,cost,opened,interacted",
         holdout_header="campaign_id,customer_id"):
    write(tmp_path / "campaigns.csv", campaigns_header, campaigns_rows)
    write(tmp_path / "campaign_sends.csv", sends_header, sends)
    write(tmp_path / "campaign_holdout.csv", holdout_header, holdout)
    campaigns.load_campaigns(con, campaigns_path=tmp_path / "campaigns.csv",
                             sends_path=tmp_path / "campaign_sends.csv",
                             holdout_path=tmp_path / "campaign_holdout.csv")
    con.execute("create or replace table campaign_segments as select campaign_id, "
                "customer_id, 'seg' as segment from campaign_sends")


def O(customer, day, amount=100):  # noqa: N802
    return {"customer_id": customer, "order_id": f"{customer}-{day}", "order_date": day,
            "amount": str(amount)}


def test_on_the_sql_path_revenue_balance_cuped_and_overlaps_are_measured_by_hand(
        con, given_orders, tmp_path):
    # C1 (1-7 March) and C2 (5-11 March) share a and b on their send lists (2 of 4: 50%):
    # both overlap. C3 (from 20 March) shares them too, but its window meets neither: no
    # overlap. C1 and C3 share their holdout h1 only: a shared holdout is no overlap.
    given_orders([O("a", "2024-03-02", 300), O("b", "2024-03-03", 100),
                  O("a", "2024-02-27", 50),  # a's spend in the 7 days before C1: 50
                  O("h1", "2024-01-10", 80), O("h1", "2024-03-04", 40)])
    con.execute(rfm.EMPTY_CUSTOMERS)
    sends = ([f"C1,{c},sms,2024-03-01 09:00:00,delivered,500,1,0" for c in "abcd"]
             + [f"C2,{c},sms,2024-03-05 09:00:00,delivered,500,1,0" for c in "abxy"]
             + [f"C3,{c},sms,2024-03-20 09:00:00,delivered,500,1,0" for c in "abcd"])
    load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500", "C2,Two,sms,x,2024-03-05,7,500",
                         "C3,Three,sms,x,2024-03-20,7,500"],
         sends, ["C1,h1", "C1,h2", "C3,h1", "C3,h2"])
    frame = campaigns.measured_campaigns(con, as_of=date(2024, 3, 31), holdout_share=0.5)
    totals = frame[frame.segment == "all"].set_index("campaign_id")
    assert totals.loc["C1", "overlapping_campaigns"] == "C2"
    assert totals.loc["C2", "overlapping_campaigns"] == "C1"
    assert totals.loc["C3", "overlapping_campaigns"] == ""
    assert not totals.loc["C1", "measurable"]
    assert "overlapping_campaigns" in totals.loc["C1", "not_measurable_reason"]
    c1 = totals.loc["C1"]
    # revenue: treated 300, 100, 0, 0 (mean 100, var 20000); holdout 40, 0 (mean 20, var 800)
    assert c1.revenue_per_customer_treated == pytest.approx(100)
    assert c1.revenue_per_customer_holdout == pytest.approx(20)
    a, b = 20000 / 4, 800 / 2
    df = (a + b) ** 2 / (a * a / 3 + b * b / 1)
    from scipy import stats
    half = stats.t.ppf(0.975, df) * math.sqrt(a + b)
    assert c1.revenue_uplift_ci_low == pytest.approx(80 - half)
    assert c1.incremental_revenue_ci_high == pytest.approx((80 + half) * 4)
    # balance: frequency before the send: a 1, b 0, c 0, d 0 vs h1 1, h2 0
    assert c1.balance_max_abs_smd > 0.1  # six customers are never balanced: not measurable
    # SRM against the run's 50%: 4 vs 2 -> chi-square 2/3, p = 0.414
    assert c1.srm_p_value == pytest.approx(0.4142, abs=1e-3)
    # the pre-send window spend is a's 50 only; CUPED gives a number and a reduction in [0, 1]
    assert 0 <= c1.variance_reduction <= 1 and not math.isnan(c1.cuped_uplift)
    # opens are in the file: known
    assert totals.loc["C1", "open_rate"] == pytest.approx(1.0)
    # the files: campaign_results.csv keeps its columns and adds the issue's, in order;
    # campaign_plan.csv has exactly the plan's columns; measurable is true/false
    from helpers.pages.campaigns import files

    rows = plan.campaign_plan({"seg": 10}, history=plan.holdout_history(frame), own=None,
                              holdout_share=0.5, target_uplift=0.005)
    files.write_campaign_results(con, output_dir=tmp_path / "out", measured=frame, plan=rows,
                                 outcomes=campaigns.outcome_results(con, as_of=date(2024, 3, 31)))
    written = pd.read_csv(tmp_path / "out" / "campaign_results.csv", encoding="utf-8-sig",
                          keep_default_na=False)
    assert list(written.columns) == files.CAMPAIGN_RESULT_COLUMNS + measure.MEASURE_COLUMNS
    assert set(written.measurable.astype(str).str.lower()) == {"false"}
    c3 = written[(written.campaign_id == "C3") & (written.segment == "all")].iloc[0]
    assert c3.overlapping_campaigns == "" and "overlapping" not in c3.not_measurable_reason
    assert written[written.campaign_id == "C1"].overlapping_campaigns.iloc[0] == "C2"
    assert list(pd.read_csv(tmp_path / "out" / "campaign_plan.csv",
                            encoding="utf-8-sig").columns) == plan.PLAN_COLUMNS


def test_opens_unknown_when_the_send_file_has_none_and_other_outcomes_are_measured(
        con, given_orders, tmp_path):
    given_orders([O("a", "2024-03-02", 300)])
    con.execute(rfm.EMPTY_CUSTOMERS)
    load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500,visits;clicked"],
         [f"C1,{c},sms,2024-03-01 09:00:00,delivered,500,{v},{k}"
          for c, v, k in (("a", 3, "yes"), ("b", 1, "no"), ("c", 2, "yes"), ("d", "", "no"))],
         ["C1,h1,1,no", "C1,h2,0,no"],
         campaigns_header=CAMPAIGNS + ",outcomes",
         sends_header="campaign_id,customer_id,channel,sent_at,status,cost,visits,clicked",
         holdout_header="campaign_id,customer_id,visits,clicked")
    frame = campaigns.measured_campaigns(con, as_of=date(2024, 3, 31), holdout_share=0.5)
    row = frame[frame.segment == "all"].iloc[0]
    assert pd.isna(row.open_rate) and pd.isna(row.interaction_rate)  # unknown, never 0%
    outcomes = campaigns.outcome_results(con, as_of=date(2024, 3, 31)).set_index("outcome")
    visits = outcomes.loc["visits"]  # d's empty cell is unknown: left out
    assert (visits.kind, visits.treated_customers, visits.holdout_customers) == ("mean", 3, 2)
    assert visits.difference == pytest.approx(2.0 - 0.5)
    clicked = outcomes.loc["clicked"]
    assert clicked.kind == "rate" and clicked.difference == pytest.approx(0.5)
    # Newcombe's interval with 2 of 4 vs 0 of 2 clicking
    assert (clicked.ci_low, clicked.ci_high) == pytest.approx(measure.newcombe(2, 4, 0, 2))


def test_an_outcome_missing_from_the_holdout_file_or_a_bad_share_is_a_clear_error(
        con, given_orders, tmp_path):
    given_orders([O("a", "2024-03-02", 300)])
    with pytest.raises(IngestError, match="campaign_holdout.csv has no such column"):
        load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500,visits"],
             ["C1,a,sms,2024-03-01 09:00:00,delivered,500,3"], ["C1,h1"],
             campaigns_header=CAMPAIGNS + ",outcomes",
             sends_header="campaign_id,customer_id,channel,sent_at,status,cost,visits")
    with pytest.raises(IngestError, match=r"planned_holdout_share = '10%' is not a share"):
        load(con, tmp_path, ["C1,One,sms,x,2024-03-01,7,500,10%"],
             ["C1,a,sms,2024-03-01 09:00:00,delivered,500,1,0"], ["C1,h1"],
             campaigns_header=CAMPAIGNS + ",planned_holdout_share")


def test_a_shop_without_campaigns_gets_every_column_and_no_checks(con, given_orders, tmp_path):
    from helpers.pages.campaigns import checks

    given_orders([O("a", "2024-03-02", 300)])
    con.execute(rfm.EMPTY_CUSTOMERS)
    campaigns.load_campaigns(con, campaigns_path=tmp_path / "none.csv",
                             sends_path=tmp_path / "none.csv", holdout_path=tmp_path / "none.csv")
    con.execute("create or replace table campaign_segments as select campaign_id, customer_id, "
                "'x' as segment from campaign_sends")
    frame = campaigns.measured_campaigns(con, as_of=date(2024, 3, 31), holdout_share=0.1)
    assert frame.empty and set(measure.MEASURE_COLUMNS) <= set(frame.columns)
    assert campaigns.outcome_results(con, as_of=date(2024, 3, 31)).empty
    assert checks.checks_table(campaigns.totals(frame), holdout_share=0.1).data == ""
    assert checks.checks_sentence(campaigns.totals(frame)).data == ""


def test_a_campaign_still_running_gets_no_verdict_and_no_money_claim():
    from helpers.pages.campaigns import sentences

    frame = measure.measure(_one(cost=1000.0), holdout_share=0.1).assign(
        name="A", channel="sms", uplift=0.2, uplift_ci_low=0.1, uplift_ci_high=0.3,
        treated_rate=0.3, holdout_rate=0.1, incremental_converters=20,
        incremental_revenue=5000.0, is_window_complete=False)
    running = sentences.campaign_sentences(frame, lang="en").data
    assert "no verdict yet: the attribution window is not over" in running
    assert "increased" not in running and "extra revenue" not in running
    done = sentences.campaign_sentences(frame.assign(is_window_complete=True), lang="vi").data
    assert "chiến dịch đã làm tăng mua hàng" in done
