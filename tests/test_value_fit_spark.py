"""Page 06's summary and patterns on Spark (issue 34 item 6, the value part): with `engine: spark`
the summary per buyer and its patterns are built on Spark (only the distinct patterns come back to
be fitted), and give the rows and the fit DuckDB gives, on the sample shop. One session."""

from __future__ import annotations

from datetime import date

import pytest

from helpers.core.params import RunParams
from helpers.engine import db
from helpers.pages.value import compute as cv
from helpers.run import notebook

pytestmark = pytest.mark.spark


def test_the_value_summary_and_patterns_on_spark_equal_duckdbs(shop, tmp_path):
    root, _ = shop
    got = {}
    for engine in ("duckdb", "spark"):
        run = RunParams.from_values(
            as_of=date(2026, 10, 31), orders_path=root / "raw" / "orders.csv",
            customers_path=root / "raw" / "customers.csv", output_dir=tmp_path / engine,
            engine=engine, spark_conf={"spark.workbook.dir": str(tmp_path / "work"),
                                       "spark.sql.shuffle.partitions": "2"})
        con, _ = notebook.open_run(run)
        summary = cv.summary_table(con, as_of=run.as_of, excluded_statuses=run.excluded_statuses)
        patterns, spend = cv.pattern_tables(con, summary)
        if engine == "spark":
            written = {v.split("__")[0] for v in db.engine(con).attached.written}
            assert {"customer_value_summary", "customer_value_patterns",
                    "customer_value_spend_patterns"} <= written
        got[engine] = {
            "summary": con.execute(f"select customer_id, x, t_x, T, mean_spend from {summary} "
                                   f"order by customer_id").fetchall(),
            "patterns": con.execute(f"select * from {patterns} order by x, t_x, T").fetchall(),
            "spend": con.execute(f"select * from {spend} order by x, mean_spend").fetchall(),
            "fit": cv.fit_table(con, summary, model="mbg_nbd")}
        con.close()
    duck, spark = got["duckdb"], got["spark"]
    assert len(duck["summary"]) > 1000
    for key in ("summary", "patterns", "spend"):
        assert spark[key] == duck[key], key
    assert len(duck["patterns"]) < len(duck["summary"])
    assert spark["fit"].ok and spark["fit"].bgnbd == duck["fit"].bgnbd
    assert spark["fit"].gamma_gamma == duck["fit"].gamma_gamma
