"""Staging per file (issue 34, item 1): a folder of monthly exports where one file is added reads
and parses that file alone, and stages the same rows as staging every file afresh; the decisions
that span files (date order, the same order in two exports) are taken as before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import ingest
from helpers.engine import db

HEADER = "order_id,customer_id,order_date,amount,status,channel"


def write(folder: Path, name: str, lines: list[str], *, mtime: int | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def month(m: int, *, day_first_evidence: bool = True) -> list[str]:
    """Four orders of month m in 2026, dates day first; the 25th tells day from month."""
    day = 25 if day_first_evidence else 3
    return [f"D{m:02d}1,KH1,{day:02d}/{m:02d}/2026 10:00,120000,completed,POS",
            f"D{m:02d}2,KH2,03/{m:02d}/2026 11:00,80000,completed,Shopee",
            f"D{m:02d}2,KH2,03/{m:02d}/2026 11:00,15500,completed,Shopee",
            f"D{m:02d}3,KH{m},04/{m:02d}/2026 09:30,99000,completed,POS"]


def rows(con) -> list[tuple]:
    return con.execute("select * from order_lines order by source_file, source_line").fetchall()


def load(con, folder: Path, cache: Path, **kwargs) -> ingest.LoadReport:
    return ingest.load(con, "orders", folder, cache_dir=cache, quarantine_dir=cache.parent / "q",
                       **kwargs)


def fresh(folder: Path, tmp: Path) -> tuple[ingest.LoadReport, list[tuple]]:
    """The folder staged with nothing kept from before."""
    con = db.connect()
    try:
        report = load(con, folder, tmp / "fresh-cache", use_cache=False)
        return report, rows(con)
    finally:
        con.close()


def same_report(a: ingest.LoadReport, b: ingest.LoadReport) -> None:
    assert a.files == b.files and a.reasons == b.reasons and a.detected == b.detected
    assert (a.rows_read, a.rows_loaded, a.rows_quarantined) == (
        b.rows_read, b.rows_loaded, b.rows_quarantined)
    assert a.reconciles and b.reconciles


def test_a_new_month_reads_that_file_alone_and_stages_what_a_fresh_staging_does(con, tmp_path):
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    for m in range(1, 4):
        write(folder, f"orders_2026_{m:02d}.csv", month(m), mtime=1_767_000_000 + m * 86400)
    first = load(con, folder, cache)
    assert first.work == {"files": 3, "files_read": 3, "files_parsed": 3}
    write(folder, "orders_2026_04.csv", month(4), mtime=1_767_000_000 + 4 * 86400)
    later = load(con, folder, cache)
    assert later.work == {"files": 4, "files_read": 1, "files_parsed": 1}
    staged = rows(con)
    expected, expected_rows = fresh(folder, tmp_path)
    assert expected.work["files_read"] == 4
    assert staged == expected_rows and len(staged) == 16
    same_report(later, expected)
    # nothing new: the whole staging from its cache
    again = load(con, folder, cache)
    assert again.from_cache and again.work["files_read"] == 0


def test_a_changed_file_is_read_again_alone(con, tmp_path):
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    for m in range(1, 4):
        write(folder, f"orders_2026_{m:02d}.csv", month(m), mtime=1_767_000_000 + m * 86400)
    load(con, folder, cache)
    changed = month(2)
    changed[0] = changed[0].replace("120000", "130000")
    write(folder, "orders_2026_02.csv", changed, mtime=1_767_000_000 + 2 * 86400)
    report = load(con, folder, cache)
    assert report.work == {"files": 3, "files_read": 1, "files_parsed": 1}
    expected, expected_rows = fresh(folder, tmp_path)
    assert rows(con) == expected_rows
    same_report(report, expected)


def test_the_date_order_is_still_decided_by_a_file_read_in_an_earlier_month(con, tmp_path):
    """March alone cannot tell day from month (no day above 12); January and February, staged a
    month before, do: March's 03/03 and 04/03 are read day first, as staging all three does."""
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    write(folder, "orders_2026_01.csv", month(1), mtime=1_767_000_000)
    write(folder, "orders_2026_02.csv", month(2), mtime=1_767_100_000)
    load(con, folder, cache)
    alone = tmp_path / "alone"
    write(alone, "orders_2026_03.csv", month(3, day_first_evidence=False))
    with pytest.raises(ingest.IngestError, match="cannot tell whether dates"):
        load(db.connect(), alone, tmp_path / "alone-cache", use_cache=False)
    write(folder, "orders_2026_03.csv", month(3, day_first_evidence=False), mtime=1_767_200_000)
    report = load(con, folder, cache)
    assert report.work["files_read"] == 1 and report.facts["date_order"] == "dmy"
    march = con.execute("select cast(min(order_date) as varchar) from order_lines "
                        "where source_file = 'orders_2026_03.csv'").fetchall()[0][0]
    assert march == "2026-03-03"
    expected, expected_rows = fresh(folder, tmp_path)
    assert rows(con) == expected_rows
    same_report(report, expected)


def test_a_new_decision_parses_every_file_again(con, tmp_path):
    """A decimal mark no file decided before (every amount could be read both ways) is decided
    by the new file: the files read before are parsed again under it, never mixed."""
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    write(folder, "a.csv", ["A1,KH1,2026-01-05 10:00,120000,completed,POS"], mtime=1_767_000_000)
    load(con, folder, cache)
    write(folder, "b.csv", ["B1,KH2,2026-02-05 10:00,\"80.000,5\",completed,POS",
                            "B2,KH1,2026-02-06 10:00,1.500,completed,POS"], mtime=1_767_100_000)
    report = load(con, folder, cache)
    assert report.facts["decimal_mark"] == ","
    assert report.work == {"files": 2, "files_read": 1, "files_parsed": 2}
    expected, expected_rows = fresh(folder, tmp_path)
    assert rows(con) == expected_rows
    same_report(report, expected)


def test_the_same_order_in_two_monthly_files_is_read_from_the_later_one(con, tmp_path):
    """October's export says D1 was delivered; November's (exported later) says it was cancelled.
    Staged a month apart, D1 is read from November, its October line set aside, as before."""
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    write(folder, "orders_10.csv", ["D1,KH1,2026-10-30 10:00,120000,completed,POS",
                                    "D2,KH2,2026-10-31 10:00,50000,completed,POS"],
          mtime=1_793_000_000)
    load(con, folder, cache)
    write(folder, "orders_11.csv", ["D1,KH1,2026-10-30 10:00,120000,cancelled,POS",
                                    "D3,KH2,2026-11-02 10:00,70000,completed,POS"],
          mtime=1_795_000_000)
    report = load(con, folder, cache)
    assert report.work["files_read"] == 1
    assert report.reasons == {"replaced_by_later_export": 1}
    assert any("1 of them changed between the files" in d for d in report.detected)
    statuses = dict(con.execute("select order_id, status from order_lines").fetchall())
    assert statuses["D1"] == "cancelled" and set(statuses) == {"D1", "D2", "D3"}
    expected, expected_rows = fresh(folder, tmp_path)
    assert rows(con) == expected_rows
    same_report(report, expected)
