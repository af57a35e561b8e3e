"""Typed inputs stay typed (issue 34, item 5): a Parquet file's timestamps and decimals are
staged from their values, as the same lines written as CSV text are staged; hostile typed values
are set aside with their reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from helpers import ingest

LINES = [  # order id, customer, time, amount, status
    ("O1", "KH1", dt.datetime(2026, 1, 5, 10, 0, 1), Decimal("120000.50"), "completed"),
    ("O2", "KH2", dt.datetime(2026, 2, 1, 0, 0), Decimal("80000.00"), "completed"),
    ("O2", "KH2", dt.datetime(2026, 2, 1, 0, 0), Decimal("15500.25"), "completed"),
    ("O3", "KH1", dt.datetime(2026, 2, 28, 23, 59, 59), Decimal("-5000.00"), "cancelled"),
    ("O4", "KH3", dt.datetime(2024, 2, 29, 12, 30), Decimal("100000000000000.00"), "completed"),
    ("O5", "KH3", dt.datetime(2024, 3, 1, 8, 0), Decimal("7.5"), "completed"),
]


DECIMAL, MICROS = pa.decimal128(18, 2), pa.timestamp("us")


def typed_file(path: Path, lines, *, amount_type=DECIMAL, stamp_type=MICROS) -> Path:
    order, customer, stamp, amount, status = (list(c) for c in zip(*lines))
    pq.write_table(pa.table({"order_id": order, "customer_id": customer,
                             "order_date": pa.array(stamp, stamp_type),
                             "amount": pa.array(amount, amount_type), "status": status}), path)
    return path


def text_file(path: Path, lines) -> Path:
    body = [f"{o},{c},{s:%Y-%m-%d %H:%M:%S},{a:.2f},{st}" for o, c, s, a, st in lines]
    path.write_text("\n".join(["order_id,customer_id,order_date,amount,status", *body]) + "\n",
                    encoding="utf-8")
    return path


def staged(con, tmp_path: Path, path: Path, **kwargs):
    report = ingest.load(con, "orders", path, mapping="generic", cache_dir=tmp_path / "cache",
                         quarantine_dir=tmp_path / "q", **kwargs)
    # a CSV's first row is its line 2, a Parquet file's row 1: where it came from aside
    got = con.execute("select * exclude (source_file, source_line) from order_lines "
                      "order by source_line").fetchall()
    return report, got


def test_typed_parquet_stages_as_the_same_lines_written_as_csv(con, tmp_path):
    typed_report, typed_rows = staged(con, tmp_path, typed_file(tmp_path / "o.parquet", LINES))
    text_report, text_rows = staged(con, tmp_path, text_file(tmp_path / "o.csv", LINES))
    assert typed_rows == text_rows and len(typed_rows) == 5
    assert typed_report.reasons == text_report.reasons == {"unparseable_amount": 1}
    assert typed_report.reconciles
    # the file as read keeps the timestamp and the decimal: nothing was printed to text
    schema = next(pq.read_schema(p) for p in (tmp_path / "cache" / "files").glob("raw-*.parquet")
                  if '"o.parquet"' in p.with_suffix(".json").read_text(encoding="utf-8"))
    assert schema.field("c2").type == pa.timestamp("us")
    assert schema.field("c3").type == pa.decimal128(18, 2)
    # an integer amount and a nanosecond timestamp (what pandas writes) alike
    whole = [(o, c, s, Decimal(int(a)), st) for o, c, s, a, st in LINES]
    _, typed_rows = staged(con, tmp_path, typed_file(tmp_path / "w.parquet", whole,
                                                     amount_type=pa.int64(),
                                                     stamp_type=pa.timestamp("ns")),
                           use_cache=False)
    _, text_rows = staged(con, tmp_path, text_file(tmp_path / "w.csv", whole), use_cache=False)
    assert typed_rows == text_rows


def test_hostile_typed_values_are_set_aside_with_their_reason(con, tmp_path):
    path = tmp_path / "hostile.parquet"
    pq.write_table(pa.table({
        "order_id": ["O1", "O2", "O3", "O4", "O5", None],
        "customer_id": ["KH1", "KH2", "KH3", None, "KH5", "KH6"],
        "order_date": pa.array([dt.datetime(2026, 1, 5, 10), dt.datetime(1969, 12, 31, 23),
                                dt.datetime(9999, 12, 31), dt.datetime(2026, 1, 6),
                                None, dt.datetime(2026, 1, 7)], pa.timestamp("us")),
        "amount": pa.array([float("nan"), 10.0, 10.0, 10.0, 10.0, float("inf")])}), path)
    report = ingest.load(con, "orders", path, mapping="generic", use_cache=False,
                         cache_dir=tmp_path / "cache", quarantine_dir=tmp_path / "q")
    assert report.rows_loaded == 0 and report.reconciles
    reasons = dict(con.execute(
        "select source_line, reject_reason from read_csv(?, all_varchar = true)",
        [report.quarantine_paths[0]]).fetchall())
    assert reasons == {"1": "unparseable_amount",  # NaN
                       "2": "unparseable_date",  # before 1970
                       "3": "unparseable_date",  # 9999-12-31, a placeholder
                       "4": "guest_sale",  # no customer
                       "5": "unparseable_date",  # no time
                       "6": "unparseable_amount"}  # inf; no order id: an order of its own
    # the quarantine file keeps what was written, as text
    written = con.execute("select order_date from read_csv(?, all_varchar = true) "
                          "where source_line = '3'", [report.quarantine_paths[0]]).fetchall()
    assert written == [("9999-12-31 00:00:00",)]


def test_the_fold_of_plain_ascii_is_its_lower_case_as_the_full_rule_gives(con):
    """folded_text reads printable ASCII without a blank as its lower case (a customer id on
    every line): the same as the full rule and as ingest.guests.fold, blanks and accents aside."""
    from helpers.ingest.guests import fold
    from helpers.ingest.raw_views import ensure_macros

    ensure_macros(con)
    texts = ["KH0090962", "Walk-In", "KHACH_LE!", "~x{}", "khách lẻ", " Khach  Le\t", "a\x0bb",
             "a\x01b", "Đ", "", "0000"]
    got = [r[0] for r in con.execute("select folded_text(unnest(?))", [texts]).fetchall()]
    assert got == [fold(t) for t in texts]
