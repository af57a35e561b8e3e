"""Exports as shops bring them (issue 31): walk-in codes, keys that are many people, overlapping
files whose statuses changed, the decimal mark per column, ids Excel destroyed, phone keys, and a
seeded property test of reading. Each shape loads right or stops naming the setting."""

from __future__ import annotations

import csv
import os
import random
from datetime import date, timedelta
from pathlib import Path

import phonenumbers
import pytest

from helpers import ingest
from helpers.core.errors import IngestError
from helpers.core.params import RunParams
from helpers.ingest import guests, phones
from helpers.ingest.overlap import original_name

KV = ["Mã hóa đơn", "Mã khách hàng", "Thời gian", "Khách cần trả", "Trạng thái", "Mã hàng"]


def write(folder: Path, name: str, header: list[str], rows: list[list], delimiter=",") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def kv_invoice(i: int, customer: str, status: str = "Hoàn thành", items=("A", "B"),
               total: str = "300000", day: int | None = None) -> list[list]:
    d = day if day is not None else 1 + i % 28
    return [[f"HD{i:05d}", customer, f"{d:02d}/11/2026 10:{i % 60:02d}", total, status, item]
            for item in items]


def totals(con) -> dict:
    return {r[0]: (r[1], r[2]) for r in con.execute(
        "select customer_id, count(distinct order_id), sum(amount) from order_lines "
        "where coalesce(status, 'completed') = 'completed' group by all").fetchall()}


# ---------------------------------------------------------------- walk-in codes


@pytest.mark.parametrize("code", ["Khách lẻ", "KHÁCH LẺ", "khach le", "Khách  lẻ ",
                                  "Khách vãng lai", "Guest", "N/A", "-", "0", "0000000000",
                                  "+84 000 000 000"])
def test_walk_in_codes_are_guest_sales_not_a_champion(tmp_path, stage, con, code):
    rows = []
    for i in range(120):
        rows += kv_invoice(i, code if i % 2 == 0 else f"KH{i % 7:03d}")
    # the NFD spelling of the same code is the same code
    rows += kv_invoice(999, __import__("unicodedata").normalize("NFD", code))
    path = write(tmp_path / "in", "DanhSachChiTietHoaDon.csv", KV, rows)
    report = stage("orders", path, mapping="kiotviet", use_cache=False)
    assert report.guest_rows == 2 * 61
    customers = totals(con)
    assert code not in customers and len(customers) == 7
    assert sum(n for n, _ in customers.values()) == 60
    assert any("walk-in code" in d for d in report.detected)


def test_fold_is_the_sql_rule(con):
    texts = ["Khách Lẻ", "khách  lẻ", "KHÁCH VÃNG LAI", "Đ", "N/A", " Walk-In ", "Ỷ Ạ",
             "Khách lẻ\t", "\tKhách lẻ\n", "Khách\u00a0lẻ", "\ufeffKhách lẻ", "Khách lẻ\u200b",
             "Khách\u2009lẻ", "Müller", "Ｇｕｅｓｔ", "Khách\r\nlẻ"]
    ingest.staging.ensure_macros(con)
    for text in texts + [__import__("unicodedata").normalize("NFD", t) for t in texts]:
        assert con.execute("select folded_text(?)", [text]).fetchall()[0][0] == guests.fold(text)


def test_a_key_that_looks_like_many_people_stops_naming_both_settings(tmp_path, stage, con):
    rows = []
    for i in range(300):
        rows += kv_invoice(i, "KH_LE" if i % 3 else f"KH{i % 40:03d}")
    path = write(tmp_path / "in", "hd.csv", KV, rows)
    with pytest.raises(IngestError) as err:
        stage("orders", path, mapping="kiotviet", use_cache=False)
    message = str(err.value)
    assert "'KH_LE': 200 orders" in message and "guest_keys" in message
    assert "heavy_buyers" in message and "in one day" in message
    # the shop says which it is
    report = stage("orders", path, mapping="kiotviet", use_cache=False, guest_keys=["KH_LE"])
    assert report.guest_rows == 400 and "KH_LE" not in totals(con)
    report = stage("orders", path, mapping="kiotviet", use_cache=False, heavy_buyers=["KH_LE"])
    assert totals(con)["KH_LE"][0] == 200
    assert any("kept as one buyer" in d for d in report.detected)


def test_a_phone_key_is_masked_in_the_stop(tmp_path, stage):
    rows = [[f"O{i}", "0912345678" if i % 2 else f"C{i % 30}", "2026-11-02", "10"]
            for i in range(400)]
    path = write(tmp_path / "in", "o.csv", ["order_id", "customer_id", "order_date", "amount"],
                 rows)
    with pytest.raises(IngestError) as err:
        stage("orders", path, use_cache=False)
    assert "0912345678" not in str(err.value) and "09******78" in str(err.value)


def test_run_parameters_reach_the_load(tmp_path):
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date,amount\n")
    run = RunParams.from_values(as_of="2026-11-30", orders_path=str(tmp_path),
                                guest_keys=["KH000"], heavy_buyers="SI01", customer_key="phone",
                                phone_region="vn", decimal_mark={"Đơn giá": ","})
    options = run.input_options()
    assert options["guest_keys"] == ["KH000"] and options["heavy_buyers"] == ["SI01"]
    assert options["customer_key"] == "phone" and options["phone_region"] == "VN"
    assert options["decimal_mark"] == {"Đơn giá": ","}
    from helpers.core.errors import ParamError

    for bad in ({"customer_key": "email"}, {"phone_region": "Vietnam"},
                {"decimal_mark": {"Đơn giá": ";"}}, {"guest_keys": [{"a": 1}]}):
        with pytest.raises(ParamError):
            RunParams.from_values(as_of="2026-11-30", orders_path=str(tmp_path), **bad)


# ---------------------------------------------------------------- overlapping files


def test_the_later_export_wins_and_the_summary_says_so(tmp_path, stage, con):
    early = [r for i in range(10) for r in kv_invoice(i, f"KH{i}", day=1 + i)]
    late = [r for i in range(5, 15) for r in kv_invoice(
        i, f"KH{i}", "Đã hủy" if i == 6 else "Hoàn thành", day=1 + i)]
    folder = tmp_path / "in"
    # the later export sorts first by name: the time in the name decides, not the order
    write(folder, "DanhSachChiTietHoaDon_KV01122026-080000-001.csv", KV, late)
    write(folder, "DanhSachChiTietHoaDon_KV16112026-080000-001.csv", KV, early)
    report = stage("orders", folder, mapping="kiotviet", use_cache=False)
    assert report.reasons == {"replaced_by_later_export": 10}
    assert report.rows_read == report.rows_loaded + report.rows_quarantined == 40
    customers = totals(con)
    assert "KH6" not in customers and len(customers) == 14
    assert all(n == 1 and m == 300000 for n, m in customers.values())
    text = report.check_text()
    assert "5 orders are in several files" in text and "1 of them changed" in text and "'HD00006'" in text
    assert text.index("KV16112026") < text.index("KV01122026")


def test_a_second_download_equals_its_original_and_a_disagreement_stops(tmp_path, stage, con):
    rows = [r for i in range(6) for r in kv_invoice(i, f"KH{i}")]
    folder = tmp_path / "in"
    write(folder, "DanhSachChiTietHoaDon_KV16112026-080000-001.csv", KV, rows)
    write(folder, "DanhSachChiTietHoaDon_KV16112026-080000-001 (1).csv", KV, rows)
    report = stage("orders", folder, mapping="kiotviet", use_cache=False)
    assert report.reasons == {"replaced_by_later_export": 12} and len(totals(con)) == 6
    changed = [r[:4] + (["Đã hủy"] if r[0] == "HD00002" else [r[4]]) + r[5:] for r in rows]
    write(folder, "DanhSachChiTietHoaDon_KV16112026-080000-001 (1).csv", KV, changed)
    with pytest.raises(IngestError, match="HD00002.*exported at the same time"):
        stage("orders", folder, mapping="kiotviet", use_cache=False)
    assert original_name(Path("Order.all.20261101_20261130 (2).xlsx")) == \
        "Order.all.20261101_20261130.xlsx"


def test_without_a_name_rule_the_modification_time_decides(tmp_path, stage, con):
    header = ["order_id", "customer_id", "order_date", "amount", "status"]
    folder = tmp_path / "in"
    old = write(folder, "b.csv", header, [["O1", "C1", "2026-11-02", "10", "delivered"],
                                          ["O1", "C1", "2026-11-02", "5", "delivered"]])
    new = write(folder, "a.csv", header, [["O1", "C1", "2026-11-02", "10", "cancelled"],
                                          ["O1", "C1", "2026-11-02", "5", "cancelled"]])
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_800_000_000, 1_800_000_000))
    report = stage("orders", folder, use_cache=False)
    assert con.execute("select distinct status from order_lines").fetchall() == [("cancelled",)]
    assert report.reasons == {"replaced_by_later_export": 2}


# ---------------------------------------------------------------- the decimal mark per column


def test_each_column_of_an_amount_expression_has_its_own_decimal_mark(tmp_path, stage, con):
    header = ["Mã đơn", "Mã khách", "Ngày", "Số lượng (kg)", "Đơn giá"]
    rows = [[f"O{i}", f"C{i}", "2026-11-02", "1.4", "125.000"] for i in range(5)]
    path = write(tmp_path / "in", "o.csv", header, rows)
    mapping = {"orders": {"order_id": "Mã đơn", "customer_id": "Mã khách", "order_date": "Ngày",
                          "amount": '"Số lượng (kg)" * "Đơn giá"'}}
    with pytest.raises(IngestError, match="Đơn giá") as err:
        stage("orders", path, mapping=mapping, use_cache=False)
    assert '{"Đơn giá": ","}' in str(err.value)
    report = stage("orders", path, mapping=mapping, use_cache=False,
                   decimal_mark={"Đơn giá": ","})
    assert con.execute("select sum(amount) from order_lines").fetchall()[0][0] == 875000
    assert report.facts["decimal_mark"] == {"Số lượng (kg)": ".", "Đơn giá": ","}
    # the same in the mapping
    stage("orders", path, mapping=mapping | {"decimal_mark": {"đơn giá": ","}}, use_cache=False)
    assert con.execute("select sum(amount) from order_lines").fetchall()[0][0] == 875000


# ---------------------------------------------------------------- ids Excel destroyed


@pytest.mark.parametrize("column,value", [("order_id", "5.76461E+17"),
                                          ("customer_id", "8,47E+10")])
def test_ids_in_scientific_notation_stop(tmp_path, stage, column, value):
    rows = [{"order_id": f"O{i}", "customer_id": f"C{i}", "order_date": "2026-11-02",
             "amount": "10"} | {column: value} for i in range(30)]
    path = write(tmp_path / "in", "o.csv", list(rows[0]), [list(r.values()) for r in rows])
    with pytest.raises(IngestError, match=f"{column} holds numbers in scientific.*Excel"):
        stage("orders", path, use_cache=False)


def test_order_ids_shared_by_several_customers_stop(tmp_path, stage):
    rows = [[f"O{i // 2}", f"C{i}", "2026-11-02", "10"] for i in range(20)]
    path = write(tmp_path / "in", "o.csv", ["order_id", "customer_id", "order_date", "amount"],
                 rows)
    with pytest.raises(IngestError, match="10 order ids are each shared"):
        stage("orders", path, use_cache=False)


# ---------------------------------------------------------------- phone keys


SPELLINGS = ["0912345678", "0912 345 678", "+84912345678", "84912345678", "912345678",
             "912345678.0", "0084912345678", "'0912345678", "0912.345.678", "+84 912 345 678"]


def test_every_spelling_of_a_phone_key_is_one_customer(tmp_path, stage, con):
    rows = [[f"O{i}", s, "2026-11-02", "10"] for i, s in enumerate(SPELLINGS + ["12345"])]
    path = write(tmp_path / "in", "o.csv", ["order_id", "customer_id", "order_date", "amount"],
                 rows)
    report = stage("orders", path, use_cache=False, customer_key="phone")
    assert totals(con) == {"+84912345678": (10, 100)}
    assert report.reasons == {"invalid_phone_key": 1}
    customers = write(tmp_path / "in", "c.csv", ["customer_id", "name"],
                      [["0912 345 678", "An"], ["+84912345678", "An again"]])
    report = stage("customers", customers, use_cache=False, customer_key="phone")
    assert con.execute("select customer_id, name from customers").fetchall() == [
        ("+84912345678", "An")]
    assert report.reasons == {"duplicate_customer_id": 1}


def test_phone_keys_agree_with_phonenumbers_on_generated_spellings():
    rng = random.Random(31)
    prefixes = ["90", "91", "93", "94", "96", "97", "98", "32", "33", "86", "88", "70", "77",
                "81", "85", "24", "28", "50", "12", "99"]
    checked = 0
    for _ in range(300):
        national = rng.choice(prefixes) + "".join(rng.choice("0123456789") for _ in range(7))
        spelled = rng.choice([f"0{national}", f"+84{national}", f"84{national}", national,
                              f"0{national[:3]} {national[3:6]} {national[6:]}",
                              f"{national}.0", f"0084{national}"])
        expected = phonenumbers.parse("+84" + national)
        want = (phonenumbers.format_number(expected, phonenumbers.PhoneNumberFormat.E164)
                if phonenumbers.is_valid_number(expected) else None)
        assert phones.phone_key(spelled) == want, spelled
        checked += 1
    assert checked == 300
    assert phones.phone_key("2025550123", "US") == "+12025550123"


# ---------------------------------------------------------------- a property test of reading


def _known_orders(rng: random.Random, n: int) -> list[dict]:
    start = date(2026, 9, 1)
    return [{"id": f"HD{100000 + i}", "customer": f"KH{rng.randrange(40):03d}",
             "day": start + timedelta(days=rng.randrange(90)),
             "total": rng.randrange(1, 500) * 1000, "items": rng.randrange(1, 4),
             "status": "Hoàn thành"} for i in range(n)]


def _kv_rows(orders, walk_in=()) -> list[list]:
    rows = []
    for o in orders:
        customer = o["customer"] if o["id"] not in walk_in else "Khách lẻ"
        for item in range(o["items"]):
            rows.append([o["id"], customer, o["day"].strftime("%d/%m/%Y 09:30"),
                         f"{o['total']:,}".replace(",", "."), o["status"], f"SP{item}"])
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_overlapping_kiotviet_files_give_exactly_the_known_orders(tmp_path, stage, con, seed):
    """Known orders, exported as a shop does: two overlapping files (statuses changed in the
    later one), a second download, walk-in sales, `;` or `,` as the delimiter; the load gives
    exactly the known orders as of the last export."""
    rng = random.Random(seed)
    orders = _known_orders(rng, 80)
    walk_in = {o["id"] for o in orders if rng.random() < 0.2}
    first, second = orders[:55], orders[40:]
    # between the exports, some orders of the overlap were cancelled
    changed = {o["id"] for o in orders[40:55] if rng.random() < 0.4}
    later = [o | {"status": "Đã hủy"} if o["id"] in changed else o for o in second]
    delimiter = rng.choice([",", ";"])
    folder = tmp_path / f"in{seed}"
    write(folder, "DanhSachChiTietHoaDon_KV15112026-070000-001.csv", KV,
          _kv_rows(first, walk_in), delimiter)
    write(folder, "DanhSachChiTietHoaDon_KV05122026-070000-001.csv", KV,
          _kv_rows(later, walk_in), delimiter)
    if rng.random() < 0.5:
        write(folder, "DanhSachChiTietHoaDon_KV05122026-070000-001 (1).csv", KV,
              _kv_rows(later, walk_in), delimiter)
    report = stage("orders", folder, mapping="kiotviet", use_cache=False,
                   decimal_mark=",")
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    want: dict[str, list] = {}
    for o in orders:
        if o["id"] in walk_in or o["id"] in changed:
            continue
        n, money = want.get(o["customer"], [0, 0])
        want[o["customer"]] = [n + 1, money + o["total"]]
    got = {k: [n, int(m)] for k, (n, m) in totals(con).items()}
    assert want and got == want
    guests_total = sum(o["total"] for o in orders if o["id"] in walk_in)
    assert int(float(report.guest_revenue)) == guests_total


# ---------------------------------------------------------------- refunds written on the order

SHOPEE = ["Mã đơn hàng", "Ngày đặt hàng", "Trạng Thái Đơn Hàng", "Trạng thái Trả hàng/Hoàn tiền",
          "Số lượng", "Số lượng sản phẩm được hoàn trả", "Tổng giá trị đơn hàng (VND)",
          "Người Mua", "Đơn Vị Vận Chuyển"]


def shopee_rows(order, buyer, refund, bought, returned, total="200000"):
    return [[order, "2026-11-02 10:00", "Hoàn thành", refund, str(b), str(r), total, buyer, "SPX"]
            for b, r in zip(bought, returned)]


def test_a_refunded_shopee_order_nets_to_nothing(tmp_path, stage, con):
    rows = (shopee_rows("A1", "u1", "", [1, 2], [0, 0])
            + shopee_rows("A2", "u2", "Đã hoàn tiền", [1, 1], [1, 1], "150000")
            # NFD and capitals: the same word
            + shopee_rows("A3", "u3", __import__("unicodedata").normalize("NFD", "ĐÃ HOÀN TIỀN"),
                          [1], [1], "50000")
            + shopee_rows("A4", "u4", "Yêu cầu bị từ chối", [1], [0], "90000"))
    path = write(tmp_path / "in", "Order.all.20261101_20261130.csv", SHOPEE, rows)
    report = stage("orders", path, mapping="shopee", use_cache=False)
    amounts = dict(con.execute("select customer_id, sum(amount) from order_lines group by all")
                   .fetchall())
    assert amounts == {"u1": 200000, "u2": 0, "u3": 0, "u4": 90000}
    assert any("2 orders refunded" in d for d in report.detected)


def test_a_partial_refund_without_its_amount_stops_and_an_unknown_word_stops(tmp_path, stage):
    base = shopee_rows("A1", "u1", "", [1], [0])
    path = write(tmp_path / "in", "Order.all.20261101_20261130.csv", SHOPEE,
                 base + shopee_rows("A5", "u5", "Đã hoàn tiền", [2], [1]))
    with pytest.raises(IngestError, match="'A5'.*refund_amount"):
        stage("orders", path, mapping="shopee", use_cache=False)
    path = write(tmp_path / "in", "Order.all.20261101_20261130.csv", SHOPEE,
                 base + shopee_rows("A6", "u6", "Chờ hoàn", [2], [1]))
    with pytest.raises(IngestError, match="'Chờ hoàn'.*refund_status_map"):
        stage("orders", path, mapping="shopee", use_cache=False)


def test_a_partial_refund_with_its_amount_is_subtracted(tmp_path, stage, con):
    header = SHOPEE + ["Số tiền hoàn trả"]
    rows = [r + ["50000"] for r in shopee_rows("A1", "u1", "Đã hoàn tiền", [2, 1], [1, 0])]
    path = write(tmp_path / "in", "Order.all.20261101_20261130.csv", header, rows)
    mapping = ingest.load_mapping("shopee")
    mapping["orders"] = mapping["orders"] | {"refund_amount": "Số tiền hoàn trả"}
    stage("orders", path, mapping=mapping, use_cache=False)
    assert con.execute("select sum(amount) from order_lines").fetchall()[0][0] == 150000


def test_a_return_in_two_overlapping_returns_files_counts_once_from_the_later(tmp_path, stage,
                                                                              con):
    orders = write(tmp_path / "o", "DanhSachChiTietHoaDon_KV01122026-080000-001.csv", KV,
                   [r for i in range(3) for r in kv_invoice(i, f"KH{i}")])
    header = ["Mã trả hàng", "Mã hóa đơn", "Thời gian", "Mã khách hàng", "Mã hàng",
              "Cần trả khách", "Trạng thái"]
    first = [["TH1", "HD00001", "20/11/2026 09:00", "", "A", "100000", "Hoàn thành"],
             ["TH1", "HD00001", "20/11/2026 09:00", "", "B", "100000", "Hoàn thành"]]
    later = [r[:5] + ["120000", "Hoàn thành"] for r in first]  # the refund was corrected
    folder = tmp_path / "r"
    write(folder, "DanhSachChiTietTraHang_KV21112026-080000-001.csv", header, first)
    write(folder, "DanhSachChiTietTraHang_KV02122026-080000-001.csv", header, later)
    report = stage("orders", orders, mapping="kiotviet", returns_path=folder, use_cache=False)
    assert report.returns["reasons"] == {"replaced_by_later_export": 2}
    assert con.execute("select sum(amount) from order_lines where is_return").fetchall() == [
        (-120000,)]


@pytest.mark.parametrize("code", ["Khách lẻ\t", "\ufeffKhách lẻ", "Khách\u00a0lẻ", "Khách lẻ\u200b"])
def test_walk_in_codes_with_hidden_blanks_are_guest_sales(tmp_path, stage, con, code):
    rows = [r for i in range(20) for r in kv_invoice(i, code if i % 2 else f"KH{i}")]
    report = stage("orders", write(tmp_path / "in", "hd.csv", KV, rows), mapping="kiotviet",
                   use_cache=False)
    assert report.guest_rows == 20 and len(totals(con)) == 10


def test_order_ids_reused_across_files_by_other_customers_are_not_replaced(tmp_path, stage):
    header = ["order_id", "customer_id", "order_date", "amount"]
    folder = tmp_path / "in"
    october = write(folder, "october.csv", header,
                    [[str(i), f"C{i}", "2026-10-05", "300"] for i in range(1, 21)])
    november = write(folder, "november.csv", header,
                     [[str(i), f"D{i}", "2026-11-05", "200"] for i in range(1, 21)])
    os.utime(october, (1_700_000_000, 1_700_000_000))
    os.utime(november, (1_800_000_000, 1_800_000_000))
    with pytest.raises(IngestError, match="20 order ids are each shared"):
        stage("orders", folder, use_cache=False)


def test_a_time_in_the_name_that_is_not_a_time_stops(tmp_path, stage):
    rows = [r for i in range(3) for r in kv_invoice(i, f"KH{i}")]
    folder = tmp_path / "in"
    write(folder, "DanhSachChiTietHoaDon_KV31112026-080000-001.csv", KV, rows)
    write(folder, "DanhSachChiTietHoaDon_KV01112026.csv", KV, rows)
    with pytest.raises(IngestError, match="31112026080000.*not a date"):
        stage("orders", folder, mapping="kiotviet", use_cache=False)


def test_phone_keys_that_are_not_phones_stop_and_names_stay_masked(tmp_path, stage):
    header = ["order_id", "customer_id", "order_date", "amount"]
    codes = write(tmp_path / "a", "o.csv", header,
                  [[f"O{i}", f"KH{i:03d}", "2026-11-02", "10"] for i in range(20)])
    with pytest.raises(IngestError, match="not VN phone numbers"):
        stage("orders", codes, use_cache=False, customer_key="phone")
    damaged = write(tmp_path / "b", "o.csv", header,
                    [[f"O{i}", "9.12346E+08", "2026-11-02", "10"] for i in range(20)])
    with pytest.raises(IngestError, match="scientific notation"):
        stage("orders", damaged, use_cache=False, customer_key="phone")
    assert guests.shown_key("(+84) 912-345-678") == "(+84) ***-***-*78"
    assert "0912345678" not in guests.shown_key("Tel: 0912345678")


def test_a_walk_in_phone_is_every_spelling_of_it(tmp_path, stage, con):
    rows = [[f"O{i}", ["0900000001", "+84 900 000 001", "0912345678"][i % 3], "2026-11-02", "10"]
            for i in range(30)]
    path = write(tmp_path / "in", "o.csv", ["order_id", "customer_id", "order_date", "amount"],
                 rows)
    report = stage("orders", path, use_cache=False, customer_key="phone",
                   guest_keys=["0900000001"])
    assert report.guest_rows == 20 and totals(con) == {"+84912345678": (10, 100)}


def test_a_refunded_amount_has_its_own_decimal_evidence(tmp_path, stage, con):
    header = SHOPEE + ["Số tiền hoàn trả"]
    rows = [r + ["50.000"] for r in shopee_rows("A1", "u1", "Đã hoàn tiền", [2, 1], [1, 0])]
    path = write(tmp_path / "in", "Order.all.20261101_20261130.csv", header, rows)
    mapping = ingest.load_mapping("shopee")
    mapping["orders"] = mapping["orders"] | {"refund_amount": "Số tiền hoàn trả"}
    with pytest.raises(IngestError, match="Số tiền hoàn trả"):
        stage("orders", path, mapping=mapping, use_cache=False)
    stage("orders", path, mapping=mapping, use_cache=False,
          decimal_mark={"Số tiền hoàn trả": ","})
    assert con.execute("select sum(amount) from order_lines").fetchall()[0][0] == 150000


@pytest.mark.parametrize("seed", range(4))
def test_overlapping_shopee_and_generic_exports_give_exactly_the_known_orders(tmp_path, stage,
                                                                             con, seed):
    """The same property under two more mappings: Shopee (order totals on every product row,
    NFD words, refunds on the order, `<from>_<to>` names) and generic (UTC timestamps read in
    the shop's day, a decimal comma, `;`); overlapping files with statuses changed between."""
    rng = random.Random(100 + seed)
    orders = _known_orders(rng, 60)
    changed = {o["id"] for o in orders[30:45] if rng.random() < 0.4}
    refunded = {o["id"] for o in orders[45:] if rng.random() < 0.2}
    first, second = orders[:45], orders[30:]
    nfd = __import__("unicodedata").normalize

    def shopee(part, later):
        rows = []
        for o in part:
            status = "Đã hủy" if later and o["id"] in changed else "Hoàn thành"
            refund = "Đã hoàn tiền" if o["id"] in refunded else ""
            for _ in range(o["items"]):
                rows.append([o["id"], o["day"].isoformat() + " 10:00", nfd("NFD", status),
                             nfd("NFD", refund), "1", "1" if refund else "0", str(o["total"]),
                             "u" + o["customer"], "SPX"])
        return rows

    def generic(part, later):
        rows = []
        for o in part:
            status = "cancelled" if later and o["id"] in changed else "completed"
            # 20:30 UTC is 03:30 the next day in Vietnam: the order's date is the next day
            at = f"{o['day'] - timedelta(days=1):%Y-%m-%d}T20:30:00Z"
            share = o["total"] // o["items"]
            amounts = [share] * (o["items"] - 1) + [o["total"] - share * (o["items"] - 1)]
            rows += [[o["id"], o["customer"], at, f"{a:,}".replace(",", ".") + ",00", status]
                     for a in amounts]
        return rows

    folder = tmp_path / f"in{seed}"
    if seed % 2 == 0:
        write(folder, "Order.all.20260901_20261015.csv", SHOPEE, shopee(first, False))
        write(folder, "Order.all.20261001_20261130.csv", SHOPEE, shopee(second, True))
        report = stage("orders", folder, mapping="shopee", use_cache=False, decimal_mark=",")
        prefix = "u"
    else:
        header = ["order_id", "customer_id", "order_date", "amount", "status"]
        early = write(folder, "orders-a.csv", header, generic(first, False), ";")
        late = write(folder, "orders-b.csv", header, generic(second, True), ";")
        os.utime(early, (1_700_000_000, 1_700_000_000))
        os.utime(late, (1_800_000_000, 1_800_000_000))
        report = stage("orders", folder, use_cache=False)
        prefix = ""
        days = dict(con.execute("select order_id, min(order_date) from order_lines "
                                "group by all").fetchall())
        assert all(days[o["id"]] == o["day"] for o in orders if o["id"] in days)
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    want: dict[str, list] = {}
    for o in orders:
        if o["id"] in changed or (prefix and o["id"] in refunded):
            continue
        n, money = want.get(prefix + o["customer"], [0, 0])
        want[prefix + o["customer"]] = [n + 1, money + o["total"]]
    got = {k: [n, int(m)] for k, n, m in con.execute(
        "select customer_id, count(distinct order_id) filter (where amount > 0), sum(amount) "
        "from order_lines where status = 'completed' group by all").fetchall()}
    got = {k: v for k, v in got.items() if v[0]}
    assert want and got == want


def test_the_contact_phone_rule_is_phonenumbers_on_generated_spellings():
    """The customers file's phone column and the explorer's lookup (ingest.phones.mobile): a
    valid mobile number of the region, in E.164, exactly as phonenumbers says, quick path or
    not."""
    rng = random.Random(7)
    prefixes = ["90", "91", "93", "96", "97", "98", "32", "35", "39", "52", "56", "58", "59",
                "70", "76", "79", "81", "86", "88", "89", "99", "87", "31", "24", "28", "12",
                "50", "66"]
    for _ in range(400):
        national = rng.choice(prefixes) + "".join(rng.choice("0123456789") for _ in range(7))
        national = national[:rng.choice([8, 9, 9, 9, 10])]
        spelled = rng.choice([f"0{national}", f"+84{national}", f"84{national}", national,
                              f"0{national[:3]} {national[3:6]} {national[6:]}",
                              f"(+84) {national[:3]}-{national[3:6]}-{national[6:]}",
                              f"{national}.0", f"0084{national}", f"+84 0{national}"])
        try:
            number = phonenumbers.parse(spelled.removesuffix(".0"), "VN")
            ok = (phonenumbers.is_valid_number(number)
                  and phonenumbers.region_code_for_number(number) == "VN"
                  and phonenumbers.number_type(number) in (
                      phonenumbers.PhoneNumberType.MOBILE,
                      phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE))
            want = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164) if ok else None
        except phonenumbers.NumberParseException:
            want = None
        assert phones.mobile(spelled) == want, spelled
    assert phones.mobile("+1 415 555 0100") is None  # a valid number, not a Vietnamese mobile
    assert phones.mobile("+1 415 555 0100", "US") == "+14155550100"  # with phone_region US
    assert phones.vn_mobile("0912 345 678") == "+84912345678"


def _xlsx(path: Path, header: list[str], rows: list[list], title: str | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


@pytest.mark.parametrize("mapping,seed", [("tiktok_shop", 0), ("tiktok_shop", 1),
                                          ("shopify", 2), ("online_retail", 3),
                                          ("online_retail", 4)])
def test_more_mappings_read_overlapping_reworked_exports_exactly(tmp_path, stage, con, mapping,
                                                                seed):
    """Known orders under tiktok_shop, shopify and online_retail, exported as shops re-save
    them: overlapping files (statuses changed in the later one), a title line above the header,
    XLSX with number cells for ids and amounts, a cp1258 CSV; exactly the known orders."""
    rng = random.Random(200 + seed)
    orders = _known_orders(rng, 40)
    changed = {o["id"] for o in orders[20:30] if rng.random() < 0.4}
    if mapping == "online_retail":
        changed = set()  # an invoice is never re-exported changed: a credit note follows it
    first, second = orders[:30], orders[20:]

    def rows(part, later):
        out = []
        for o in part:
            gone = later and o["id"] in changed
            n = int(o["id"][2:])
            if mapping == "tiktok_shop":
                for item in range(o["items"]):
                    out.append([str(n), "Cancelled" if gone else "Completed", f"SKU{item}",
                                o["total"], "", f"{o['day']:%m/%d/%Y} 10:00:00 AM",
                                "buyer" + o["customer"], "Fulfilled by seller"])
            elif mapping == "shopify":
                for item in range(o["items"]):
                    first_row = item == 0
                    out.append([f"#{n}", o["customer"].lower() + "@example.com",
                                ("voided" if gone else "paid") if first_row else "",
                                o["total"] if first_row else "", "0" if first_row else "",
                                f"{o['day']:%Y-%m-%d} 10:30:00 +0700", "web"])
            else:  # online_retail: lines whose Quantity * UnitPrice sum to the total
                qty = o["items"]
                out.append([str(n), f"SP{n}", qty, o["total"] / qty if o["total"] % qty == 0
                            else o["total"], f"{o['day']:%m/%d/%Y} 10:00",
                            float(o["customer"][2:]) + 12000, "Vietnam"])
                if o["total"] % qty:
                    out[-1][2] = 1
        return out

    headers = {"tiktok_shop": ["Order ID", "Order Status", "SKU ID", "Order Amount",
                               "Order Refund Amount", "Created Time", "Buyer Username",
                               "Fulfillment Type"],
               "shopify": ["Name", "Email", "Financial Status", "Total", "Refunded Amount",
                           "Created at", "Source"],
               "online_retail": ["InvoiceNo", "StockCode", "Quantity", "UnitPrice",
                                 "InvoiceDate", "CustomerID", "Country"]}[mapping]
    folder = tmp_path / f"in{seed}"
    early, late = rows(first, False), rows(second, True)
    if mapping == "online_retail":
        # invoices are never re-exported changed: the later file holds what the earlier did not
        late = [r for r in late if int(r[0]) >= 30]
    if seed % 2 == 0:  # XLSX: number cells, a title line above the header in the later file
        a = _xlsx(folder / "a.xlsx", headers, early)
        b = _xlsx(folder / "b.xlsx", headers, late, title="Orders export – 2026")
    else:  # CSV in the Windows code page, a title line above the header
        folder.mkdir(parents=True)
        a, b = folder / "a.csv", folder / "b.csv"
        for path, part, title in ((a, early, None), (b, late, "Danh sách đơn hàng")):
            with open(path, "w", newline="", encoding="cp1258") as f:
                if title:
                    f.write(title + "\n")
                w = csv.writer(f)
                w.writerow(headers)
                w.writerows([[str(v) for v in r] for r in part])
    os.utime(a, (1_700_000_000, 1_700_000_000))
    os.utime(b, (1_800_000_000, 1_800_000_000))
    report = stage("orders", folder, mapping=mapping, use_cache=False,
                   encoding="cp1258" if seed % 2 else "utf-8",
                   date_order="mdy" if mapping != "shopify" else None)
    assert report.rows_read == report.rows_loaded + report.rows_quarantined, report.reasons
    assert any("above the header" in d for d in report.detected)
    assert not report.reasons or set(report.reasons) == {"replaced_by_later_export"}, \
        (report.reasons, report.detected)
    want: dict[str, list] = {}
    for o in orders:
        if o["id"] in changed:
            continue
        key = {"tiktok_shop": "buyer" + o["customer"],
               "shopify": o["customer"].lower() + "@example.com",
               "online_retail": str(int(o["customer"][2:]) + 12000)}[mapping]
        n, money = want.get(key, [0, 0])
        want[key] = [n + 1, money + o["total"]]
    got = {k: [n, int(m)] for k, n, m in con.execute(
        "select customer_id, count(distinct order_id), sum(amount) from order_lines "
        "where coalesce(status, 'completed') in ('completed', 'paid') group by all").fetchall()}
    assert want and got == want


def test_each_date_column_of_the_customers_file_has_its_own_order(tmp_path, stage, con):
    """Signup dates written by the system month first, birthdays typed by staff day first:
    each column is read by its own evidence, never by the other's."""
    rows = [["a", "12/25/2025", "15/09/1979"], ["b", "01/03/2026", "03/01/1990"],
            ["c", "11/13/2025", "28/02/1985"]]
    path = write(tmp_path / "in", "c.csv", ["customer_id", "signup_date", "birthday"], rows)
    report = stage("customers", path, use_cache=False)
    got = {r[0]: (str(r[1]), str(r[2])) for r in con.execute(
        "select customer_id, signup_date, birthday from customers").fetchall()}
    assert got == {"a": ("2025-12-25", "1979-09-15"), "b": ("2026-01-03", "1990-01-03"),
                   "c": ("2025-11-13", "1985-02-28")}
    assert any(d.startswith("signup dates") for d in report.detected)
    assert any(d.startswith("birthdays") for d in report.detected)


def test_a_decimal_mark_for_a_column_the_amount_does_not_read_stops(tmp_path, stage):
    rows = [r for i in range(3) for r in kv_invoice(i, f"KH{i}")]
    path = write(tmp_path / "in", "hd.csv", KV, rows)
    with pytest.raises(IngestError, match="'Đơn giá', which the amount does not read"):
        stage("orders", path, mapping="kiotviet", use_cache=False,
              decimal_mark={"Đơn giá": ","})
