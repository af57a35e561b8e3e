"""Real shop exports read right: files under the exact headers of KiotViet, Shopee, TikTok Shop and
Shopify (../shared/EXPORTS.md; made-up rows), the real UCI Online Retail file, and the shapes that
break naive loading: order totals repeated on every line, computed amounts, returns in another
file, month-first dates, decimals, NFD text, several files."""

from __future__ import annotations

import csv
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from helpers import ingest
from helpers.core.params import RunParams
from helpers.core.paths import PROJECT_ROOT
from helpers.ingest import readers as ingest_readers
from helpers.kit import rfm

SHARED = PROJECT_ROOT.parent / "shared" / "data" / "online_retail"

# ---------------------------------------------------------------- real header lines (EXPORTS.md)

SHOPIFY_2022 = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip", "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street", "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes", "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor", "Id", "Tags", "Risk Level", "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name", "Payment Terms Name", "Next Payment Due At"]

TIKTOK = ["Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type", "Normal or Pre-order", "SKU ID", "Seller SKU", "Product Name", "Variation", "Quantity", "Sku Quantity of return", "SKU Unit Original Price", "SKU Subtotal Before Discount", "SKU Platform Discount", "SKU Seller Discount", "SKU Subtotal After Discount", "Shipping Fee After Discount", "Original Shipping Fee", "Shipping Fee Seller Discount", "Shipping Fee Platform Discount", "Payment platform discount", "Taxes", "Order Amount", "Order Refund Amount", "Created Time", "Paid Time", "RTS Time", "Shipped Time", "Delivered Time", "Cancelled Time", "Cancel By", "Cancel Reason", "Fulfillment Type", "Warehouse Name", "Tracking ID", "Delivery Option", "Shipping Provider Name", "Buyer Message", "Buyer Username", "Recipient", "Phone #", "Country", "Province", "District", "Commune", "Detail Address", "Additional address information", "Payment Method", "Weight(kg)", "Product Category", "Package ID", "Seller Note", "Checked Status", "Checked Marked by"]

# KiotViet: the columns seen in real files (the full header line was not found)
KIOTVIET = ["Mã hóa đơn", "Mã đặt hàng", "Thời gian", "Mã khách hàng", "Tên khách hàng",
            "Điện thoại", "Chi nhánh", "Tổng tiền hàng", "Giảm giá hóa đơn", "VAT", "Thu khác",
            "Khách cần trả", "Khách đã trả", "Tiền mặt", "Thẻ", "Chuyển khoản", "Ví",
            "Trạng thái", "Mã hàng", "Số lượng", "Đơn giá", "Thành tiền"]
KIOTVIET_RETURNS = ["Mã trả hàng", "Mã hóa đơn", "Thời gian", "Mã khách hàng", "Mã hàng",
                    "Số lượng", "Tổng tiền hàng trả", "Cần trả khách", "Trạng thái"]


def _shopee_header() -> list[str]:
    """Shopee VN's order export, by column letter as recorded (other columns named by letter)."""
    known = {"A": "Mã đơn hàng", "B": "Mã Kiện Hàng", "C": "Ngày đặt hàng",
             "D": "Trạng Thái Đơn Hàng", "G": "Đơn Vị Vận Chuyển", "Q": "Tên sản phẩm",
             "U": "Tên phân loại hàng", "Z": "Giá ưu đãi", "AA": "Số lượng",
             "AC": "Tổng số tiền Người mua thanh toán", "AD": "Tổng giá trị đơn hàng (VND)",
             "AT": "Tổng số tiền người mua thanh toán", "BB": "Người Mua", "BC": "Tên Người nhận",
             "BD": "Số điện thoại", "BH": "Địa chỉ nhận hàng"}
    letters = [chr(65 + i) for i in range(26)] + [f"A{chr(65 + i)}" for i in range(26)] + [
        f"B{chr(65 + i)}" for i in range(8)]
    return [known.get(col, f"Cột {col}") for col in letters]


SHOPEE = _shopee_header()


def write_export(folder: Path, name: str, header: list[str], rows: list[dict], *,
                 nfd: bool = False) -> Path:
    """A CSV (or XLSX by suffix) under the real header; cells not given are empty."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    norm = (lambda s: unicodedata.normalize("NFD", s)) if nfd else (lambda s: s)
    missing = [k for r in rows for k in r if k not in header]
    assert not missing, f"not in the header: {missing}"
    table = [[norm(str(r.get(h, ""))) for h in header] for r in rows]
    if path.suffix == ".xlsx":
        pd.DataFrame(table, columns=[norm(h) for h in header]).to_excel(path, index=False)
    else:
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow([norm(h) for h in header])
            w.writerows(table)
    return path


@pytest.fixture
def load(con, tmp_path):
    def _load(path, **kwargs):
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        kwargs.setdefault("quarantine_dir", tmp_path / "quarantine")
        kwargs.setdefault("use_cache", False)
        return ingest.load(con, "orders", path, **kwargs)

    return _load


def orders(con, as_of="2030-12-31", excluded=("cancelled", "canceled", "failed", "void")):
    """(customer, order date, amount) per order, as the models see them."""
    rfm.build_orders(con, as_of=date.fromisoformat(as_of), excluded_statuses=excluded)
    return sorted(con.execute("select customer_id, order_date, amount from int_orders").fetchall())


def monetary(con, as_of: str) -> dict[str, Decimal]:
    run = RunParams.from_values(as_of=as_of, orders_path=PROJECT_ROOT / "params" / "default.yaml")
    con.execute(rfm.EMPTY_CUSTOMERS)
    rfm.build_rfm_customers(con, run=run, scheme=rfm.load_run_scheme(run))
    return dict(con.execute("select customer_id, monetary from rfm_customers "
                            "where segment <> 'prospect'").fetchall())


# ---------------------------------------------------------------- KiotViet


def kv_line(invoice, customer, when, total, product, qty, price, status="Hoàn thành"):
    return {"Mã hóa đơn": invoice, "Thời gian": when, "Mã khách hàng": customer,
            "Tên khách hàng": "Khách " + customer if customer else "Khách lẻ",
            "Chi nhánh": "Chi nhánh trung tâm", "Tổng tiền hàng": total, "Khách cần trả": total,
            "Khách đã trả": total, "Tiền mặt": total, "Trạng thái": status, "Mã hàng": product,
            "Số lượng": qty, "Đơn giá": price, "Thành tiền": qty * price}


def test_kiotviet_two_line_invoice_counts_once(con, tmp_path, load):
    path = write_export(tmp_path, "DanhSachChiTietHoaDon_KV05012024-101500-123.csv", KIOTVIET, [
        kv_line("HD000001", "KH0001", "05/01/2024 10:15", 300000, "SP01", 1, 100000),
        kv_line("HD000001", "KH0001", "05/01/2024 10:15", 300000, "SP02", 2, 100000),
        kv_line("HD000002", "KH0001", "20/01/2024 09:00", 80000, "SP01", 1, 80000, "Đã hủy"),
        kv_line("HD000003", "", "21/01/2024 18:00", 50000, "SP03", 1, 50000),  # walk-in
    ])
    report = load(path, mapping="auto")
    assert report.mapping == "kiotviet"
    assert orders(con) == [("KH0001", date(2024, 1, 5), Decimal("300000"))]
    assert report.reasons == {"guest_sale": 1}
    assert (report.guest_rows, report.guest_revenue) == (1, "50000")
    assert report.reconciles
    assert any("order's total" in d for d in report.detected)


def test_kiotviet_return_reduces_monetary_on_its_date(con, tmp_path, load):
    invoices = write_export(tmp_path, "DanhSachChiTietHoaDon.csv", KIOTVIET, [
        kv_line("HD000001", "KH0001", "05/01/2024 10:15", 300000, "SP01", 1, 100000),
        kv_line("HD000001", "KH0001", "05/01/2024 10:15", 300000, "SP02", 2, 100000),
        kv_line("HD000009", "", "06/01/2024 10:00", 90000, "SP02", 1, 90000),
    ])
    returned = {"Mã hóa đơn": "HD000001", "Thời gian": "15/02/2024 16:00", "Mã khách hàng": "",
                "Tổng tiền hàng trả": 150000, "Cần trả khách": 150000, "Trạng thái": "Đã trả"}
    returns = write_export(tmp_path, "DanhSachChiTietTraHang.csv", KIOTVIET_RETURNS, [
        returned | {"Mã trả hàng": "TH000001", "Mã hàng": "SP01", "Số lượng": 1},
        returned | {"Mã trả hàng": "TH000001", "Mã hàng": "SP02", "Số lượng": 1},  # same return
        returned | {"Mã trả hàng": "TH000002", "Mã hóa đơn": "HD999999", "Cần trả khách": 10000},
        returned | {"Mã trả hàng": "TH000003", "Mã hóa đơn": "HD000009", "Cần trả khách": 90000},
        returned | {"Mã trả hàng": "TH000004", "Cần trả khách": 5000, "Trạng thái": "Đã hủy"},
    ])
    report = load(invoices, mapping="kiotviet", returns_path=returns)
    assert orders(con) == [("KH0001", date(2024, 1, 5), Decimal("300000")),
                           ("KH0001", date(2024, 2, 15), Decimal("-150000"))]
    assert monetary(con, "2024-01-31") == {"KH0001": Decimal("300000")}
    assert monetary(con, "2024-02-29") == {"KH0001": Decimal("150000")}
    back = report.returns
    assert back["rows_read"] == 5 and back["reasons"] == {"guest_sale": 1,
                                                          "return_order_unknown": 1}
    assert report.reconciles
    q = pd.read_csv(next(p for p in report.quarantine_paths if "returns__" in p), dtype=str)
    assert q["Mã trả hàng"].tolist() == ["TH000002", "TH000003"]


def test_order_totals_that_disagree_quarantine_the_whole_order(con, tmp_path, load):
    path = write_export(tmp_path, "hd.csv", KIOTVIET, [
        kv_line("HD1", "KH1", "05/01/2024 10:15", 300000, "SP01", 1, 100000),
        kv_line("HD1", "KH1", "05/01/2024 10:15", 310000, "SP02", 2, 100000),
        kv_line("HD2", "KH1", "13/01/2024 10:15", 70000, "SP02", 1, 70000),
    ])
    report = load(path, mapping="kiotviet")
    assert report.reasons == {"order_amount_differs_between_lines": 2}
    assert orders(con) == [("KH1", date(2024, 1, 13), Decimal("70000"))]
    q = pd.read_csv(report.quarantine_path, dtype=str, encoding="utf-8-sig")
    assert q.source_line.tolist() == ["2", "3"]


def test_an_order_total_on_every_line_without_amount_level_stops_the_run(con, tmp_path, load):
    rows = [{"order_id": "1", "customer_id": "a", "order_date": "2024-01-05", "amount": "300000",
             "product": "tea"},
            {"order_id": "1", "customer_id": "a", "order_date": "2024-01-05", "amount": "300000",
             "product": "cup"},
            {"order_id": "2", "customer_id": "b", "order_date": "2024-01-06", "amount": "100",
             "product": "tea"},
            {"order_id": "2", "customer_id": "b", "order_date": "2024-01-06", "amount": "100",
             "product": "pot"}]
    path = write_export(tmp_path, "o.csv", ["order_id", "customer_id", "order_date", "amount",
                                            "product"], rows)
    with pytest.raises(ingest.IngestError, match="equal on every line of 100%.*amount_level: order"):
        load(path, mapping="generic")
    report = load(path, mapping={"name": "x", "amount_level": "order"})
    assert report.reconciles and sum(a for *_, a in orders(con)) == Decimal("300100")


# ---------------------------------------------------------------- Shopee, TikTok Shop, Shopify


def test_shopee_nfd_cancelled_orders_are_cancelled(con, tmp_path, load):
    def line(order, buyer, status, total, product):
        return {"Mã đơn hàng": order, "Ngày đặt hàng": "2024-03-01 10:30", "Người Mua": buyer,
                "Trạng Thái Đơn Hàng": status, "Tổng giá trị đơn hàng (VND)": total,
                "Tên sản phẩm": product, "Số lượng": 1, "Giá ưu đãi": 100000}

    path = write_export(tmp_path, "Order.all.20240301_20240331.csv", SHOPEE, [
        line("240301ABC", "buyer.one", "Hoàn thành", 200000, "Áo"),
        line("240301ABC", "buyer.one", "Hoàn thành", 200000, "Quần"),
        line("240301XYZ", "buyer.one", "Đã hủy", 500000, "Giày"),
    ], nfd=True)
    assert "Đã hủy" not in path.read_text(encoding="utf-8")  # really decomposed
    report = load(path, mapping="auto")
    assert report.mapping == "shopee"
    assert orders(con) == [("buyer.one", date(2024, 3, 1), Decimal("200000"))]
    statuses = {r[0] for r in con.execute("select status from order_lines").fetchall()}
    assert statuses == {"completed", "cancelled"}


def test_tiktok_shop_order_amount_net_of_refund_once_per_order(con, tmp_path, load):
    def sku(order, status, amount, refund, buyer="tt_buyer"):
        return {"Order ID": order, "Order Status": status, "Order Amount": amount,
                "Order Refund Amount": refund, "Created Time": "01/15/2024 10:30:15 AM",
                "Buyer Username": buyer, "Quantity": 1, "Country": "Vietnam"}

    path = write_export(tmp_path, "tiktok.csv", TIKTOK, [
        sku("5760001", "Completed", "250000", "50000"),
        sku("5760001", "Completed", "250000", "50000"),
        sku("5760002", "Cancelled", "90000", "0"),
        sku("5760003", "Completed", "120000", ""),
    ])
    report = load(path, mapping="auto")
    assert report.mapping == "tiktok_shop"
    assert orders(con) == [("tt_buyer", date(2024, 1, 15), Decimal("120000")),
                           ("tt_buyer", date(2024, 1, 15), Decimal("200000"))]
    assert any("month/day/year" in d for d in report.detected)


def test_shopify_refunds_count_net_and_voided_orders_are_excluded(con, tmp_path, load):
    def first(name, email, status, total, refunded, created="2024-01-05 10:30:00 +0700"):
        return {"Name": name, "Email": email, "Financial Status": status, "Total": total,
                "Refunded Amount": refunded, "Created at": created, "Lineitem quantity": 1,
                "Lineitem name": "Mug", "Lineitem price": total, "Currency": "VND"}

    def other(name, email, created="2024-01-05 10:30:00 +0700"):
        return {"Name": name, "Email": email, "Created at": created, "Lineitem quantity": 1,
                "Lineitem name": "Cup"}

    path = write_export(tmp_path, "orders_export_1.csv", SHOPIFY_2022, [
        first("#1001", "a@shop.vn", "paid", "250000.00", "0.00"), other("#1001", "a@shop.vn"),
        first("#1002", "a@shop.vn", "partially_refunded", "400000.00", "150000.00"),
        other("#1002", "a@shop.vn"),
        first("#1003", "b@shop.vn", "refunded", "90000.00", "90000.00"),
        first("#1004", "b@shop.vn", "voided", "70000.00", "0.00"), other("#1004", "b@shop.vn"),
        first("#1005", "", "paid", "30000.00", "0.00"),  # guest checkout
    ])
    report = load(path, mapping="auto")
    assert report.mapping == "shopify"
    got = orders(con)
    assert [(c, a) for c, _, a in got] == [("a@shop.vn", Decimal("250000")),
                                          ("a@shop.vn", Decimal("250000")),
                                          ("b@shop.vn", Decimal("0"))]
    assert report.guest_rows == 1 and report.guest_revenue == "30000"


# ---------------------------------------------------------------- dates


def generic(tmp_path, name, dates, amounts=None):
    rows = [{"order_id": f"{Path(name).stem}-{i}", "customer_id": "c", "order_date": d,
             "amount": (amounts or ["100"] * len(dates))[i]} for i, d in enumerate(dates)]
    return write_export(tmp_path, name, ["order_id", "customer_id", "order_date", "amount"], rows)


def test_month_first_file_is_read_right_with_auto(con, tmp_path, load):
    # a real grocery export's form: 11/1/2000 is the first of November
    report = load(generic(tmp_path, "us.csv", ["11/1/2000", "11/13/2000", "2/3/2001"]))
    got = [d for _, d, _ in orders(con)]
    assert got == [date(2000, 11, 1), date(2000, 11, 13), date(2001, 2, 3)]
    assert any("month/day/year" in d and "11/13/2000" in d for d in report.detected)


def test_day_first_file_is_read_right_with_auto(con, tmp_path, load):
    load(generic(tmp_path, "vn.csv", ["01/03/2024", "13/03/2024 10:00"]))
    assert [d for _, d, _ in orders(con)] == [date(2024, 3, 1), date(2024, 3, 13)]


def test_ambiguous_dates_stop_with_examples_and_the_key_to_set(con, tmp_path, load):
    path = generic(tmp_path, "amb.csv", ["01/03/2024", "02/03/2024"])
    with pytest.raises(ingest.IngestError) as err:
        load(path)
    text = str(err.value)
    assert "'01/03/2024'" in text and "date_order: dmy" in text and "date_order: mdy" in text
    load(path, date_order="mdy")
    assert [d for _, d, _ in orders(con)] == [date(2024, 1, 3), date(2024, 2, 3)]


def test_dates_that_contradict_each_other_stop(con, tmp_path, load):
    with pytest.raises(ingest.IngestError, match="cannot all be read one way.*13/01/2024.*01/13"):
        load(generic(tmp_path, "mixed.csv", ["13/01/2024", "01/13/2024"]))


def test_two_digit_years_are_this_century_never_year_24(con, tmp_path, load):
    report = load(generic(tmp_path, "yy.csv", ["01/03/24", "13/03/24"]))
    assert [d for _, d, _ in orders(con)] == [date(2024, 3, 1), date(2024, 3, 13)]
    assert any("two-digit year" in d for d in report.detected)


def test_two_digit_birthdays_after_this_year_are_last_century(con, tmp_path):
    path = write_export(tmp_path, "c.csv", ["customer_id", "birthday"], [
        {"customer_id": "a", "birthday": "15/09/79"}, {"customer_id": "b", "birthday": "15/09/05"}])
    ingest.load(con, "customers", path, mapping="generic", use_cache=False,
                cache_dir=tmp_path / "cache", quarantine_dir=tmp_path / "q")
    got = dict(con.execute("select customer_id, birthday from customers").fetchall())
    assert got == {"a": date(1979, 9, 15), "b": date(2005, 9, 15)}


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize("text, mark, expected", [
    ("0.001", ".", "0.001"),
    ("0.125", ".", "0.125"),
    ("0.125", ",", None),          # never 125: a thousands group does not start with 0
    ("(150.000)", ",", "-150000"),
    ("(150.000", ",", None),       # half a parenthesis is not a sign
    ("150.000)", ",", None),
    ("150.000", ",", "150000"),
    ("150.000", ".", "150"),
    ("1,5", ",", "1.5"),
    ("12.3456", ".", "12.3456"),
])
def test_amounts_are_read_exactly_or_rejected_never_changed(con, tmp_path, load, text, mark,
                                                             expected):
    report = load(generic(tmp_path, "a.csv", ["2024-01-05"], [text]), decimal_mark=mark)
    got = con.execute("select amount from order_lines").fetchall()
    if expected is None:
        assert got == [] and report.reasons == {"unparseable_amount": 1}
    else:
        assert got == [(Decimal(expected),)]


def test_decimal_mark_is_decided_from_the_whole_column(con, tmp_path, load):
    report = load(generic(tmp_path, "vnd.csv", ["2024-01-05"] * 3,
                          ["150.000", "1.234.567", "90.000 ₫"]))
    assert sorted(a for (a,) in con.execute("select amount from order_lines").fetchall()) == [
        Decimal("90000"), Decimal("150000"), Decimal("1234567")]
    assert any("decimal mark ','" in d for d in report.detected)
    report = load(generic(tmp_path, "usd.csv", ["2024-01-05"] * 2, ["150.000", "0.125"]))
    assert sorted(a for (a,) in con.execute("select amount from order_lines").fetchall()) == [
        Decimal("0.125"), Decimal("150")]
    with pytest.raises(ingest.IngestError, match="can be read two ways.*decimal_mark"):
        load(generic(tmp_path, "amb.csv", ["2024-01-05"] * 2, ["150.000", "300.000"]))
    with pytest.raises(ingest.IngestError, match="written two ways"):
        load(generic(tmp_path, "mix.csv", ["2024-01-05"] * 2, ["19.99", "19,99"]))
    # the report says who chose a mark that was not detected
    report = load(generic(tmp_path, "set.csv", ["05/01/2024"] * 2, ["150.000", "300.000"]),
                  decimal_mark=",", date_order="dmy")
    assert "amounts: decimal mark ',' (set by the decimal_mark parameter)" in report.detected
    assert "order dates: date order dmy (set by the date_order parameter)" in report.detected


def test_amount_expression_is_computed_exactly(con, tmp_path, load):
    path = write_export(tmp_path, "lines.csv", ["Invoice", "Customer", "Date", "Qty", "Price"], [
        {"Invoice": "1", "Customer": "17850.0", "Date": "2024-01-05", "Qty": "3",
         "Price": "0.001"},
        {"Invoice": "1", "Customer": "17850.0", "Date": "2024-01-05", "Qty": "-2",
         "Price": "1.125"},
        {"Invoice": "2", "Customer": "17850", "Date": "2024-01-06", "Qty": "x", "Price": "1"}])
    mapping = {"name": "lines", "id_format": {"customer_id": "integer_text"},
               "orders": {"order_id": "Invoice", "customer_id": "Customer", "order_date": "Date",
                          "amount": "Qty * Price"}}
    report = load(path, mapping=mapping)
    assert con.execute("select customer_id, amount from order_lines").fetchall() == [
        ("17850", Decimal("0.003")), ("17850", Decimal("-2.25"))]
    assert report.reasons == {"unparseable_amount": 1}


@pytest.mark.parametrize("spec, message", [
    ("Qty * * Price", "where a header or number is expected"),
    ("(Qty * Price", "without its"),
    ("Qty * 1,5", "not a number"),
])
def test_amount_expressions_that_cannot_be_read_name_the_file_and_key(spec, message):
    with pytest.raises(ingest.IngestError, match=message) as err:
        ingest.load_mapping({"name": "x", "orders": {"amount": spec}})
    assert "orders.amount" in str(err.value)


# ---------------------------------------------------------------- several files, auto, guests


def test_monthly_workbooks_read_side_by_side_give_what_one_by_one_gives(con, tmp_path, load,
                                                                         monkeypatch):
    """Several XLSX files are converted in processes of their own, one per core: the staged lines,
    the counts per file and the set-aside rows are those of reading them one after another."""
    folder = tmp_path / "orders"
    for month in (1, 2, 3):
        rows = [kv_line(f"HD{month}{i}", f"KH{i}", f"{10 + i:02d}/{month:02d}/2024 10:00",
                        100000 * (i + 1), "SP", 1, 100000) for i in range(4)]
        rows[month]["Thời gian"] = "khong phai ngay"
        write_export(folder, f"DanhSachChiTietHoaDon_KV0{month}.xlsx", KIOTVIET, rows)
    write_export(folder, "DanhSachChiTietHoaDon_KV04.csv", KIOTVIET,
                 [kv_line("HD40", "KH0", "10/04/2024 10:00", 100000, "SP", 1, 100000)])

    def staged():
        return con.execute("select * exclude (source_file), source_file from order_lines "
                           "order by source_file, source_line").fetchall()

    side_by_side = load(folder, mapping="kiotviet")
    lines = staged()
    monkeypatch.setattr(ingest_readers, "usable_cores", lambda: 1)
    one_by_one = load(folder, mapping="kiotviet", cache_dir=tmp_path / "cache1")
    assert staged() == lines and len(lines) == 13 - 3
    assert side_by_side.files == one_by_one.files and side_by_side.reconciles
    assert side_by_side.reasons == one_by_one.reasons == {"unparseable_date": 3}


def test_cores_are_counted_where_there_is_no_affinity(monkeypatch):
    """macOS and Windows have no os.sched_getaffinity: every core is used there."""
    import os

    from helpers.core.safety import usable_cores

    assert usable_cores() >= 1
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert usable_cores() == (os.cpu_count() or 1)


def test_jobs_in_processes_keep_their_order_and_the_first_error():
    from helpers.core.safety import map_in_processes

    jobs = [{"value": v, "name": "key"} for v in ("a", "../x", "b", "c d")]
    with pytest.raises(ValueError, match=r"key = '\.\./x'"):
        map_in_processes("helpers.core.safety:check_key", jobs, 2)
    got = map_in_processes("helpers.core.safety:check_key", jobs, 2, return_exceptions=True)
    assert got[0] == "a" and got[2] == "b"
    assert isinstance(got[1], ValueError) and isinstance(got[3], ValueError)
    assert map_in_processes("helpers.core.safety:check_key", jobs[:1] + jobs[2:3], 3) == ["a", "b"]
    with pytest.raises(ModuleNotFoundError):  # raised in the worker, raised here
        map_in_processes("no_such_module_here:f", [{}], 1)
    # a worker that dies says so, and prints nothing into the caller's output
    with pytest.raises(RuntimeError, match=r"a worker process ended with exit code -9 \("):
        map_in_processes("os:system", [{"command": "kill -9 $PPID"}], 1)


def test_a_plain_script_without_a_main_guard_reads_monthly_workbooks(tmp_path):
    """multiprocessing's spawn would run such a script again in each child and fail; the
    workbooks' processes are fresh interpreters."""
    import subprocess
    import sys

    folder = tmp_path / "orders"
    for month in (1, 2):
        write_export(folder, f"KV0{month}.xlsx", KIOTVIET, [
            kv_line(f"HD{month}", "KH1", f"10/0{month}/2024 10:00", 100000, "SP", 1, 100000)])
    script = tmp_path / "analysis.py"
    script.write_text(
        "from helpers import ingest\nfrom helpers.engine import db\n"
        f"report = ingest.load(db.connect(), 'orders', {str(folder)!r}, mapping='kiotviet', "
        f"cache_dir={str(tmp_path / 'cache')!r}, quarantine_dir={str(tmp_path / 'q')!r})\n"
        "print(report.rows_loaded)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "2"


def test_the_first_unreadable_workbook_in_order_is_the_error(tmp_path, load):
    folder = tmp_path / "orders"
    write_export(folder, "a.xlsx", KIOTVIET, [kv_line("HD1", "KH1", "10/01/2024 10:00", 1, "SP",
                                                      1, 1)])
    (folder / "b.xlsx").write_bytes(b"not a workbook")
    (folder / "c.xlsx").write_bytes(b"not one either")
    with pytest.raises(ingest.IngestError, match=r"^b\.xlsx: not a readable Excel workbook"):
        load(folder, mapping="kiotviet")


def test_a_folder_of_monthly_files_reconciles_per_file(con, tmp_path, load):
    folder = tmp_path / "orders"
    for month, bad in ((1, 0), (2, 1), (3, 2)):
        rows = [kv_line(f"HD{month}{i}", f"KH{i}", f"{10 + i:02d}/{month:02d}/2024 10:00", 100000,
                        "SP", 1, 100000) for i in range(3)]
        for j in range(bad):
            rows[j]["Thời gian"] = "khong phai ngay"
        write_export(folder, f"DanhSachChiTietHoaDon_KV0{month}.xlsx" if month == 2 else
                     f"DanhSachChiTietHoaDon_KV0{month}.csv", KIOTVIET, rows)
    report = load(folder, mapping="auto")
    per_file = {f["file"]: (f["rows_read"], f["rows_loaded"], f["rows_quarantined"])
                for f in report.files}
    assert per_file == {"DanhSachChiTietHoaDon_KV01.csv": (3, 3, 0),
                        "DanhSachChiTietHoaDon_KV02.xlsx": (3, 2, 1),
                        "DanhSachChiTietHoaDon_KV03.csv": (3, 1, 2)}
    assert report.rows_read == 9 and report.reconciles
    kept = con.execute("select source_file, source_line from order_lines order by all").fetchall()
    assert ("DanhSachChiTietHoaDon_KV02.xlsx", 3) in kept
    # a glob reads the same files
    again = load(str(folder / "*"), mapping="kiotviet")
    assert again.rows_loaded == report.rows_loaded == 6
    assert {Path(p).name.rsplit("__", 1)[0] for p in report.quarantine_paths} == {
        "orders__DanhSachChiTietHoaDon_KV02", "orders__DanhSachChiTietHoaDon_KV03"}


def test_cache_is_keyed_by_content_of_every_file(con, tmp_path):
    folder = tmp_path / "o"
    generic(folder, "a.csv", ["2024-01-05"])
    kw = {"cache_dir": tmp_path / "cache", "quarantine_dir": tmp_path / "q"}
    assert not ingest.load(con, "orders", folder, **kw).from_cache
    assert ingest.load(con, "orders", folder, **kw).from_cache
    generic(folder, "b.csv", ["2024-01-06"])
    report = ingest.load(con, "orders", folder, **kw)
    assert not report.from_cache and report.rows_loaded == 2


def test_mapping_auto_stops_when_none_fits_and_woocommerce_says_why(con, tmp_path, load):
    path = write_export(tmp_path, "x.csv", ["Khách", "Ngày", "Tiền"],
                        [{"Khách": "a", "Ngày": "2024-01-01", "Tiền": "1"}])
    with pytest.raises(ingest.IngestError, match="no shipped mapping.*'Khách', 'Ngày', 'Tiền'"):
        load(path)
    woo = write_export(tmp_path, "woo.csv", ["Date", "Order #", "N. Revenue (formatted)",
                                             "Status", "Customer", "Customer type", "Product(s)",
                                             "Items sold", "Coupon(s)", "Net Sales",
                                             "Attribution"], [])
    with pytest.raises(ingest.IngestError, match="no customer id.*e-mail"):
        load(woo)


def test_mapping_auto_stops_when_two_fit(con, tmp_path, load):
    header = ["customer_id", "order_date", "amount", "Name", "Email", "Created at", "Total",
              "Refunded Amount"]
    path = write_export(tmp_path, "both.csv", header, [])
    with pytest.raises(ingest.IngestError, match="more than one.*generic, shopify"):
        load(path)


def test_vn_pos_is_an_alias_of_kiotviet():
    assert ingest.load_mapping("vn_pos")["orders"] == ingest.load_mapping("kiotviet")["orders"]


def test_check_export_prints_what_was_detected(tmp_path, capsys):
    path = write_export(tmp_path, "DanhSachChiTietHoaDon.csv", KIOTVIET, [
        kv_line("HD1", "KH1", "25/01/2024 10:15", 300000, "SP01", 1, 100000),
        kv_line("HD1", "KH1", "25/01/2024 10:15", 300000, "SP02", 1, 200000)])
    ingest.main(["check", str(path)])
    out = capsys.readouterr().out
    assert "mapping auto picked 'kiotviet'" in out
    assert "Khách cần trả" in out and "100% of the 1 orders" in out
    assert "date order dmy" in out
    with pytest.raises(SystemExit) as stop:
        ingest.main(["check", str(tmp_path / "missing.csv")])
    assert stop.value.code == 2


# ---------------------------------------------------------------- the real Online Retail export


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data/online_retail is not here")
def test_online_retail_raw_export_gives_the_canonical_rfm_money_included(con, tmp_path):
    kw = {"cache_dir": tmp_path / "cache", "quarantine_dir": tmp_path / "q"}
    results = {}
    for name, mapping in (("online_retail_raw.csv.gz", {
            "name": "uci", "id_format": {"customer_id": "integer_text"},
            "orders": {"order_id": "InvoiceNo", "customer_id": "CustomerID",
                       "order_date": "InvoiceDate", "amount": "Quantity * UnitPrice"}}),
            ("online_retail_orders.csv.gz", "generic")):
        path = tmp_path / name.removesuffix(".gz")
        import gzip
        import shutil

        with gzip.open(SHARED / name, "rb") as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst)
        report = ingest.load(con, "orders", path, mapping=mapping, **kw)
        assert report.reconciles
        con.execute(rfm.EMPTY_CUSTOMERS)
        run = RunParams.from_values(as_of="2011-12-09", orders_path=path)
        rfm.build_rfm_customers(con, run=run, scheme=rfm.load_run_scheme(run))
        results[name] = con.execute(
            "select * exclude (segment_label) from rfm_customers order by customer_id").fetchall()
        if name.startswith("online_retail_raw"):
            assert report.guest_rows == 135_080 and report.rows_loaded == 406_829
    raw, canonical = results.values()
    assert len(raw) == len(canonical) > 4000
    assert raw == canonical
    money = {r[0]: r[3] for r in raw}
    assert all(isinstance(m, Decimal) for m in money.values())
