"""The hostile ingest corpus, round two (issue 32): every file made here by a script
(tests/hostile_files.py), each with its outcome: loaded right, with its rows and lines counted,
or stopped with a message naming the file, the line and the column, never a customer's values.

- every line of a CSV accounted for: header + rows + lines inside quoted values = lines; a
  stray quote mark, or a record over lines.MAX_RECORD_LINES lines, stops;
- readers fail in words: a workbook that is HTML, truncated, protected, has XML entities or a
  cell far outside its data; a link to nothing in a folder export;
- timestamps with a zone (Parquet, or text with an offset) dated in the shop's time zone;
- messages about a file never show a row that may be a customer.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import hostile_files as hf
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import ingest
from helpers.ingest import file_checks, lines
from helpers.ingest.mappings import load_mapping


def _load(con, tmp_path, path, kind="orders", **options):
    kw = {"cache_dir": tmp_path / "cache", "quarantine_dir": tmp_path / "q", "use_cache": False}
    return ingest.load(con, kind, path, **(kw | options))


def _write(tmp_path, name, data) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _stops(con, tmp_path, path, *words, kind="orders", **options) -> str:
    """The load stops; the message names the file and says each of `words`; no personal value."""
    with pytest.raises(ingest.IngestError) as caught:
        _load(con, tmp_path, path, kind=kind, **options)
    message = str(caught.value)
    assert path.name in message or "orders_path" in message, message
    for word in words:
        assert word in message, message
    assert "Traceback" not in message
    for value in hf.PERSONAL_VALUES:
        assert value not in message, f"{value!r} leaked: {message}"
    return message


def _lines(report) -> dict:
    return report.files[0]["lines"]


def _source_lines(con) -> list[int]:
    return [r[0] for r in con.execute("select source_line from order_lines order by 1").fetchall()]


# ---------------------------------------------------------------- every line accounted for


def test_shopify_notes_over_several_lines_load_with_every_line_counted(con, tmp_path):
    path = _write(tmp_path, "orders_export_1.csv", hf.shopify_with_notes(40))
    report = _load(con, tmp_path, path, mapping="shopify")
    assert report.reconciles and report.rows_loaded == 40 and report.rows_quarantined == 0
    # 13 notes of three lines: 2 line breaks inside each
    assert _lines(report) == {"lines": 1 + 40 + 26, "header_lines": 1, "records": 40,
                              "lines_in_quoted_values": 26}
    assert "67 lines in the CSV file = 1 header + 40 rows" in report.summary()
    # every row keeps the line it starts on: order 4 starts on line 5 + the 2 lines of order 3's note
    lines_of = dict(con.execute("select order_id, source_line from order_lines").fetchall())
    assert (lines_of["#1003"], lines_of["#1004"], lines_of["#1040"]) == (4, 7, 41 + 24 + 2)


def test_the_same_notes_with_crlf_line_ends_load(con, tmp_path):
    path = _write(tmp_path, "orders_export_1.csv", hf.shopify_with_notes(9, newline="\r\n"))
    report = _load(con, tmp_path, path, mapping="shopify")
    assert report.reconciles and report.rows_loaded == 9
    assert _lines(report) == {"lines": 16, "header_lines": 1, "records": 9,
                              "lines_in_quoted_values": 6}


def test_a_stray_quote_that_swallows_the_rest_of_the_file_stops(con, tmp_path):
    # the issue's shape: `"POS` every 158 lines of an unquoted export made the parser read 100
    # records out of 15,805 lines, and the old reconciliation added up
    path = _write(tmp_path, "orders.csv", hf.csv_text(hf.order_lines(3_000, stray_every=158)))
    message = _stops(con, tmp_path, path, "orders.csv, line 159", "'channel' (column 6)",
                     "never closes a quote")
    assert "next 158 lines" in message


def test_a_stray_quote_within_a_few_lines_stops_too(con, tmp_path):
    # only 7 lines swallowed each time: under the 50-line bound, caught as a quote that never
    # closes in an export that otherwise does not quote
    path = _write(tmp_path, "orders.csv", hf.csv_text(hf.order_lines(2_000, stray_every=7)))
    _stops(con, tmp_path, path, "orders.csv, line 8", "'channel'")


def test_a_stray_quote_in_a_middle_field_stops_instead_of_setting_aside_one_huge_row(con, tmp_path):
    path = _write(tmp_path, "orders.csv",
                  hf.csv_text(hf.order_lines(3_000, stray_every=1_000, stray_field=4)))
    _stops(con, tmp_path, path, "orders.csv, line 1,001", "'status' (column 5)")


def test_a_long_quoted_value_in_an_export_that_quotes_stops_past_the_bound(con, tmp_path):
    limit = lines.MAX_RECORD_LINES
    rows = hf.order_lines(120)
    rows[10] = rows[10].replace(",POS", ',"note') + "\n".join([""] + ["more"] * limit) + '"'
    rows[20] = rows[20].replace(",POS", ',"quoted, properly"')
    path = _write(tmp_path, "orders.csv", hf.csv_text(rows))
    _stops(con, tmp_path, path, "orders.csv, line 12", "'channel'", f"more than {limit} lines")


def test_a_quoted_value_within_the_bound_loads_in_an_export_that_quotes(con, tmp_path):
    rows = hf.order_lines(30)
    rows[10] = rows[10].replace(",POS", ',"a note\nover\nthree lines"')
    rows[20] = rows[20].replace(",POS", ',"POS"')
    path = _write(tmp_path, "orders.csv", hf.csv_text(rows))
    report = _load(con, tmp_path, path)
    assert report.reconciles and report.rows_loaded == 30
    assert _lines(report)["lines_in_quoted_values"] == 2
    assert _source_lines(con)[10:13] == [12, 15, 16]


def test_a_quote_left_open_on_the_last_line_stops(con, tmp_path):
    rows = hf.order_lines(20)
    rows[-3] = rows[-3].replace(",POS", ',"POS')
    path = _write(tmp_path, "orders.csv", hf.csv_text(rows))
    _stops(con, tmp_path, path, "orders.csv, line 19")


def test_a_last_line_without_its_line_break_is_read_and_counted(con, tmp_path):
    path = _write(tmp_path, "orders.csv", hf.csv_text(hf.order_lines(5), last_newline=False))
    report = _load(con, tmp_path, path)
    assert report.rows_loaded == 5 and _lines(report)["lines"] == 6 and report.reconciles


def test_bom_crlf_and_blank_lines_are_counted_as_lines(con, tmp_path):
    rows = hf.order_lines(6)
    text = hf.csv_text(rows[:3] + ["", ""] + rows[3:] + [""], newline="\r\n")
    path = _write(tmp_path, "orders.csv", b"\xef\xbb\xbf" + text.encode())
    report = _load(con, tmp_path, path)
    assert report.rows_loaded == 6 and report.reasons == {"empty_row": 3}
    assert _lines(report) == {"lines": 10, "header_lines": 1, "records": 9,
                              "lines_in_quoted_values": 0}
    assert _source_lines(con) == [2, 3, 4, 7, 8, 9]


def test_old_mac_line_ends_are_lines_too(con, tmp_path):
    path = _write(tmp_path, "orders.csv", hf.csv_text(hf.order_lines(4), newline="\r"))
    report = _load(con, tmp_path, path)
    assert report.rows_loaded == 4 and _lines(report)["lines"] == 5 and report.reconciles


def test_a_row_set_aside_after_a_note_keeps_its_own_line(con, tmp_path):
    rows = hf.order_lines(6)
    rows[1] = rows[1].replace(",POS", ',"two\nlines"')
    rows[3] = "4,KH4"  # too few fields
    path = _write(tmp_path, "orders.csv", hf.csv_text(rows))
    report = _load(con, tmp_path, path)
    assert report.reasons == {"wrong_field_count": 1} and report.reconciles
    assert report.rows_read == 6 and _lines(report)["lines"] == 8
    assert _source_lines(con) == [2, 3, 5, 7, 8]
    quarantined = pq.read_table(next((tmp_path / "cache").rglob("quarantine/*.parquet")))
    assert quarantined.column("source_line").to_pylist() == [6]


def test_a_title_above_the_header_is_a_counted_line(con, tmp_path):
    text = "DANH SÁCH ĐƠN HÀNG\n" + hf.csv_text(hf.order_lines(3))
    report = _load(con, tmp_path, _write(tmp_path, "orders.csv", text))
    assert _lines(report) == {"lines": 5, "header_lines": 2, "records": 3,
                              "lines_in_quoted_values": 0}
    assert _source_lines(con) == [3, 4, 5]


# ---------------------------------------------------------------- workbooks that fail in words


WORKBOOKS = [
    ("truncated", lambda: hf.xlsx_bytes(hf.order_cells(50))[:700], "damaged or truncated"),
    ("html saved as xlsx", lambda: hf.HTML_AS_XLSX, "web page (HTML)"),
    ("external entity", lambda: hf.xlsx_bytes(hf.order_cells() + [("E2", "&secret;")],
                                              doctype=hf.XXE), "declares entities"),
    ("nested entities", lambda: hf.xlsx_bytes(hf.order_cells(), shared_doctype=hf.NESTED),
     "declares entities"),
    ("password-protected", lambda: hf.OLE_ENCRYPTED, "password-protected"),
    ("a csv named xlsx", lambda: hf.csv_text(hf.order_lines(2)).encode(),
     "does not begin as an .xlsx"),
    ("a zip that is no workbook", lambda: _zip_of({"readme.txt": "hello"}),
     "without xl/workbook.xml"),
]


def _zip_of(parts: dict) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize("case, make, words", WORKBOOKS, ids=[w[0] for w in WORKBOOKS])
@pytest.mark.parametrize("mapping", ["auto", "generic"])
def test_a_workbook_that_cannot_be_read_is_said_in_words(con, tmp_path, case, make, words,
                                                         mapping):
    path = _write(tmp_path, "orders.xlsx", make())
    _stops(con, tmp_path, path, "orders.xlsx: ", words, mapping=mapping)


FAR_CELLS = [("XFD1048576", "512.0 GB"), ("CV1048576", "3.1 GB")]


@pytest.mark.parametrize("corner, memory", FAR_CELLS)
def test_a_cell_far_outside_the_data_is_refused_before_memory_grows(con, tmp_path, corner,
                                                                     memory):
    path = _write(tmp_path, "orders.xlsx", hf.xlsx_bytes(hf.order_cells(3) + [(corner, " ")]))
    assert path.stat().st_size < 10_000
    # checked alone first: if the guard let it through, the reader would ask for the memory
    with pytest.raises(ingest.IngestError, match=f"reaches cell {corner}.*{re.escape(memory)}"):
        file_checks.check_workbook(path)
    for mapping in ("auto", "generic"):  # read_headers (mapping auto) is guarded as well
        _stops(con, tmp_path, path, f"reaches cell {corner}", "holds only 17 cells", mapping=mapping)


def test_a_declared_size_far_beyond_the_cells_is_refused(con, tmp_path):
    path = _write(tmp_path, "orders.xlsx",
                  hf.xlsx_bytes(hf.order_cells(3), dimension="A1:XFD1048576"))
    with pytest.raises(ingest.IngestError, match="declares its size as A1:XFD1048576"):
        file_checks.check_workbook(path)


def test_a_workbook_with_a_true_size_loads(con, tmp_path):
    path = _write(tmp_path, "orders.xlsx", hf.xlsx_bytes(hf.order_cells(3), dimension="A1:D4"))
    report = _load(con, tmp_path, path, mapping="generic")
    assert report.rows_loaded == 3 and report.reconciles


def test_the_sheet_check_reads_every_cell_reference():
    body = b'<row r="1"><c r="A1"/><c r="AB12" t="s"><v>1</v></c><c r="XFD1048576"/></row>'
    rows, columns = file_checks._cell_refs(body)
    assert rows.tolist() == [1, 12, 1048576] and columns.tolist() == [1, 28, 16384]


def test_a_link_to_nothing_in_a_folder_export_stops(con, tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    _write(folder, "2026-10.csv", hf.csv_text(hf.order_lines(3)))
    (folder / "2026-11.csv").symlink_to(tmp_path / "share-not-mounted" / "2026-11.csv")
    for path in (folder, folder / "*.csv"):
        message = _stops(con, tmp_path, path, "2026-11.csv", "not there")
        assert "2026-10.csv" not in message


# ---------------------------------------------------------------- timestamps with a zone


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


UTC_MICROS = pa.timestamp("us", tz="UTC")


def _parquet_orders(tmp_path, stamps, kind=UTC_MICROS) -> Path:
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table({
        "order_id": [f"O{i}" for i in range(len(stamps))],
        "customer_id": [f"KH{i}" for i in range(len(stamps))],
        "order_date": pa.array(stamps, kind),
        "amount": [100] * len(stamps)}), path)
    return path


def _dates(con) -> list[date]:
    return [r[0] for r in con.execute("select order_date from order_lines order by order_id")
            .fetchall()]


def test_a_parquet_timestamp_with_a_zone_is_dated_in_the_shops_zone(con, tmp_path):
    # 01:30 on 1 November in Vietnam is 18:30 UTC on 31 October
    path = _parquet_orders(tmp_path, [_utc(2026, 10, 31, 18, 30), _utc(2026, 10, 31, 16, 59)])
    _load(con, tmp_path, path, mapping="generic")
    assert _dates(con) == [date(2026, 11, 1), date(2026, 10, 31)]


def test_the_mapping_can_name_another_zone(con, tmp_path):
    path = _parquet_orders(tmp_path, [_utc(2026, 10, 31, 18, 30)])
    mapping = load_mapping("generic") | {"timezone": "Europe/London"}
    report = _load(con, tmp_path, path, mapping=mapping)
    assert _dates(con) == [date(2026, 10, 31)]
    assert any("Europe/London" in d for d in report.detected)


def test_a_zone_that_does_not_exist_is_a_plain_stop(tmp_path):
    with pytest.raises(ingest.IngestError, match="'Asia/Hanoi' is not a time zone name"):
        load_mapping(load_mapping("generic") | {"timezone": "Asia/Hanoi"})


def test_a_run_zone_and_a_mapping_zone_that_differ_stop(con, tmp_path):
    path = _parquet_orders(tmp_path, [_utc(2026, 10, 31, 18, 30)])
    mapping = load_mapping("generic") | {"timezone": "Asia/Bangkok"}
    with pytest.raises(ingest.IngestError, match="set the shop's time zone in one place"):
        _load(con, tmp_path, path, mapping=mapping, shop_tz="Asia/Tokyo")


def test_a_naive_parquet_timestamp_stays_as_written(con, tmp_path):
    path = _parquet_orders(tmp_path, [datetime(2026, 10, 31, 23, 30)], pa.timestamp("us"))
    _load(con, tmp_path, path, mapping="generic")
    assert _dates(con) == [date(2026, 10, 31)]


@pytest.mark.parametrize("written", ["2026-11-01T01:30:00+07:00", "2026-10-31T18:30:00Z",
                                     "2026-10-31 18:30:00+00:00", "2026-10-31 13:30:00 -0500"])
def test_text_with_an_offset_is_dated_the_same_way_in_csv_and_xlsx(con, tmp_path, written):
    csv_path = _write(tmp_path, "orders.csv", f"{hf.HEADER}\n1,KH1,{written},100,paid,POS\n")
    _load(con, tmp_path, csv_path)
    assert _dates(con) == [date(2026, 11, 1)]
    xlsx = hf.xlsx_bytes([("A1", "order_id"), ("B1", "customer_id"), ("C1", "order_date"),
                          ("D1", "amount"), ("A2", "1"), ("B2", "KH1"), ("C2", written),
                          ("D2", 100.0)])
    _load(con, tmp_path, _write(tmp_path, "orders.xlsx", xlsx), mapping="generic")
    assert _dates(con) == [date(2026, 11, 1)]


def test_customer_dates_with_a_zone_are_dated_in_the_shops_zone(con, tmp_path):
    path = tmp_path / "customers.parquet"
    pq.write_table(pa.table({"customer_id": ["KH1"],
                             "signup_date": pa.array([_utc(2026, 10, 31, 18, 30)],
                                                     pa.timestamp("ms", tz="UTC"))}), path)
    _load(con, tmp_path, path, kind="customers", mapping="generic")
    assert con.execute("select signup_date from customers").fetchall() == [(date(2026, 11, 1),)]


# ---------------------------------------------------------------- no customer in a message


def _customer_row(i: int = 1) -> str:
    p = hf.PERSON
    return f"KH{i:03d},{p['name']},{p['phone']},{p['email']},{p['province']}"


@pytest.mark.parametrize("mapping", ["auto", "generic", "shopify"])
def test_a_customers_file_without_its_header_shows_no_customer(con, tmp_path, mapping):
    path = _write(tmp_path, "customers.csv", "\n".join(_customer_row(i) for i in range(5)))
    message = _stops(con, tmp_path, path, "does not look like a header row", "5 fields",
                     "customer_id", kind="customers", mapping=mapping)
    assert "KH000" not in message


def test_an_orders_file_without_its_header_shows_no_buyer(con, tmp_path):
    p = hf.PERSON
    text = f"1,{p['phone']},2026-10-01,100000,{p['name']},{p['address']}\n" * 3
    _stops(con, tmp_path, _write(tmp_path, "orders.csv", text), "does not look like a header",
           "order_id")


def test_an_orders_header_that_reads_as_names_is_shown_to_help(con, tmp_path):
    path = _write(tmp_path, "orders.csv", "Mã HĐ,Khách,Tổng\nHD1,KH1,100\n")
    message = _stops(con, tmp_path, path, "no shipped mapping")
    assert "'Mã HĐ', 'Khách', 'Tổng'" in message


def test_birthdays_that_cannot_be_read_one_way_are_not_quoted(con, tmp_path):
    text = "customer_id,birthday\nKH1,25/03/1990\nKH2,03/25/1991\n"
    with pytest.raises(ingest.IngestError) as caught:
        _load(con, tmp_path, _write(tmp_path, "customers.csv", text), kind="customers",
              mapping="generic")
    message = str(caught.value)
    assert "birthdays" in message and "not shown" in message
    assert "25/03/1990" not in message and "03/25/1991" not in message


def test_a_customer_key_damaged_by_excel_is_not_quoted(con, tmp_path):
    text = f"{hf.HEADER}\n1,8.49123E+10,2026-10-01,100,paid,POS\n"
    message = _stops(con, tmp_path, _write(tmp_path, "orders.csv", text), "scientific notation",
                     "line 2")
    assert "8.49123E+10" not in message


def test_a_stray_quote_in_a_customers_file_names_line_and_column_only(con, tmp_path):
    rows = [_customer_row(i) for i in range(200)]
    rows[50] = rows[50].replace(hf.PERSON["province"], '"' + hf.PERSON["province"])
    text = "customer_id,name,phone,email,province\n" + "\n".join(rows) + "\n"
    _stops(con, tmp_path, _write(tmp_path, "customers.csv", text), "customers.csv, line 52",
           "'province' (column 5)", kind="customers", mapping="generic")


def test_a_damaged_parquet_file_is_said_in_words(con, tmp_path):
    whole = _parquet_orders(tmp_path, [_utc(2026, 10, 31, 18, 30)]).read_bytes()
    for name, data in (("cut.parquet", whole[: len(whole) // 2]),
                       ("html.parquet", hf.HTML_AS_XLSX)):
        _stops(con, tmp_path, _write(tmp_path, name, data), "not a readable Parquet file",
               mapping="generic")


def test_a_customers_header_no_mapping_knows_is_named_by_its_size_only(con, tmp_path):
    path = _write(tmp_path, "customers.csv", f"Họ tên,Tỉnh\n{hf.PERSON['name']},Huế\n")
    message = _stops(con, tmp_path, path, "2 fields, none of them a column a mapping knows",
                     kind="customers")
    assert "Họ tên" not in message


# ---------------------------------------------------------------- round three: red-team findings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_two_stray_quotes_ten_lines_apart_stop_naming_line_and_column(con, tmp_path, encoding):
    # `,"POS` ends line 501 and `,POS"` line 511 of an export that never quotes: the ten orders
    # between used to become one 642-character channel, with the reconciliation adding up
    path = tmp_path / "orders.csv"
    path.write_text(hf.two_stray_quotes(), encoding=encoding)
    message = _stops(con, tmp_path, path, "orders.csv, line 501", "'channel' (column 6)",
                     "next 10 lines", "stray", encoding=encoding)
    assert "holds a whole row" in message


def test_two_stray_quotes_on_neighbouring_lines_stop_too(con, tmp_path):
    path = _write(tmp_path, "orders.csv", hf.two_stray_quotes(first=501, last=502))
    _stops(con, tmp_path, path, "orders.csv, line 501", "'channel'", "next line into", "stray")


def test_a_multi_line_value_with_the_delimiter_in_a_file_that_quotes_nothing_else_stops(
        con, tmp_path):
    rows = hf.order_lines(600)
    rows[499] = rows[499].replace(",POS", ',"POS, counter 2\nback office"')
    path = _write(tmp_path, "orders.csv", hf.csv_text(rows))
    _stops(con, tmp_path, path, "orders.csv, line 501", "'channel'", "quotes no other value")


def test_a_utf16_export_has_its_lines_counted(con, tmp_path):
    path = tmp_path / "orders.csv"
    rows = hf.order_lines(6)
    rows[2] = rows[2].replace(",POS", ',"two\nlines"')
    path.write_text(hf.csv_text(rows), encoding="utf-16")
    report = _load(con, tmp_path, path, encoding="utf-16")
    assert report.rows_loaded == 6 and report.reconciles
    assert _lines(report) == {"lines": 8, "header_lines": 1, "records": 6,
                              "lines_in_quoted_values": 1}
    assert "8 lines in the CSV file" in report.summary()


def test_notes_with_commas_in_an_export_that_quotes_still_load(con, tmp_path):
    text = hf.shopify_with_notes(12).replace("delivery: after 5pm", "deliver after 5pm, ring twice")
    report = _load(con, tmp_path, _write(tmp_path, "orders_export_1.csv", text), mapping="shopify")
    assert report.reconciles and report.rows_loaded == 12


def test_a_stray_quote_inside_a_quoted_field_stops(con, tmp_path):
    rows = [["DH00044321", "KH0010194", "2024-01-02 10:00:00", "150000", "completed", "website"],
            ["DH00044323", 'KH00"10195', "2024-01-02 12:39:06", "163000", 'cance"lled', "website"]]
    path = _write(tmp_path, "orders.csv", hf.quoted_orders(rows))
    message = _stops(con, tmp_path, path, "orders.csv, line 3", "'customer_id' (column 2)",
                     "neither ends it nor is doubled")
    assert "KH00" not in message


def test_a_quote_inside_an_unquoted_field_of_a_quoting_export_is_text(con, tmp_path):
    text = hf.quoted_orders([["1", "KH1", "2024-01-02", "150000", "completed", "web"]])
    text += '2,KH2,2024-01-03,5000,completed,TV 55" shop\n'
    report = _load(con, tmp_path, _write(tmp_path, "orders.csv", text))
    assert report.rows_loaded == 2 and report.reconciles
    channels = {r[0] for r in con.execute("select channel from order_lines").fetchall()}
    assert 'TV 55" shop' in channels


@pytest.mark.parametrize("newline", ["", "\n"])
def test_a_header_only_csv_loads_zero_rows_with_or_without_its_last_line_break(con, tmp_path,
                                                                             newline):
    path = _write(tmp_path, "orders.csv", hf.HEADER + newline)
    report = _load(con, tmp_path, path)
    assert report.rows_read == 0 and report.rows_loaded == 0 and report.reconciles
    assert _lines(report)["lines"] == 1


@pytest.mark.parametrize("kind", [pa.timestamp("ns"), pa.timestamp("ms"), pa.timestamp("s"),
                                  pa.date64()])
def test_naive_parquet_timestamps_of_every_unit_load_as_written(con, tmp_path, kind):
    # what pandas' to_parquet writes (ns, no zone): the shop's own time, every row loaded
    stamps = [datetime(2026, 11, 1, 1, 30), datetime(2026, 10, 31, 23, 59, 59)]
    if pa.types.is_date64(kind):
        stamps = [s.date() for s in stamps]
    report = _load(con, tmp_path, _parquet_orders(tmp_path, stamps, kind), mapping="generic")
    assert report.rows_loaded == 2 and report.rows_quarantined == 0
    assert _dates(con) == [date(2026, 11, 1), date(2026, 10, 31)]


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(con, tmp_path):
    path = tmp_path / "orders.xlsx"
    hf.write_xlsx_bomb(path, inflated_mb=210)
    assert path.stat().st_size < 2 * 2**20
    _stops(con, tmp_path, path, "xl/worksheets/sheet1.xml", "unpacks from", mapping="generic")


def test_one_header_cell_at_xfd1_over_200_rows_is_refused(con, tmp_path):
    # 201 rows by 16,384 columns: 3.3 million cells, under the old 5 million bound, for 805
    path = _write(tmp_path, "orders.xlsx", hf.xlsx_bytes(hf.order_cells(200) + [("XFD1", "x")]))
    assert path.stat().st_size < 20_000
    _stops(con, tmp_path, path, "reaches cell XFD201", "holds only 805 cells", mapping="generic")


def test_a_wide_real_export_over_a_million_cells_is_read(tmp_path):
    # 12,000 rows by 100 columns (1.2 million cells), a tenth of them filled: a sparse but real
    # export, within 20 times its cells
    cells = [(f"{file_checks.column_letters(c)}1", f"col{c}") for c in range(1, 101)]
    cells += [(f"{file_checks.column_letters(c)}{r}", 1.0) for r in range(2, 12_001)
              for c in range(1, 11)]
    file_checks.check_workbook(_write(tmp_path, "wide.xlsx", hf.xlsx_bytes(cells)))  # no error


CUSTOMER_LINES = ["Đỗ Văn Khánh;Hà Nội;Số 5 ngõ 12 Láng Hạ\n",
                  f"{hf.PERSON['name']};{hf.PERSON['province']};{hf.PERSON['address']}\n"]


@pytest.mark.parametrize("text", CUSTOMER_LINES)
def test_an_orders_file_that_starts_with_a_customer_does_not_show_it(con, tmp_path, text):
    path = _write(tmp_path, "x.csv", text)
    message = _stops(con, tmp_path, path, "no shipped mapping", "3 fields", "not shown")
    for cell in text.strip().split(";"):
        assert cell not in message, message


def test_the_check_command_does_not_show_a_customer_first_line(tmp_path):
    import subprocess
    import sys

    path = _write(tmp_path, "x.csv", CUSTOMER_LINES[0])
    done = subprocess.run([sys.executable, "-m", "helpers.ingest", "check", str(path)],
                          capture_output=True, text=True, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode != 0 and "3 fields" in said and "Traceback" not in said
    assert "Khánh" not in said and "Láng" not in said


@pytest.mark.parametrize("first", [[], [("A1", "Xem dữ liệu ở trang sau")]])
@pytest.mark.parametrize("mapping", ["auto", "generic"])
def test_a_workbook_whose_first_sheet_is_empty_names_the_sheet_with_the_data(con, tmp_path,
                                                                             first, mapping):
    book = hf.xlsx_sheets([("Ghi chú", first), ("Đơn hàng & trả", hf.order_cells(3)),
                           ("Empty", [])])
    path = _write(tmp_path, "orders.xlsx", book)
    message = _stops(con, tmp_path, path, "first sheet ('Ghi chú')", "'Đơn hàng & trả'",
                     "move the sheet with the data to the front", mapping=mapping)
    assert "0 fields" not in message and "'Empty'" not in message


def test_a_workbook_of_one_empty_sheet_says_so(con, tmp_path):
    path = _write(tmp_path, "orders.xlsx", hf.xlsx_sheets([("Sheet1", [])]))
    _stops(con, tmp_path, path, "first sheet ('Sheet1') is empty", mapping="generic")


def test_a_workbook_with_its_data_on_the_first_of_two_sheets_loads(con, tmp_path):
    book = hf.xlsx_sheets([("Orders", hf.order_cells(3)), ("Notes", [("A1", "x"), ("B1", "y")])])
    report = _load(con, tmp_path, _write(tmp_path, "orders.xlsx", book), mapping="generic")
    assert report.rows_loaded == 3


@pytest.mark.parametrize("mapping", ["auto", "generic"])
def test_an_old_xls_named_xlsx_is_not_called_password_protected(con, tmp_path, mapping):
    path = _write(tmp_path, "orders.xlsx", hf.OLE_XLS)
    message = _stops(con, tmp_path, path, "old binary Excel workbook (.xls",
                     "save it as .xlsx", mapping=mapping)
    assert "password" not in message


def test_an_encrypted_workbook_is_told_by_its_encryption_info_stream(tmp_path):
    only_info = hf.OLE_ENCRYPTED.replace("EncryptedPackage".encode("utf-16-le"), bytes(32))
    for data in (hf.OLE_ENCRYPTED, only_info):
        with pytest.raises(ingest.IngestError, match="password-protected"):
            file_checks.check_workbook(_write(tmp_path, "orders.xlsx", data))
