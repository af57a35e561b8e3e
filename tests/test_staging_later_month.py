"""A later month costs what is new in it (issue 34): each file's checked lines are kept with it
(ingest.file_parts); a folder with one file added checks that file alone, and the lines that span
files (an order in several files, repeated rows without an order id) together. The staged rows
(in their order), the guest sales, the rows set aside and the load report are those of staging
every file at once with the checks over all lines together (staging.ALL_AT_ONCE, as before)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from helpers import ingest
from helpers.engine import db
from helpers.ingest import file_parts, staging

HEADER = "order_id,customer_id,order_date,amount,status,channel"
SKIP = {"seconds", "staged", "from_cache", "work", "quarantine_path", "quarantine_paths"}


def write(folder: Path, name: str, lines: list[str], mtime: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def load(con, folder: Path, cache: Path, **kwargs) -> ingest.LoadReport:
    return ingest.load(con, "orders", folder, cache_dir=cache, quarantine_dir=cache.parent / "q",
                       **kwargs)


def staged(con, report) -> dict:
    """What a load published: its rows in the order read, its guest sales, its rows set aside,
    its report."""
    said = {k: v for k, v in vars(report).items() if k not in SKIP}
    return {"rows": con.execute("select * from order_lines").fetchall(),
            "guests": con.execute("select * from guest_lines").fetchall(),
            "set_aside": [Path(p).read_bytes() for p in report.quarantine_paths],
            "report": said}


def all_at_once(folder: Path, tmp: Path, monkeypatch, **kwargs) -> dict:
    """The folder staged afresh, every line checked together (as before the parts)."""
    con = db.connect()
    with monkeypatch.context() as m:
        m.setattr(staging, "ALL_AT_ONCE", True)
        report = load(con, folder, tmp / "fresh-cache", use_cache=False, **kwargs)
    try:
        return staged(con, report)
    finally:
        con.close()


def parts_checked(cache: Path) -> set[str]:
    return {p.name for p in (cache / "files").glob("part-*.json")}


OCT = ["D1,KH1,2026-10-02 10:00,120000,completed,POS",
       # an order split across two files (its other line is in November's)
       "D2,KH2,2026-10-31 23:00,50000,completed,Shopee",
       # delivered in October's export, cancelled in November's
       "D3,KH3,2026-10-20 09:00,70000,completed,POS",
       # a walk-in sale written with a code
       "W1,Khách lẻ,2026-10-05 08:00,30000,completed,POS",
       # a row without an order id, repeated in November's file
       ",KH4,2026-10-06 08:00,15000,completed,POS",
       # the same order, identical in both files
       "D4,KH5,2026-10-07 08:00,40000,completed,POS",
       "D5,KH1,bad date,10000,completed,POS"]
NOV = ["D2,KH2,2026-10-31 23:00,25000,completed,Shopee",
       "D3,KH3,2026-10-20 09:00,70000,cancelled,POS",
       ",KH4,2026-10-06 08:00,15000,completed,POS",
       ",KH4,2026-10-06 08:00,15000,completed,POS",
       "D4,KH5,2026-10-07 08:00,40000,completed,POS",
       "D6,KH6,2026-11-03 12:00,90000,completed,POS",
       "D6,KH6,2026-11-03 12:00,90000,completed,POS"]
DEC = ["D7,KH1,2026-12-01 10:00,110000,completed,POS",
       ",KH4,2026-10-06 08:00,15000,completed,POS",
       "D8,,2026-12-02 10:00,20000,completed,POS",
       "D9,KH7,2026-12-03 10:00,abc,completed,POS"]
JAN = ["D10,KH8,2027-01-04 10:00,60000,completed,POS",
       "D11,KH1,2027-01-05 10:00,65000,completed,POS"]


@pytest.mark.parametrize("drop", [False, True])
def test_a_later_month_stages_the_new_file_and_what_spans_files_as_all_at_once(
        con, tmp_path, monkeypatch, drop):
    if drop:  # and each file's checked lines written straight to their file, as a large one's
        monkeypatch.setattr(file_parts, "ON_DISK_ROWS", 0)
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    write(folder, "orders_10.csv", OCT, 1_790_000_000)
    write(folder, "orders_11.csv", NOV, 1_792_600_000)
    write(folder, "orders_12.csv", DEC, 1_795_200_000)
    first = load(con, folder, cache, drop_duplicates=drop)
    assert staged(con, first) == all_at_once(folder, tmp_path, monkeypatch, drop_duplicates=drop)
    assert first.reasons["replaced_by_later_export"] == 3 and first.duplicates
    assert any("walk-in code: 'Khách lẻ'" in d for d in first.detected)
    before = parts_checked(cache)
    # a later month: January added; its file alone is checked
    write(folder, "orders_01.csv", JAN, 1_797_800_000)
    later = load(con, folder, cache, drop_duplicates=drop)
    assert later.work == {"files": 4, "files_read": 1, "files_parsed": 1}
    assert len(parts_checked(cache) - before) == 1
    assert staged(con, later) == all_at_once(folder, tmp_path, monkeypatch, drop_duplicates=drop)
    # an old file changed: November's D6 now once, and D3 completed again
    changed = [line for line in NOV if not line.startswith("D6")] + [
        "D6,KH6,2026-11-03 12:00,90000,completed,POS"]
    changed[1] = changed[1].replace("cancelled", "completed")
    write(folder, "orders_11.csv", changed, 1_792_600_000)
    before = parts_checked(cache)
    again = load(con, folder, cache, drop_duplicates=drop)
    assert again.work["files_read"] == 1 and len(parts_checked(cache) - before) == 1
    assert staged(con, again) == all_at_once(folder, tmp_path, monkeypatch, drop_duplicates=drop)
    # a file removed from the folder: nothing checked again
    (folder / "orders_10.csv").unlink()
    before = parts_checked(cache)
    removed = load(con, folder, cache, drop_duplicates=drop)
    assert removed.work["files_read"] == 0 and parts_checked(cache) == before
    assert staged(con, removed) == all_at_once(folder, tmp_path, monkeypatch,
                                               drop_duplicates=drop)


def test_unchanged_files_are_published_as_their_kept_parts(con, tmp_path):
    """The staged export is a folder of parts, one per file in the order of their names: a file
    whose lines span no other file is its kept part (the same file: a hard link), never
    rewritten; the cache checks each part by its size and time, not by reading it."""
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    write(folder, "orders_12.csv", DEC, 1_795_200_000)
    write(folder, "orders_01.csv", JAN, 1_797_800_000)
    report = load(con, folder, cache)
    parts = sorted(Path(report.staged).glob("*.parquet"))
    assert [pq.read_table(p).column("source_file")[0].as_py() for p in parts] == [
        "orders_01.csv", "orders_12.csv"]
    kept = {p.stat().st_ino for p in (cache / "files").glob("part-*.staged.parquet")}
    assert {p.stat().st_ino for p in parts} <= kept
    # a part changed in place is noticed, and the export staged again from its files
    damaged = parts[0]
    damaged.write_bytes(damaged.read_bytes()[:-20])
    fresh = db.connect()
    again = load(fresh, folder, cache)
    assert not again.from_cache and any("damaged" in d for d in again.detected)
    assert fresh.execute("select count(*) from order_lines").fetchall()[0][0] == 4
    fresh.close()


def test_a_busy_key_across_months_is_checked_over_every_file(con, tmp_path, monkeypatch):
    """A key with many orders spread over the months (a wholesaler, or a walk-in code): the
    parts' summaries say the check must look, and it reads every file's lines, as before."""
    folder, cache = tmp_path / "exports", tmp_path / "cache"
    for m, mtime in ((10, 1_790_000_000), (11, 1_792_600_000)):
        write(folder, f"orders_{m}.csv",
              [f"B{m}{i:02d},KH9,2026-{m}-{1 + i % 28:02d} 10:00,1000,completed,POS"
               for i in range(40)] + [f"C{m},KH{m},2026-{m}-02 10:00,5000,completed,POS"],
              mtime)
    with pytest.raises(ingest.IngestError, match="looks like many people"):
        load(con, folder, cache)
    report = load(con, folder, cache, heavy_buyers=["KH9"])
    assert any("kept as one buyer" in d for d in report.detected)
    assert staged(con, report) == all_at_once(folder, tmp_path, monkeypatch,
                                              heavy_buyers=["KH9"])


def test_kiotviet_months_with_returns_stage_as_all_at_once(con, tmp_path, monkeypatch):
    """Order totals repeated on each line (amount_level: order), an invoice in two months'
    files, and the returns beside them (their part after the orders')."""
    from tests.test_exports_round_two import KV, kv_invoice
    from tests.test_exports_round_two import write as write_rows

    folder, cache = tmp_path / "hd", tmp_path / "cache"
    nov = [r for i in range(4) for r in kv_invoice(i, f"KH{i}")]
    dec = [r for i in range(3, 7) for r in kv_invoice(i, f"KH{i}", day=2)]
    dec = [r[:2] + [r[2].replace("/11/", "/12/")] + r[3:] for r in dec]
    dec[0][4] = "Đã hủy"  # HD00003, in both files: cancelled in December's
    write_rows(folder, "DanhSachChiTietHoaDon_KV01122026-080000-001.csv", KV, nov)
    returns = write_rows(tmp_path / "r", "DanhSachChiTietTraHang_KV21122026-080000-001.csv",
                         ["Mã trả hàng", "Mã hóa đơn", "Thời gian", "Mã khách hàng", "Mã hàng",
                          "Cần trả khách", "Trạng thái"],
                         [["TH1", "HD00001", "20/12/2026 09:00", "", "A", "100000",
                           "Hoàn thành"]])
    kw = {"mapping": "kiotviet", "returns_path": returns}
    load(con, folder, cache, **kw)
    write_rows(folder, "DanhSachChiTietHoaDon_KV01012027-080000-001.csv", KV, dec)
    later = load(con, folder, cache, **kw)
    assert later.work["files_read"] == 1  # January's invoices (the returns file was read before)
    assert staged(con, later) == all_at_once(folder, tmp_path, monkeypatch, **kw)
    assert later.reasons.get("replaced_by_later_export") == 2


def test_a_file_re_dated_renamed_or_moved_with_the_same_bytes_is_staged_again(con, tmp_path,
                                                                             monkeypatch):
    # which export wins an order in two files is decided by their export times, and the rows
    # carry the files' names: the whole staging is never served from the cache for another
    # folder, names or times (the red team's finding: a.csv re-dated after b.csv kept b's order)
    T = 1_767_000_000
    folder = tmp_path / "exports"
    write(folder, "a.csv", ["D1,KH1,2026-01-25 10:00,120000,completed,POS"], T)
    write(folder, "b.csv", ["D1,KH1,2026-01-25 10:00,125000,cancelled,POS",
                            "D2,KH2,2026-02-26 10:00,5000,completed,POS"], T + 86400)
    cache = tmp_path / "cache"
    load(con, folder, cache)
    assert con.execute("select status from order_lines where order_id = 'D1'").fetchall() == [
        ("cancelled",)]
    os.utime(folder / "a.csv", (T + 2 * 86400,) * 2)  # a.csv is now the later export
    report = load(con, folder, cache)
    assert not report.from_cache
    assert staged(con, report) == all_at_once(folder, tmp_path / "f1", monkeypatch)
    assert con.execute("select status from order_lines where order_id = 'D1'").fetchall() == [
        ("completed",)]
    # renamed (same place in the name order) and moved: the rows and the report say where now
    os.rename(folder / "b.csv", folder / "bb.csv")
    moved = tmp_path / "moved"
    folder.rename(moved)
    report = load(con, moved, cache)
    assert not report.from_cache and str(moved) in report.path
    assert {f["file"] for f in report.files} == {"a.csv", "bb.csv"}
    assert staged(con, report) == all_at_once(moved, tmp_path / "f2", monkeypatch)
    assert load(con, moved, cache).from_cache  # nothing changed: the cache serves
