"""What every page says the same way: what was read, how fresh it is, labels, small tables."""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.core.params import stale_days
from helpers.ingest.report import LoadReport
from helpers.kit.charts import cohort_label
from helpers.kit.formatting import money, number
from helpers.kit.safe_text import html_text, shown_text
from helpers.kit.texts import CHANNEL_NAMES, callout, pick, t

REASON_LABELS = {
    "guest_sale": ("bán cho khách vãng lai (không có mã khách, hoặc mã khách lẻ)",
                   "guest sales (no customer key, or a walk-in code)"),
    "replaced_by_later_export": ("đơn có trong tệp xuất sau, lấy theo tệp sau",
                                 "order replaced by a later export"),
    "empty_customer_id": ("thiếu mã khách", "no customer id"),
    "duplicate_customer_id": ("mã khách lặp lại", "customer id repeated"),
    "unparseable_date": ("ngày không đọc được", "date not readable"),
    "unparseable_amount": ("số tiền không đọc được", "amount not readable"),
    "amount_beyond_4_decimals": ("số tiền quá 4 chữ số thập phân", "amount beyond 4 decimals"),
    "order_id_shared_by_customers": ("một mã đơn của nhiều khách", "order id of several customers"),
    "order_amount_differs_between_lines": ("tổng đơn khác nhau giữa các dòng",
                                           "order total differs between lines"),
    "return_amount_differs_between_lines": ("tiền trả khác nhau giữa các dòng",
                                            "refund differs between lines"),
    "return_order_unknown": ("trả hàng cho đơn không có trong dữ liệu",
                             "return of an unknown order"),
    "wrong_field_count": ("dòng sai số cột", "wrong number of fields"),
    "empty_row": ("dòng trống", "empty row"),
}


# export layouts (params/mappings/<name>.yaml) by the names their readers know
MAPPING_NAMES = {
    "generic": ("chuẩn của sổ tay", "the workbook's standard layout"),
    "kiotviet": ("KiotViet", "KiotViet"), "shopee": ("Shopee", "Shopee"),
    "shopify": ("Shopify", "Shopify"), "tiktok_shop": ("TikTok Shop", "TikTok Shop"),
    "woocommerce": ("WooCommerce", "WooCommerce"), "online_retail": ("Online Retail", "Online Retail"),
    "vn_pos": ("máy bán hàng (POS) thường gặp", "a common Vietnamese POS"),
}


def mapping_name(name, lang: str = "vi") -> str:
    """An export layout by its readable name: 'chuẩn của sổ tay', 'KiotViet' (a shop's own
    mapping file: its name as written)."""
    return pick(lang, *MAPPING_NAMES.get(str(name), (str(name), str(name))))


def _facts_vi(report: LoadReport) -> list[str]:
    """What the load decided about the export, in Vietnamese (the English text is in detected)."""
    f = report.facts or {}
    out = []
    if f.get("mapping"):
        out.append(f"Đọc theo mẫu {mapping_name(f['mapping'])}"
                   + (" (tự nhận ra từ tiêu đề cột)." if f.get("mapping_auto") else "."))
    order = {"dmy": "ngày/tháng/năm", "mdy": "tháng/ngày/năm", "ymd": "năm-tháng-ngày"}
    if f.get("date_order"):
        out.append(f"Ngày được đọc theo thứ tự {order.get(f['date_order'], f['date_order'])}.")
    if isinstance(f.get("decimal_mark"), dict):
        out.append("Dấu thập phân theo từng cột: " + ", ".join(
            f"{column} '{mark}'" for column, mark in f["decimal_mark"].items()) + ".")
    elif f.get("decimal_mark"):
        out.append(f"Dấu thập phân của số tiền là '{f['decimal_mark']}'.")
    if f.get("amount"):
        out.append(f"Số tiền lấy từ {f['amount']}, "
                   + ("là tổng tiền của cả đơn, chỉ tính một lần cho mỗi đơn."
                      if f.get("amount_level") == "order" else "cộng theo từng dòng."))
    if report.guest_rows:
        out.append(f"{number(report.guest_rows)} dòng không có mã khách (hoặc ghi mã khách lẻ như "
                   f"'Khách lẻ') là bán cho khách vãng lai: báo cáo riêng, không tính vào RFM.")
    if report.returns:
        out.append(f"Tệp trả hàng: {number(report.returns['rows_loaded'])} dòng được nạp, mỗi "
                   f"phiếu trả tính một lần, ghi âm vào ngày trả.")
    if any("staging cache was damaged" in d for d in report.detected):
        out.append("Bộ nhớ đệm bị hỏng nên tệp đã được đọc lại từ đầu.")
    return out


def cohort_name(cohort, lang: str = "vi") -> str:

    return cohort_label(cohort, lang)


def reason_label(reason: str, lang: str = "vi") -> str:
    """Why rows were set aside, in words (the key stays in the quarantine file)."""
    return pick(lang, *REASON_LABELS.get(reason, (reason, reason)))


def inputs_summary(reports: dict[str, LoadReport], lang: str = "vi") -> HTML:
    """What was read, loaded and set aside, per input, with what was detected in the export.

    Everything that comes from the shop's files (file names, headers, example values) is
    escaped: a header is text, never markup, a link or a change of direction."""
    items = []
    for report in reports.values():
        name = html_text(report.path.rsplit("/", 1)[-1])
        text = pick(
            lang,
            f"<b>{name}</b>: đọc {number(report.rows_read, lang)} dòng, nạp "
            f"{number(report.rows_loaded, lang)}, để riêng {number(report.rows_quarantined, lang)}",
            f"<b>{name}</b>: {number(report.rows_read, lang)} rows read, "
            f"{number(report.rows_loaded, lang)} loaded, "
            f"{number(report.rows_quarantined, lang)} set aside",
        )
        if report.reasons:
            text += " (" + ", ".join(f"{html_text(reason_label(k, lang))}: {number(v, lang)}"
                                     for k, v in report.reasons.items()) + ")"
        if report.duplicates:
            text += pick(lang, f"; {number(report.duplicates, lang)} dòng trùng lặp hoàn toàn "
                                f"({'đã bỏ' if report.duplicates_dropped else 'vẫn giữ'})",
                          f"; {number(report.duplicates, lang)} exact duplicate rows "
                          f"({'dropped' if report.duplicates_dropped else 'kept'})")
        if report.guest_rows:
            text += pick(lang, f"; {number(report.guest_rows, lang)} dòng bán cho khách vãng lai "
                                f"(không có mã khách hoặc mã khách lẻ), "
                                f"{money(float(report.guest_revenue), lang)}, "
                                f"không tính vào RFM",
                          f"; {number(report.guest_rows, lang)} guest-sale "
                          f"{'row' if report.guest_rows == 1 else 'rows'} (no customer key or a walk-in "
                          f"code), "
                          f"{money(float(report.guest_revenue), lang)}, kept out of RFM")
        if report.returns:
            r = report.returns
            text += pick(lang, f"; tệp trả hàng: đọc {number(r['rows_read'], lang)} dòng, nạp "
                                f"{number(r['rows_loaded'], lang)}",
                          f"; returns: {number(r['rows_read'], lang)} rows read, "
                          f"{number(r['rows_loaded'], lang)} loaded")
        if len(report.files) > 1:
            text += pick(lang, f", từ {len(report.files)} tệp", f", from {len(report.files)} files")
        detected = list(report.detected) + [f"returns: {d}" for d in
                                            (report.returns or {}).get("detected", [])]
        if lang == "vi":  # the same decisions, said in Vietnamese
            detected = _facts_vi(report)
        details = ""
        if detected or len(report.files) > 1:
            rows = [html_text(d) for d in detected] + [
                html_text(pick(lang,
                             f"{f['file']}: đọc {number(f['rows_read'], lang)} = nạp "
                             f"{number(f['rows_loaded'], lang)} + để riêng "
                             f"{number(f['rows_quarantined'], lang)} + bỏ trùng "
                             f"{number(f['duplicates_dropped'], lang)}",
                             f"{f['file']}: {f['rows_read']:,} read = {f['rows_loaded']:,} "
                             f"loaded + {f['rows_quarantined']:,} set aside + "
                             f"{f['duplicates_dropped']:,} dropped"))
                for f in report.files if len(report.files) > 1]
            layout = html_text(mapping_name(report.mapping, lang))
            title = pick(lang, f"Cách tệp được đọc (mẫu {layout})",
                         f"How the export was read (layout: {layout})")
            details = (f"<details><summary>{title}</summary><ul>"
                       + "".join(f"<li>{r}</li>" for r in rows) + "</ul></details>")
        items.append(f"<li>{text}.{details}</li>")
    out = "<ul class='workbook-inputs'>" + "".join(items) + "</ul>"
    orders = reports.get("orders")
    if orders is not None and orders.rows_loaded == 0:
        out = callout(pick(
            lang, "Không có đơn hàng nào được nạp, nên mọi số liệu trong trang này đều bằng 0. "
                  "Kiểm tra tệp đơn hàng (orders_path) và các dòng bị để riêng.",
            "No order was loaded, so every figure on this page is zero. Check the orders export "
            "(orders_path) and the rows set aside.")).data + out
    return HTML(out)


def loading_details(reports: dict[str, LoadReport], lang: str = "vi") -> HTML:
    """What was read, folded for the analyst (closed: a manager does not need it); a warning
    that every figure is zero stays outside the fold."""
    summary = inputs_summary(reports, lang).data
    warning = ""
    if summary.startswith("<div class='workbook-callout'>"):
        cut = summary.index("</div>") + len("</div>")
        warning, summary = summary[:cut], summary[cut:]
    title = pick(lang, "Chi tiết tải dữ liệu", "Loading details")
    return HTML(f"{warning}<details class='workbook-loading'><summary>{title}</summary>"
                f"{summary}</details>")


def section(key: str, *, lang: str = "vi") -> Markdown:
    """A page's heading or explanation in the page's language (helpers/page_texts.py)."""

    return Markdown(t(key, lang))


def freshness(last, *, as_of, lang: str = "vi"):
    """The data's latest order date (ingest.last_order_date), and a plain warning when it is
    more than 3 days before the as-of date (the month is then incomplete: comparisons and recent
    windows are short)."""
    if last is None:
        return Markdown("")
    shown, when = day(last, lang), day(as_of, lang)
    gap = stale_days(last, as_of)
    if not gap:
        return Markdown(pick(lang, f"Đơn hàng mới nhất trong dữ liệu: ngày {shown}.",
                              f"Latest order in the data: {shown}."))
    return callout(pick(
        lang,
        f"Dữ liệu chỉ có đơn hàng đến ngày {shown}, sớm hơn ngày phân tích ({when}) {gap} ngày: "
        f"tệp xuất có thể còn thiếu đơn. Số liệu tháng này chỉ tính {gap} ngày ít hơn tháng "
        f"trước, nên so sánh hai tháng là không cân xứng, và các khách mua trong những ngày gần "
        f"đây nhất chưa có trong dữ liệu.",
        f"The data has orders up to {shown} only, {gap} days before the as-of date ({when}): the "
        f"export may be missing orders. This month counts {gap} days fewer than last month, so "
        f"the month-over-month comparison is uneven, and the most recent buyers are not in the "
        f"data yet."))


def html_table(frame: pd.DataFrame) -> HTML:
    """A small table as HTML: every text cell and header shown as text (escaped, no bidi
    control, kit.safe_text.shown_text)."""
    frame = frame.copy()
    frame.columns = [shown_text(c) if isinstance(c, str) else c for c in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].map(lambda v: shown_text(v) if isinstance(v, str) else v)
    return HTML(frame.to_html(index=False, escape=True, border=0))


def day(value, lang: str = "vi") -> str:
    """A date as the reader writes it: 31/10/2026 (vi) or 31 Oct 2026 (en)."""
    from datetime import date as date_type

    from babel.dates import format_date

    if isinstance(value, str):
        value = date_type.fromisoformat(value[:10])
    elif hasattr(value, "date") and callable(value.date):  # a datetime: its calendar day
        value = value.date()
    return format_date(value, format="dd/MM/yyyy" if lang == "vi" else "d MMM yyyy",
                       locale="vi_VN" if lang == "vi" else "en_US")


LIST_LABELS = {
    "close_to_next": ("Sắp lên hạng", "Close to the next tier"),
    "upgraded": ("Vừa lên hạng", "Moved up a tier"),
    "downgraded": ("Vừa xuống hạng", "Moved down a tier"),
    "birthdays": ("Sinh nhật tháng tới", "Birthdays next month"),
    "will_drop": ("Sẽ xuống hạng ở kỳ xét tới", "Will drop at the next re-ranking"),
}


WINDOW_LABELS = {
    "1-7d": ("Mua 1–7 ngày trước", "Bought 1–7 days ago"),
    "8-14d": ("Mua 8–14 ngày trước", "Bought 8–14 days ago"),
    "15-28d": ("Mua 15–28 ngày trước", "Bought 15–28 days ago"),
}


def window_label(key, lang: str = "vi") -> str:
    """A repurchase window by its words: '1-7d' -> 'Mua 1–7 ngày trước' / 'Bought 1–7 days ago'
    (a shop's own window, '29-60d', read the same way; a key that is no window stays as it is)."""
    if key in WINDOW_LABELS:
        return pick(lang, *WINDOW_LABELS[key])
    found = re.fullmatch(r"(\d+)-(\d+)d", str(key))
    if not found:
        return str(key)
    low, high = found.groups()
    return pick(lang, f"Mua {low}–{high} ngày trước", f"Bought {low}–{high} days ago")


def missing(name: str, notebook: str, *, lang: str = "vi") -> Markdown:
    return Markdown(pick(lang, f"_Chưa có `{name}` trong thư mục kết quả: chạy `{notebook}` trước._",
                          f"_`{name}` is not in the run folder yet: run `{notebook}` first._"))


def send_lists(counts: pd.DataFrame, labels: dict[str, str], *, lang: str = "vi") -> Markdown:
    """How many can be contacted per channel, and how many were left out for lack of consent."""
    totals = counts.groupby("channel")[["customers", "in_list", "no_consent", "no_contact"]].sum()
    parts = []
    names = CHANNEL_NAMES
    for channel in ("sms", "zalo", "email"):
        if channel not in totals.index:
            continue
        row = totals.loc[channel]
        parts.append(pick(
            lang,
            f"{names[channel]}: {number(row.in_list, lang)} khách trong danh sách gửi, "
            f"{number(row.no_consent, lang)} bị loại vì không đồng ý nhận tin, "
            f"{number(row.no_contact, lang)} vì thiếu hoặc sai liên hệ",
            f"{names[channel]}: {number(row.in_list, lang)} in the send lists, "
            f"{number(row.no_consent, lang)} left out for no consent, "
            f"{number(row.no_contact, lang)} for a missing or invalid contact"))
    return Markdown("\n".join(f"- {p}." for p in parts))
