"""Ingestion: formats, mappings, parsing rules, quarantine reasons and the reconciliation identity."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from helpers import ingest
from helpers.core.params import bytes_in
from helpers.ingest import readers as ingest_readers
from helpers.ingest import staging as ingest_staging
from helpers.ingest.phones import vn_mobile

ROW = {"order_id": "1", "customer_id": "a", "order_date": "2024-03-01", "amount": "100000",
       "status": "completed", "channel": "POS"}


def lines(con):
    return con.execute("select * from order_lines order by source_line").df()


def amounts(con):
    """Exact amounts (DataFrames would turn DECIMAL into float)."""
    return [r[0] for r in con.execute("select amount from order_lines order by source_line").fetchall()]


# ---------------------------------------------------------------- ids kept byte-for-byte


def test_ids_are_text_kept_byte_for_byte(con, given_orders):
    given_orders([ROW | {"customer_id": "007", "order_id": "0010"},
                  ROW | {"customer_id": " Ab ", "order_id": "x"},
                  ROW | {"customer_id": "7", "order_id": "y"}])
    got = lines(con)
    assert got.customer_id.tolist() == ["007", " Ab ", "7"]
    assert got.order_id.tolist() == ["0010", "x", "y"]


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize("text, expected", [
    ("1234567", "1234567"),
    ("1.234.567", "1234567"),
    ("1,234,567.00", "1234567"),
    ("1.234.567 ₫", "1234567"),
    ("1.234.567đ", "1234567"),
    ("1 234 567 VND", "1234567"),
    ("-150.000", "-150000"),
    ("(150,000)", "-150000"),
    ("1.234,50", "1234.50"),
    ("19.99", "19.99"),
])
def test_amount_forms_parse_to_exact_decimals(con, given_orders, text, expected):
    # one value alone: '-150.000' and '(150,000)' say nothing about the decimal mark, so the
    # mark is given as a VND shop (',') or a US shop ('.') would set it
    mark = "," if text in ("-150.000", "1.234.567", "1.234.567 ₫", "1.234.567đ") else "."
    given_orders([ROW | {"amount": text}], decimal_mark=mark if "150" in text else None)
    assert amounts(con) == [Decimal(expected)]


def test_amounts_are_decimal_not_float(con, given_orders):
    given_orders([ROW | {"amount": "0.10"}, ROW | {"amount": "0.20", "order_id": "2"}])
    total, kind = con.execute("select sum(amount), typeof(sum(amount)) from order_lines").fetchone()
    assert total == Decimal("0.30") and kind.startswith("DECIMAL")


# ---------------------------------------------------------------- dates and time zones


@pytest.mark.parametrize("text, expected", [
    ("2024-03-01", date(2024, 3, 1)),
    ("2024-03-01 23:30:00", date(2024, 3, 1)),  # local time as written stays on its local day
    ("01/03/2024", date(2024, 3, 1)),  # dd/mm/yyyy with date_order dmy
    ("01/03/2024 23:30", date(2024, 3, 1)),
    ("2024-03-01T16:30:00Z", date(2024, 3, 1)),  # 23:30 in Ho Chi Minh City
    ("2024-03-01T17:30:00Z", date(2024, 3, 2)),  # 00:30 the next local day
    ("2024-03-01 23:30:00 +0700", date(2024, 3, 1)),  # Shopify style
    ("2024-03-01T23:30:00+07:00", date(2024, 3, 1)),
    ("2024-03-01 12:00:00 -0500", date(2024, 3, 2)),  # 00:00 next day in Vietnam
])
def test_order_dates_are_local_calendar_days(con, given_orders, text, expected):
    given_orders([ROW | {"order_date": text}], date_order="dmy")
    assert lines(con).order_date.iloc[0].date() == expected


def test_zone_aware_timestamps_follow_the_shop_time_zone_parameter(con, given_orders):
    given_orders([ROW | {"order_date": "2024-03-01T16:30:00Z"}], shop_tz="UTC")
    assert lines(con).order_date.iloc[0].date() == date(2024, 3, 1)
    assert lines(con).ordered_at.iloc[0] == datetime(2024, 3, 1, 16, 30)


# ---------------------------------------------------------------- quarantine and reconciliation


def test_every_quarantine_reason_is_recorded_with_its_line(con, given_orders, tmp_path):
    report = given_orders([
        ROW,                                                   # line 2: fine
        ROW | {"customer_id": "", "order_id": "2"},            # line 3
        ROW | {"order_date": "31/02/2024", "order_id": "3"},   # line 4
        ROW | {"amount": "abc", "order_id": "4"},              # line 5
        ROW | {"order_id": "S", "customer_id": "a"},           # line 6: S shared by a and b
        ROW | {"order_id": "S", "customer_id": "b"},           # line 7
        ROW | {"customer_id": "", "amount": "", "order_id": "5"},  # line 8: two reasons
    ])
    assert report.rows_read == 7
    assert report.rows_loaded == 1
    assert report.rows_quarantined == 6
    # an order without a customer key is a guest sale: set aside under its own reason
    assert report.reasons == {"guest_sale": 2, "unparseable_date": 1,
                              "unparseable_amount": 2, "order_id_shared_by_customers": 2}
    assert report.reconciles
    q = pd.read_csv(report.quarantine_path, dtype=str, encoding="utf-8-sig")
    assert q.source_line.astype(int).tolist() == [3, 4, 5, 6, 7, 8]
    assert q.reject_reason.tolist()[-1] == "guest_sale; unparseable_amount"
    assert q.order_date.tolist()[1] == "31/02/2024"  # the original text, not a parsed value


def test_an_amount_too_large_to_be_money_is_set_aside_never_a_crash(con, given_orders):
    """18 nines parse exactly, but money is kept as decimal(18, 4): the cast failed the whole
    staging with a conversion error; now the line is set aside as unreadable."""
    report = given_orders([ROW, ROW | {"order_id": "2", "amount": "999999999999999999"},
                           ROW | {"order_id": "3", "amount": "99999999999999"}])
    assert report.reasons == {"unparseable_amount": 1} and report.reconciles
    assert report.rows_loaded == 2


@pytest.mark.parametrize("text, read", [
    ("2024-03-01 10:00:00 Z", True),  # a space before Z: read (UTC)
    ("2024-03-01 10:00+07:00", True),  # no seconds before the zone: read
    ("2024-03-01 10:00:00+19:00", False),  # no zone is 19 hours from UTC
    ("2024-03-01 24:00:00+07:00", False),  # no hour 24, with a zone or without
])
def test_times_with_a_zone_are_read_only_when_they_can_be(con, given_orders, text, read):
    report = given_orders([ROW | {"order_date": text}])
    assert report.rows_loaded == (1 if read else 0)
    assert report.reasons == ({} if read else {"unparseable_date": 1})


def test_duplicates_are_counted_and_kept_unless_asked(con, given_orders):
    rows = [ROW, ROW, ROW, ROW | {"order_id": "2"}]
    report = given_orders(rows)
    assert (report.rows_read, report.rows_loaded, report.duplicates) == (4, 4, 2)
    assert report.duplicates_dropped == 0 and report.reconciles
    assert len(report.duplicate_examples) == 2
    assert "duplicate" in report.summary()

    report = given_orders(rows, drop_duplicates=True)
    assert (report.rows_loaded, report.duplicates_dropped) == (2, 2)
    assert report.reconciles
    assert len(lines(con)) == 2


# ---------------------------------------------------------------- files: formats and errors


def test_missing_required_column_names_file_column_and_mapping(con, write_csv, stage):
    path = write_csv([{"order_id": "1", "customer_id": "a", "order_date": "2024-01-01"}])
    with pytest.raises(ingest.IngestError) as err:
        stage("orders", path, mapping="generic")
    message = str(err.value)
    assert "orders.csv" in message and "'amount'" in message
    assert "orders.amount" in message and "generic.yaml" in message


def test_empty_file_is_a_clear_error(con, tmp_path, stage):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"")
    with pytest.raises(ingest.IngestError, match="empty"):
        stage("orders", path)


def test_header_only_file_loads_zero_rows(con, tmp_path, stage):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,amount\n", encoding="utf-8")
    report = stage("orders", path)
    assert (report.rows_read, report.rows_loaded) == (0, 0) and report.reconciles


def test_wrong_encoding_is_a_clear_error(con, tmp_path, stage):
    path = tmp_path / "orders.csv"
    text = "order_id,customer_id,order_date,amount,channel\n1,a,2024-01-01,100,Cà phê\n"
    path.write_bytes(text.encode("cp1258"))
    with pytest.raises(ingest.IngestError, match="not UTF-8.*encoding"):
        stage("orders", path)
    # and the parameter that fixes it
    report = stage("orders", path, encoding="cp1258")
    assert report.rows_loaded == 1
    assert con.execute("select channel from order_lines").fetchone()[0] == "Cà phê"


def test_utf8_bom_and_semicolons_are_read(con, tmp_path, stage):
    path = tmp_path / "orders.csv"
    text = "order_id;customer_id;order_date;amount\n1;a;13/03/2024;1.234.567\n"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    report = stage("orders", path)
    assert report.rows_loaded == 1
    assert con.execute("select amount from order_lines").fetchone()[0] == Decimal("1234567")


def test_parquet_and_xlsx_read_like_csv(con, tmp_path, stage):
    frame = pd.DataFrame({"order_id": ["007", "2"], "customer_id": ["001", "b"],
                          "order_date": ["2024-03-01 23:30:00", "13/03/2024"],
                          "amount": ["150000", "1.234.567"]})
    frame.to_parquet(tmp_path / "o.parquet")
    frame.to_excel(tmp_path / "o.xlsx", index=False)
    for name in ("o.parquet", "o.xlsx"):
        report = stage("orders", tmp_path / name, use_cache=False)
        got = con.execute("select customer_id, order_id, order_date, amount, source_line "
                          "from order_lines order by source_line").fetchall()
        assert report.rows_loaded == 2
        assert [r[0] for r in got] == ["001", "b"] and got[0][1] == "007"
        assert got[0][2] == date(2024, 3, 1) and got[1][3] == Decimal("1234567")


@pytest.mark.parametrize("column", [
    ("KH01", "", None, "=HYPERLINK(\"x\")"),
    (150000.0, 19.99, None, -0.0, 1e-05, float("nan"), 1.5e300),
    (150000.0, "", 2.0, None),  # calamine gives '' for an empty cell
    (1234567890123456789.0, 12345678901234567.0, 1e15, 9.9e18, 3.0),
    (datetime(2024, 2, 29, 23, 30, 5, 999999), None, datetime(1900, 1, 1), ""),
    (date(2024, 2, 29), None, date(1999, 12, 31)),
    (17850, 0, -3, None),
    (True, 1.0, "x", datetime(2024, 1, 1), date(2024, 1, 2), 5),
    (None, None),
])
def test_a_sheet_column_converts_as_cell_by_cell(column):
    """XLSX columns are converted a column at a time (a column of one kind in one Arrow step);
    every kind of column reads exactly as the cell-by-cell rule, long numbers counted alike."""
    counted = [0]
    got = ingest_readers.excel_column(column, counted)
    assert got.to_pylist() == [ingest_readers.excel_text(v) for v in column]
    assert counted[0] == sum(1 for v in column if isinstance(v, float) and abs(v) >= 1e15)


def test_optional_order_id_missing_gives_null_ids(con, write_csv, stage):
    path = write_csv([{"customer_id": "a", "order_date": "2024-01-01", "amount": "1"}])
    stage("orders", path)
    assert con.execute("select order_id from order_lines").fetchone()[0] is None


def test_cache_returns_the_same_table_without_reparsing(con, write_csv, stage):
    path = write_csv([ROW, ROW | {"order_id": "2", "amount": "x"}])
    first = stage("orders", path)
    before = lines(con)
    second = stage("orders", path)
    assert not first.from_cache and second.from_cache
    assert second.rows_quarantined == 1 and second.reconciles
    pd.testing.assert_frame_equal(before, lines(con))


# ---------------------------------------------------------------- mapping presets


def test_vn_pos_mapping_reads_vietnamese_headers_and_statuses(con, write_csv, stage):
    # vn_pos is the old name of the kiotviet mapping
    rows = [{"Mã hóa đơn": "HD001", "Mã khách hàng": "KH01", "Thời gian": "05/01/2024 23:30",
             "Khách cần trả": "1.234.567", "Trạng thái": "Hoàn thành"},
            {"Mã hóa đơn": "HD002", "Mã khách hàng": "KH01", "Thời gian": "06/01/2024 10:00",
             "Khách cần trả": "500.000 ₫", "Trạng thái": " Đã hủy "}]
    stage("orders", write_csv(rows), mapping="vn_pos")
    got = lines(con)
    assert got.order_id.tolist() == ["HD001", "HD002"]
    assert amounts(con) == [Decimal("1234567"), Decimal("500000")]
    assert got.status.tolist() == ["completed", "cancelled"]
    assert got.order_date.iloc[0].date() == date(2024, 1, 5)


def test_shopify_mapping_reads_line_items_with_total_on_first_row(con, write_csv, stage):
    rows = [{"Name": "#1001", "Email": "a@x.vn", "Financial Status": "paid",
             "Created at": "2024-01-05 23:30:00 +0700", "Total": "250.00", "Refunded Amount": "0.00",
             "Source": "web"},
            {"Name": "#1001", "Email": "a@x.vn", "Financial Status": "",
             "Created at": "2024-01-05 23:30:00 +0700", "Total": "", "Refunded Amount": "",
             "Source": ""}]
    report = stage("orders", write_csv(rows), mapping="shopify")
    assert report.rows_loaded == 2
    got = lines(con)
    assert sum(amounts(con)) == Decimal("250.00")
    assert set(got.order_date.dt.date) == {date(2024, 1, 5)}


def test_unknown_mapping_lists_the_shipped_ones():
    with pytest.raises(ingest.IngestError, match="generic.*kiotviet.*shopify.*vn_pos"):
        ingest.load_mapping("nope")


# ---------------------------------------------------------------- customers


@pytest.mark.parametrize("typed, e164", [
    ("0912 345 678", "+84912345678"),
    ("+84 912345678", "+84912345678"),
    ("84912345678", "+84912345678"),
    ("0912.345.678", "+84912345678"),
    ("(+84) 912-345-678", "+84912345678"),
    ("0084912345678", "+84912345678"),
    ("0312345678", "+84312345678"),
    ("091234", None),       # too short
    ("0241234567", None),   # a landline, not a mobile
    ("", None),
])
def test_phones_normalise_to_e164_and_invalid_ones_are_flagged(con, given_customers, typed, e164):
    given_customers([{"customer_id": "a", "phone": typed}])
    phone, valid, raw = con.execute(
        "select phone, is_phone_valid, phone_raw from customers").fetchone()
    assert phone == e164 and valid == (e164 is not None)
    assert raw == (typed or None)


def test_one_phone_rule_in_sql_and_in_python(con, given_customers):
    """The explorer's lookup (ingest.phones.vn_mobile) reads a typed phone as staging does."""
    spellings = ["0912 345 678", "+84 912345678", "84912345678", "0084912345678", "912345678",
                 "0312345678", "0241234567", "091234", "+1 415 555 0100", "849123456789",
                 "0912-345-678 ", "(+84) 912-345-678", "0612345678", "", "abc", "+840912345678"]
    given_customers([{"customer_id": str(i), "phone": s} for i, s in enumerate(spellings)])
    staged = dict(con.execute("select customer_id, phone from customers").fetchall())
    assert {s: staged[str(i)] for i, s in enumerate(spellings)} == \
        {s: vn_mobile(s) for s in spellings}
    assert vn_mobile("0912 345 678") == "+84912345678" and vn_mobile("0241234567") is None


def test_customers_quarantine_empty_and_repeated_ids_and_parse_consent(con, given_customers):
    report = given_customers([
        {"customer_id": "a", "consent_sms": "1", "consent_zalo": "có", "consent_email": "0",
         "birthday": "15/09/1979", "signup_date": "2024-01-02"},
        {"customer_id": "", "name": "no id"},
        {"customer_id": "a", "name": "second a"},
    ])
    assert report.rows_loaded == 1 and report.rows_quarantined == 2 and report.reconciles
    assert report.reasons == {"empty_customer_id": 1, "duplicate_customer_id": 1}
    row = con.execute("select consent_sms, consent_zalo, consent_email, birthday, signup_date "
                      "from customers").fetchone()
    assert row == (True, True, False, date(1979, 9, 15), date(2024, 1, 2))


def test_checksums_are_remembered_until_the_file_changes(tmp_path):
    import os

    path = tmp_path / "o.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    first = ingest.file_sha256(path, index_dir=tmp_path / "idx")
    assert first == ingest.file_sha256(path)
    assert ingest.file_sha256(path, index_dir=tmp_path / "idx") == first
    path.write_text("a,b\n1,3\n", encoding="utf-8")
    os.utime(path, ns=(1, 10**18))  # a new mtime and content: hashed again
    assert ingest.file_sha256(path, index_dir=tmp_path / "idx") == ingest.file_sha256(path) != first


def test_staging_memory_grows_with_the_export_and_never_past_the_runs_limit(con):
    """1.2 GB for a shop's export; 120 bytes a line for a larger one (a 100M-line export ran out
    of memory under 1.2 GB); the run's own memory_limit always wins, and is put back after."""
    def limit():  # DuckDB shows it rounded (1.1 GiB): compared to 2%
        return bytes_in(con.execute("select current_setting('memory_limit')").fetchone()[0])

    con.execute("set memory_limit = '8GB'")
    before = limit()
    memory = ingest_staging.StagingMemory(con)
    assert limit() == pytest.approx(bytes_in(ingest_staging.STAGING_MEMORY_LIMIT), rel=0.02)
    memory.widen(1_000_000)
    assert limit() == pytest.approx(bytes_in(ingest_staging.STAGING_MEMORY_LIMIT), rel=0.02)
    memory.widen(50_000_000)
    assert limit() == pytest.approx(50_000_000 * ingest_staging.STAGING_BYTES_PER_ROW, rel=0.02)
    memory.widen(100_000_000)
    assert limit() == pytest.approx(before, rel=0.02)  # 12 GB asked, 8 GB allowed
    memory.restore()
    assert limit() == pytest.approx(before, rel=0.02)


@pytest.mark.parametrize("text", [
    "2023-12-01 08:04:46", "2024-02-29 23:30:00", "2023-02-29 10:00:00", "2023-1-1 08:04:46",
    "2023-12-1 8:04:46", " 2023-12-01 08:04:46", "2023-12-01 08:04:46 ", "2023-12-01T08:04:46",
    "12023-1-01 00:00:00", "2023-12-01 08:04:60", "2023-12-01 24:00:00", "2023/12/01 08:04:46",
    "2023-12-01 08:04:46Z", "01-12-2023 08:04:46", "2023-12-01 8:04:46 PM", "",
])
def test_the_fast_reading_of_iso_timestamps_gives_what_the_general_rule_gives(con, text):
    ingest_staging.ensure_macros(con)
    general = "local_timestamp(iso_date_text(?, 'dmy', 9999), 'Asia/Ho_Chi_Minh')"
    fast, slow = con.execute(f"select parse_local_timestamp(?, 'Asia/Ho_Chi_Minh', 'dmy', 9999), "
                             f"{general}", [text, text]).fetchall()[0]
    assert fast == slow


@pytest.mark.parametrize("text", [
    "0", "1", "-1", "109000", "1.23456789", "1.00005", "-1.00005", "1.0001", "99999999.9999",
    "99999999.99999", "-99999999.99999", "100000000", "100000000.00005", "12345678901.12345",
    "99999999999999.9999", "0.00005", "-0.00004",
])
def test_money_kept_to_4_decimals_the_64_bit_way_is_the_plain_cast(con, text):
    ingest_staging.ensure_macros(con)
    fast, plain = con.execute(
        "select (money_4dp(x), is_beyond_4dp(x)), (cast(x as decimal(18, 4)), "
        "cast(x as decimal(18, 4)) <> x) from (select cast(? as decimal(38, 10)) as x)",
        [text]).fetchall()[0]
    assert fast == plain


def test_an_export_too_large_for_memory_stages_through_parquet_files_alike(con, given_orders,
                                                                           monkeypatch):
    """Repeats, several lines per order, a status on the first line only, an order id shared by
    two customers, lines without an order id, a guest sale and an unreadable date: the same rows,
    reasons and counts whether the passes keep their lines in DuckDB or in Parquet files."""
    rows = [ROW | {"order_id": "1", "amount": "100"}, ROW | {"order_id": "1", "amount": "100"},
            ROW | {"order_id": "1", "amount": "50", "status": ""},
            ROW | {"order_id": "2", "customer_id": "a"}, ROW | {"order_id": "2", "customer_id": "b"},
            ROW | {"order_id": "", "amount": "7"}, ROW | {"order_id": "", "amount": "7"},
            ROW | {"order_id": "3", "customer_id": ""}, ROW | {"order_id": "4", "order_date": "x"},
            ROW | {"order_id": "5", "status": ""}, ROW | {"order_id": "5", "amount": "9"}]
    seen = []
    for per_row in (ingest_staging.SCRATCH_BYTES_PER_ROW, 10**12):
        monkeypatch.setattr(ingest_staging, "SCRATCH_BYTES_PER_ROW", per_row)
        report = given_orders(rows)
        staged = con.execute("select * from order_lines order by source_line").fetchall()
        quarantine = pd.read_csv(report.quarantine_path, dtype=str).to_dict("records")
        seen.append((staged, report.reasons, report.duplicates, report.rows_loaded, quarantine))
    assert seen[0] == seen[1]
    staged, reasons, duplicates, loaded, quarantine = seen[0]
    assert duplicates == 2 and loaded == 7  # 11 lines, 4 set aside; the 2 repeats are kept
    assert reasons == {"guest_sale": 1, "order_id_shared_by_customers": 2, "unparseable_date": 1}
    assert [r[2] for r in staged] == ["1", "1", "1", None, None, "5", "5"]
    assert [r[6] for r in staged] == [100, 100, 50, 7, 7, 100000, 9]
    assert {r[7] for r in staged} == {"completed"}  # order 5's status is on its second line
    assert sorted(int(r["source_line"]) for r in quarantine) == [5, 6, 9, 10]


def test_a_staging_killed_midway_leaves_no_scratch_behind_after_the_next_one(con, given_orders,
                                                                            tmp_path):
    import os

    report = given_orders([ROW])
    cache = __import__("pathlib").Path(report.staged).parent
    dead, live = cache / ".build-999999999-x1", cache / f".build-{os.getpid()}-x2"
    for folder in (dead, live, cache / ".build-3qn104lo"):  # the last: a build of an old version
        folder.mkdir()
        (folder / "parsed_order_lines.parquet").write_bytes(b"scratch")
    given_orders([ROW])
    assert not dead.exists() and not (cache / ".build-3qn104lo").exists()
    assert live.exists()  # a staging still running in this process is left alone
