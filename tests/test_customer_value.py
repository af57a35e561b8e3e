"""Customer value (notebook 06): the summary SQL and the BG/NBD and Gamma-Gamma fits, checked
against the published CDNOW figures (Fader, Hardie & Lee 2005; Fader & Hardie 2013), and the
shops where a fit cannot be trusted."""

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
def test_bgnbd_estimates_match_the_published_ones(cdnow_fit):
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert cdnow_fit.ok and cdnow_fit.customers == 2357
    for name, value in published.items():
        assert cdnow_fit.bgnbd[name] == pytest.approx(value, rel=0.01), name
    assert cdnow_fit.loglik_bgnbd == pytest.approx(-9582.4, abs=0.5)


@needs_cdnow
def test_gamma_gamma_estimates_match_the_published_ones(cdnow_fit):
    published = {"p": 6.25, "q": 3.74, "v": 15.44}
    assert cdnow_fit.repeat_customers == 946
    for name, value in published.items():
        assert cdnow_fit.gamma_gamma[name] == pytest.approx(value, rel=0.02), name


@needs_cdnow
def test_the_published_single_customer_expects_1_226_purchases_in_39_weeks(cdnow_fit):
    one = pd.DataFrame({"customer_id": ["x"], "x": [2], "t_x": [30.43], "T": [38.86],
                        "mean_spend": [np.nan]})
    got = cv.predict(cdnow_fit, one, horizon_days=39 * 7)
    assert got.expected_purchases.iloc[0] == pytest.approx(1.226, rel=0.005)


@needs_cdnow
def test_predictions_are_per_customer_in_range_and_the_same_on_a_rerun(cdnow, cdnow_fit):
    _, summary = cdnow
    got = cv.predict(cdnow_fit, summary, horizon_days=90)
    assert got.p_alive.between(0, 1).all() and (got.expected_purchases >= 0).all()
    # a one-time buyer long gone is alive by the BG/NBD's assumption (no purchase, no dropout)
    assert (got.loc[got.x == 0, "p_alive"] == 1).all()
    again = cv.predict(cv.fit(summary, seed=2026), summary, horizon_days=90)
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
    BetaGeoModel, GammaGammaModel, Prior = cv._import_clv()

    def broken(self, *args, **kwargs):
        raise RuntimeError("optimiser stopped: ABNORMAL_TERMINATION_IN_LNSRCH")

    monkeypatch.setattr(BetaGeoModel, "fit", broken)
    got = cv.fit(_summary(500, 200))
    assert got.status == "did_not_converge" and "ABNORMAL" in got.reason
    assert cv.predict(got, _summary(500, 200), horizon_days=90).p_alive.isna().all()
    rows = dict(zip(cv.model_table(got, as_of=date(2026, 1, 1), horizon_days=90)
                    .column("parameter").to_pylist(),
                    cv.model_table(got, as_of=date(2026, 1, 1), horizon_days=90)
                    .column("value").to_pylist()))
    assert rows["status"] == "did_not_converge"


def test_estimates_out_of_range_count_as_not_converged():
    assert not cv._sane({"r": 1e9, "alpha": 1.0}, -10.0)
    assert not cv._sane({"r": 0.2}, float("nan"))
    assert cv._sane({"r": 0.2, "alpha": 4.0}, -9582.4)


@needs_cdnow
def test_above_fit_max_customers_a_seeded_sample_is_fitted_and_everyone_predicted(cdnow):
    _, summary = cdnow
    got = cv.fit(summary, seed=7, max_customers=1200)
    assert got.ok and got.fitted_on == 1200 and got.customers == 2357
    # the sample depends on the ids and the seed, not on the rows' order
    assert cv._sample(summary, 1200, 7).customer_id.tolist() == \
        cv._sample(summary.sample(frac=1, random_state=3), 1200, 7).customer_id.tolist()
    assert cv.predict(got, summary, horizon_days=90).p_alive.notna().all()
    # half the customers still tell the same story (within 15% of the full fit's r and alpha)
    assert got.bgnbd["r"] == pytest.approx(0.243, rel=0.15)


def test_a_shop_with_no_sign_of_anyone_leaving_is_reported_as_not_converged():
    """Random rhythms with no dropout: the optimiser drives a and b off to infinity."""
    got = cv.fit(_summary(1500, 600), seed=7)
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


@needs_cdnow
def test_every_buyer_predicted_in_batches_gives_the_file_of_the_whole_frame(
        cdnow, cdnow_fit, tmp_path, monkeypatch):
    """At 100M lines notebook 06 held 18.7M buyers' frames (17.8 GB): it now predicts batch by
    batch and joins the segments in DuckDB. The file must be the one the whole frame gives."""
    from helpers.kit import export

    con, summary = cdnow
    monkeypatch.setattr(cv, "BATCH_ROWS", 500)  # 2,357 buyers: five batches
    table = cv.summary_table(con, as_of=AS_OF, excluded_statuses=[], zero_amount_purchases=True)
    assert cv.fit_table(con, table, seed=2026).bgnbd == cdnow_fit.bgnbd
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
                         horizon_days=90, seed=2026, max_customers=500_000, first_date=first)
    before = cv.build_summary(con, as_of=AS_OF - timedelta(days=90), excluded_statuses=[],
                              zero_amount_purchases=True).df()
    assert got.customers.tolist() == before.x.clip(upper=7).value_counts().sort_index().tolist()
    assert got.customers.sum() == len(before)
