"""RFM definitions on hand-made data where every answer is known, plus an oracle on generated data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from benchmarks.pandas_rfm import rfm_scores as oracle_scores
from helpers.core.errors import ParamError
from helpers.core.params import RunParams
from helpers.core.schemes import available_schemes, load_scheme
from helpers.ingest import sample_data
from helpers.ingest.sample_data import REFERENCE_AS_OF as SAMPLE_AS_OF
from helpers.kit import rfm

AS_OF = "2024-03-31"


def O(customer, order_id, day, amount, status="completed"):  # noqa: N802 - reads like a row
    return {"customer_id": customer, "order_id": order_id, "order_date": day,
            "amount": str(amount), "status": status}


@pytest.fixture
def build(con, given_orders, tmp_path):
    """build(rows, **params) -> rfm_customers indexed by customer_id (exact money in `money`)."""

    def _build(rows, customers=None, **params):
        given_orders(rows)
        orders_path = tmp_path / "orders.csv"
        values = {"as_of": AS_OF, "orders_path": orders_path} | params
        run = RunParams.from_values(**values)
        if customers is None:
            con.execute(rfm.EMPTY_CUSTOMERS)
        scheme = rfm.load_run_scheme(run)
        rfm.build_rfm_customers(con, run=run, scheme=scheme)
        frame = con.execute("select * from rfm_customers").df().set_index("customer_id")
        money = dict(con.execute("select customer_id, monetary from rfm_customers").fetchall())
        frame["money"] = pd.Series(money)
        return frame

    return _build


def test_orders_after_the_as_of_date_change_nothing(build):
    got = build([O("a", "1", "2024-03-31", 10), O("a", "2", "2024-04-01", 99)])
    assert (got.loc["a", "recency_days"], got.loc["a", "frequency"]) == (0, 1)
    assert got.loc["a", "money"] == Decimal("10")


def test_an_order_at_2330_local_time_stays_on_its_day(build):
    got = build([O("a", "1", "2024-03-31 23:30:00", 10), O("b", "2", "2024-03-31T17:30:00Z", 10)])
    assert "a" in got.index and got.loc["a", "recency_days"] == 0
    assert "b" not in got.index  # 00:30 on 1 April in Ho Chi Minh City: after the as-of date


def test_cancelled_rows_are_dropped_and_missing_status_kept(build):
    got = build([O("a", "1", "2024-03-01", 100), O("a", "2", "2024-03-02", 500, " Cancelled "),
                 O("a", "3", "2024-03-03", 50, ""), O("b", "4", "2024-03-04", 70, "VOID")])
    assert got.loc["a", "frequency"] == 2 and got.loc["a", "money"] == Decimal("150")
    assert "b" not in got.index


def test_refunds_reduce_monetary_but_are_not_purchases(build):
    got = build([O("a", "1", "2024-01-01", 300), O("a", "R1", "2024-03-30", -100, "refunded"),
                 O("a", "z", "2024-03-30", 0)])
    row = got.loc["a"]
    assert row.frequency == 1 and row.money == Decimal("200")
    assert row.recency_days == 90  # the refund is not the last purchase
    assert row.orders == 3


def test_multi_line_orders_are_one_order_dated_at_their_earliest_line(build):
    got = build([O("a", "1", "2024-03-01", 100), O("a", "1", "2024-03-05", 50),
                 O("a", "", "2024-03-10", 20), O("a", "", "2024-03-10", 20)])
    row = got.loc["a"]
    assert row.frequency == 3  # order 1, and each row without an order id on its own
    assert row.money == Decimal("190")


def test_line_refund_can_turn_an_order_into_a_refund(build):
    got = build([O("a", "1", "2024-03-01", 100), O("a", "2", "2024-03-02", 100),
                 O("a", "2", "2024-03-03", -150)])
    assert got.loc["a", "frequency"] == 1 and got.loc["a", "money"] == Decimal("50")


def test_window_is_half_open_and_recency_uses_all_history(build):
    rows = [O("a", "1", "2023-01-01", 1000), O("a", "2", "2024-03-01", 10),  # 30 days before
            O("b", "3", "2024-03-02", 10),  # 29 days before: inside (D-30, D]
            O("c", "4", "2023-06-01", 5)]   # nothing in the window
    got = build(rows, window_days=30)
    assert got.loc["a", "frequency"] == 0 and got.loc["a", "money"] == Decimal("0")
    assert got.loc["a", "recency_days"] == 30
    assert got.loc["a", "first_purchase_date"].date() == date(2023, 1, 1)
    assert got.loc["b", "frequency"] == 1
    assert got.loc["c", "frequency"] == 0  # still in the population, ranked like everyone else


def test_only_refunds_in_window_gives_negative_monetary(build):
    got = build([O("a", "1", "2023-01-01", 100), O("a", "R", "2024-03-20", -40),
                 O("b", "2", "2024-03-20", 10)], window_days=30)
    assert got.loc["a", "money"] == Decimal("-40") and got.loc["a", "m_score"] == 1


def test_ties_get_equal_scores_with_rank_min(build):
    # monetary 10, 10, 20, 30, 40 over n = 5 and bins = 5: rank_min 1, 1, 3, 4, 5
    rows = [O(c, c, "2024-03-01", m) for c, m in zip("abcde", [10, 10, 20, 30, 40])]
    got = build(rows)
    assert got.m_score.to_dict() == {"a": 1, "b": 1, "c": 3, "d": 4, "e": 5}
    assert set(got.r_score) == {1}  # everyone tied on recency: lowest rank for all


def test_recency_scored_on_negative_days_and_fm_rounds_half_up(build):
    rows = [O("a", "1", "2024-03-31", 10), O("b", "2", "2024-03-30", 20),
            O("c", "3", "2024-03-01", 30), O("d", "4", "2024-01-01", 40)]
    got = build(rows, bins=4, scheme="tests/fixtures/grid4.yaml")
    # recency 0, 1, 30, 90 -> r 4, 3, 2, 1; monetary 10..40 -> m 1..4; f all tied -> 1
    assert got.r_score.to_dict() == {"a": 4, "b": 3, "c": 2, "d": 1}
    assert got.m_score.to_dict() == {"a": 1, "b": 2, "c": 3, "d": 4}
    # fm = floor((1 + m) / 2 + 0.5): m = 2 -> 2 (1.5 rounds up), m = 4 -> 3 (2.5 rounds up)
    assert got.fm_score.to_dict() == {"a": 1, "b": 2, "c": 2, "d": 3}
    assert got.rfm_code.to_dict()["d"] == "114"


def test_fixed_cut_points(build):
    rows = [O("a", "1", "2024-03-31", 100), O("b", "2", "2024-02-01", 2_000_000),
            O("b", "3", "2024-02-02", 2_000_000)]
    cuts = {"recency_days": [7, 30, 90, 365], "frequency": [2, 3, 5, 10],
            "monetary": [200_000, 1_000_000, 3_000_000, 10_000_000]}
    got = build(rows, scoring="fixed", fixed_cuts=cuts)
    assert got.loc["a", ["r_score", "f_score", "m_score"]].tolist() == [5, 1, 1]
    # b: 59 days -> 3, two purchases -> 2, 4,000,000 -> 4
    assert got.loc["b", ["r_score", "f_score", "m_score"]].tolist() == [3, 2, 4]
    # exactly at a cut point: recency 7 still scores 5, frequency 2 scores 2
    got = build([O("a", "1", "2024-03-24", 100), O("a", "2", "2024-03-24", 100)],
                scoring="fixed", fixed_cuts=cuts)
    assert got.loc["a", ["r_score", "f_score"]].tolist() == [5, 2]


def test_two_factor_scoring_leaves_the_third_out(build):
    rows = [O(c, c, "2024-03-0" + str(i + 1), m) for i, (c, m) in enumerate(zip("abcde",
                                                                               [50, 40, 30, 20, 10]))]
    got = build(rows, factors="rf")
    assert got.m_score.isna().all()
    assert (got.fm_score == got.f_score).all()
    assert got.rfm_code.str.endswith("-").all()
    got = build(rows, factors="rm")
    assert (got.fm_score == got.m_score).all() and got.f_score.isna().all()


def test_aov_basis_scores_money_per_purchase(build):
    rows = [O("a", "1", "2024-03-01", 100), O("a", "2", "2024-03-02", 100),  # total 200, aov 100
            O("b", "3", "2024-03-01", 150)]                                  # total 150, aov 150
    got = build(rows, monetary="aov", bins=2, scheme="tests/fixtures/grid2.yaml")
    assert got.loc["a", "m_score"] == 1 and got.loc["b", "m_score"] == 2
    assert got.loc["a", "aov"] == 100


def test_prospects_are_not_scored(con, build, given_customers):
    given_customers([{"customer_id": "a"}, {"customer_id": "p"},
                     {"customer_id": "late", "signup_date": "2024-05-01"}])
    got = build([O("a", "1", "2024-03-01", 100)], customers=True)
    assert got.loc["p", "segment"] == "prospect"
    assert got.loc["p", ["r_score", "f_score", "m_score", "frequency"]].tolist() == [0, 0, 0, 0]
    assert got.loc["p", "rfm_code"] == "000"
    assert "late" not in got.index  # signed up after the as-of date


def test_customer_ids_are_kept_byte_for_byte(build):
    got = build([O("007", "1", "2024-03-01", 1), O("7", "2", "2024-03-01", 1)])
    assert set(got.index) == {"007", "7"}


@pytest.mark.parametrize("scheme", available_schemes())
def test_every_shipped_scheme_gives_each_customer_one_segment(con, scheme, tmp_path):
    sample_data.generate(tmp_path, customers=3000, orders=15000, seed=3, as_of=SAMPLE_AS_OF)
    for window in (None, 60):
        run = RunParams.from_values(as_of="2026-06-30", orders_path=tmp_path / "orders.csv",
                                    customers_path=tmp_path / "customers.csv", scheme=scheme,
                                    window_days=window)
        rfm.load_inputs(con, run)
        sch = load_scheme(scheme)
        rfm.build_rfm_customers(con, run=run, scheme=sch)
        n, distinct, empty, unknown = con.execute("""
            select count(*), count(distinct customer_id), count(*) filter (where segment is null),
                   count(*) filter (where segment not in (select segment from scheme_segments))
            from rfm_customers""").fetchone()
        assert n == distinct and empty == 0 and unknown == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scores_equal_an_independent_pandas_implementation(con, tmp_path, seed):
    sample_data.generate(tmp_path, customers=2500, orders=12000, seed=seed, as_of=SAMPLE_AS_OF)
    for window in (None, 90):
        run = RunParams.from_values(as_of="2026-05-15", orders_path=tmp_path / "orders.csv",
                                    window_days=window)
        rfm.load_inputs(con, run)
        rfm.build_rfm_customers(con, run=run, scheme=rfm.load_run_scheme(run))
        ours = con.execute("select customer_id, recency_days, frequency, monetary, r_score, "
                           "f_score, m_score, fm_score from rfm_customers").df()
        lines = con.execute("select customer_id, order_id, order_date, amount, status "
                            "from order_lines").fetchall()
        frame = pd.DataFrame(lines, columns=["customer_id", "order_id", "order_date", "amount",
                                             "status"])
        expected = oracle_scores(frame, as_of="2026-05-15", window_days=window)
        merged = ours.merge(expected, on="customer_id", suffixes=("", "_oracle"), how="outer",
                            indicator=True)
        assert (merged._merge == "both").all()
        for col in ("recency_days", "frequency", "r_score", "f_score", "m_score", "fm_score"):
            assert (merged[col] == merged[f"{col}_oracle"]).all(), col


def test_bad_parameters_are_clear_errors(tmp_path):
    (tmp_path / "o.csv").write_text("customer_id,order_date,amount\n", encoding="utf-8")
    base = {"as_of": AS_OF, "orders_path": tmp_path / "o.csv"}
    with pytest.raises(ParamError, match="as_of"):
        RunParams.from_values(**base | {"as_of": "31-31-2024"})
    with pytest.raises(ParamError, match="window_days"):
        RunParams.from_values(**base | {"window_days": -3})
    with pytest.raises(ParamError, match="fixed_cuts"):
        RunParams.from_values(**base | {"scoring": "fixed"})
    with pytest.raises(ParamError, match="factors"):
        RunParams.from_values(**base | {"factors": "r"})
    with pytest.raises(ParamError, match="orders_path"):
        RunParams.from_values(**base | {"orders_path": "nope.csv"})


def test_engine_parameters_are_checked(tmp_path):
    (tmp_path / "o.csv").write_text("customer_id,order_date,amount\n", encoding="utf-8")
    base = {"as_of": AS_OF, "orders_path": tmp_path / "o.csv"}
    run = RunParams.from_values(**base)
    assert (run.engine, run.spark_master, run.spark_conf) == ("duckdb", "local[2]", {})
    run = RunParams.from_values(**base | {
        "engine": "Spark", "spark_master": "spark://10.0.0.5:7077",
        "spark_conf": {"spark.executor.memory": "4g", "spark.sql.shuffle.partitions": 64,
                       "spark.dynamicAllocation.enabled": True}})
    assert run.engine == "spark" and run.spark_master == "spark://10.0.0.5:7077"
    assert run.spark_conf == {"spark.executor.memory": "4g", "spark.sql.shuffle.partitions": "64",
                              "spark.dynamicAllocation.enabled": "true"}
    for master in ("local", "local[*]", "local[4]", "yarn", "k8s://https://kube:6443"):
        assert RunParams.from_values(**base | {"spark_master": master}).spark_master == master
    with pytest.raises(ParamError, match="engine = 'polars': must be one of duckdb, spark"):
        RunParams.from_values(**base | {"engine": "polars"})
    with pytest.raises(ParamError, match="spark_master = 'localhost:7077'"):
        RunParams.from_values(**base | {"spark_master": "localhost:7077"})
    with pytest.raises(ParamError, match="not Spark settings"):
        RunParams.from_values(**base | {"spark_conf": {"executor.memory": "4g"}})
    with pytest.raises(ParamError, match="give a mapping"):
        RunParams.from_values(**base | {"spark_conf": "spark.executor.memory=4g"})
    with pytest.raises(ParamError, match="one value"):
        RunParams.from_values(**base | {"spark_conf": {"spark.jars": ["a.jar"]}})


def test_notebook_parameters_become_run_params_by_name(tmp_path):
    (tmp_path / "o.csv").write_text("customer_id,order_date,amount\n", encoding="utf-8")
    namespace = {"as_of_to": "2024-03-31", "orders_path": str(tmp_path / "o.csv"),
                 "encoding": "cp1258", "window_days": 90, "grain": "month", "spam": 1}
    run = RunParams.from_notebook(namespace, as_of=namespace["as_of_to"])
    assert run.encoding == "cp1258" and run.window_days == 90
    assert str(run.as_of) == "2024-03-31"


def test_an_order_with_lines_on_both_sides_of_the_as_of_date_counts_its_lines_up_to_it(build):
    rows = [O("a", "1", "2024-03-30", 100), O("a", "1", "2024-04-02", -150),
            O("b", "2", "2024-03-20", 40), O("b", "2", "2024-03-25", 60),
            O("b", "2", "2024-04-01", 500)]
    got = build(rows)
    # as of 31 March the refund line of 2 April has not happened: order 1 is a purchase of 100
    assert got.loc["a", "frequency"] == 1 and got.loc["a", "money"] == Decimal("100")
    assert got.loc["a", "last_purchase_date"].date() == date(2024, 3, 30)
    # an order on two earlier days is one order, dated at its first line
    assert got.loc["b", "frequency"] == 1 and got.loc["b", "money"] == Decimal("100")
    assert got.loc["b", "recency_days"] == 11
    later = build(rows, as_of="2024-04-05")
    assert "a" not in later.index  # the whole order is now a refund of 50: no purchase left
    assert later.loc["b", "money"] == Decimal("600")
    assert later.loc["b", "first_purchase_date"].date() == date(2024, 3, 20)
