"""The month as a shop lives it (issue 34): one export per month in a folder, 36 of them.

    months_csv/orders_01.csv … orders_36.csv    the shop's lines in 36 files of about equal size
    months_xlsx/orders_01.xlsx … orders_36.xlsx  the same as XLSX (dates as date cells, amounts
                                                 as numbers, as a POS writes them)

Each order is in one file (the files split the orders by date). The tasks stage the first 35
files (the first month on this machine), then the folder with the 36th added (a later month:
what staging costs when one file is new), and the 36th file alone (the floor of a later month).
A task's timed part is in its result (`timed_seconds`): the set-up of a later month (staging the
35 files before) is not counted in its seconds, but is in its peak memory.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

FILES = 36
FIRST_MTIME = 1_700_000_000  # each file exported a month after the one before


def ensure_months(folder: Path) -> tuple[Path, Path]:
    """The shop of `folder` (orders.parquet: the CSV's lines as text) as 36 CSV and 36 XLSX
    files, written once."""
    csv_dir, xlsx_dir = folder / "months_csv", folder / "months_xlsx"
    if not (csv_dir / f"orders_{FILES:02d}.csv").exists():
        _write_csv(folder, csv_dir)
    if not (xlsx_dir / f"orders_{FILES:02d}.xlsx").exists():
        _write_xlsx(csv_dir, xlsx_dir)
    return csv_dir, xlsx_dir


def _write_csv(folder: Path, target: Path) -> None:
    target.mkdir(exist_ok=True)
    con = duckdb.connect()
    con.execute("""
        create table lines as
        with numbered as (
            select *, row_number() over () as line from read_parquet(?)
        ),
        orders as (
            -- an order's file: by its first line's date; the generator's few unreadable dates
            -- ('31/02/2…') in the first file, as if written years ago (not in the new month,
            -- where their day-first evidence would change the date order decided before)
            select order_id, min(try_cast(order_date as timestamp)) as first_date
            from numbered group by all
        ),
        parts as (
            select order_id, ntile(?) over (order by first_date nulls first, order_id) as part
            from orders
        )
        select numbered.* exclude (line), parts.part
        from numbered join parts using (order_id)
        order by numbered.line
    """, [str(folder / "orders.parquet"), FILES])
    for part in range(1, FILES + 1):
        path = target / f"orders_{part:02d}.csv"
        con.execute(f"copy (select * exclude (part) from lines where part = {part}) "
                    f"to '{path}' (header, delimiter ',')")
        stamp = FIRST_MTIME + part * 30 * 86400
        os.utime(path, (stamp, stamp))


def _write_xlsx(csv_dir: Path, target: Path) -> None:
    """The CSV files as XLSX (benchmarks/xlsx_writer.py: the sheet's XML built by DuckDB, one
    process per core; openpyxl took about an hour for 10M lines): dates as date cells, whole
    amounts as numbers, the rest (and the generator's few unreadable dates) as text."""
    from benchmarks.xlsx_writer import write_many

    target.mkdir(exist_ok=True)
    parts = range(1, FILES + 1)
    write_many([(csv_dir / f"orders_{p:02d}.csv", target / f"orders_{p:02d}.xlsx") for p in parts],
               dates=["order_date"], numbers=["amount"],
               mtimes=[FIRST_MTIME + p * 30 * 86400 for p in parts])


def _folder(source: Path, work: Path, name: str, count: int) -> Path:
    """A shop's folder holding the first `count` files of `source` (hard links, or copies)."""
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir())[:count]:
        target = folder / path.name
        if not target.exists():
            try:
                os.link(path, target)
            except OSError:
                target.write_bytes(path.read_bytes())
                os.utime(target, (path.stat().st_mtime, path.stat().st_mtime))
    return folder


def _stage(folder: Path, cache: Path, work: Path) -> tuple[float, dict]:
    from helpers import ingest
    from helpers.engine import db

    con = db.connect(temp_directory=str(work / "duckdb_tmp"))
    started = time.perf_counter()
    report = ingest.load(con, "orders", folder, cache_dir=cache, quarantine_dir=work / "q")
    seconds = time.perf_counter() - started
    con.close()
    return seconds, {"rows_read": report.rows_read, **report.work}


def first(source: Path, work: Path) -> dict:
    """The first month: 35 files staged into an empty cache."""
    seconds, said = _stage(_folder(source, work, "shop", FILES - 1), work / "cache", work)
    return {"timed_seconds": seconds, **said}


def later(source: Path, work: Path) -> dict:
    """A later month: the 35 files staged before (not timed), then the folder with the 36th."""
    _stage(_folder(source, work, "shop", FILES - 1), work / "cache", work)
    seconds, said = _stage(_folder(source, work, "shop", FILES), work / "cache", work)
    return {"timed_seconds": seconds, **said}


def new_alone(source: Path, work: Path) -> dict:
    """The 36th file alone, into an empty cache: what a later month cannot go below."""
    folder = work / "alone"
    folder.mkdir()
    path = sorted(source.iterdir())[FILES - 1]
    os.link(path, folder / path.name)
    seconds, said = _stage(folder, work / "cache", work)
    return {"timed_seconds": seconds, **said}


def every_file_afresh(source: Path, work: Path) -> dict:
    """All 36 files into an empty cache (what a later month cost before staging per file)."""
    seconds, said = _stage(_folder(source, work, "shop", FILES), work / "cache", work)
    return {"timed_seconds": seconds, **said}


def _tasks():
    out = {}
    for kind in ("csv", "xlsx"):
        for step in (first, later, new_alone, every_file_afresh):
            def task(data, work, _step=step, _kind=kind, **_):
                return _step(ensure_months(data)[0 if _kind == "csv" else 1], work)
            task.__name__ = f"months_{kind}_{step.__name__}"
            task.__doc__ = step.__doc__
            out[task.__name__] = task
    return out


TASKS = _tasks()
LABELS = {
    "months_csv_first": "36 monthly CSV: the first month, 35 files into an empty cache",
    "months_csv_later": "36 monthly CSV: a later month, the 36th file added (35 staged before)",
    "months_csv_new_alone": "36 monthly CSV: the 36th file alone (the floor of a later month)",
    "months_csv_every_file_afresh": "36 monthly CSV: all 36 files afresh (a later month before)",
    "months_xlsx_first": "36 monthly XLSX: the first month, 35 files into an empty cache",
    "months_xlsx_later": "36 monthly XLSX: a later month, the 36th file added",
    "months_xlsx_new_alone": "36 monthly XLSX: the 36th file alone",
    "months_xlsx_every_file_afresh": "36 monthly XLSX: all 36 files afresh",
}


def ensure_typed(folder: Path) -> Path:
    """orders_timestamps.parquet: the shop's lines as a system writes Parquet: the order time a
    timestamp, the amount a decimal, the rest text (the few unreadable dates and amounts null)."""
    path = folder / "orders_timestamps.parquet"
    if not path.exists():
        duckdb.connect().execute("""
            copy (
                select order_id, customer_id,
                       try_cast(order_date as timestamp) as order_date,
                       try_cast(amount as decimal(18, 2)) as amount, status, channel
                from read_parquet(?)
            ) to ? (format parquet)""", [str(folder / "orders.parquet"), str(path)])
    return path


def plain_copy_typed_parquet(data, work, **_):
    """The reference for typed Parquet: DuckDB alone copying the file."""
    path = ensure_typed(data)
    started = time.perf_counter()
    duckdb.connect().execute("copy (select * from read_parquet(?)) to ? (format parquet)",
                             [str(path), str(work / "plain.parquet")])
    return {"timed_seconds": time.perf_counter() - started}


def stage_typed_parquet(data, work, **_):
    """Staging the typed Parquet file (a timestamp and a decimal column) into an empty cache."""
    from helpers import ingest
    from helpers.engine import db

    path = ensure_typed(data)
    con = db.connect(temp_directory=str(work / "duckdb_tmp"))
    started = time.perf_counter()
    report = ingest.load(con, "orders", path, use_cache=False, cache_dir=work / "cache",
                         quarantine_dir=work / "q")
    return {"timed_seconds": time.perf_counter() - started, "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded}


TASKS |= {f.__name__: f for f in (plain_copy_typed_parquet, stage_typed_parquet)}
LABELS |= {
    "plain_copy_typed_parquet": "plain DuckDB COPY of a typed Parquet file (timestamp, decimal)",
    "stage_typed_parquet": "staging the typed Parquet file (parse, validate, quarantine, cache)",
}
