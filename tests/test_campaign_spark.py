"""Notebook 05's campaign models on Spark (issue 34 item 6): `engine: spark` runs
campaign_results, campaign_overlaps and campaign_outcomes there, with the same answers as DuckDB.
One SparkSession for the module, hand-made files."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from helpers.core.params import RunParams
from helpers.engine import db, spark_models
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.campaigns.measure import MEASURE_COLUMNS
from helpers.run import notebook

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    session = spark_models.session("local[2]", conf={"spark.sql.shuffle.partitions": "2",
                                                     "spark.default.parallelism": "2"})
    yield session
    session.stop()


def write(path, header, rows):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_campaign_models_give_the_same_measures_on_spark(spark, tmp_path):
    orders = [f"O{i},{c},{d},{a},completed,web" for i, (c, d, a) in enumerate([
        ("a", "2024-03-02", 300), ("b", "2024-03-03", 100), ("a", "2024-02-27", 50),
        ("h1", "2024-01-10", 80), ("h1", "2024-03-04", 40), ("c", "2024-02-01", 70),
        ("x", "2024-03-06", 90), ("d", "2023-12-01", 20)])]
    write(tmp_path / "orders.csv", "order_id,customer_id,order_date,amount,status,channel", orders)
    write(tmp_path / "campaigns.csv", "campaign_id,name,channel,target,start_date,"
          "attribution_days,cost_per_message,outcomes",
          ["C1,One,sms,x,2024-03-01,7,500,clicked", "C2,Two,sms,x,2024-03-05,7,500,"])
    write(tmp_path / "campaign_sends.csv",
          "campaign_id,customer_id,channel,sent_at,status,cost,opened,interacted,clicked",
          [f"C1,{c},sms,2024-03-01 09:00:00,delivered,500,1,0,{k}"
           for c, k in zip("abcd", "1010")]
          + [f"C2,{c},sms,2024-03-05 09:00:00,delivered,500,1,0," for c in "abxy"])
    write(tmp_path / "campaign_holdout.csv", "campaign_id,customer_id,clicked",
          ["C1,h1,0", "C1,h2,1", "C2,h3,"])
    measured = {}
    for engine in ("duckdb", "spark"):
        run = RunParams.from_values(
            as_of=date(2024, 3, 31), orders_path=tmp_path / "orders.csv", customers_path="",
            output_dir=tmp_path / engine, engine=engine,
            spark_conf={"spark.workbook.dir": str(tmp_path / "work")})
        con, _ = notebook.open_run(run)
        campaigns.load_campaigns(con, campaigns_path=tmp_path / "campaigns.csv",
                                 sends_path=tmp_path / "campaign_sends.csv",
                                 holdout_path=tmp_path / "campaign_holdout.csv")
        con.execute("create or replace temp table campaign_segments as select campaign_id, "
                    "customer_id, 'seg' as segment from campaign_sends")
        frame = campaigns.measured_campaigns(con, as_of=run.as_of, holdout_share=0.3)
        outcomes = campaigns.outcome_results(con, as_of=run.as_of)
        if engine == "spark":
            written = {v.split("__")[0] for v in db.engine(con).attached.written}
            assert {"campaign_results", "campaign_overlaps", "campaign_outcomes"} <= written
        keep = ["campaign_id", "segment", "sent", "holdout", "uplift", "uplift_ci_low",
                "open_rate", *MEASURE_COLUMNS]
        measured[engine] = (frame[keep].sort_values(["campaign_id", "segment"])
                            .reset_index(drop=True), outcomes.reset_index(drop=True))
        con.close()
    pd.testing.assert_frame_equal(measured["duckdb"][0], measured["spark"][0], check_dtype=False)
    pd.testing.assert_frame_equal(measured["duckdb"][1], measured["spark"][1], check_dtype=False)
    assert measured["spark"][0].overlapping_campaigns.iloc[0] == "C2"
