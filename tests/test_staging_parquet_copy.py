"""A Parquet export read by DuckDB on every core (readers._copy_in_duckdb) gives the file as read
that the pyarrow batch loop gives, value for value and type for type, or is left to the loop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers.ingest import readers

NS = [-1_500, 0, 1_700_000_000_123_456_789, None]  # nanoseconds: before 1970 with a fraction


def _table(**extra) -> pa.Table:
    columns = {
        "order_id": pa.array(["O1", None, "Đơn 3", ""]),
        "big": pa.array(["a", "b", None, "d"], pa.large_string()),
        "dict": pa.array(["x", "y", "x", None]).dictionary_encode(),
        "tiny": pa.array([1, -2, None, 127], pa.int8()),
        "huge": pa.array([0, 2**64 - 1, None, 7], pa.uint64()),
        "amount": pa.array([Decimal("1.50"), None, Decimal("-3.25"), Decimal("0")],
                           pa.decimal128(18, 2)),
        "day": pa.array([dt.date(2026, 1, 5), None, dt.date(1969, 12, 31), dt.date(9999, 12, 31)],
                        pa.date32()),
        "day64": pa.array([dt.date(2026, 1, 5), None, dt.date(1969, 12, 31),
                           dt.date(2000, 2, 29)], pa.date64()),
        "micros": pa.array([1, -1, None, 10**15], pa.timestamp("us")),
        "nanos": pa.array(NS, pa.timestamp("ns")),
    }
    return pa.table(columns | extra)


def _read(path) -> tuple[list, list]:
    con = duckdb.connect()
    rows = con.execute("select * from read_parquet(?)", [str(path)]).fetchall()
    types = con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
    return rows, [t[:2] for t in types]


def _both(tmp_path, table, monkeypatch):
    source = tmp_path / "in.parquet"
    pq.write_table(table, source)
    fast = readers._parquet_to_parquet(source, "in.parquet", tmp_path / "fast.parquet")
    with monkeypatch.context() as m:
        m.setattr(readers, "_copy_in_duckdb", lambda *a: False)
        slow = readers._parquet_to_parquet(source, "in.parquet", tmp_path / "slow.parquet")
    assert (fast.headers, fast.rows, fast.kinds) == (slow.headers, slow.rows, slow.kinds)
    # what pyarrow reads (campaign logs, ingest.campaign_files) is the same table
    tables = [pq.read_table(raw.parquet) for raw in (fast, slow)]
    assert [[f.type for f in t.schema] for t in tables] == [[f.type for f in tables[1].schema]] * 2
    assert tables[0].to_pylist() == tables[1].to_pylist()
    return _read(fast.parquet), _read(slow.parquet)


def test_duckdb_copy_equals_the_batch_loop(tmp_path, monkeypatch):
    calls = []
    original = readers._copy_in_duckdb
    monkeypatch.setattr(readers, "_copy_in_duckdb",
                        lambda *a: calls.append(original(*a)) or calls[-1])
    fast, slow = _both(tmp_path, _table(), monkeypatch)
    assert calls == [True]  # DuckDB read it
    assert fast == slow
    rows, _ = fast
    assert [r[-1] for r in rows] == [1, 2, 3, 4]  # source_line
    assert {r[-2] for r in rows} == {"in.parquet"}


@pytest.mark.parametrize("extra", [
    {"price": pa.array([0.1, None, 1e-05, 2.0])},  # floats: their text, as pyarrow writes it
    {"flag": pa.array([True, False, None, True])},
    {"secs": pa.array([0, -1, None, 86_399], pa.timestamp("s"))},
    {"millis": pa.array([1_001, -1_001, None, 5], pa.timestamp("ms"))},
    {"zoned": pa.array([0, 1, None, 2], pa.timestamp("s", tz="Asia/Ho_Chi_Minh"))},
])
def test_other_columns_are_left_to_the_batch_loop(tmp_path, monkeypatch, extra):
    calls = []
    original = readers._copy_in_duckdb
    monkeypatch.setattr(readers, "_copy_in_duckdb",
                        lambda *a: calls.append(original(*a)) or calls[-1])
    fast, slow = _both(tmp_path, _table(**extra), monkeypatch)
    assert calls == [False]
    assert fast == slow


def test_headers_duckdb_cannot_bind_are_read_by_position(tmp_path, monkeypatch):
    table = pa.table([pa.array(["1", "2"]), pa.array(["3", "4"]), pa.array([5, 6]),
                      pa.array(["7", "8"])], names=["Amount", "amount", "", "file_row_number"])
    fast, slow = _both(tmp_path, table, monkeypatch)
    assert fast == slow
