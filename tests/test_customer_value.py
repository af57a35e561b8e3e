"""Customer value (notebook 06): the summary SQL and the BG/NBD (the default, `value_model:
bg_nbd`), MBG/NBD (`value_model: mbg_nbd`, params/monthly.yaml) and Gamma-Gamma fits, checked
against the published CDNOW figures (Fader, Hardie & Lee 2005; Fader & Hardie 2013; the MBG/NBD's
from lifetimes' ModifiedBetaGeoFitter), the shops where a fit cannot be trusted, and page 06
against page 01 (check.py) under both models."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import ingest
from helpers.core.errors import ParamError
from helpers.engine import db
from helpers.pages.value import compute as cv

CDNOW = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow_sample"
AS_OF = date(1997, 9, 30)

needs_cdnow = pytest.mark.skipif(not (CDNOW / "cdnow_sample_orders.csv").exists(),
                                 reason="../shared/data/cdnow_sample is not beside the project")


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    """The CDNOW orders staged like a shop's export, and their summary as of 1997-09-30."""
    tmp = tmp_path_factory.mktemp("cdnow")
    con = db.connect()
    ingest.load(con, "orders", CDNOW / "cdnow_sample_orders.csv", cache_dir=tmp / "cache",
                quarantine_dir=tmp / "q")
    summary = cv.build_summary(con, as_of=AS_OF, excluded_statuses=[],
                               zero_amount_purchases=True).df()
    yield con, summary
    con.close()


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    """The MBG/NBD when asked (value_model: mbg_nbd, the managers' month), and Gamma-Gamma."""
    return cv.fit(cdnow[1], seed=2026, model="mbg_nbd")


@pytest.fixture(scope="module")
def cdnow_bg(cdnow):
    """The default fit, no model named: the paper's BG/NBD, and Gamma-Gamma."""
    return cv.fit(cdnow[1], seed=2026)


@needs_cdnow
def test_the_summary_equals_the_published_one_for_every_customer(cdnow):
    _, summary = cdnow
    published = pd.read_csv(CDNOW / "published_summary_1997-09-30.csv", dtype={"ID": str})
    published["customer_id"] = published.ID.str.zfill(4)
    both = summary.merge(published.rename(columns={"T": "T_published"}), on="customer_id")
    assert len(summary) == len(published) == len(both) == 2357
    assert (both.x == both.frequency).all()
    assert (both.t_x.round(2) == both.recency).all()
    assert (both["T"].round(2) == both.T_published).all()
    # a one-time buyer has no repeat spend; a repeat buyer's is the mean of the later days
    assert summary.loc[summary.x == 0, "mean_spend"].isna().all()
    assert summary.loc[summary.x > 0, "mean_spend"].notna().all()


@needs_cdnow
def test_the_default_fit_is_the_bgnbd_and_its_estimates_match_the_published_ones(cdnow_bg):
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert cdnow_bg.ok and cdnow_bg.customers == 2357 and cdnow_bg.model == "bg_nbd"
    for name, value in published.items():
        assert cdnow_bg.bgnbd[name] == pytest.approx(value, rel=0.01), name
    assert cdnow_bg.loglik_bgnbd == pytest.approx(-9582.4, abs=0.5)


@needs_cdnow
def test_mbgnbd_estimates_match_lifetimes_ones(cdnow_fit):
    """lifetimes' ModifiedBetaGeoFitter on the same summary: r 0.525, alpha 6.183, a 0.891,
    b 1.614; its log-likelihood is the BG/NBD's within 0.3 (one more way to leave, no more
    parameters)."""
    published = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    assert cdnow_fit.ok and cdnow_fit.model == "mbg_nbd"
    for name, value in published.items():
        assert cdnow_fit.bgnbd[name] == pytest.approx(value, rel=0.01), name
    assert cdnow_fit.loglik_bgnbd == pytest.approx(-9582.1, abs=0.5)


@needs_cdnow
@pytest.mark.parametrize("which", ["cdnow_bg", "cdnow_fit"])
def test_gamma_gamma_estimates_match_the_published_ones(which, request):
    """Under either purchase model (the spend model does not depend on it)."""
    fitted = request.getfixturevalue(which)
    published = {"p": 6.25, "q": 3.74, "v": 15.44}
    assert fitted.repeat_customers == 946
    for name, value in published.items():
        assert fitted.gamma_gamma[name] == pytest.approx(value, rel=0.02), name


@needs_cdnow
def test_customer_value_model_csv_states_the_model(cdnow_bg, cdnow_fit):
    """customer_value_model.csv: the purchase model in its own row (`fit`, `model`) and as the
    `model` of its parameters' rows; the default's rows are the published BG/NBD's."""
    for fitted, key in ((cdnow_bg, "bg_nbd"), (cdnow_fit, "mbg_nbd")):
        table = cv.model_table(fitted, as_of=AS_OF, horizon_days=90).to_pylist()
        rows = {(r["model"], r["parameter"]): r["value"] for r in table}
        assert rows[("fit", "model")] == key
        assert {m for m, p in rows if p == "alpha"} == {key}
    rows = {(r["model"], r["parameter"]): r["value"]
            for r in cv.model_table(cdnow_bg, as_of=AS_OF, horizon_days=90).to_pylist()}
    assert float(rows[("bg_nbd", "r")]) == pytest.approx(0.243, rel=0.01)
    assert float(rows[("bg_nbd", "log_likelihood")]) == pytest.approx(-9582.4, abs=0.5)
    assert float(rows[("gamma_gamma", "v")]) == pytest.approx(15.44, rel=0.02)


@needs_cdnow
def test_the_published_single_customer_expects_1_226_purchases_in_39_weeks(cdnow_bg):
    one = pd.DataFrame({"customer_id": ["x"], "x": [2], "t_x": [30.43], "T": [38.86],
                        "mean_spend": [np.nan]})
    got = cv.predict(cdnow_bg, one, horizon_days=39 * 7)
    assert got.expected_purchases.iloc[0] == pytest.approx(1.226, rel=0.005)


@needs_cdnow
def test_predictions_are_per_customer_in_range_and_the_same_on_a_rerun(cdnow, cdnow_fit,
                                                                       cdnow_bg):
    _, summary = cdnow
    got = cv.predict(cdnow_fit, summary, horizon_days=90)
    assert got.p_alive.between(0, 1).all() and (got.expected_purchases >= 0).all()
    # a one-time buyer long gone is alive by the BG/NBD's assumption (no purchase, no dropout);
    # the MBG/NBD lets them leave after the first purchase: the longer ago, the less alive
    bg = cv.predict(cdnow_bg, summary, horizon_days=90)
    assert (bg.loc[bg.x == 0, "p_alive"] == 1).all()
    once = got[got.x == 0].sort_values("T")
    assert once.p_alive.max() < 0.75 and once.p_alive.is_monotonic_decreasing
    again = cv.predict(cv.fit(summary, seed=2026, model="mbg_nbd"), summary, horizon_days=90)
    pd.testing.assert_frame_equal(got, again)
    table = cv.outputs(got, None)
    assert table.column_names == cv.OUTPUT_COLUMNS


def _summary(n: int, repeat: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.zeros(n, dtype=int)
    x[:repeat] = rng.integers(1, 6, repeat)
    T = rng.uniform(5, 50, n)
    t_x = np.where(x > 0, T * rng.uniform(0.1, 1, n), 0.0)
    spend = np.where(x > 0, rng.uniform(50_000, 500_000, n), np.nan)
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "x": x, "t_x": t_x,
                         "T": T, "mean_spend": spend,
                         "first_purchase_date": date(2025, 1, 1)})


def test_a_shop_of_30_customers_gets_a_sentence_not_a_fit():
    from helpers.pages.value.sentences import value_headlines

    got = cv.fit(_summary(30, 10))
    assert got.status == "too_few_customers" and not got.bgnbd
    predicted = cv.predict(got, _summary(30, 10), horizon_days=90)
    assert predicted.p_alive.isna().all()
    text = value_headlines(got, {}, {"fading": 0, "fading_segment": "champions"},
                           scheme=None, horizon_days=90, lang="vi").data
    assert "30 khách" in text and "ít nhất 100" in text


def test_a_shop_where_nearly_everyone_bought_once_gets_a_sentence():
    got = cv.fit(_summary(2000, 5))
    assert got.status == "too_few_repeat" and got.repeat_customers == 5


def test_a_fit_that_does_not_converge_is_reported_and_nothing_is_predicted(monkeypatch):
    from helpers.pages.value import fit as value_fit

    def broken(*args, **kwargs):
        raise RuntimeError("optimiser stopped: ABNORMAL_TERMINATION_IN_LNSRCH")

    monkeypatch.setattr(value_fit, "_maximise", broken)
    got = cv.fit(_summary(500, 200))
    assert got.status == "did_not_converge" and "ABNORMAL" in got.reason
    assert cv.predict(got, _summary(500, 200), horizon_days=90).p_alive.isna().all()
    rows = dict(zip(cv.model_table(got, as_of=date(2026, 1, 1), horizon_days=90)
                    .column("parameter").to_pylist(),
                    cv.model_table(got, as_of=date(2026, 1, 1), horizon_days=90)
                    .column("value").to_pylist()))
    assert rows["status"] == "did_not_converge"


def test_estimates_out_of_range_count_as_not_converged():
    assert not cv.sane({"r": 1e9, "alpha": 1.0}, -10.0)
    assert not cv.sane({"r": 0.2}, float("nan"))
    assert cv.sane({"r": 0.2, "alpha": 4.0}, -9582.4)


@needs_cdnow
def test_fit_max_customers_no_longer_samples_every_buyer_is_fitted(cdnow, cdnow_fit):
    """fit_max_customers is accepted (older parameter files) and changes nothing: the fit reads
    every buyer's pattern; the seed changes nothing either."""
    _, summary = cdnow
    got = cv.fit(summary, seed=7, max_customers=1200, model="mbg_nbd")
    assert got.ok and got.fitted_on == got.customers == 2357
    assert got.bgnbd == cdnow_fit.bgnbd and got.gamma_gamma == cdnow_fit.gamma_gamma


def test_a_shop_with_no_sign_of_anyone_leaving_is_reported_as_not_converged():
    """Random rhythms with no dropout: the optimiser drives a and b off to infinity."""
    got = cv.fit(_summary(1500, 600), seed=7, model="mbg_nbd")
    assert got.status == "did_not_converge" and "estimates" in got.reason


def test_the_calibration_needs_history_of_three_horizons():
    assert cv.calibration(None, as_of=date(2026, 1, 1), excluded_statuses=[],
                          zero_amount_purchases=False, horizon_days=90, seed=1,
                          max_customers=10, first_date=date(2026, 1, 1) - timedelta(days=200)
                          ) is None


def test_parameters_are_checked():
    with pytest.raises(ParamError, match="horizon_days = 0"):
        cv.check_params(horizon_days=0, fit_max_customers=1000)
    with pytest.raises(ParamError, match="fit_max_customers"):
        cv.check_params(horizon_days=90, fit_max_customers=5)
    for model in ("bg_nbd", "mbg_nbd"):
        cv.check_params(horizon_days=90, fit_max_customers=1000, value_model=model)
    for bad in ("xyz", "BG/NBD", None, ["bg_nbd"]):
        with pytest.raises(ParamError, match=r"value_model = .*: give one of bg_nbd, mbg_nbd"):
            cv.check_params(horizon_days=90, fit_max_customers=1000, value_model=bad)
    with pytest.raises(ParamError, match="model 'xyz': use one of bg_nbd, mbg_nbd"):
        cv.fit(_summary(500, 200), model="xyz")


def test_the_default_model_is_bgnbd_and_the_managers_month_uses_the_mbgnbd():
    """The published CDNOW figures come from the defaults (params/default.yaml, notebook 06's
    parameters cell, every function's default); params/monthly.yaml asks for the MBG/NBD."""
    import inspect

    import yaml

    from helpers.core.paths import PARAMS_DIR

    assert cv.DEFAULT_MODEL == "bg_nbd" and set(cv.PURCHASE_MODELS) == {"bg_nbd", "mbg_nbd"}
    for function in (cv.fit, cv.fit_table, cv.calibration):
        assert inspect.signature(function).parameters["model"].default == "bg_nbd", function
    assert cv.ValueFit(status="ok", customers=0, repeat_customers=0).model == "bg_nbd"
    read = lambda name: yaml.safe_load((PARAMS_DIR / name).read_text(encoding="utf-8"))  # noqa: E731
    assert read("default.yaml")["value_model"] == "bg_nbd"
    assert read("monthly.yaml")["value_model"] == "mbg_nbd"


def test_a_value_model_not_known_is_refused_before_any_notebook(tmp_path, capsys):
    """value_model: xyz, in a params file or with --set: the run stops before anything runs, the
    message names the key, where it was set and the allowed values."""
    from helpers.run import monthly, preflight

    # (a fresh clone has no data/raw/orders.csv before `make sample-data`: only what is said
    # of value_model is read here)
    said = [s for s in preflight.check_dependent(
        {"value_model": "xyz"}, {"value_model": "params/x.yaml"}, date(2026, 10, 31))
        if s.startswith("value_model")]
    assert said == [cv.check_value_model("xyz", "set in params/x.yaml")]
    assert "value_model = 'xyz' (set in params/x.yaml): give one of bg_nbd, mbg_nbd" in said[0]
    assert not [s for s in preflight.check_dependent({"value_model": "mbg_nbd"}, {},
                                                     date(2026, 10, 31)) if "value_model" in s]
    code = monthly.main(["--as-of", "2026-10-31", "--params", "params/monthly.yaml",
                         "--set", "value_model=xyz", "--reports-dir", str(tmp_path / "r")])
    assert code == 2
    err = capsys.readouterr().err
    assert "value_model = 'xyz' (given with --set): give one of bg_nbd, mbg_nbd" in err
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").rglob("*.html"))


@needs_cdnow
def test_every_buyer_predicted_in_batches_gives_the_file_of_the_whole_frame(
        cdnow, cdnow_fit, cdnow_bg, tmp_path, monkeypatch):
    """At 100M lines notebook 06 held 18.7M buyers' frames (17.8 GB): it now predicts batch by
    batch and joins the segments in DuckDB. The file must be the one the whole frame gives."""
    from helpers.kit import export

    con, summary = cdnow
    table = cv.summary_table(con, as_of=AS_OF, excluded_statuses=[], zero_amount_purchases=True)
    # fit_table is fit() on the table: the default (BG/NBD), and the model asked for
    assert cv.fit_table(con, table, seed=2026).bgnbd == cdnow_bg.bgnbd
    from helpers.pages.value import summary as value_summary

    monkeypatch.setattr(value_summary, "BATCH_ROWS", 500)  # 2,357 buyers: five batches
    assert cv.fit_table(con, table, seed=2026, model="mbg_nbd").bgnbd == cdnow_fit.bgnbd
    con.execute(f"create or replace temp table segs as select customer_id, "
                f"case when x > 2 then 'loyal' else 'other' end as segment from {table}")
    values = cv.write_values(con, cdnow_fit, table, tmp_path / "customer_value.parquet",
                             horizon_days=90, segments="segs")
    whole = cv.outputs(cv.predict(cdnow_fit, summary, horizon_days=90),
                       con.table("segs").to_arrow_table())
    streamed = export.write_query_csv(con, "select * from read_parquet($p)", tmp_path / "a.csv",
                                      {"p": str(values)})[0]
    assert streamed.read_bytes() == export.write_csv(whole, tmp_path / "b.csv").read_bytes()
    db.register_parquet(con, "customer_value", values)
    figures = cv.headline_figures(con)
    frame = whole.to_pandas()
    assert figures["customers"] == len(frame) == 2357
    assert figures["repeat"] == int((frame.x > 0).sum())
    assert figures["purchases"] == pytest.approx(frame.expected_purchases.sum(), rel=1e-12)
    by_segment = cv.per_segment(con).set_index("segment")
    assert by_segment.customers.to_dict() == frame.segment.value_counts().to_dict()
    # the calibration's groups from batches: the customers of each group by hand
    first = cv.first_purchase(con, table)
    assert first == pd.Timestamp(summary.first_purchase_date.min()).date()
    got = cv.calibration(con, as_of=AS_OF, excluded_statuses=[], zero_amount_purchases=True,
                         horizon_days=90, seed=2026, max_customers=500_000, first_date=first,
                         model="mbg_nbd")
    before = cv.build_summary(con, as_of=AS_OF - timedelta(days=90), excluded_statuses=[],
                              zero_amount_purchases=True).df()
    assert got.customers.tolist() == before.x.clip(upper=7).value_counts().sort_index().tolist()
    assert got.customers.sum() == len(before)


# ---------------------------------------------------------------- page 06 against page 01


def _values_table(con, rows):
    """A customer_value source by hand: (customer_id, x, t_x, T, p_alive, segment)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "x", "t_x", "T", "p_alive", "segment"])
    con.register("cv_rows", frame)
    con.execute("create or replace temp table customer_value as select * from cv_rows")


def _fitted(a, b, status="ok", model="mbg_nbd"):
    return cv.ValueFit(status=status, customers=100, repeat_customers=50, model=model,
                       bgnbd={"r": 0.5, "alpha": 5.0, "a": a, "b": b})


def test_lost_customers_the_model_still_expects_are_counted_with_their_rhythm(con):
    from helpers.pages.value import check

    _values_table(con, [
        # lost, likely: every 10 weeks (70 days), away 4 weeks (28 days); every 14 days, away 35
        ("a", 3, 30.0, 34.0, 0.8, "lost"), ("b", 4, 8.0, 13.0, 0.6, "lost"),
        # lost, gone: every 7 days, away 70 and 350 days; a one-time buyer away 700 days
        ("c", 2, 2.0, 12.0, 0.1, "lost"), ("d", 1, 1.0, 51.0, 0.02, "lost"),
        ("e", 0, 0.0, 100.0, 0.3, "lost"),
        ("f", 5, 50.0, 51.0, 0.9, "champions"),
        # a frequent buyer quiet for 7 days, called gone; a one-time buyer 70 days ago, likely
        ("g", 6, 20.0, 21.0, 0.4, "champions"), ("h", 0, 0.0, 10.0, 0.7, "hibernating"),
    ])
    got = check.against_rfm(con, "lost")
    assert (got["lost_customers"], got["lost_likely"], got["likely_once"]) == (5, 2, 0)
    assert got["likely_gap_days"] == pytest.approx((70 + 14) / 2)
    assert got["likely_since_days"] == pytest.approx((28 + 35) / 2)
    assert (got["gone_once"], got["gone_once_since_days"]) == (1, pytest.approx(700))
    assert got["gone_gap_days"] == pytest.approx(7)
    assert got["gone_since_days"] == pytest.approx((70 + 350) / 2)
    assert (got["long_inactive_customers"], got["long_inactive_likely"]) == (2, 0)
    assert (got["buyers"], got["likely"]) == (8, 4)
    # the 45-day rule: c, d, e and h silent over 45 days (h still likely); g within it but gone
    assert (got["rule_days"], got["rule_lost"], got["rule_lost_likely"],
            got["rule_kept_gone"]) == (45, 4, 1, 1)
    # the repeat buyers alone (the BG/NBD's verdict): a, b, c, d, f, g; likely a, b, f; d silent
    # 350 days (gone)
    assert (got["repeat_buyers"], got["repeat_likely"]) == (6, 3)
    assert (got["long_inactive_repeat"], got["long_inactive_repeat_likely"]) == (1, 0)
    from helpers.pages.value import sentences

    fit_check = check.verdict(_fitted(0.891, 1.614), got)
    vi = sentences.rule_sentence(fit_check, got, lang="vi").data
    assert "Với mốc 45 ngày, 4 khách" in vi and "**1 người trong số đó**" in vi
    assert "**1 khách** mới vắng 45 ngày trở xuống" in vi
    assert "A 45-day rule calls 4 buyers" in sentences.rule_sentence(fit_check, got,
                                                                     lang="en").data


def test_the_verdict_names_a_shop_where_nobody_leaves_or_everybody_left(tmp_path):
    import json

    from helpers.pages.value import check

    figures = {"lost_segment": "lost", "lost_customers": 10, "lost_likely": 2, "buyers": 100,
               "likely": 60, "long_inactive_customers": 40, "long_inactive_likely": 4}
    ok = check.verdict(_fitted(0.891, 1.614), figures)
    assert (ok["verdict"], ok["fading_action"]) == ("ok", "show")
    # the fit the issue saw on the old sample shop: a = 0.0039, b = 28.8
    stuck = check.verdict(_fitted(0.0039, 28.8), figures)
    assert (stuck["verdict"], stuck["fading_action"]) == ("nobody_leaves", "drop")
    assert "a / (a + b)" in stuck["reason"]
    # dropout looks fine, but 38 of 40 buyers silent for 180 days are called likely to buy
    silent = check.verdict(_fitted(0.5, 2.0), figures | {"long_inactive_likely": 38})
    assert silent["verdict"] == "nobody_leaves" and silent["long_inactive_likely_share"] == 0.95
    gone = check.verdict(_fitted(0.9, 1.0), figures | {"likely": 4})
    assert (gone["verdict"], gone["fading_action"]) == ("everybody_left", "drop")
    unfit = check.verdict(_fitted(0.9, 1.0, status="too_few_repeat"), figures)
    assert (unfit["verdict"], unfit["fading_action"]) == ("not_fitted", "drop")
    path = check.write_fit_check(stuck, tmp_path / "value" / "fit_check.json",
                                 as_of=date(2026, 11, 30))
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["verdict"] == "nobody_leaves" and written["fading_action"] == "drop"
    assert written["as_of"] == "2026-11-30" and written["lost_customers"] == 10
    assert set(written["verdict"] for written in [written]) <= set(check.VERDICTS)


def test_page_06_says_in_words_how_it_reads_page_01s_lost_customers():
    from helpers.core.schemes import load_scheme
    from helpers.pages.value import check, sentences

    scheme = load_scheme("rfm11")
    figures = {"lost_segment": "lost", "lost_customers": 2691, "lost_likely": 41,
               "likely_once": 1, "likely_once_since_days": 200.0, "likely_gap_days": 120.4,
               "likely_since_days": 95.0, "gone_once": 2600, "gone_once_since_days": 700.0,
               "gone_gap_days": 30.0, "gone_since_days": 610.0, "buyers": 16000,
               "likely": 7000, "long_inactive_customers": 6000, "long_inactive_likely": 300}
    fit_check = check.verdict(_fitted(0.891, 1.614), figures)
    vi = sentences.against_rfm_sentence(fit_check, figures, scheme=scheme, lang="vi").data
    assert "2.691 khách" in vi and "«Đã mất»" in vi and "2.650 khách (98%)" in vi
    # why: 50 repeat buyers far past their rhythm, 2,600 one-time buyers long ago
    assert "50 khách đã mua nhiều lần thường mua cách nhau khoảng 30 ngày nhưng đã 610 ngày" in vi
    assert "2.600 khách mới mua một lần, khoảng 700 ngày trước" in vi
    assert "**41 khách**" in vi and "40 khách đã mua nhiều lần" in vi and "120 ngày" in vi
    assert "1 khách mới mua một lần, khoảng 200 ngày trước" in vi
    en = sentences.against_rfm_sentence(fit_check, figures, scheme=scheme, lang="en").data
    assert "2,691 customers" in en and "«Lost»" in en and "every 120 days" in en
    none = sentences.against_rfm_sentence(fit_check, figures | {"lost_likely": 0},
                                          scheme=scheme, lang="vi").data
    assert "Không khách nào trong nhóm này" in none
    assert sentences.verdict_sentence(fit_check, scheme=scheme, fading_segment="champions",
                                      lang="vi").data == ""
    stuck = check.verdict(_fitted(0.0039, 28.8), figures | {"long_inactive_likely": 5900})
    vi = sentences.verdict_sentence(stuck, scheme=scheme, fading_segment="champions",
                                    lang="vi").data
    assert "không ai rời đi" in vi and "98%" in vi and "«Khách hàng xuất sắc»" in vi
    en = sentences.verdict_sentence(stuck, scheme=scheme, fading_segment="champions",
                                    lang="en").data
    assert "nobody leaves" in en
    text = sentences.value_headlines(
        _fitted(0.0039, 28.8), {"customers": 100, "repeat": 50, "alive": 90, "alive_share": 0.9,
                                "alive_repeat": 45, "purchases": 10, "revenue": None},
        {"fading": 0, "fading_segment": "champions"}, scheme=scheme, horizon_days=90,
        lang="en", check=stuck).data
    assert "No list of «Champions»" in text and "contact them now" not in text


def test_the_verdict_comes_before_page_01s_lost_customers_in_one_block():
    from helpers.core.schemes import load_scheme
    from helpers.pages.value import check, sentences

    scheme = load_scheme("rfm11")
    figures = {"lost_segment": "lost", "lost_customers": 10, "lost_likely": 9, "likely_once": 9,
               "likely_once_since_days": 400.0, "likely_gap_days": None,
               "likely_since_days": None, "gone_once": 1, "gone_once_since_days": 500.0,
               "gone_gap_days": None, "gone_since_days": None, "buyers": 100, "likely": 95,
               "long_inactive_customers": 40, "long_inactive_likely": 39}
    stuck = check.verdict(_fitted(0.0039, 28.8), figures)
    text = sentences.against_rfm_sentence(stuck, figures, scheme=scheme, lang="vi",
                                          fading_segment="champions").data
    assert text.index("không ai rời đi") < text.index("Trang 01 xếp **10 khách**")
    assert "9 khách mới mua một lần, khoảng 400 ngày trước" in text
    unfit = check.verdict(_fitted(0.9, 1.0, status="too_few_repeat"), figures)
    assert sentences.against_rfm_sentence(unfit, figures, scheme=scheme, lang="en",
                                          fading_segment="champions").data == ""


# ---------------------------------------------------------------- under the BG/NBD (the default)


def test_under_the_bgnbd_one_time_buyers_alive_by_assumption_do_not_make_nobody_leaves():
    """A shop of many one-time buyers under the BG/NBD: every one of them has P(alive) = 1 by the
    model's assumption, so 90% of the buyers silent for 180 days are "likely"; the verdict judges
    the repeat buyers, most of whom silent that long are gone: ok. The same figures under the
    MBG/NBD (where a one-time buyer's P(alive) comes from the data) say nobody leaves."""
    figures = {"lost_segment": "lost", "lost_customers": 3000, "lost_likely": 2700,
               "buyers": 10_000, "likely": 8000, "long_inactive_customers": 5000,
               "long_inactive_likely": 4600, "repeat_buyers": 3000, "repeat_likely": 1000,
               "long_inactive_repeat": 500, "long_inactive_repeat_likely": 100}
    from helpers.pages.value import check

    got = check.verdict(_fitted(0.793, 2.426, model="bg_nbd"), figures)
    assert (got["verdict"], got["fading_action"], got["judged_on"]) == ("ok", "show",
                                                                        "repeat_buyers")
    assert (got["buyers"], got["long_inactive_customers"]) == (3000, 500)
    assert got["likely_share"] == pytest.approx(1 / 3)
    assert got["long_inactive_likely_share"] == pytest.approx(0.2)
    mbg = check.verdict(_fitted(0.793, 2.426, model="mbg_nbd"), figures)
    assert (mbg["verdict"], mbg["judged_on"]) == ("nobody_leaves", "buyers")
    # the repeat buyers themselves all still likely after 180 days: nobody leaves, said of them
    stuck = check.verdict(_fitted(0.793, 2.426, model="bg_nbd"),
                          figures | {"long_inactive_repeat_likely": 480})
    assert stuck["verdict"] == "nobody_leaves" and "480" not in stuck["reason"]
    assert "of 500 repeat buyers silent" in stuck["reason"]
    gone = check.verdict(_fitted(0.793, 2.426, model="bg_nbd"), figures | {"repeat_likely": 100})
    assert gone["verdict"] == "everybody_left" and "of repeat buyers" in gone["reason"]
    none = check.verdict(_fitted(0.793, 2.426, model="bg_nbd"), figures | {"repeat_buyers": 0})
    assert (none["verdict"], none["fading_action"]) == ("not_fitted", "drop")


def test_page_06_names_the_model_in_use_and_what_the_bgnbd_assumes_of_one_time_buyers():
    from helpers.core.schemes import load_scheme
    from helpers.pages.value import check, sentences

    bg_vi = sentences.model_section("bg_nbd", lang="vi").data
    assert "Mô hình BG/NBD ước tính" in bg_vi and "MBG/NBD" not in bg_vi.replace("mbg_nbd", "")
    assert "P(alive) = 1" in bg_vi and "`value_model: mbg_nbd`" in bg_vi
    bg_en = sentences.model_section("bg_nbd", lang="en").data
    assert "The BG/NBD model estimates" in bg_en and "bought once" in bg_en
    assert "`value_model: mbg_nbd` to let a customer leave after the first purchase" in bg_en
    mbg = sentences.model_section("mbg_nbd", lang="en").data
    assert "The MBG/NBD model estimates" in mbg and "the first included" in mbg
    assert "{model}" not in mbg and "P(alive) = 1" not in mbg
    assert "Mô hình MBG/NBD" in sentences.model_section("mbg_nbd", lang="vi").data

    scheme = load_scheme("rfm11")
    # page 01's lost under the BG/NBD: the one-time buyers among them are all likely, and why
    figures = {"lost_segment": "lost", "lost_customers": 2691, "lost_likely": 2300,
               "likely_once": 2250, "likely_once_since_days": 400.0, "likely_gap_days": 120.0,
               "likely_since_days": 95.0, "gone_once": 0, "gone_once_since_days": None,
               "gone_gap_days": 30.0, "gone_since_days": 610.0, "buyers": 16000,
               "likely": 12000, "long_inactive_customers": 6000, "long_inactive_likely": 5500,
               "repeat_buyers": 6000, "repeat_likely": 2000, "long_inactive_repeat": 1500,
               "long_inactive_repeat_likely": 100}
    fit_check = check.verdict(_fitted(0.793, 2.426, model="bg_nbd"), figures)
    assert fit_check["verdict"] == "ok"
    vi = sentences.against_rfm_sentence(fit_check, figures, scheme=scheme, lang="vi",
                                        fading_segment="champions").data
    assert "2.250 khách mới mua một lần, khoảng 400 ngày trước: mô hình BG/NBD luôn coi" in vi
    assert "`value_model: mbg_nbd`" in vi and "không ai rời đi" not in vi
    en = sentences.against_rfm_sentence(fit_check, figures, scheme=scheme, lang="en").data
    assert "2,250 bought once, about 400 days ago: the BG/NBD always counts" in en
    # under the MBG/NBD no such words
    mbg_check = check.verdict(_fitted(0.891, 1.614), figures | {"long_inactive_likely": 100})
    assert "BG/NBD" not in sentences.against_rfm_sentence(mbg_check, figures, scheme=scheme,
                                                          lang="en").data
    head = sentences.value_headlines(
        _fitted(0.793, 2.426, model="bg_nbd"),
        {"customers": 16000, "repeat": 6000, "alive": 12000, "alive_share": 0.75,
         "alive_repeat": 2000, "purchases": 10, "revenue": None},
        {"fading": 3, "fading_segment": "champions"}, scheme=scheme, horizon_days=90,
        lang="en", check=fit_check).data
    assert "10,000 of the 10,000 who bought once (the BG/NBD always counts them" in head
    rule = sentences.rule_sentence(fit_check, figures | {"rule_lost": 5, "rule_lost_likely": 3,
                                                         "rule_days": 45}, lang="vi").data
    assert "mọi khách mới mua một lần mà BG/NBD luôn coi là còn mua" in rule
    stuck = check.verdict(_fitted(0.793, 2.426, model="bg_nbd"),
                          figures | {"long_inactive_repeat_likely": 1450})
    said = sentences.verdict_sentence(stuck, scheme=scheme, fading_segment="champions",
                                      lang="vi").data
    assert "97% khách đã mua nhiều lần đã 180 ngày" in said

