"""Exports for campaign tools and snapshots: consent filter, exact files, Excel limits, same bytes."""

from __future__ import annotations

import codecs
import hashlib

import pandas as pd
import pytest

from helpers.core.params import RunParams
from helpers.kit import contract, export, rfm, snapshots, xlsx
from helpers.pages.segments import files as segments_files
from helpers.pages.segments import sentences as segments_sentences

ORDERS = [
    {"order_id": "1", "customer_id": "a", "order_date": "2024-03-01", "amount": "1234567.50"},
    {"order_id": "2", "customer_id": "b", "order_date": "2024-03-02", "amount": "200000"},
    {"order_id": "3", "customer_id": "c", "order_date": "2024-03-03", "amount": "300000"},
    {"order_id": "4", "customer_id": "d", "order_date": "2024-03-04", "amount": "400000"},
]
CUSTOMERS = [
    {"customer_id": "a", "name": "Nguyễn Văn An", "phone": "0912 345 678", "email": "an@x.vn",
     "consent_sms": "1", "consent_zalo": "1", "consent_email": "1"},
    {"customer_id": "b", "name": "Trần Thị Bình", "phone": "0912 345 679", "email": "",
     "consent_sms": "0", "consent_zalo": "1", "consent_email": "1"},
    {"customer_id": "c", "name": "Lê Văn Châu", "phone": "12345", "email": "c@x.vn",
     "consent_sms": "1", "consent_zalo": "0", "consent_email": "0"},
    {"customer_id": "d", "name": "Phạm Dũng"},
    {"customer_id": "p", "name": "Prospect", "phone": "+84 912000111", "consent_sms": "1"},
]


@pytest.fixture
def built(con, given_orders, given_customers, tmp_path):
    given_orders(ORDERS)
    given_customers(CUSTOMERS)
    run = RunParams.from_values(as_of="2024-03-31", orders_path=tmp_path / "orders.csv",
                                customers_path=tmp_path / "customers.csv")
    scheme = rfm.load_run_scheme(run)
    rfm.build_rfm_customers(con, run=run, scheme=scheme)
    rfm.build_segment_summary(con, run)
    return run, scheme


def test_send_lists_leave_out_customers_without_consent_or_contact(con, built, tmp_path):
    _, scheme = built
    out = segments_files.write_rfm_outputs(con, output_dir=tmp_path / "out", segment_keys=scheme.keys,
                                   as_of=built[0].as_of, with_contacts=True)
    counts = out["send_list_counts"].groupby("channel")[
        ["customers", "in_list", "no_consent", "no_contact"]].sum()
    # sms: a yes; b no consent; c consent but invalid phone; d no consent; p yes
    assert counts.loc["sms"].tolist() == [5, 2, 2, 1]
    assert counts.loc["zalo"].tolist() == [5, 2, 3, 0]   # a, b
    assert counts.loc["email"].tolist() == [5, 1, 3, 1]  # a only; b consents without an email
    sms = pd.concat(pd.read_csv(p, dtype=str, encoding="utf-8-sig")
                    for p in (tmp_path / "out" / "exports" / "sms").glob("*.csv"))
    assert sorted(sms.customer_id) == ["a", "p"]
    assert set(sms.phone) == {"+84912345678", "+84912000111"}


def test_files_are_excel_friendly_and_exact(con, built, tmp_path):
    run, scheme = built
    segments_files.write_rfm_outputs(con, output_dir=tmp_path / "out", segment_keys=scheme.keys,
                             as_of=run.as_of, with_contacts=True)
    raw = (tmp_path / "out" / "rfm_customers.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    # exact money without padding zeros, Vietnamese intact
    assert ",1234567.5," in text and "Nguyễn Văn An" in text
    frame = pd.read_csv(tmp_path / "out" / "rfm_customers.csv", dtype=str, encoding="utf-8-sig")
    assert list(frame.columns[:15]) == contract.CONTRACT_COLUMNS
    assert frame.customer_id.is_unique
    for key in scheme.keys:
        assert (tmp_path / "out" / "exports" / f"segment={key}.csv").exists()
    book = pd.read_excel(tmp_path / "out" / "exports" / "segments.xlsx", sheet_name=None,
                         engine="calamine")
    assert set(book) == set(scheme.keys)  # no labels given: sheets named by key
    segments_files.write_rfm_outputs(con, output_dir=tmp_path / "vi", segment_keys=scheme.keys,
                             as_of=run.as_of, with_contacts=True,
                             labels=scheme.labels("vi"), lang="vi")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "vi" / "exports" / "segments.xlsx")
    labels = scheme.labels("vi")
    assert book.sheetnames == [labels[k][:31] for k in scheme.keys]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Mã khách hàng" and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    segments = {row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert segments <= set(labels.values())  # labels, never keys


def test_segments_too_big_for_excel_stay_csv_only(con, built, tmp_path, monkeypatch):
    run, scheme = built
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 3)  # header + 2 rows
    out = segments_files.write_rfm_outputs(con, output_dir=tmp_path / "out", segment_keys=scheme.keys,
                                   as_of=run.as_of, with_contacts=True)
    big = con.execute("select segment from rfm_customers group by all "
                      "having count(*) + 1 > 3").fetchall()
    assert sorted(out["xlsx_skipped"]) == sorted(r[0] for r in big)


def test_a_shop_too_large_for_one_workbook_gets_csv_only_and_is_told(con, built, tmp_path,
                                                                      monkeypatch):
    run, scheme = built
    monkeypatch.setattr(segments_files, "XLSX_MAX_ROWS", 3)
    out = segments_files.write_rfm_outputs(con, output_dir=tmp_path / "out", segment_keys=scheme.keys,
                                   as_of=run.as_of, with_contacts=True)
    assert out["xlsx_too_large"] and not out["xlsx"]
    assert not (tmp_path / "out" / "exports" / "segments.xlsx").exists()
    assert (tmp_path / "out" / "rfm_customers.csv").exists()
    said = segments_sentences.exports_written(out, tmp_path / "out", lang="en").data
    assert "No Excel file was written" in said and "segments.xlsx" not in said
    assert "the limit is 3)" in said


def test_the_same_inputs_write_the_same_bytes(con, built, tmp_path, monkeypatch):
    run, scheme = built
    # the send lists' manifests record their write time: fixed as reproducible builds fix it
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")

    def digest(folder):
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    for name in ("one", "two"):
        segments_files.write_rfm_outputs(con, output_dir=tmp_path / name, segment_keys=scheme.keys,
                                 as_of=run.as_of, with_contacts=True)
        snapshots.write_snapshot(con, scheme="rfm11", as_of=run.as_of, settings=run.settings(),
                                 input_checksums={"orders": "x"}, root=tmp_path / f"snap_{name}")
    assert digest(tmp_path / "one") == digest(tmp_path / "two")
    assert digest(tmp_path / "snap_one") == digest(tmp_path / "snap_two")


def test_a_snapshot_from_other_data_or_settings_is_never_read_as_this_one(con, built, tmp_path):
    run, _ = built
    root = tmp_path / "snaps"
    snapshots.write_snapshot(con, scheme="rfm11", as_of=run.as_of, settings=run.settings(),
                             input_checksums={"orders": "abc"}, root=root)
    same = snapshots.read_snapshot(scheme="rfm11", as_of=run.as_of, settings=run.settings(),
                                   input_checksums={"orders": "abc"}, root=root)
    assert same is not None and same.num_rows == 5
    assert snapshots.read_snapshot(scheme="rfm11", as_of=run.as_of, settings=run.settings(),
                                   input_checksums={"orders": "OTHER"}, root=root) is None
    other = run.replace(window_days=30).settings()
    assert snapshots.read_snapshot(scheme="rfm11", as_of=run.as_of, settings=other,
                                   input_checksums={"orders": "abc"}, root=root) is None
    meta = (root / "customer_segments" / "scheme=rfm11" / f"as_of={run.as_of}").rglob("meta.json")
    assert '"abc"' in next(meta).read_text()


def test_xlsx_reads_back_exactly_in_excel_readers(con, tmp_path):
    from datetime import date as d

    import openpyxl

    con.execute("""create table people as select * from (values
        ('007', 'Nguyễn Văn An', true, date '2024-03-01', 1234567.50::decimal(18, 2), 3,
         'a <b> & "c"' || chr(7) || chr(65535)),
        ('b', null, false, null, -5::decimal(18, 2), null, 'x')
    ) t(customer_id, name, flag, day, money, n, text)""")
    path, skipped = xlsx.write_xlsx(con, {"one": ("select * from people", {})},
                                    tmp_path / "p.xlsx", as_of=d(2024, 3, 31))
    assert not skipped
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("customer_id", "name", "flag", "day", "money", "n", "text")
    assert rows[1][:3] == ("007", "Nguyễn Văn An", True)
    assert rows[1][3].date() == d(2024, 3, 1) and rows[1][4] == 1234567.5 and rows[1][5] == 3
    # control characters and U+FFFF (illegal in XML: the file would not open) dropped, markup
    # escaped
    assert rows[1][6] == 'a <b> & "c"'
    assert rows[2] == ("b", None, False, None, -5, None, "x")
    frame = pd.read_excel(path, engine="calamine", dtype={"customer_id": str})
    assert frame.customer_id.tolist() == ["007", "b"]


def test_the_excel_file_can_be_left_out(con, built, tmp_path):
    run, scheme = built
    out = segments_files.write_rfm_outputs(con, output_dir=tmp_path / "out", segment_keys=scheme.keys,
                                   as_of=run.as_of, with_contacts=True, xlsx=False)
    assert not (tmp_path / "out" / "exports" / "segments.xlsx").exists()
    assert (tmp_path / "out" / "exports" / "segment=champions.csv").exists()
    assert out["xlsx"] is False


def test_a_query_streamed_in_batches_writes_the_bytes_of_the_whole_table(tmp_path, monkeypatch):
    """rfm_customers and loyalty_members are written batch by batch (never every customer in
    Python at once): the file must be the one write_csv makes of the whole table, with money at
    the fewest decimals the whole column needs, even when one batch needs none."""
    import duckdb

    monkeypatch.setattr(export, "BATCH_ROWS", 3)
    con = duckdb.connect()
    con.execute("""
        create table t as select * from (values
            ('c1', '=HYPERLINK(\"x\")', cast(3257000 as decimal(18, 4)), date '2024-02-29', true),
            ('c2', '+84912345678', cast(100 as decimal(18, 4)), null, false),
            ('c3', 'Lê, "Tí"', cast(5 as decimal(18, 4)), date '2026-10-31', null),
            ('c4', '-cmd', cast(0.001 as decimal(18, 4)), date '2026-01-01', true),
            ('c5', null, null, null, null),
            ('c6', 'Nguyễn Văn A', cast(-1.5 as decimal(18, 4)), date '2026-01-02', false),
            ('c7', '@SUM(A1)', cast(12 as decimal(18, 4)), date '2026-01-03', true))
            v(customer_id, name, monetary, last_order, consent)""")
    sql = "select * from t order by customer_id"
    whole = export.write_csv(con.sql(sql).to_arrow_table(), tmp_path / "whole.csv")
    streamed, rows = export.write_query_csv(con, sql, tmp_path / "streamed.csv")
    assert rows == 7 and streamed.read_bytes() == whole.read_bytes()
    text = streamed.read_text(encoding="utf-8-sig")
    assert "\"'=HYPERLINK" in text and "\"'@SUM" in text and "\"'-cmd\"" in text
    assert "\"+84912345678\"" in text  # a phone number stays a number
    assert ",3257000.000," in text and ",0.001," in text  # the column needs 3 decimals
    # a batch of whole numbers alone keeps no decimals either way
    small, _ = export.write_query_csv(con, "select * from t where customer_id in ('c1', 'c2')",
                                      tmp_path / "small.csv")
    assert ",3257000," in small.read_text(encoding="utf-8-sig")
    empty, rows = export.write_query_csv(con, "select * from t where false", tmp_path / "e.csv")
    assert rows == 0
    assert empty.read_bytes() == export.write_csv(
        con.sql("select * from t where false").to_arrow_table(), tmp_path / "e2.csv").read_bytes()
    parquet = export.write_query_parquet(con, sql, tmp_path / "t.parquet")
    assert con.sql("select * from read_parquet($p)", params={"p": str(parquet)}).fetchall() == \
        con.sql(sql).fetchall()
    assert not list(tmp_path.glob(".*.tmp"))


def test_several_files_from_one_pass_each_as_write_csv_writes_its_rows(tmp_path, monkeypatch):
    """A contact list and its channel files come from one pass over the list: each file must
    be what write_csv makes of its own rows (its own fewest decimals, its order)."""
    import duckdb

    monkeypatch.setattr(export, "BATCH_ROWS", 2)
    con = duckdb.connect()
    con.execute("""
        create table t as select * from (values
            ('c3', '=1+1', cast(2.5 as decimal(18, 4)), true, false),
            ('c1', 'An', cast(100 as decimal(18, 4)), false, true),
            ('c2', '@x', cast(0.25 as decimal(18, 4)), true, null),
            ('c4', 'Bình', cast(7 as decimal(18, 4)), false, false))
            v(customer_id, name, monetary, can_send_sms, can_send_zalo)""")
    sql = "select * from t order by monetary desc"
    got = export.write_query_csvs(con, sql, [(tmp_path / "all.csv", None),
                                             (tmp_path / "sms" / "l.csv", "can_send_sms"),
                                             (tmp_path / "zalo" / "l.csv", "can_send_zalo")],
                                  columns=["customer_id", "name", "monetary"])
    assert [n for _, n in got] == [4, 2, 1]
    cols = "customer_id, name, monetary"
    for (path, _), where in zip(got, ("true", "can_send_sms", "can_send_zalo")):
        whole = con.sql(f"select {cols} from t where {where} order by monetary desc")
        assert path.read_bytes() == export.write_csv(whole.to_arrow_table(),
                                                     tmp_path / "x.csv").read_bytes()
    assert ",100\r\n" in (tmp_path / "zalo" / "l.csv").read_text(encoding="utf-8-sig") or \
        ",100\n" in (tmp_path / "zalo" / "l.csv").read_text(encoding="utf-8-sig")
