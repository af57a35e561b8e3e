"""Every word the analyst's explorer shows, in Vietnamese and English, and its cut points as each
reader writes numbers (1.000.000 in Vietnamese, 1,000,000 in English; never 1e+06).

Keys (column names, option values) never reach the screen: each has a label here.
"""

from __future__ import annotations

import re

from babel.numbers import format_decimal

from helpers.core import currency
from helpers.kit.formatting import LOCALES
from helpers.kit.texts import in_run_currency

# (vi, en) for every label of the explorer: one language at a time, switched with its control
CONTROL_LABELS = {
    "as_of": ("Ngày phân tích", "As of"), "scheme": ("Cách phân nhóm", "Scheme"),
    "window": ("Cửa sổ", "Window"), "bins": ("Số mức điểm", "Bins"),
    "scoring": ("Cách chấm điểm", "Scoring"), "cuts_recency_days": ("Mốc R (ngày)", "R cut days"),
    "cuts_frequency": ("Mốc F (lần mua)", "F cut points"),
    "cuts_monetary": ("Mốc M (₫)", "M cut points (₫)"), "factors": ("Tiêu chí", "Factors"),
    "lang": ("Ngôn ngữ", "Language"), "segment": ("Nhóm", "Segment"),
    "sort": ("Sắp xếp theo", "Sort by"), "descending": ("giảm dần", "descending"),
    "page": ("Trang", "Page"), "compare": ("So với cách", "Compare with"),
    "lookup": ("Tìm", "Find"),
}
# "all history" is the value 0, not None: a dropdown whose value is None shows nothing selected
ALL_HISTORY = 0
WINDOWS = (ALL_HISTORY, 30, 90, 180, 365, 730)
WINDOW_NAMES = {ALL_HISTORY: ("toàn bộ lịch sử", "all history"), 30: ("30 ngày", "30 days"),
                90: ("90 ngày", "90 days"), 180: ("180 ngày", "180 days"),
                365: ("365 ngày", "365 days"), 730: ("730 ngày", "730 days")}
SCORING_NAMES = {"quantile": ("theo phân vị", "by quantile"),
                 "fixed": ("theo mốc cố định", "fixed cut points")}
FACTOR_NAMES = {"rfm": ("R, F và M", "R, F and M"), "rf": ("R và F", "R and F"),
                "rm": ("R và M", "R and M"), "fm": ("F và M", "F and M")}
LANG_NAMES = [("Tiếng Việt", "vi"), ("English", "en")]
TAB_TITLES = [("Các nhóm", "Segments"), ("R × FM", "R × FM"), ("Khách hàng", "Customers"),
              ("So sánh hai cách", "Compare schemes"), ("Tra cứu khách", "Customer lookup")]
BUTTON_LABELS = {"export": ("Xuất danh sách đang xem", "Export this selection"),
                 "lookup": ("Tra cứu", "Look up")}
LOOKUP_HINT = ("mã khách, số điện thoại hoặc email", "customer id, phone or e-mail")

# column key -> (vi, en): the headers of every table the explorer shows
COLUMN_NAMES = {
    "customer_id": ("Mã khách", "Customer id"),
    "recency_days": ("Số ngày từ lần mua cuối", "Days since last purchase"),
    "frequency": ("Số lần mua", "Purchases"),
    "monetary": ("Tổng chi tiêu", "Total spend"),
    "orders": ("Số đơn", "Orders"),
    "aov": ("Giá trị TB mỗi đơn", "Average order value"),
    "rfm_code": ("Mã RFM", "RFM code"),
    "last_purchase_date": ("Lần mua cuối", "Last purchase"),
    "month_end": ("Cuối tháng", "Month end"),
    "segment": ("Nhóm", "Segment"),
    "order_id": ("Mã đơn", "Order id"),
    "order_date": ("Ngày mua", "Order date"),
    "amount": ("Số tiền", "Amount"),
    "status": ("Trạng thái", "Status"),
    "channel": ("Kênh", "Channel"),
}
SORTABLE = ["monetary", "frequency", "recency_days", "orders", "aov", "customer_id"]
NO_SEGMENT = ("(chưa mua)", "(no purchase yet)")


def pair(texts: tuple[str, str], lang: str) -> str:
    """The label in the reader's language, its unit (₫) in the run's currency."""
    return in_run_currency(texts[0] if lang == "vi" else texts[1], lang)


def column(key: str, lang: str) -> str:
    return pair(COLUMN_NAMES.get(key, (key, key)), lang)


def cuts_text(values, lang: str = "vi") -> str:
    """Cut points as the reader writes numbers, separated by '; ' (a comma is a decimal mark in
    Vietnamese): '500.000; 1.000.000' (vi), '500,000; 1,000,000' (en)."""
    return "; ".join(format_decimal(float(v), format="#,##0.##", locale=LOCALES[lang])
                     for v in values)


class CutsError(ValueError):
    """Cut points that are not numbers; the message is in the explorer's language."""


def parse_cuts(text: str, lang: str = "vi", *, name: str = "") -> list[float]:
    """'500.000; 1.000.000' (vi) or '500,000; 1,000,000' (en) -> [500000.0, 1000000.0].

    Points are separated by ';' (or by a comma followed by a space, as in '2, 3, 5, 10');
    thousands are grouped with '.' in Vietnamese and ',' in English (a space or '_' also works);
    the currency's sign may be written (₫, $, US$, €, or its code);
    the decimal mark is the other one. A text that is not numbers says so, in the reader's words."""
    parts = [p for p in re.split(r";|,\s+", text) if p.strip()]
    group, decimal = (".", ",") if lang == "vi" else (",", ".")
    out = []
    for part in parts:
        raw = re.sub(r"[\s_\u00a0\u202f₫]", "", part)
        marks = {currency.symbol("vi"), currency.symbol("en"), currency.current()}
        for mark in sorted(marks, key=len, reverse=True):  # US$ before $
            raw = raw.replace(mark, "")  # '500.000 US$', '$500,000', '500 USD' as written
        if raw.count(decimal) > 1 or not re.fullmatch(r"-?[0-9][0-9" + re.escape(group)
                                                      + r"]*(" + re.escape(decimal) + r"[0-9]+)?",
                                                      raw):
            raise CutsError(pair((
                f"{name}: “{part.strip()}” không phải là một số; viết các mốc như "
                f"{cuts_text([500_000, 1_000_000], 'vi')}",
                f"{name}: “{part.strip()}” is not a number; write the cut points as "
                f"{cuts_text([500_000, 1_000_000], 'en')}"), lang))
        out.append(float(raw.replace(group, "").replace(decimal, ".")))
    return out


def check_cuts(values: list[float], bins: int, lang: str, *, name: str = "") -> None:
    """bins - 1 cut points, strictly ascending, or a CutsError that says so in the reader's
    words (the run's own check, core.params, speaks English)."""
    if len(values) == bins - 1 and values == sorted(set(values)):
        return
    shown = cuts_text(values, lang) or "–"
    raise CutsError(pair((
        f"{name}: cần {bins - 1} mốc tăng dần cho {bins} mức điểm (đang có: {shown})",
        f"{name}: {bins - 1} ascending cut points are needed for {bins} bins (now: {shown})"),
        lang))


def scheme_bins_message(message: str, scheme: str, bins: int, lang: str) -> str | None:
    """A scheme written for another number of bins, said in the reader's words; None for any
    other problem of the scheme."""
    found = re.search(r"written for bins = (\d+)", message)
    if not found:
        return None
    wanted = found.group(1)
    return pair((f"Cách phân nhóm {scheme} được viết cho {wanted} mức điểm (đang chọn {bins}): "
                 f"chọn lại {wanted} mức điểm, hoặc một cách phân nhóm viết cho {bins} mức.",
                 f"Scheme {scheme} is written for {wanted} bins (now {bins}): set bins back to "
                 f"{wanted}, or choose a scheme written for {bins}."), lang)
