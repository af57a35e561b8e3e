"""Contact lists written in one pass over every list, and a table written to Parquet and CSV from
one stream: the same bytes as each list, each file, written alone."""

from __future__ import annotations

import json
from datetime import date

import duckdb

from helpers.kit import export

LISTS = """
    create table lists as select * from (values
        ('c3', 'a', '=1+1', '0912', 'x@y.vn', true, false, true, cast(2.5 as decimal(18, 4))),
        ('c1', 'a', 'An', null, null, false, true, false, cast(100 as decimal(18, 4))),
        ('c2', 'b', '@x', '0913', null, true, null, false, cast(0.25 as decimal(18, 4))),
        ('c4', 'b', 'Bình', '0914', 'b@y.vn', false, false, true, cast(7 as decimal(18, 4))),
        ('c5', 'a', 'Châu', '0915', 'c@y.vn', true, true, true, cast(7.125 as decimal(18, 4))),
        ('c6', 'z', 'not asked for', '0916', null, true, true, true, cast(1 as decimal(18, 4))))
        v(customer_id, list_key, name, phone, email, can_send_sms, can_send_zalo, can_send_email,
          monetary_from)
"""


def _lists(con):
    con.execute(LISTS)
    con.execute("""
        create table t as select
            *, coalesce(can_send_sms, false) as consent_sms,
            coalesce(can_send_zalo, false) as consent_zalo,
            coalesce(can_send_email, false) as consent_email,
            cast(null as date) as consent_sms_date, cast(null as date) as consent_zalo_date,
            cast(null as date) as consent_email_date, cast(null as varchar) as consent_source,
            case when can_send_sms then null else 'no_consent' end as sms_left_out,
            case when can_send_zalo then null else 'no_consent' end as zalo_left_out,
            case when can_send_email then null else 'no_contact' end as email_left_out
        from lists""")


def test_every_list_from_one_pass_is_each_list_written_alone(tmp_path, monkeypatch):
    """Two lists with rows, one empty (its files hold the header), one in the table not asked
    for; batches smaller than a list; money at each file's own fewest decimals; the manifests'
    counts are each list's own."""
    monkeypatch.setattr(export, "BATCH_ROWS", 2)
    con = duckdb.connect()
    _lists(con)
    columns = ["customer_id", "name", "monetary_from"]
    written = export.write_contact_lists(
        con, tmp_path / "out", file_name="{key}.csv", keys=["b", "a", "empty"], columns=columns,
        order_by="monetary_from", as_of=date(2024, 3, 31), table="t",
        written_at=None)
    assert not list((tmp_path / "out").rglob(".*.tmp"))
    assert not (tmp_path / "out" / "z.csv").exists()
    names = [p.relative_to(tmp_path / "out").as_posix() for p in written]
    assert names[:7] == ["b.csv", "sms/b.csv", "zalo/b.csv", "email/b.csv",
                         "sms/b.manifest.json", "zalo/b.manifest.json", "email/b.manifest.json"]
    whole = columns + [c for c in export.CONSENT_EVIDENCE_COLUMNS if c not in columns]
    for key in ("a", "b", "empty"):
        for channel, flag in [(None, "true")] + [(c, f"can_send_{c}") for c in export.CHANNELS]:
            cols = whole if channel is None else export.CHANNEL_COLUMNS[channel]
            alone = con.sql(f"select {', '.join(cols)} from t where list_key = '{key}' and {flag} "
                            f"order by monetary_from desc nulls last, customer_id").to_arrow_table()
            got = tmp_path / "out" / (channel or "") / f"{key}.csv"
            assert got.read_bytes() == export.write_csv(alone, tmp_path / "x.csv").read_bytes()
        counts = export.left_out_counts(con, "select * from t where list_key = $key", {"key": key})
        for channel in export.CHANNELS:
            manifest = json.loads((tmp_path / "out" / channel / f"{key}.manifest.json").read_text())
            assert manifest["rows"] == counts[channel]["in_list"]
            assert manifest["candidates"] == counts[channel]["candidates"]
            assert manifest["reconciles"]
    # each list's own fewest decimals: a needs 3 (7.125), b 2 (0.25)
    assert ",100.000," in (tmp_path / "out" / "a.csv").read_text(encoding="utf-8-sig")
    assert ",7.00," in (tmp_path / "out" / "b.csv").read_text(encoding="utf-8-sig")
    assert (tmp_path / "out" / "empty.csv").read_text(encoding="utf-8-sig").count("\n") == 1


def test_parquet_and_csv_from_one_stream_are_the_files_written_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "BATCH_ROWS", 2)
    con = duckdb.connect()
    _lists(con)
    sql = "select customer_id, name, monetary_from, can_send_sms from t order by customer_id"
    parquet, csv, rows = export.write_query_parquet_csv(con, sql, tmp_path / "one" / "t.parquet",
                                                        tmp_path / "one" / "t.csv")
    alone_parquet = export.write_query_parquet(con, sql, tmp_path / "t.parquet")
    alone_csv, alone_rows = export.write_query_csv(con, sql, tmp_path / "t.csv")
    assert rows == alone_rows == 6
    assert parquet.read_bytes() == alone_parquet.read_bytes()
    assert csv.read_bytes() == alone_csv.read_bytes()
    assert not list((tmp_path / "one").glob(".*.tmp"))


def test_a_file_name_without_the_key_is_refused(tmp_path):
    con = duckdb.connect()
    _lists(con)
    try:
        export.write_contact_lists(con, tmp_path, file_name="list.csv", keys=["a", "b"],
                                   columns=["customer_id"], as_of=date(2024, 3, 31), table="t")
    except ValueError as exc:
        assert "{key}" in str(exc)
    else:
        raise AssertionError("two lists written to one file")
    assert not list(tmp_path.rglob("*.csv"))


def test_each_list_is_sorted_alone_so_a_large_base_spills_one_list_at_a_time(tmp_path):
    """At 100M lines page 01's lists hold 18.7M customers: one sort of every list together spilled
    more than a notebook's share of the temporary disk and stopped the month. Each sorted read
    holds one list; the files are those of the test above."""
    con = duckdb.connect()
    _lists(con)
    reads = []
    real_sql = con.sql

    class Watched:
        def __getattr__(self, name):
            return getattr(con, name)

        def sql(self, query, **kwargs):
            if "order by" in query and "keys" in (kwargs.get("params") or {}):
                reads.append(list(kwargs["params"]["keys"]))
            return real_sql(query, **kwargs)

    export.write_contact_lists(
        Watched(), tmp_path / "out", file_name="{key}.csv", keys=["b", "a", "empty"],
        columns=["customer_id", "name", "monetary_from"], order_by="monetary_from",
        as_of=date(2024, 3, 31), table="t", written_at=None)
    streamed = [keys for keys in reads if len(keys) == 1]
    assert sorted(k for keys in streamed for k in keys) == ["a", "b", "empty"]
    assert all(len(keys) == 1 for keys in reads[1:]), reads
