"""A hostile-input corpus (files made here, not committed) and the faults a scheduled run meets.

Every input has an expected outcome: loaded (with the rows set aside and their reasons), or a
clear error that says what to change; a loaded one always reconciles, per file and in total.
Then what leaves the workbook: CSV cells that never run as formulas, values escaped in pages,
masks that hold whatever a field holds, keys that never become paths outside their folder, caches
and snapshots verified before they are trusted, one run per month at a time.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import ingest
from helpers.core.safety import csv_safe_table, csv_safe_text
from helpers.engine import db
from helpers.kit import export, narrative, snapshots
from helpers.kit.formatting import mask_email, mask_id, mask_name, mask_phone
from helpers.kit.texts import md_escape
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.campaigns import sentences as campaigns_sentences
from helpers.run import monthly

HEADER = "order_id,customer_id,order_date,amount,status,channel"
GOOD = "1,KH1,2024-01-05,100000,completed,POS"


def text_file(name: str, text: str, encoding: str = "utf-8"):
    return lambda folder: _write(folder / name, text.encode(encoding))


def bytes_file(name: str, data: bytes):
    return lambda folder: _write(folder / name, data)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def parquet_file(name: str, table: pa.Table):
    def make(folder):
        pq.write_table(table, folder / name)
        return folder / name
    return make


def xlsx_file(name: str, frame: pd.DataFrame):
    def make(folder):
        frame.to_excel(folder / name, index=False)
        return folder / name
    return make


def rows(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


# (case, file maker, load options, expected): expected is ("loaded", rows loaded, reasons, note)
# or ("error", words the message must contain)
CORPUS = [
    ("clean", text_file("o.csv", rows(GOOD)), {}, ("loaded", 1, {}, None)),
    ("header only", text_file("o.csv", rows()), {}, ("loaded", 0, {}, None)),
    ("empty file", bytes_file("o.csv", b""), {}, ("error", "empty (0 bytes)")),
    ("no header", text_file("o.csv", "\n\n"), {}, ("error", "no header row")),
    ("missing field", text_file("o.csv", rows(GOOD, "2,KH2,2024-01-06")), {},
     ("loaded", 1, {"wrong_field_count": 1}, "line 3")),
    ("extra field", text_file("o.csv", rows("2,KH2,2024-01-06,5,completed,POS,extra", GOOD)), {},
     ("loaded", 1, {"wrong_field_count": 1}, "line 2")),
    ("blank lines", text_file("o.csv", rows(GOOD, "", "3,KH3,2024-01-07,5,completed,POS")), {},
     ("loaded", 2, {"empty_row": 1}, None)),
    ("crlf", text_file("o.csv", rows(GOOD, "2,KH2,2024-01-06,5,completed,POS").replace(
        "\n", "\r\n")), {}, ("loaded", 2, {}, None)),
    ("bom and semicolons", bytes_file("o.csv", codecs.BOM_UTF8 + rows(GOOD).replace(
        ",", ";").encode()), {}, ("loaded", 1, {}, None)),
    ("tabs", text_file("o.tsv", rows(GOOD).replace(",", "\t")), {}, ("loaded", 1, {}, None)),
    ("zero-width id", text_file("o.csv", rows(GOOD, "2,\u200b,2024-01-06,5,completed,POS")), {},
     ("loaded", 1, {"guest_sale": 1}, None)),
    ("spaces-only id", text_file("o.csv", rows(GOOD, "2,   ,2024-01-06,5,completed,POS")), {},
     ("loaded", 1, {"guest_sale": 1}, None)),
    ("formula in values", text_file("o.csv", rows(GOOD, '2,KH2,2024-01-06,5,"=cmd|\' /C calc\'!A0"'
                                                      ',"=HYPERLINK(""x"")"')), {},
     ("loaded", 2, {}, None)),
    ("script in header", text_file("o.csv", HEADER + ",<script>alert(1)</script>\n" + GOOD
                                   + ",x\n"), {}, ("loaded", 1, {}, None)),
    ("quoted newline", text_file("o.csv", rows('2,KH2,2024-01-06,5,completed,"line\nbreak"', GOOD)),
     {}, ("loaded", 2, {}, None)),
    ("control characters", text_file("o.csv", rows("2,KH2,2024-01-06,5,comp\x01leted,P\x07OS")),
     {}, ("loaded", 1, {}, None)),
    ("long value", text_file("o.csv", rows(f"2,KH2,2024-01-06,5,completed,{'x' * 100_000}")), {},
     ("loaded", 1, {}, None)),
    ("duplicate headers", text_file("o.csv", "order_id,customer_id,order_date,amount,amount\n"
                                             "1,KH1,2024-01-05,100,999\n"), {},
     ("loaded", 1, {}, "appear more than once")),
    ("mixed-case headers with spaces", text_file("o.csv", " Order_ID , CUSTOMER_ID ,Order_Date,"
                                                          "Amount\n1,KH1,2024-01-05,100\n"), {},
     ("loaded", 1, {}, None)),
    ("impossible date", text_file("o.csv", rows(GOOD, "2,KH2,31/02/2024,5,completed,POS")), {},
     ("loaded", 1, {"unparseable_date": 1}, None)),
    ("text amount", text_file("o.csv", rows(GOOD, "2,KH2,2024-01-06,abc,completed,POS")), {},
     ("loaded", 1, {"unparseable_amount": 1}, None)),
    ("half a parenthesis", text_file("o.csv", rows(GOOD, '2,KH2,2024-01-06,"(150.000",c,POS')),
     {"decimal_mark": ","}, ("loaded", 1, {"unparseable_amount": 1}, None)),
    ("order id of two customers", text_file("o.csv", rows("9,KH1,2024-01-05,5,c,POS",
                                                          "9,KH2,2024-01-05,7,c,POS")), {},
     ("loaded", 0, {"order_id_shared_by_customers": 2}, None)),
    ("utf-8 read as cp1258", text_file("o.csv", rows("1,KH1,2024-01-05,100,completed,Cà phê")),
     {"encoding": "cp1258"}, ("loaded", 1, {}, "is UTF-8, not cp1258")),
    ("cp1258 without the setting", text_file("o.csv", rows("1,KH1,2024-01-05,100,c,Cà phê"),
                                             "cp1258"), {}, ("error", "not UTF-8")),
    ("utf-16", text_file("o.csv", rows(GOOD), "utf-16"), {}, ("error", "UTF-16")),
    ("unknown encoding", text_file("o.csv", rows(GOOD)), {"encoding": "klingon"},
     ("error", "unknown encoding")),
    ("ambiguous dates", text_file("o.csv", rows("1,KH1,01/03/2024,100,c,POS")), {},
     ("error", "date_order")),
    ("ambiguous amounts", text_file("o.csv", rows("1,KH1,2024-01-05,150.000,c,POS")), {},
     ("error", "decimal_mark")),
    ("parquet nested column", parquet_file("o.parquet", pa.table({
        "customer_id": ["a"], "order_date": ["2024-01-05"], "amount": ["1"],
        "items": pa.array([[1, 2]])})), {}, ("error", "'items' holds")),
    ("parquet typed columns", parquet_file("o.parquet", pa.table({
        "customer_id": pa.array([17850], pa.int64()),
        "order_date": pa.array([pd.Timestamp("2024-01-05 10:00")], pa.timestamp("us")),
        "amount": pa.array([1.5])})), {}, ("loaded", 1, {}, None)),
    ("xlsx long numeric id", xlsx_file("o.xlsx", pd.DataFrame({
        "customer_id": [1234567890123456789], "order_date": ["2024-01-05"], "amount": [1]})), {},
     ("loaded", 1, {}, "16 digits or more")),
    ("xlsx blank row in the middle", xlsx_file("o.xlsx", pd.DataFrame({
        "customer_id": ["a", None, "b"], "order_date": ["2024-01-05", None, "2024-01-06"],
        "amount": [1, None, 2]})), {}, ("loaded", 2, {"empty_row": 1}, None)),
    ("missing required column", text_file("o.csv", "order_id,customer_id,order_date\n1,a,x\n"),
     {"mapping": "generic"}, ("error", "no column for 'amount'")),
    ("no mapping fits", text_file("o.csv", "a,b\n1,2\n"), {}, ("error", "no shipped mapping")),
    ("woocommerce", text_file("o.csv", "Date,Order #,N. Revenue (formatted),Status,Customer,"
                                       "Customer type,Product(s),Items sold,Coupon(s),Net Sales,"
                                       "Attribution\n"), {}, ("error", "no customer id")),
]


@pytest.mark.parametrize("case, make, options, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_orders_corpus(con, tmp_path, case, make, options, expected):
    path = make(tmp_path)
    kw = {"cache_dir": tmp_path / "cache", "quarantine_dir": tmp_path / "q", "use_cache": False}
    if expected[0] == "error":
        with pytest.raises(ingest.IngestError, match=re.escape(expected[1])):
            ingest.load(con, "orders", path, **(kw | options))
        return
    report = ingest.load(con, "orders", path, **(kw | options))
    _, loaded, reasons, note = expected
    assert report.reconciles
    assert report.rows_loaded == loaded
    assert report.reasons == reasons
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    assert con.execute("select count(*) from order_lines").fetchall()[0][0] == loaded
    if note:
        assert any(note in d for d in report.detected), report.detected
    for q in report.quarantine_paths:  # what was set aside keeps its line and is safe to open
        frame = pd.read_csv(q, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        assert frame.source_line.str.isdigit().all()
        assert not frame.drop(columns=["source_file", "source_line", "reject_reason"]).apply(
            lambda c: c.str.match(r"^[=+@]") & ~c.str.match(r"^\+?\d+$")).any().any()


def test_the_corpus_covers_enough_cases():
    assert len(CORPUS) >= 35


def test_wrong_field_rows_keep_every_other_line_number(con, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(rows(GOOD, "2,KH2", "", "3,KH3,2024-01-07,5,c,POS,x",
                         "4,KH4,2024-01-08,5,c,POS"), encoding="utf-8")
    report = ingest.load(con, "orders", path, use_cache=False, cache_dir=tmp_path / "c",
                         quarantine_dir=tmp_path / "q")
    assert con.execute("select source_line from order_lines order by 1").fetchall() == [(2,), (6,)]
    q = pd.read_csv(report.quarantine_path, dtype=str, encoding="utf-8-sig")
    assert q[["source_line", "reject_reason"]].values.tolist() == [
        ["3", "wrong_field_count"], ["4", "empty_row"], ["5", "wrong_field_count"]]
    assert q.raw_row.tolist()[0] == "2,KH2"


def test_customer_dates_that_cannot_be_read_are_counted(con, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("customer_id,birthday,signup_date,email\na,32/13/1990,2024-01-01,"
                    "=1+2@evil.com\nb,15/09/1979,yesterday,b@shop.vn\n", encoding="utf-8")
    report = ingest.load(con, "customers", path, mapping="generic", use_cache=False,
                         cache_dir=tmp_path / "c", quarantine_dir=tmp_path / "q")
    assert report.rows_loaded == 2
    assert any("1 signup dates" in d for d in report.detected)
    assert any("1 birthdays" in d for d in report.detected)
    valid = dict(con.execute("select customer_id, is_email_valid from customers").fetchall())
    assert valid == {"a": False, "b": True}


# ---------------------------------------------------------------- what leaves: CSV, pages, masks


def test_exported_csv_cells_never_run_as_formulas(tmp_path):
    table = pa.table({"name": ["=HYPERLINK(\"http://x\")", "+SUM(1)", "@cmd", "-2+3", "\tx",
                               "Nguyễn An"],
                      "phone": ["+84912345678"] * 6, "amount": pa.array([1, -2, 3, 4, 5, 6])})
    path = export.write_csv(table, tmp_path / "list.csv")
    got = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert got.name.tolist() == ["'=HYPERLINK(\"http://x\")", "'+SUM(1)", "'@cmd", "'-2+3",
                                 "'\tx", "Nguyễn An"]
    assert got.phone.tolist() == ["+84912345678"] * 6  # a phone number is not a formula
    assert got.amount.tolist() == ["1", "-2", "3", "4", "5", "6"]
    assert csv_safe_table(pa.table({"x": pa.array(["=1"], pa.large_string())})).column(
        "x").to_pylist() == ["'=1"]


def test_formula_cells_are_told_by_their_first_character_as_the_rule_says():
    """csv_safe_text looks at a cell's first character before any regular expression; it must
    quote exactly the cells the plain rule (a formula start, not a plain number) quotes."""
    import re

    cells = ["=1", "+SUM(1)", "-2+3", "@cmd", "\tx", "\rx", "+84912345678", "-150000", "-1.5",
             "+1 234,5", " =1", "", None, "ễ=1", "Nguyễn", "=", "+", "-", "@", "1=1", "+-1",
             "-.5", "+0 9", "==", "\u200b=1"]

    def by_rule(cell):
        formula = cell is not None and re.match(r"[=+\-@\t\r]", cell)
        plain = cell is not None and re.fullmatch(r"[+\-]?[0-9][0-9 .,]*", cell)
        return "'" + cell if formula and not plain else cell

    expected = [by_rule(c) for c in cells]
    for kind in (pa.string(), pa.large_string()):
        chunked = pa.chunked_array([cells[:7], cells[7:]], kind)
        assert csv_safe_text(chunked).to_pylist() == expected
        assert csv_safe_text(pa.array(cells, kind)).to_pylist() == expected
    safe = pa.array(["Nguyễn", None, "+84912345678"])
    assert csv_safe_text(safe) is safe  # nothing to quote: the cells as they were


def test_values_from_files_are_escaped_in_pages():
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script> [x](javascript:alert(3))"
    escaped = md_escape(hostile)
    assert "<" not in escaped and "](" not in escaped
    results = pd.DataFrame([{
        "campaign_id": "<b>C1</b>", "name": hostile, "channel": "sms", "segment": "all",
        "sent": 10, "holdout": 5, "treated_rate": 0.2, "holdout_rate": 0.1, "uplift": 0.1,
        "uplift_ci_low": -0.1, "uplift_ci_high": 0.3, "incremental_converters": 1,
        "incremental_revenue": 1, "cost": 1, "is_window_complete": True}])
    text = campaigns_sentences.campaign_sentences(results, lang="en").data
    assert "<script" not in text and "<img" not in text and "](javascript" not in text
    report = ingest.LoadReport(kind="orders", path="/x/<script>.csv", sha256="", mapping="generic",
                               rows_read=0, rows_loaded=0, rows_quarantined=0, duplicates=0,
                               duplicates_dropped=0, detected=["header '<script>alert(1)'"])
    html = narrative.inputs_summary({"orders": report}, "vi").data
    assert "<script" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("value, shown", [
    ("Nguyễn Văn An", "Nguyễn V. A."),
    ("An", "A•••"),                        # a one-word name
    ("0912345678", "0912•••678"),          # a name field holding a phone number
    ("an.nguyen@gmail.com", "a•••@gmail.com"),  # ... or an e-mail
])
def test_names_are_masked_whatever_they_hold(value, shown):
    assert mask_name(value) == shown


def test_phones_emails_and_ids_are_masked_by_pattern():
    assert mask_phone("an@x.vn") == "a•••@x.vn"
    assert mask_email("0912 345 678") == "0912•••678"
    assert mask_id("0912345678") == "09••••••78" and mask_id("KH000123") == "KH••••23"
    assert "@" in mask_id("a@b.vn") and "a@b" not in mask_id("a@b.vn")


# ---------------------------------------------------------------- names that become paths


@pytest.mark.parametrize("key", ["../../../../tmp/x", "a/b", "..", "", "x" * 200, "/etc"])
def test_a_key_never_becomes_a_path_outside_its_folder(tmp_path, key):
    with pytest.raises(ValueError, match="letters, digits"):
        campaigns.next_campaign_path(tmp_path, key)


def test_a_scheme_given_as_a_path_keeps_its_snapshots_in_the_store(tmp_path):
    folder = snapshots.snapshot_dir(scheme="../../x.yaml", as_of=date(2024, 1, 31), key="k",
                                    root=tmp_path / "store")
    assert (tmp_path / "store").resolve() in folder.resolve().parents


def test_contact_lists_refuse_keys_that_are_paths(con, tmp_path):
    con.execute("create table contact_lists as select 'x' as customer_id, '../../evil' as "
                "list_key, true as can_send_sms, true as can_send_zns, true as can_send_email")
    with pytest.raises(ValueError, match="letters, digits"):
        export.write_contact_lists(con, tmp_path, file_name="{key}.csv", keys=["../../evil"],
                                   columns=["customer_id"], as_of=date(2026, 10, 31))
    assert not list(tmp_path.parent.glob("evil*"))


# ---------------------------------------------------------------- caches and snapshots


def _stage_twice(con, tmp_path, damage):
    path = tmp_path / "o.csv"
    path.write_text(rows(GOOD, "2,KH2,2024-01-06,5,completed,POS"), encoding="utf-8")
    kw = {"cache_dir": tmp_path / "cache", "quarantine_dir": tmp_path / "q"}
    ingest.load(con, "orders", path, **kw)
    staged = next((tmp_path / "cache").glob("orders-*/staged.parquet"))
    damage(staged)
    fresh = db.connect()
    report = ingest.load(fresh, "orders", path, **kw)
    got = fresh.execute("select count(*) from order_lines").fetchall()[0][0]
    fresh.close()
    return report, got


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),   # truncated
    lambda p: p.write_bytes(p.read_bytes()[:100] + bytes([p.read_bytes()[100] ^ 0xFF])
                            + p.read_bytes()[101:]),                          # a flipped bit
    lambda p: p.unlink(),                                                     # deleted
], ids=["truncated", "flipped", "deleted"])
def test_a_damaged_staging_cache_is_rebuilt_and_says_so(con, tmp_path, damage):
    report, got = _stage_twice(con, tmp_path, damage)
    assert not report.from_cache and got == 2 and report.rows_loaded == 2
    assert any("staging cache was damaged" in d for d in report.detected)


def test_an_edited_snapshot_is_never_used(con, tmp_path):
    con.execute("create table rfm_segments as select 'a' as customer_id, 'champions' as segment, "
                "5 as r_score, 5 as f_score, 5 as m_score, 5 as fm_score, 1 as recency_days, "
                "1 as frequency, 1.0::decimal(18,4) as monetary")
    cols = con.execute("describe rfm_segments").fetchall()
    missing = [c for c in snapshots.SNAPSHOT_COLUMNS if c not in {r[0] for r in cols}]
    for c in missing:
        con.execute(f"alter table rfm_segments add column {c} varchar")
    kw = {"scheme": "rfm11", "as_of": date(2024, 1, 31), "settings": {"a": 1},
          "input_checksums": {"orders": "x"}, "root": tmp_path}
    path = snapshots.write_snapshot(con, **kw)
    assert snapshots.read_snapshot(**kw).num_rows == 1
    table = pq.read_table(path)
    pq.write_table(table.set_column(table.column_names.index("segment"), "segment",
                                    pa.array(["lost"])), path)
    with pytest.warns(UserWarning, match="damaged"):
        assert snapshots.read_snapshot(**kw) is None


# ---------------------------------------------------------------- one run per month


def test_a_second_run_of_the_same_month_meets_the_lock(tmp_path):
    with monthly.month_lock(tmp_path, date(2026, 10, 31)) as lock:
        assert lock.exists()
        with pytest.raises(monthly.RunLocked, match="in progress"), \
                monthly.month_lock(tmp_path, date(2026, 10, 31)):
            pass
        with monthly.month_lock(tmp_path, date(2026, 9, 30)):  # another month runs freely
            pass
    assert not lock.exists()


def test_a_lock_left_by_a_dead_run_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    import socket

    lock = tmp_path / ".lock-2026-10-31"
    lock.write_text(f"{dead} {socket.gethostname()} 2026-11-01T00:00:00", encoding="utf-8")
    said = []
    with monthly.month_lock(tmp_path, date(2026, 10, 31), echo=said.append):
        assert lock.read_text(encoding="utf-8").split()[0] == str(os.getpid())
    assert said and "stopped" in said[0]


LOCK_RACE = """
import sys, time
from pathlib import Path
from helpers.core.safety import pid_lock
folder = Path(sys.argv[1])
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
for _ in range(15):
    with pid_lock(folder / ".lock-x", wait_seconds=60,
                  on_stale=lambda pid: (folder / "stale").open("a").write("x")):
        n = int((folder / "n").read_text())
        time.sleep(0.002)
        (folder / "n").write_text(str(n + 1))
"""


@pytest.mark.parametrize("left_by_a_dead_run", [False, True])
def test_processes_racing_for_a_lock_never_hold_it_together(tmp_path, left_by_a_dead_run):
    """A lock file is never seen half-written (which once let a second process take a live lock
    for a stale one), and several waiters finding the same dead holder remove it only once."""
    import socket
    import time

    (tmp_path / "n").write_text("0")
    if left_by_a_dead_run:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout.strip()
        (tmp_path / ".lock-x").write_text(f"{dead} {socket.gethostname()} then")
    start = str(time.time() + 1.5)
    runs = [subprocess.Popen([sys.executable, "-c", LOCK_RACE, str(tmp_path), start],
                             cwd=Path(__file__).parents[1]) for _ in range(4)]
    assert all(r.wait(timeout=120) == 0 for r in runs)
    assert (tmp_path / "n").read_text() == str(4 * 15)
    stale = (tmp_path / "stale").read_text() if (tmp_path / "stale").exists() else ""
    assert stale == ("x" if left_by_a_dead_run else "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n"] + (["stale"] * left_by_a_dead_run)


def test_the_runner_exits_3_when_the_month_is_locked(tmp_path, shop):
    root, params = shop
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / ".lock-2026-10-31").write_text(f"{os.getpid()} {__import__('socket').gethostname()}"
                                              f" now", encoding="utf-8")
    with pytest.raises(monthly.RunLocked):
        monthly.run_month(date(2026, 10, 31), params_files=[params], reports_dir=reports,
                          echo=lambda *a, **k: None)
    assert not (reports / "2026-10-31").exists()
    assert not list(reports.glob(".staging-*"))
