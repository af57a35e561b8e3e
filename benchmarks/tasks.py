"""One benchmark task per process: python -m benchmarks.tasks TASK --data DIR --work DIR.

Each task does what the workbook does for that step, from a cold process, so the harness can
measure whole-process wall time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from datetime import date
from pathlib import Path

from benchmarks import month_runs, months

AS_OF = date(2026, 10, 31)


def _run(data: Path, work: Path, **extra):
    from helpers.core.params import RunParams

    return RunParams.from_values(as_of=AS_OF, orders_path=data / "orders.csv",
                                 customers_path=data / "customers.csv", output_dir=work / "out",
                                 threads=extra.pop("threads", None),
                                 memory_limit=extra.pop("memory_limit", None), **extra)


def _staged(data: Path, work: Path, **extra):
    from helpers.engine import db
    from helpers.kit import rfm

    run = _run(data, work, **extra)
    con = db.connect(threads=run.threads, memory_limit=run.memory_limit,
                     temp_directory=str(work / "duckdb_tmp"))
    inputs = rfm.load_inputs(con, run)  # the Parquet cache: no CSV is parsed again
    return run, con, inputs


def stage_csv(data, work, **_):
    """The first staging of the orders CSV, the same file plain_copy_csv copies."""
    from helpers import ingest
    from helpers.engine import db

    con = db.connect()
    report = ingest.load(con, "orders", data / "orders.csv", use_cache=False,
                         cache_dir=work / "cache", quarantine_dir=work / "quarantine")
    return {"rows": report.rows_read}


def spark_stage_csv(data, work, **_):
    """stage_csv on Spark local[2] (engine: spark): the session's start, the lines read into text
    Parquet, parsed and checked on Spark, the counts, quarantine and cache written."""
    from helpers import ingest
    from helpers.engine import db, spark_models

    spark = spark_models.session("local[2]")
    try:
        report = ingest.load(db.connect(), "orders", data / "orders.csv", use_cache=False,
                             cache_dir=work / "cache", quarantine_dir=work / "quarantine",
                             spark=spark)
    finally:
        spark.stop()
    return {"rows": report.rows_read}


def stage_customers_csv(data, work, **_):
    """The first staging of the customers CSV (a shop's second file)."""
    from helpers import ingest
    from helpers.engine import db

    con = db.connect()
    report = ingest.load(con, "customers", data / "customers.csv", use_cache=False,
                         cache_dir=work / "cache", quarantine_dir=work / "quarantine")
    return {"rows": report.rows_read}


def plain_copy_csv(data, work, **_):
    """The reference for staging: DuckDB alone copying the CSV as text into Parquet."""
    import duckdb

    con = duckdb.connect()
    con.execute("copy (select * from read_csv(?, all_varchar = true)) to ? (format parquet)",
                [str(data / "orders.csv"), str(work / "plain.parquet")])
    return {}


def calamine_xlsx(data, work, **_):
    """The reference for XLSX staging: python-calamine reading every row of the 10 files."""
    from python_calamine import CalamineWorkbook

    rows = 0
    for path in sorted((data / "xlsx").glob("*.xlsx")):
        for _ in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
            rows += 1
    return {"rows": rows}


def stage_xlsx(data, work, **_):
    """The first staging of the 10 XLSX files as one export (a folder), into a fresh cache."""
    from helpers import ingest
    from helpers.engine import db

    con = db.connect(temp_directory=str(work / "duckdb_tmp"))
    report = ingest.load(con, "orders", data / "xlsx", cache_dir=work / "cache",
                         quarantine_dir=work / "quarantine")
    return {"rows_read": report.rows_read, "rows_loaded": report.rows_loaded}


def stage_parquet(data, work, **_):
    from helpers import ingest
    from helpers.engine import db

    con = db.connect()
    report = ingest.load(con, "orders", data / "orders.parquet", use_cache=False,
                         cache_dir=work / "cache_pq", quarantine_dir=work / "quarantine")
    return {"rows": report.rows_read}


def rfm_segments(data, work, **extra):
    from helpers.kit import rfm

    run, con, _ = _staged(data, work, **extra)
    rfm.build_rfm_customers(con, run=run, scheme=rfm.load_run_scheme(run))
    rfm.build_segment_summary(con, run)
    return {"customers": con.execute("select count(*) from rfm_customers").fetchall()[0][0]}


def spark_rfm(data, work, **extra):
    """Notebook 01's segments on Spark local[2] (helpers.spark_run) from the same staged cache
    rfm_segments reads: session start, the models, rfm_customers written as Parquet parts."""
    from helpers.engine import spark_models
    from helpers.run import spark_run

    run, con, inputs = _staged(data, work, **extra)

    def staged(kind: str) -> Path:
        return Path(inputs[kind].staged)

    spark = spark_models.session("local[2]")
    try:
        spark_run.run(spark, run=run, order_lines=staged("orders"),
                      customers=staged("customers"), out=work / "spark")
    finally:
        spark.stop()
    return {}


def migration(data, work, **extra):
    from helpers.kit import rfm, snapshots
    from helpers.pages.migration import compute as mig

    run, con, inputs = _staged(data, work, **extra)
    scheme = rfm.load_run_scheme(run)
    checks = rfm.input_checksums(inputs)
    snapshots.segments_source(con, "seg_from", run=run, scheme=scheme, as_of=date(2026, 9, 30),
                                     input_checksums=checks, snapshot_root=work / "snap",
                                     use_snapshots=False)
    snapshots.segments_source(con, "seg_to", run=run, scheme=scheme, as_of=AS_OF,
                                   input_checksums=checks, snapshot_root=work / "snap",
                                   use_snapshots=False)
    mig.build_segment_movers(con, scheme=scheme, lang="vi")
    return {"cells": len(mig.build_segment_migration(con).df())}


def cohorts(data, work, **extra):
    from helpers.pages.cohorts import compute as coh

    run, con, _ = _staged(data, work, **extra)
    coh.build_cohort_revenue(con, as_of=AS_OF, excluded_statuses=run.excluded_statuses)
    coh.build_repurchase_windows(con, as_of=AS_OF, windows=[7, 14, 28])
    coh.second_purchase_gap(con)
    return {"cells": con.execute("select count(*) from cohort_revenue").fetchall()[0][0]}


def loyalty(data, work, **extra):
    from helpers.pages.tiers import compute as loy

    run, con, _ = _staged(data, work, **extra)
    loy.build_loyalty_members(con, as_of=AS_OF, config=loy.load_loyalty(),
                              excluded_statuses=run.excluded_statuses)
    loy.build_tier_lists(con, as_of=AS_OF, config=loy.load_loyalty())
    return {"members": con.execute("select count(*) from loyalty_members").fetchall()[0][0]}


def exports(data, work, **extra):
    from helpers.kit import rfm
    from helpers.pages.segments import files as export

    run, con, _ = _staged(data, work, **extra)
    scheme = rfm.load_run_scheme(run)
    rfm.build_rfm_customers(con, run=run, scheme=scheme)
    rfm.build_segment_summary(con, run)
    out = export.write_rfm_outputs(con, output_dir=work / "out", segment_keys=scheme.keys,
                                   as_of=AS_OF, with_contacts=True)
    return {"files": len(out["files"]), "xlsx_skipped": out["xlsx_skipped"]}


def plain_duckdb(data, work, **_):
    from benchmarks.plain_duckdb import rfm_segments as plain

    return {"customers": plain(data / "orders_typed.parquet", as_of=AS_OF)}


def pandas_baseline(data, work, **_):
    import pandas as pd

    from benchmarks.pandas_rfm import rfm11_segments, rfm_scores

    lines = pd.read_parquet(data / "orders_typed.parquet",
                            columns=["customer_id", "order_id", "order_date", "amount", "status"])
    lines["amount"] = lines["amount"].astype("int64")  # whole VND: exact as integers
    scores = rfm11_segments(rfm_scores(lines, as_of=AS_OF))
    return {"customers": len(scores)}


def notebook01(data, work, **extra):
    import papermill as pm

    from helpers.core.paths import NOTEBOOKS_DIR, PROJECT_ROOT

    params = {"as_of": AS_OF.isoformat(), "orders_path": str(data / "orders.csv"),
              "customers_path": str(data / "customers.csv"), "output_dir": str(work / "nb01")}
    params.update({k: v for k, v in extra.items() if v is not None})
    pm.execute_notebook(str(NOTEBOOKS_DIR / "01_rfm_segments.ipynb"), str(work / "01.ipynb"),
                        parameters=params, kernel_name="python3", cwd=str(PROJECT_ROOT),
                        progress_bar=False)
    return {}


def notebook01_no_xlsx(data, work, **extra):
    return notebook01(data, work, **extra, xlsx=False)


def monthly(data, work, **extra):
    import yaml

    from helpers.core.paths import PARAMS_DIR
    from helpers.run import monthly as m

    params = {"orders_path": str(data / "orders.csv"),
              "customers_path": str(data / "customers.csv"),
              "campaigns_path": str(data / "campaigns.csv"),
              "campaign_sends_path": str(data / "campaign_sends.csv"),
              "campaign_holdout_path": str(data / "campaign_holdout.csv")}
    params.update({k: v for k, v in extra.items() if v is not None})
    path = work / "bench.yaml"
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    # a month's run meets a new export, so no segment snapshot of it exists yet: the ones this
    # machine holds are set aside for the run (and put back), or the trend would read them
    from helpers.core.paths import SNAPSHOTS_DIR

    aside = SNAPSHOTS_DIR.with_name(f".bench-aside-{SNAPSHOTS_DIR.name}")
    if SNAPSHOTS_DIR.exists() and not aside.exists():
        SNAPSHOTS_DIR.rename(aside)
    try:
        folder = m.run_month(AS_OF, params_files=[PARAMS_DIR / "default.yaml",
                                                  PARAMS_DIR / "monthly.yaml", path],
                             reports_dir=work / "reports", echo=lambda *a, **k: None)
    finally:
        if aside.exists():
            shutil.rmtree(SNAPSHOTS_DIR, ignore_errors=True)
            aside.rename(SNAPSHOTS_DIR)
    manifest = json.loads((folder / "manifest.json").read_text())
    return {"durations": manifest["durations_seconds"],
            "peak_memory_gb": manifest.get("peak_memory_gb", {}),
            "kernel_cpu_seconds": manifest.get("kernel_cpu_seconds", {})}


def monthly_first(data, work, **extra):
    """The monthly run on a machine where pytensor has compiled nothing yet (run.py gives it an
    empty compile folder): the value model's compilation, about 30 s, is paid once."""
    return monthly(data, work, **extra)


def customer_value(data, work, **extra):
    """Notebook 06's work without the page: the summary from the staged cache, the BG/NBD and
    Gamma-Gamma fits and the predictions for every buyer. run.py gives each run an empty
    pytensor compile folder, so compilation is counted as a first run on a new machine pays it."""
    from helpers.pages.value import compute as cv

    run, con, _ = _staged(data, work, **extra)
    started = time.perf_counter()
    summary = cv.summary_table(con, as_of=AS_OF, excluded_statuses=run.excluded_statuses)
    summarized = time.perf_counter()
    fitted = cv.fit_table(con, summary)
    values = cv.write_values(con, fitted, summary, work / "customer_value.parquet",
                             horizon_days=90, segments=None)
    from helpers.engine import db

    db.register_parquet(con, "customer_value", values)
    figures = cv.headline_figures(con)
    return {"customers": figures["customers"], "fitted_on": fitted.fitted_on,
            "status": fitted.status,
            "summary_seconds": round(summarized - started, 2),
            "fit_seconds": round(fitted.seconds, 2),
            "predict_seconds": round(time.perf_counter() - summarized - fitted.seconds, 2),
            "expected_purchases": float(figures["purchases"] or 0)}


def explorer(data, work, **_):
    import contextlib
    import io
    import statistics

    from helpers.run.explorer import Explorer, measure_redraw

    with contextlib.redirect_stdout(io.StringIO()):
        e = Explorer.open(as_of=AS_OF, orders_path=data / "orders.csv",
                          customers_path=data / "customers.csv", exports_dir=work / "exports")
        # every control: the settings, then the table's own controls and the comparison
        times = measure_redraw(e, [("scheme", "vn4"), ("window", 365), ("factors", "rf"),
                                   ("scoring", "fixed"), ("cuts_frequency", "2, 4, 6, 8"),
                                   ("cuts_recency_days", "30, 60, 120, 240"),
                                   ("cuts_monetary", "500000, 1000000, 2000000, 5000000"),
                                   ("lang", "en"), ("scheme", "rfm11"), ("scoring", "quantile"),
                                   ("window", None), ("bins", 4), ("bins", 5),
                                   ("as_of", date(2026, 9, 30)), ("sort", "recency_days"),
                                   ("descending", False), ("page", 2), ("compare", "care4")])
    seconds = [t["seconds"] for t in times]
    return {"redraw_median": statistics.median(seconds), "redraw_max": max(seconds),
            "redraws": {f"{t['control']}={t['value']}": round(t["seconds"], 3) for t in times}}


TASKS = {f.__name__: f for f in (stage_csv, stage_customers_csv, plain_copy_csv, stage_parquet,
                                 calamine_xlsx, spark_rfm, spark_stage_csv,
                                 stage_xlsx, rfm_segments,
                                 migration, cohorts,
                                 loyalty, exports, plain_duckdb, pandas_baseline, notebook01,
                                 notebook01_no_xlsx, monthly, monthly_first, customer_value,
                                 explorer)}
TASKS |= months.TASKS  # the month as a shop lives it: 36 monthly files, a typed Parquet file
TASKS |= month_runs.TASKS  # the whole first month and the month after on those files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = TASKS[args.task](args.data, args.work, threads=args.threads,
                            memory_limit=args.memory_limit)
    info["inner_seconds"] = time.perf_counter() - started
    args.result.write_text(json.dumps(info, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
