"""The whole month as a shop lives it (issue 34, item 7): a folder of monthly exports, the
scheduled run of one month, then of the next with one file added.

    months_csv_month    35 monthly CSV files: the first month (nothing cached, no snapshot, no
                        earlier month); then the 36th file added and the month after run on
                        what the first left (the staging cache, the file store, the segment
                        snapshots and the first month's reports: the back-test's history)
    months_xlsx_month   the same with the 36 XLSX files

Each month is `python -m helpers.monthly --as-of …` (run_month, what `make monthly` runs) in a
process of its own, in a project folder of the shop's own: a copy of this checkout's code,
notebooks and params under the task's work folder, so that its caches, snapshots and reports
start empty and nothing of this checkout's data/processed/ or reports/ is read or touched.

The as-of dates are those of a shop's schedule: an export is taken, then the month that ended
before its latest order is run (`--previous-month-end`). The files split the shop's lines by date
into 36 parts of equal size, so the first month is the month end before the 35th file's latest
order and the later month the month end before the 36th file's.

One task, two rows (`rows`): each month's whole seconds and peak resident memory (the month's
process tree: the runner and its kernels, each at its largest), and per notebook its seconds and
its kernel's peak (the manifest's `durations_seconds` and `peak_memory_gb`). Each row says what
the month found already done: files read against taken from the store, snapshot dates computed
against reused, and how many months the back-test's history holds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from benchmarks import months

ROOT = Path(__file__).resolve().parents[1]  # this checkout: the code every month runs
COPIED = ("src", "notebooks", "params")
CAMPAIGNS = ("campaigns", "campaign_sends", "campaign_holdout")


def shop_project(work: Path) -> Path:
    """A project folder of the shop's own under `work`: this checkout's src, notebooks and params
    (compiled bytecode kept: no month pays for compiling the workbook's modules)."""
    project = work / "project"
    for name in COPIED:
        shutil.copytree(ROOT / name, project / name, symlinks=True,
                        ignore=shutil.ignore_patterns("*.egg-info", ".ipynb_checkpoints"))
    return project


def month_end_before(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def as_of_after(csv_file: Path) -> date:
    """The month end before the latest order of `csv_file`: what a scheduled run after that
    export covers (`--previous-month-end`)."""
    last = duckdb.connect().execute(
        "select max(try_strptime(order_date, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d']))::date "
        "from read_csv(?, all_varchar = true)", [str(csv_file)]).fetchone()[0]
    return month_end_before(last)


def _shop_params(project: Path, shop: Path, data: Path, memory_limit: str | None) -> None:
    """The shop's own params file (params/monthly.yaml of the copy): its exports added, so the
    month is the managers' month, never a what-if."""
    lines = [f"orders_path: {json.dumps(str(shop))}",
             f"customers_path: {json.dumps(str(data / 'customers.csv'))}"]
    lines += [f"{name}_path: {json.dumps(str(data / f'{name}.csv'))}" for name in CAMPAIGNS]
    if memory_limit:
        lines.append(f"memory_limit: {memory_limit}")
    path = project / "params" / "monthly.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n# the bench's shop\n"
                    + "\n".join(lines) + "\n", encoding="utf-8")


def _store(project: Path) -> dict:
    """What the shop's project holds: files in the file store, snapshot dates, months run."""
    files = project / "data" / "processed" / "cache" / "files"
    snaps = project / "data" / "processed" / "snapshots" / "customer_segments"
    return {"raw": len(list(files.glob("raw-*.json"))) if files.exists() else 0,
            "parsed": len(list(files.glob("parsed-*.parquet"))) if files.exists() else 0,
            "snapshot_dates": sorted({p.name.removeprefix("as_of=")
                                      for p in snaps.glob("scheme=*/as_of=*")})}


def run_one_month(project: Path, as_of: date, log: Path, *, files: int) -> dict:
    """One scheduled month in a process of its own: seconds, the process tree's peak, what the
    manifest says of each notebook, and what the month found in the store."""
    before = _store(project)
    env = os.environ | {"PYTHONPATH": str(project / "src")}  # the copy's helpers, not ROOT's
    cmd = [sys.executable, "-m", "helpers.monthly", "--as-of", as_of.isoformat(),
           "--params", "params/monthly.yaml", "--reports-dir", str(project / "reports")]
    started = time.perf_counter()
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the month {as_of} failed:\n{log.read_text(errors='replace')[-3000:]}")
    folder = project / "reports" / as_of.isoformat()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    after = _store(project)
    history = folder / "value" / "backtest.csv"
    return {
        "as_of": as_of.isoformat(),
        "seconds": seconds,
        "peak_gb": usage.ru_maxrss / 1024 / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "total_seconds": manifest["total_seconds"],
        "durations": manifest["durations_seconds"],
        "peak_memory_gb": manifest.get("peak_memory_gb", {}),
        "kernel_cpu_seconds": manifest.get("kernel_cpu_seconds", {}),
        "rows_read": manifest["inputs"]["orders"].get("rows_read"),
        # the files of the export (and the customers file) the month read and stored, and
        # those it took from the store
        "files_read": after["raw"] - before["raw"],
        "files_from_store": max(files + 1 - (after["raw"] - before["raw"]), 0),
        "files_parsed": after["parsed"] - before["parsed"],
        "snapshots_new": sorted(set(after["snapshot_dates"]) - set(before["snapshot_dates"])),
        "snapshots_kept": len(before["snapshot_dates"]),
        "backtest_months": (sum(1 for _ in history.open(encoding="utf-8")) - 1
                            if history.exists() else 0),
    }


def shop_months(kind: str, data: Path, work: Path, *, memory_limit: str | None = None) -> dict:
    """The first month on 35 files, then the 36th added and the month after (see the module)."""
    data, work = Path(data).absolute(), Path(work).absolute()
    csv_dir, xlsx_dir = months.ensure_months(data)
    source = csv_dir if kind == "csv" else xlsx_dir
    first_as_of = as_of_after(csv_dir / f"orders_{months.FILES - 1:02d}.csv")
    later_as_of = as_of_after(csv_dir / f"orders_{months.FILES:02d}.csv")
    if later_as_of <= first_as_of:
        raise SystemExit(f"the 36th file ends in the month of the 35th ({first_as_of}): "
                         f"no later month to run")
    project = shop_project(work)
    raw = project / "data" / "raw"
    shop = months._folder(source, raw, "shop", months.FILES - 1)
    _shop_params(project, shop, data, memory_limit)
    first = run_one_month(project, first_as_of, work / "first.log", files=months.FILES - 1)
    months._folder(source, raw, "shop", months.FILES)  # the next export: one more file
    later = run_one_month(project, later_as_of, work / "later.log", files=months.FILES)
    return {"rows": {f"months_{kind}_month_first": first,
                     f"months_{kind}_month_later": later}}


def months_csv_month(data, work, memory_limit=None, **_):
    return shop_months("csv", data, work, memory_limit=memory_limit)


def months_xlsx_month(data, work, memory_limit=None, **_):
    return shop_months("xlsx", data, work, memory_limit=memory_limit)


TASKS = {f.__name__: f for f in (months_csv_month, months_xlsx_month)}
LABELS = {
    "months_csv_month_first": "36 monthly CSV: the first month whole (35 files, nothing cached)",
    "months_csv_month_later": "36 monthly CSV: the month after whole (the 36th file added)",
    "months_xlsx_month_first": "36 monthly XLSX: the first month whole (35 files, nothing cached)",
    "months_xlsx_month_later": "36 monthly XLSX: the month after whole (the 36th file added)",
}
ROWS = {task: [f"{task}_first", f"{task}_later"] for task in TASKS}


def notebooks_said(info: dict) -> str:
    """The compared column: each notebook's seconds (its kernel's CPU seconds) and peak GB, the
    longest first; what the month found done."""
    found = (f"files read (the export's and customers) {info.get('files_read')}, from the store "
             f"{info.get('files_from_store')}; snapshot dates new "
             f"{len(info.get('snapshots_new', []))}, kept {info.get('snapshots_kept')}; "
             f"back-test history {info.get('backtest_months')} month(s); "
             f"CPU {info.get('cpu_seconds', float('nan')):.0f} s; as_of {info.get('as_of')}")
    return f"{per_notebook(info)}; {found}"


def per_notebook(info: dict) -> str:
    """Each notebook's seconds (its kernel's CPU seconds) and peak GB, the longest first."""
    peaks = info.get("peak_memory_gb") or {}
    cpu = info.get("kernel_cpu_seconds") or {}

    def one(name: str, seconds: float) -> str:
        text = f"{name[:2]} {seconds:.0f} s"
        if cpu.get(name) is not None:
            text += f" ({cpu[name]:.0f} CPU-s)"
        if peaks.get(name) is not None:
            text += f" {peaks[name]:.2f} GB"
        return text

    return ", ".join(one(name, sec) for name, sec in sorted(
        info.get("durations", {}).items(), key=lambda item: -item[1]))


def judge(size: str, task: str, seconds: float, peak_gb: float, info: dict) -> tuple[str, str]:
    """The issue's targets for a month row: at 10M the later month under 60 s with page 02
    under 15 s, the first under 120 s with notebook 01 under 25 s; at 100M the first under
    15 minutes, a later under 5, each process under 10 GB."""
    durations = info.get("durations", {})
    nb01 = durations.get("01_rfm_segments", float("inf"))
    nb02 = durations.get("02_segment_migration", float("inf"))
    peaks = [p for p in (info.get("peak_memory_gb") or {}).values() if p is not None]
    if size == "10m" and task.endswith("_first"):
        misses = [f"{seconds:.0f} s"] if seconds >= 120 else []
        misses += [f"01 {nb01:.0f} s"] if nb01 >= 25 else []
        return "< 120 s; notebook 01 < 25 s", "no: " + ", ".join(misses) if misses else "yes"
    if size == "10m" and task.endswith("_later"):
        misses = [f"{seconds:.0f} s"] if seconds >= 60 else []
        misses += [f"02 {nb02:.0f} s"] if nb02 >= 15 else []
        return "< 60 s; page 02 < 15 s", "no: " + ", ".join(misses) if misses else "yes"
    if size == "100m":
        limit = 15 * 60 if task.endswith("_first") else 5 * 60
        ok = seconds < limit and max([peak_gb, *peaks]) <= 10
        return f"< {limit // 60} min, each process ≤ 10 GB", "yes" if ok else "no"
    return "", ""
