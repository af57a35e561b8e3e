"""make bench: time the workbook on generated data, each step as a whole process.

    python -m benchmarks.run --sizes 1000000 10000000 [--repeat 3] [--tasks ...]

Prints a table and writes benchmarks/results.md. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks import month_runs, months
from helpers.core.paths import PROJECT_ROOT
from helpers.core.safety import map_in_processes

BENCH_DIR = PROJECT_ROOT / "benchmarks"
DATA_DIR = BENCH_DIR / "data"
COMPILED = DATA_DIR / "pytensor"  # what the monthly run finds compiled by an earlier month
ORDER = ["plain_copy_csv", "stage_csv", "spark_stage_csv", "stage_customers_csv", "stage_parquet",
         "calamine_xlsx", "stage_xlsx",
         "plain_duckdb", "rfm_segments", "spark_rfm", "pandas_baseline",
         "migration", "cohorts", "loyalty", "exports", "notebook01", "notebook01_no_xlsx",
         "monthly_first", "monthly",
         "customer_value", "explorer",
         "plain_copy_typed_parquet", "stage_typed_parquet",
         "months_csv_new_alone", "months_csv_first", "months_csv_later",
         "months_csv_every_file_afresh",
         "months_xlsx_new_alone", "months_xlsx_first", "months_xlsx_later",
         "months_xlsx_every_file_afresh",
         "months_csv_month", "months_xlsx_month"]
# tasks whose seconds are their timed part (benchmarks.months): a later month's set-up is not
TIMED = set(months.TASKS)
LABELS = {
    "generate": "sample generator: order lines, customers, campaigns (written in units)",
    "plain_copy_csv": "plain DuckDB COPY of the CSV as text to Parquet (reference)",
    "stage_csv": "staging the orders CSV (parse, validate, quarantine, cache)",
    "spark_stage_csv": "the same staging on Spark local[2] (session, parse, validate, cache)",
    "stage_customers_csv": "staging the customers CSV (parse, validate, cache)",
    "stage_parquet": "staging from Parquet",
    "calamine_xlsx": "python-calamine alone reading 10 XLSX files of 100,000 lines (reference)",
    "stage_xlsx": "staging 10 XLSX files of 100,000 lines (parse, validate, cache)",
    "plain_duckdb": "plain DuckDB SQL pipeline, RFM + segments (reference)",
    "rfm_segments": "workbook RFM + segments (from the staged cache)",
    "spark_rfm": "the same segments on Spark local[2] (session, models, Parquet parts)",
    "pandas_baseline": "plain pandas RFM + segments (baseline)",
    "migration": "migration (segments at two dates, matrix)",
    "cohorts": "cohorts, repurchase windows, second-purchase gaps",
    "loyalty": "loyalty tiers and lists",
    "exports": "RFM + all exports (CSV, Parquet, XLSX, send lists)",
    "notebook01": "notebook 01 end to end under papermill",
    "notebook01_no_xlsx": "notebook 01 end to end, xlsx = False (CSV exports only)",
    "monthly_first": "the whole monthly run, the first on this machine (the value model compiled)",
    "monthly": "the whole monthly run (7 notebooks + HTML), the value model's code compiled before",
    "customer_value": "customer value: summary, BG/NBD + Gamma-Gamma fit (compiled afresh), predictions",
    "explorer": "explorer: one control change redraw (median)",
}
LABELS |= months.LABELS | month_runs.LABELS
SKIP_LARGE = {"pandas_baseline", "explorer"}  # not run at 100M lines


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n >= 1_000_000 else f"{n // 1000}k"


GENERATED: dict[str, dict] = {}  # size -> seconds and peak of the generator, when run here


def _own_process(function: str, folder: Path) -> None:
    """benchmarks.run's `function`(folder) in a process of its own (safety.map_in_processes).
    On Linux a child's peak memory (ru_maxrss) starts from its parent's, so a bench process that
    had held rows itself would lift the peak of every task measured after."""
    map_in_processes(f"benchmarks.run:{function}", [{"folder": folder}], 1)


def ensure_data(n: int) -> Path:
    folder = DATA_DIR / label(n)
    if not (folder / "orders.parquet").exists():
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "helpers.sample_data", "--orders", str(n),
                                 "--out", str(folder)])
        _, status, usage = os.wait4(proc.pid, 0)
        if status != 0:
            raise SystemExit(f"the sample generator failed for {label(n)}")
        GENERATED[label(n)] = {"seconds": time.perf_counter() - started,
                               "peak_gb": usage.ru_maxrss / 1024 / 1024}
        (folder / "orders_typed.parquet").unlink(missing_ok=True)
        _own_process("_copy_orders", folder)
        print(f"  generated {label(n)} in {time.perf_counter() - started:.1f} s")
    elif not (folder / "orders_typed.parquet").exists():
        _own_process("_copy_orders", folder)
    return folder


def _ensure_months(folder: Path) -> None:
    months.ensure_months(folder)


def _copy_orders(folder: Path) -> None:
    """orders.parquet: the CSV as text; orders_typed.parquet: the same rows, typed, without the
    few unusable ones: what the plain reference pipeline and the pandas baseline read (they do
    no validation of their own)."""
    con = duckdb.connect()
    if not (folder / "orders.parquet").exists():
        con.execute(
            "copy (select * from read_csv(?, all_varchar = true)) to ? (format parquet)",
            [str(folder / "orders.csv"), str(folder / "orders.parquet")])
    if not (folder / "orders_typed.parquet").exists():
        con.execute("""
            copy (
                select customer_id, nullif(order_id, '') as order_id,
                       cast(try_cast(order_date as timestamp) as date) as order_date,
                       cast(amount as decimal(18, 2)) as amount, status, channel
                from read_parquet(?)
                where try_cast(order_date as timestamp) is not null
                  and try_cast(amount as decimal(18, 2)) is not null and customer_id <> ''
            ) to ? (format parquet)""",
            [str(folder / "orders.parquet"), str(folder / "orders_typed.parquet")])


XLSX_FILES, XLSX_ROWS = 10, 100_000


def ensure_xlsx(folder: Path) -> Path:
    """10 monthly XLSX exports of 100,000 lines each (the first 1M lines of `folder`), written
    as a POS writes them: dates as date cells, amounts as numbers, the rest as text."""
    target = folder / "xlsx"
    if not (target / f"orders_{XLSX_FILES:02d}.xlsx").exists():
        _own_process("_write_xlsx", folder)
    return target


def _write_xlsx(folder: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    target = folder / "xlsx"
    target.mkdir(exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    rel = con.sql("select * from read_parquet(?) limit ?",
                  params=[str(folder / "orders.parquet"), XLSX_FILES * XLSX_ROWS])
    columns = rel.columns
    rows = rel.fetchall()
    for part in range(XLSX_FILES):
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Orders")
        sheet.append(columns)
        for row in rows[part * XLSX_ROWS:(part + 1) * XLSX_ROWS]:
            record = dict(zip(columns, row))
            try:
                record["order_date"] = datetime.fromisoformat(record["order_date"])
            except (TypeError, ValueError):
                pass  # the generator's few unreadable dates stay text, as in a real export
            try:
                record["amount"] = int(record["amount"])
            except (TypeError, ValueError):
                pass
            sheet.append([record[c] for c in columns])
        book.save(target / f"orders_{part + 1:02d}.xlsx")
    print(f"  wrote {XLSX_FILES} XLSX files of {XLSX_ROWS:,} lines in "
          f"{time.perf_counter() - started:.1f} s")


def run_task(task: str, data: Path, *, threads=None, memory_limit=None) -> dict:
    """Run one task in a fresh process: wall seconds, peak RSS (GB) and what it reported."""
    work = Path(tempfile.mkdtemp(prefix=f"bench-{task}-", dir=BENCH_DIR / "data"))
    result = work / "result.json"
    cmd = [sys.executable, "-m", "benchmarks.tasks", task, "--data", str(data), "--work",
           str(work), "--result", str(result)]
    if threads:
        cmd += ["--threads", str(threads)]
    if memory_limit:
        cmd += ["--memory-limit", memory_limit]
    started = time.perf_counter()
    # an empty pytensor compile folder per run: the customer-value fit pays its compilation, as
    # on a new machine (the other tasks do not use pytensor). The monthly run is measured as
    # every month after the first runs: with what pytensor compiled before (~/.pytensor for a
    # shop's scheduled runs; here the folder monthly_first leaves)
    # (the months of month_runs too: a shop's first month on a machine that compiled before)
    month = task == "monthly" or task in month_runs.TASKS
    compiled = COMPILED if month else work / "pytensor"
    warm = any(COMPILED.glob("tmp*")) if month else False
    env = os.environ | {"PYTENSOR_FLAGS": f"compiledir={compiled}"}
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    info = json.loads(result.read_text()) if result.exists() else {}
    if month:
        info["compiled_before"] = warm
    if task == "monthly_first" and status == 0 and not any(COMPILED.glob("tmp*")):
        shutil.rmtree(COMPILED, ignore_errors=True)
        shutil.copytree(work / "pytensor", COMPILED)
    shutil.rmtree(work, ignore_errors=True)
    if status != 0:
        print(f"    {task} failed:\n{err[-2000:]}")
        return {"seconds": float("nan"), "peak_gb": float("nan"), "failed": True}
    return {"seconds": seconds, "peak_gb": usage.ru_maxrss / 1024 / 1024, "info": info}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per task (median kept)")
    parser.add_argument("--tasks", nargs="+", default=ORDER)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args(argv)
    rows = []
    for n in args.sizes:
        data = ensure_data(n)
        print(f"\n{label(n)} order lines ({data})")
        if label(n) in GENERATED:
            rows.append({"size": label(n), "task": "generate", "info": {}, **GENERATED[label(n)]})
        # the staged Parquet cache is warmed once so that later steps measure what they do
        run_task("rfm_segments", data, threads=args.threads, memory_limit=args.memory_limit)
        for task in [t for t in ORDER if t in args.tasks]:
            if n >= 100_000_000 and task in SKIP_LARGE:
                continue
            if task in ("explorer", "calamine_xlsx", "stage_xlsx") and n != 1_000_000:
                continue  # the XLSX rows are 10 files of the 1M shop's first lines
            if task in ("calamine_xlsx", "stage_xlsx"):
                ensure_xlsx(data)
            if task.startswith("months_"):
                _own_process("_ensure_months", data)
            once = ("monthly", "monthly_first", "notebook01", "notebook01_no_xlsx", "stage_csv",
                    "stage_customers_csv", "spark_stage_csv")
            repeat = 1 if task in once or n >= 10_000_000 else args.repeat
            if task in month_runs.ROWS:  # one run, two rows: the first month and the next
                rows += _month_rows(label(n), run_task(task, data, threads=args.threads,
                                                       memory_limit=args.memory_limit), task)
                continue
            runs = [run_task(task, data, threads=args.threads, memory_limit=args.memory_limit)
                    for _ in range(repeat)]
            seconds = statistics.median(r["info"]["timed_seconds"] if task in TIMED
                                        and "info" in r else r["seconds"] for r in runs)
            peak = max(r["peak_gb"] for r in runs)
            info = runs[-1].get("info", {})
            if task == "explorer" and "redraw_median" in info:
                seconds = info["redraw_median"]
            rows.append({"size": label(n), "task": task, "seconds": seconds, "peak_gb": peak,
                         "info": info})
            print(f"  {LABELS[task]:<58} {seconds:8.2f} s   peak {peak:5.2f} GB")
    write_results(rows, full=set(args.tasks) >= set(ORDER))


def _month_rows(size: str, run: dict, task: str) -> list[dict]:
    """The rows of a month_runs task: each month's own seconds and process-tree peak."""
    rows = []
    for name in month_runs.ROWS[task]:
        info = run.get("info", {}).get("rows", {}).get(name)
        if info is None:
            rows.append({"size": size, "task": name, "seconds": float("nan"),
                         "peak_gb": float("nan"), "info": {}})
            continue
        info["compiled_before"] = run["info"].get("compiled_before")
        rows.append({"size": size, "task": name, "seconds": info["seconds"],
                     "peak_gb": info["peak_gb"], "info": info})
        print(f"  {LABELS[name]:<58} {info['seconds']:8.2f} s   peak {info['peak_gb']:5.2f} GB")
        print(f"      {month_runs.notebooks_said(info)}")
    return rows


def judge(r: dict, by: dict) -> tuple[str, str]:
    """The issue's target for this row, and whether this run met it ("" where none is set)."""
    size, task = r["size"], r["task"]

    def ratio(ref_task: str) -> float | None:
        ref = by.get((size, ref_task))
        return r["seconds"] / ref["seconds"] if ref else None

    if task in LABELS and task.startswith("months_") and "_month_" in task:
        return month_runs.judge(size, task, r["seconds"], r["peak_gb"], r["info"])
    if task == "generate" and size == "10m":
        ok = r["seconds"] < 30 and r["peak_gb"] <= 2
        return "< 30 s, ≤ 2 GB", "yes" if ok else "no"
    if task == "stage_csv" and size == "10m":
        x = ratio("plain_copy_csv")
        ok = x is not None and x <= 2 and r["peak_gb"] <= 2
        return "≤ 2× plain COPY, ≤ 2 GB", "yes" if ok else "no"
    if task in ("months_csv_later", "months_xlsx_later"):
        x = ratio(task.replace("later", "new_alone"))
        return "≤ 2× the new file alone", "yes" if x is not None and x <= 2 else "no"
    if task == "stage_typed_parquet":
        x = ratio("plain_copy_typed_parquet")
        return "≤ 1.5× DuckDB's COPY", "yes" if x is not None and x <= 1.5 else "no"
    if task == "stage_xlsx":
        x = ratio("calamine_xlsx")
        return "≤ 2× calamine alone", "yes" if x is not None and x <= 2 else "no"
    if task == "rfm_segments" and size == "10m":
        x = ratio("plain_duckdb")
        return "≤ 1.25× plain pipeline", "yes" if x is not None and x <= 1.25 else "no"
    if task == "notebook01" and size == "10m":
        return "< 30 s", "yes" if r["seconds"] < 30 else "no"
    if task in ("monthly", "monthly_first") and size == "10m":
        return "< 90 s", "yes" if r["seconds"] < 90 else "no"
    if task == "monthly" and size == "100m":
        return "completes, ≤ 10 GB", "yes" if r["peak_gb"] <= 10 else "no"
    if task == "customer_value" and size == "10m":
        return "< 5 min", "yes" if r["seconds"] < 300 else "no"
    if task == "explorer":
        worst = r["info"].get("redraw_max", float("inf"))
        return "< 1 s, median and worst", "yes" if r["seconds"] < 1 and worst < 1 else "no"
    return "", ""


def write_results(rows: list[dict], *, full: bool = True) -> None:
    by = {(r["size"], r["task"]): r for r in rows}
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}. Whole-process wall time (median of runs) and peak "
        f"resident memory; data from `python -m helpers.sample_data` (heavy-tailed spend, "
        f"~10% multi-line orders, refunds, cancellations). Produced by `make bench`.",
        "",
        "| step | size | seconds | peak GB | compared | target | met |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for r in rows:
        note = ""
        ref = by.get((r["size"], "plain_duckdb"))
        base = by.get((r["size"], "pandas_baseline"))
        if r["task"] == "rfm_segments" and ref:
            note = f"{r['seconds'] / ref['seconds']:.2f}× the plain DuckDB pipeline"
            if base:
                note += f"; {base['seconds'] / r['seconds']:.1f}× faster than pandas"
        duck = by.get((r["size"], "rfm_segments"))
        if r["task"] == "spark_rfm" and duck:
            note = f"{r['seconds'] / duck['seconds']:.1f}× the workbook on DuckDB"
        staged = by.get((r["size"], "stage_csv"))
        if r["task"] == "spark_stage_csv" and staged:
            note = f"{r['seconds'] / staged['seconds']:.1f}× staging on DuckDB"
        copy = by.get((r["size"], "plain_copy_csv"))
        if r["task"] == "stage_csv" and copy:
            note = f"{r['seconds'] / copy['seconds']:.2f}× the plain COPY"
        alone = by.get((r["size"], r["task"].replace("later", "new_alone")))
        if r["task"].endswith("_later") and alone:
            note = f"{r['seconds'] / alone['seconds']:.2f}× the new file alone"
        afresh = by.get((r["size"], r["task"].replace("later", "every_file_afresh")))
        if r["task"].endswith("_later") and afresh:
            note += f"; {afresh['seconds'] / r['seconds']:.1f}× faster than all files afresh"
        plain = by.get((r["size"], "plain_copy_typed_parquet"))
        if r["task"] == "stage_typed_parquet" and plain:
            note = f"{r['seconds'] / plain['seconds']:.2f}× DuckDB's COPY"
        calamine = by.get((r["size"], "calamine_xlsx"))
        if r["task"] == "stage_xlsx" and calamine:
            note = f"{r['seconds'] / calamine['seconds']:.2f}× calamine alone"
        if r["task"] in ("monthly", "monthly_first") and r["info"].get("durations"):
            # where the month's time goes: each notebook alone, two run at a time
            note = month_runs.per_notebook(r["info"])
            if r["task"] == "monthly" and not r["info"].get("compiled_before"):
                note += "; nothing was compiled before: this run compiled the value model"
        if "_month_" in r["task"] and r["info"]:
            note = month_runs.notebooks_said(r["info"])
            if r["task"].endswith("_first") and r["info"].get("compiled_before") is False:
                note += "; nothing was compiled before: this month compiled the value model"
        if r["task"] == "explorer":
            note = (f"max {r['info'].get('redraw_max', float('nan')):.2f} s over "
                    f"{len(r['info'].get('redraws', {}))} control changes")
        target, met = judge(r, by)
        lines.append(f"| {LABELS[r['task']]} | {r['size']} | {r['seconds']:.2f} | "
                     f"{r['peak_gb']:.2f} | {note} | {target} | {met} |")
    # a run of some tasks only prints: results.md keeps the whole table of the last full run
    if full:
        (BENCH_DIR / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
