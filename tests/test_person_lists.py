"""The lists a person opens (issue 33 item 6), on a hand-made shop where every cell is known.

- Beside each list's CSV (the data file, unchanged), an XLSX with the same stem: headers in the
  run's language, segments and tiers by their labels, consent as Có/Không (Yes/No), money as
  numbers Excel sums shown as #,##0 ₫, dates as dates, columns as wide as their content (up to
  a limit), the header row frozen, text never a formula.
- A channel's send list carries the key, the name, that channel's contact and its consent
  evidence, never another channel's contact.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from helpers.kit import export, person_lists, xlsx
from helpers.pages.campaigns import files as campaigns_files
from helpers.pages.cohorts import files as cohorts_files
from helpers.pages.migration import files as migration_files
from helpers.pages.tiers import compute as loyalty
from helpers.pages.tiers import files as tiers_files
from helpers.pages.value import files as value_files

AS_OF = date(2026, 3, 31)
LONG_NAME = "Nguyễn Thị Thu Hương Một Cái Tên Rất Dài Để Xem Cột Có Đủ Rộng Không Nhé"
LONG_EMAIL = "chau.nguyen.dia.chi.dai@congty.example.vn"

CUSTOMERS = [
    {"customer_id": "a", "name": "An", "phone": "0987 654 321", "email": "an@x.vn",
     "consent_sms": "1", "consent_zalo": "1", "consent_email": "1",
     "consent_sms_date": "2026-03-01", "consent_source": "POS form"},
    # a name a spreadsheet would run as a formula
    {"customer_id": "b", "name": "=1+2", "phone": "0912 000 111", "email": "b@x.vn",
     "consent_sms": "1", "consent_email": "0"},
    {"customer_id": "c", "name": LONG_NAME, "phone": "0912 000 222", "email": LONG_EMAIL,
     "consent_email": "1"},
]
LABELS = {"vi": {"champions": "Khách hàng tốt nhất", "loyal": "Khách hàng trung thành",
                 "at_risk": "Có nguy cơ rời bỏ", "lost": "Đã mất", "hibernating": "Ngủ đông"},
          "en": {"champions": "Champions", "loyal": "Loyal customers", "at_risk": "At risk",
                 "lost": "Lost", "hibernating": "Hibernating"}}
# who moved where, and what they spent before: the win-back list worked from the top
MOVES = [("a", "loyal", "at_risk", "2964000.00"), ("b", "champions", "lost", "1500000.50"),
         ("c", "loyal", "hibernating", "100000.00")]


@pytest.fixture
def shop(con, given_customers):
    given_customers(CUSTOMERS)
    return con


def scheme(con, lang):
    """scheme_segments as the run registers it (rfm.register_scheme): labels in `lang`."""
    rows = list(LABELS[lang].items())
    con.execute("create or replace table scheme_segments as select * from (values "
                + ", ".join("(?, ?)" for _ in rows) + ") t(segment, segment_label)",
                [v for row in rows for v in row])


def migration_month(con, folder, lang):
    scheme(con, lang if lang in LABELS else "vi")
    con.execute("create or replace table moves(customer_id varchar, from_segment varchar, "
                "to_segment varchar, monetary_from decimal(18, 2))")
    con.executemany("insert into moves values (?, ?, ?, ?)", MOVES)
    con.execute("""
        create or replace table win_back_movers as
        select customers.customer_id, customers.name, customers.phone, customers.email,
               customers.consent_sms, customers.consent_zalo, customers.consent_email,
               moves.from_segment, moves.to_segment, 3 as r_score_from, 4 as f_score_from,
               5 as m_score_from, 2 as r_score_to, 4 as f_score_to, 4 as m_score_to,
               333 as recency_days_from, 363 as recency_days_to, 4 as frequency_from,
               4 as frequency_to, moves.monetary_from, moves.monetary_from as monetary_to,
               'win_back' as list_name
        from moves join customers using (customer_id)""")
    con.execute("create or replace table segment_migration as select 'loyal' as from_segment, "
                "'at_risk' as to_segment, 2 as customers, 0.5 as share_of_from, 1 as from_rank, "
                "2 as to_rank")
    trend = pd.DataFrame({"month_end": [AS_OF], "segment": ["loyal"], "customers": [2],
                          "share": [1.0]})
    return migration_files.write_migration_outputs(
        con, output_dir=folder, movers={"win_back": "win_back_movers"}, trend=trend,
        headline={"up": 0}, as_of=AS_OF, lang=lang, list_labels={"win_back": "Khách cần giành lại"})


def rows_of(sheet):
    return list(sheet.iter_rows(values_only=True))


def widths(sheet) -> dict[str, float]:
    return {letter: dim.width for letter, dim in sheet.column_dimensions.items()}


# ---------------------------------------------------------------- the movers list

def test_the_win_back_list_for_a_person_speaks_vietnamese(shop, tmp_path):
    migration_month(shop, tmp_path, "vi")
    book = openpyxl.load_workbook(tmp_path / "movers" / "win_back.xlsx")
    assert book.sheetnames == ["Khách cần giành lại"]
    sheet = book.worksheets[0]
    rows = rows_of(sheet)
    assert rows[0] == ("Mã khách hàng", "Họ tên", "Điện thoại", "Email", "Đồng ý nhận SMS",
                       "Đồng ý nhận Zalo", "Đồng ý nhận email", "Chuyển nhóm",
                       "Số ngày từ lần mua cuối", "Số lần mua", "Tổng chi tiêu (trước)",
                       "Tổng chi tiêu (hiện tại)", "Ngày đồng ý SMS", "Nơi ghi nhận đồng ý")
    # the most valuable first, labels instead of keys, consent in words
    assert [r[0] for r in rows[1:]] == ["a", "b", "c"]
    assert rows[1][7] == "Khách hàng trung thành → Có nguy cơ rời bỏ"
    assert rows[2][7] == "Khách hàng tốt nhất → Đã mất"
    assert rows[1][4:7] == ("Có", "Có", "Có") and rows[2][4:7] == ("Có", "Không", "Không")
    # the consent evidence a list holds, as a date (dd/mm/yyyy in Vietnamese)
    assert rows[1][12] == datetime(2026, 3, 1) and rows[1][13] == "POS form"
    assert sheet.cell(2, 13).number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N4"
    # the sheet says its size: a reader that streams it (openpyxl read-only) knows it
    streamed = openpyxl.load_workbook(tmp_path / "movers" / "win_back.xlsx", read_only=True)
    assert (streamed.worksheets[0].max_row, streamed.worksheets[0].max_column) == (4, 14)


def test_money_is_a_number_excel_sums_with_a_number_format(shop, tmp_path):
    migration_month(shop, tmp_path, "vi")
    sheet = openpyxl.load_workbook(tmp_path / "movers" / "win_back.xlsx").worksheets[0]
    cells = [sheet.cell(r, 11) for r in range(2, 5)]
    assert all(c.data_type == "n" for c in cells)
    assert all(c.number_format == '#,##0\\ "₫"' for c in cells)
    assert sum(Decimal(str(c.value)) for c in cells) == Decimal("4564000.50")
    # counts stay plain numbers
    assert sheet.cell(2, 9).value == 363 and sheet.cell(2, 9).number_format == "General"


def test_the_same_list_in_english(shop, tmp_path):
    migration_month(shop, tmp_path, "en")
    rows = rows_of(openpyxl.load_workbook(tmp_path / "movers" / "win_back.xlsx").worksheets[0])
    assert rows[0][:8] == ("Customer ID", "Name", "Phone", "E-mail", "SMS consent",
                           "Zalo consent", "E-mail consent", "Moved")
    assert rows[1][7] == "Loyal customers → At risk" and rows[2][4:7] == ("Yes", "No", "No")
    sheet = openpyxl.load_workbook(tmp_path / "movers" / "win_back.xlsx").worksheets[0]
    assert sheet.cell(2, 13).number_format == "yyyy-mm-dd"


def test_the_data_file_keeps_its_name_columns_and_keys(shop, tmp_path):
    migration_month(shop, tmp_path, "vi")
    frame = pd.read_csv(tmp_path / "movers" / "win_back.csv", dtype=str, encoding="utf-8-sig",
                        keep_default_na=False)
    assert list(frame.columns) == (migration_files.MOVERS_COLUMNS
                                   + export.CONSENT_EVIDENCE_COLUMNS)
    assert frame.from_segment.tolist() == ["loyal", "champions", "loyal"]
    assert frame.consent_zalo.tolist() == ["true", "false", "false"]
    # the CSV guards a formula with a quote; the workbook keeps the text as written, as text
    assert frame.name.tolist()[1] == "'=1+2"


def test_text_is_never_a_formula_in_the_workbook(shop, tmp_path):
    migration_month(shop, tmp_path, "vi")
    path = tmp_path / "movers" / "win_back.xlsx"
    sheet = openpyxl.load_workbook(path).worksheets[0]
    cell = sheet["B3"]
    assert cell.value == "=1+2" and cell.data_type == "s"
    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and '<c r="B3" t="inlineStr"><is><t>=1+2</t>' in xml


def test_columns_are_as_wide_as_their_content_up_to_a_limit(shop, tmp_path):
    migration_month(shop, tmp_path, "vi")
    sheet = openpyxl.load_workbook(tmp_path / "movers" / "win_back.xlsx").worksheets[0]
    got = widths(sheet)
    assert len(LONG_NAME) + 2 > xlsx.MAX_WIDTH and got["B"] == xlsx.MAX_WIDTH  # capped
    assert got["D"] == len(LONG_EMAIL) + 2  # the longest e-mail fits
    assert got["A"] == len("Mã khách hàng") + 3  # the header, with room for the filter
    # a move's labels and 2,964,000 ₫ fit
    assert got["H"] >= len("Khách hàng trung thành → Có nguy cơ rời bỏ") + 2
    assert got["K"] >= len("2.964.000 ₫")


# ---------------------------------------------------------------- channel send lists

def test_a_channel_list_carries_only_that_channels_contact(shop, tmp_path):
    migration_month(shop, tmp_path, "vi")
    read = lambda channel: pd.read_csv(tmp_path / "movers" / channel / "win_back.csv",  # noqa
                                       dtype=str, encoding="utf-8-sig", keep_default_na=False)
    sms, zalo, email = read("sms"), read("zalo"), read("email")
    assert list(sms.columns) == ["customer_id", "name", "phone", "consent_sms",
                                 "consent_sms_date", "consent_source"]
    assert list(zalo.columns) == ["customer_id", "name", "phone", "consent_zalo",
                                  "consent_zalo_date", "consent_source"]
    assert list(email.columns) == ["customer_id", "name", "email", "consent_email",
                                   "consent_email_date", "consent_source"]
    assert sms.customer_id.tolist() == ["a", "b"] and sms.phone.tolist()[0] == "+84987654321"
    assert email.customer_id.tolist() == ["a", "c"]
    assert "an@x.vn" not in sms.to_string() and "+84987654321" not in email.to_string()
    # the manifests still count the same rows
    manifest = (tmp_path / "movers" / "sms" / "win_back.manifest.json").read_text()
    assert '"rows": 2' in manifest and '"reconciles": true' in manifest


def test_the_campaign_send_lists_keep_their_columns_and_the_persons_carry_one_contact(
        shop, tmp_path):
    scheme(shop, "vi")
    shop.execute("""create or replace table holdout_split as
        select customer_id, name, phone, email, consent_sms, consent_zalo, consent_email,
               'at_risk' as segment, 'Tin nhắn cá nhân hóa' as suggested_action,
               customer_id = 'c' as is_holdout
        from customers""")
    out = campaigns_files.write_campaign_list(shop, folder=tmp_path / "next", as_of=AS_OF,
                                              lang="vi")
    assert out["send"] == {"sms": 2, "zalo": 1, "email": 1}
    csv = pd.read_csv(tmp_path / "next" / "send_sms.csv", dtype=str, encoding="utf-8-sig")
    assert list(csv.columns) == campaigns_files.SEND_LIST_COLUMNS  # agreed with the tools
    for channel, contact, ids in (("sms", "Điện thoại", ["a", "b"]), ("zalo", "Điện thoại", ["a"]),
                                  ("email", "Email", ["a"])):
        path = tmp_path / "next" / f"send_{channel}.xlsx"
        assert path in out["files"]
        rows = rows_of(openpyxl.load_workbook(path).worksheets[0])
        assert rows[0][:5] == ("Mã khách hàng", "Họ tên", contact, "Nhóm khách",
                               "Gợi ý chăm sóc")
        assert [r[0] for r in rows[1:]] == ids
        assert {r[3] for r in rows[1:]} == {"Có nguy cơ rời bỏ"}
        text = repr(rows)
        assert ("an@x.vn" in text) == (channel == "email")
        assert ("+84987654321" in text) == (channel != "email")
    assert openpyxl.load_workbook(tmp_path / "next" / "send_zalo.xlsx").sheetnames == ["Gửi Zalo"]


# ---------------------------------------------------------------- tiers and repurchase

def test_a_tier_list_shows_tiers_and_changes_in_words(con, given_orders, given_customers,
                                                      tmp_path):
    given_customers(CUSTOMERS)
    # a: 2.5M bought 2025-04-15, inside the year to 31 March 2026, outside the year to 30 April:
    # silver at the end of March... seen from 2026-04-30, a downgrade
    given_orders([{"order_id": "1", "customer_id": "a", "order_date": "2025-04-15",
                   "amount": "2500000"},
                  # b: silver at the end of March, gold now
                  {"order_id": "2", "customer_id": "b", "order_date": "2026-03-10",
                   "amount": "2100000"},
                  {"order_id": "3", "customer_id": "b", "order_date": "2026-04-10",
                   "amount": "3000000"}])
    as_of = date(2026, 4, 30)
    config = loyalty.load_loyalty()
    loyalty.build_loyalty_members(con, as_of=as_of, config=config, excluded_statuses=[])
    loyalty.build_tier_lists(con, as_of=as_of, config=config)
    out = {}
    for lang in ("vi", "en"):
        out[lang] = tiers_files.write_loyalty_outputs(con, output_dir=tmp_path / lang,
                                                      lists=loyalty.LISTS, as_of=as_of,
                                                      lang=lang)
    book = openpyxl.load_workbook(tmp_path / "vi" / "tiers" / "downgraded.xlsx")
    assert book.sheetnames == ["Vừa xuống hạng"]  # the list's name on pages 00 and 04
    rows = rows_of(book.worksheets[0])
    head = dict(zip(rows[0], rows[1]))
    assert head["Mã khách hàng"] == "a" and head["Thay đổi hạng"] == "Xuống hạng"
    assert (head["Hạng"], head["Hạng tháng trước"], head["Hạng kế tiếp"]) == (
        "Thành viên", "Bạc", "Bạc")
    assert head["Còn thiếu để lên hạng"] == 2_000_000
    sheet = book.worksheets[0]
    formats = {c.value: sheet.cell(2, c.column).number_format for c in sheet[1]}
    assert formats["Còn thiếu để lên hạng"] == '#,##0\\ "₫"' and formats["Điểm"] == "#,##0"
    en = rows_of(openpyxl.load_workbook(tmp_path / "en" / "tiers" / "downgraded.xlsx").worksheets[0])
    head = dict(zip(en[0], en[1]))
    assert (head["Tier change"], head["Tier"], head["Tier last month end"]) == (
        "Down", "Member", "Silver")
    up = rows_of(openpyxl.load_workbook(tmp_path / "en" / "tiers" / "upgraded.xlsx").worksheets[0])
    assert dict(zip(up[0], up[1]))["Tier"] == "Gold"
    # the data file keeps the keys
    csv = pd.read_csv(tmp_path / "vi" / "tiers" / "downgraded.csv", dtype=str,
                      encoding="utf-8-sig")
    assert csv.tier_change.tolist() == ["down"] and csv.tier.tolist() == ["member"]
    assert tmp_path / "vi" / "tiers" / "downgraded.xlsx" in out["vi"]["files"]


def test_a_repurchase_window_shows_its_span_and_buyer_type_in_words(shop, tmp_path):
    shop.execute("create or replace table cohort_revenue(cohort varchar, period int, "
                 "customers int, purchases int, revenue decimal(18, 2), cohort_size int, "
                 "retention double, cohort_start date)")
    shop.execute("create or replace table second_purchase_gap(gap_days int, customers int)")
    shop.execute("""create or replace table repurchase_windows as
        select customers.customer_id, name, phone, email, consent_sms, consent_zalo,
               consent_email, '1-7d' as window_key,
               case when customer_id = 'a' then 'repeat' else 'one_time' end as buyer_type,
               3 as days_since_purchase, date '2026-03-28' as last_purchase_date,
               1 as purchases, 591000.00::decimal(18, 2) as monetary
        from customers""")
    for lang in ("vi", "en"):
        cohorts_files.write_cohort_outputs(shop, output_dir=tmp_path / lang, window_keys=["1-7d"],
                                           as_of=AS_OF, lang=lang)
    book = openpyxl.load_workbook(tmp_path / "vi" / "repurchase" / "window=1-7d.xlsx")
    assert book.sheetnames == ["Mua 1–7 ngày trước"]
    rows = rows_of(book.worksheets[0])
    head = dict(zip(rows[0], rows[1]))
    assert head["Mua lần cuối cách đây"] == "1–7 ngày" and head["Loại khách"] == "Khách mua lại"
    assert head["Ngày mua cuối"] == datetime(2026, 3, 28)
    en = rows_of(openpyxl.load_workbook(tmp_path / "en" / "repurchase" / "window=1-7d.xlsx")
                 .worksheets[0])
    assert dict(zip(en[0], en[2]))["Buyer type"] == "First-time buyer"
    assert dict(zip(en[0], en[1]))["Last bought"] == "1–7 days"


# ---------------------------------------------------------------- limits and bad input

def test_a_list_too_long_for_a_person_stays_csv_only(shop, tmp_path, monkeypatch):
    monkeypatch.setattr(person_lists, "PERSON_MAX_ROWS", 2)
    out = migration_month(shop, tmp_path, "vi")
    assert (tmp_path / "movers" / "win_back.csv").exists()
    assert not (tmp_path / "movers" / "win_back.xlsx").exists()
    assert not [p for p in out["files"] if str(p).endswith(".xlsx")]


def test_a_language_the_lists_are_not_written_in_is_refused(shop, tmp_path):
    with pytest.raises(ValueError, match="lang = 'fr'.*vi or en"):
        migration_month(shop, tmp_path, "fr")


# ---------------------------------------------------------------- the fading best customers

def test_the_fading_list_shows_the_chance_as_a_percent_and_a_double_as_money(shop, tmp_path):
    """The call page 06 makes (pages/value/files.py): a model's DOUBLE revenue is money too."""
    scheme(shop, "vi")
    shop.execute("""create or replace table fading as
        select customer_id, name, phone, email, consent_sms, consent_zalo, consent_email,
               'champions' as segment, 0.125 as p_alive, 1234567.8::double as expected_revenue,
               'fading_champions' as fading_key
        from customers where customer_id = 'a'""")
    export.build_contact_lists(shop, "fading", "fading_key")
    person = person_lists.PersonList(
        columns=value_files.FADING_COLUMNS + person_lists.EVIDENCE, lang="vi",
        segments=person_lists.segment_labels(shop),
        sheets={"fading_champions": "Khách tốt nhất đang nhạt dần"})
    export.write_contact_lists(shop, tmp_path / "value", file_name="{key}.csv",
                               keys=["fading_champions"], columns=value_files.FADING_COLUMNS,
                               order_by="expected_revenue", as_of=AS_OF, person=person)
    sheet = openpyxl.load_workbook(tmp_path / "value" / "fading_champions.xlsx").worksheets[0]
    head = {c.value: sheet.cell(2, c.column) for c in sheet[1]}
    assert head["Nhóm khách"].value == "Khách hàng tốt nhất"
    assert head["Khả năng còn mua"].value == 0.125
    assert head["Khả năng còn mua"].number_format == "0%"
    assert head["Doanh thu dự kiến"].value == 1234567.8
    assert head["Doanh thu dự kiến"].number_format == '#,##0\\ "₫"'


def test_a_number_excel_cannot_read_is_left_empty(con, tmp_path):
    """A model's NaN or infinity would be <v>nan</v>: a file Excel refuses to open."""
    con.execute("create table t as select * from (values ('a', 'nan'::double, 'inf'::double), "
                "('b', 0.5, 2e6)) t(customer_id, p_alive, expected_revenue)")
    path, _ = xlsx.write_xlsx(con, {"t": ("select * from t", {})}, tmp_path / "t.xlsx",
                              as_of=AS_OF, formats={"p_alive": "percent",
                                                    "expected_revenue": "money"})
    rows = rows_of(openpyxl.load_workbook(path).worksheets[0])
    assert rows[1:] == [("a", None, None), ("b", 0.5, 2_000_000)]
    with pytest.raises(ValueError, match="unknown column format"):
        xlsx.write_xlsx(con, {"t": ("select * from t", {})}, tmp_path / "u.xlsx", as_of=AS_OF,
                        formats={"p_alive": "percentage"})
    with pytest.raises(ValueError, match="invalid ordering"):
        xlsx.write_xlsx(con, {"t": ("select * from t", {})}, tmp_path / "u.xlsx", as_of=AS_OF,
                        order_by="customer_id; drop table t")
