"""Notebook 01's segments computed on Apache Spark, for spark-submit and scheduled jobs (issue 18).

    python -m helpers.spark_run --as-of 2026-10-31 \\
        --order-lines data/processed/cache/orders-<key>/staged \\
        --customers data/processed/cache/customers-<key>/staged.parquet \\
        --out data/processed/spark/2026-10-31 --master spark://host:7077 [--conf key=value …]

The inputs are order lines and customers in the workbook's staged form (what the staging of an
export writes to its cache, or a lakehouse table with the same columns): a Parquet file or a folder
of parts (an export of several files is staged as staged/, a part per file; of one file as
staged.parquet; LoadReport.staged says which). Scheme, window, scoring, factors and excluded
statuses come from the params files (params/default.yaml unless --params says otherwise), as for
the notebooks.

Written to --out: rfm_customers.parquet (a folder of parts, one row per customer, the same columns
as notebook 01's file), segment_summary.csv and rfm_grid.csv (small, aggregated on the cluster).
Nothing per customer is collected to the driver.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date
from pathlib import Path

from helpers.core.errors import ParamError
from helpers.core.params import RunParams
from helpers.core.paths import PARAMS_DIR
from helpers.core.privacy import use_file_mode
from helpers.core.yamlsafe import read_yaml
from helpers.engine import db, spark_models
from helpers.kit import contract, rfm
from helpers.kit.export import write_csv

RUN_KEYS = ("scheme", "scheme_params", "window_days", "bins", "scoring", "fixed_cuts", "factors",
            "monetary", "excluded_statuses", "lang", "file_mode")


def run_params(as_of: date | str, order_lines: Path, params_files: list[Path]) -> RunParams:
    values: dict = {}
    for path in params_files:
        doc = read_yaml(path, error=ParamError) or {}
        if not isinstance(doc, dict):
            raise ParamError(f"{path}: must be a mapping of parameter names to values")
        values.update(doc)
    chosen = {k: v for k, v in values.items() if k in RUN_KEYS}
    return RunParams.from_values(as_of=as_of, orders_path=order_lines, **chosen)


def empty_customers():
    """The customers source with no rows, in the staged columns (no customers export)."""
    con = db.connect()
    con.execute(rfm.EMPTY_CUSTOMERS)
    return con.table("customers").to_arrow_table()


def run(spark, *, run: RunParams, order_lines: Path, customers: Path | None, out: Path) -> dict:
    """Builds rfm_customers and segment_summary on Spark and writes them to `out`."""
    started = time.perf_counter()
    scheme = rfm.load_run_scheme(run)
    spark_models.read_parquet(spark, "order_lines", order_lines)
    if customers:
        spark_models.read_parquet(spark, "customers", customers)
    else:
        spark_models.register(spark, "customers", empty_customers())
    for name, table in rfm.scheme_tables(scheme, run.lang, run.factors).items():
        spark_models.register(spark, name, table)
    params = rfm.score_params(run)
    customers_df = spark_models.build(spark, "rfm_customers", **params)
    missing = customers_df.where("segment is null").count()
    if missing:
        raise AssertionError(f"rfm_customers: {missing} customers without a segment; the "
                             f"scheme's rules are not complete")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "rfm_customers.parquet"
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    columns = contract.CONTRACT_COLUMNS + (contract.CONTACT_COLUMNS if customers else [])
    customers_df.select(*columns).write.parquet(str(target))
    summary = spark_models.build(spark, "segment_summary", **params).drop("segment_rank")
    write_csv(summary.toArrow(), out / "segment_summary.csv")
    write_csv(spark_models.build(spark, "rfm_grid", **params).toArrow(), out / "rfm_grid.csv")
    return {"seconds": round(time.perf_counter() - started, 1), "out": str(out)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--as-of", required=True, help="last day included, YYYY-MM-DD")
    parser.add_argument("--order-lines", required=True, type=Path,
                        help="staged order lines: a Parquet file or a folder of parts")
    parser.add_argument("--customers", type=Path, help="staged customers (Parquet), optional")
    parser.add_argument("--params", type=Path, action="append",
                        help="params files, later ones win (default params/default.yaml)")
    parser.add_argument("--out", required=True, type=Path, help="folder for the outputs")
    parser.add_argument("--master", default=None,
                        help="spark_master: local[2], spark://host:7077, yarn, … (default: what "
                             "spark-submit was given, else local[2])")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="spark_conf entries, e.g. spark.executor.memory=4g")
    args = parser.parse_args(argv)
    conf = {}
    for item in args.conf:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--conf {item!r}: write KEY=VALUE")
        conf[key] = value
    params = run_params(args.as_of, args.order_lines,
                        args.params or [PARAMS_DIR / "default.yaml"])
    use_file_mode(params.file_mode)  # the outputs hold customer ids: private (core/privacy)
    spark = spark_models.session(args.master, conf)
    master = spark.sparkContext.master
    try:
        done = run(spark, run=params, order_lines=args.order_lines, customers=args.customers,
                   out=args.out)
    finally:
        spark.stop()
    print(f"Segments as of {params.as_of} computed on {master} in {done['seconds']} s: "
          f"{done['out']}", file=sys.stdout)


if __name__ == "__main__":
    main()
