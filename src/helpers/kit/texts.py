"""Words shown to people, in Vietnamese and English. Keys are ASCII; labels never go in data."""

from __future__ import annotations

from IPython.display import HTML, Markdown

from helpers.core import currency
from helpers.kit.page_texts import PAGE_TEXTS
from helpers.kit.safe_text import md_text

TEXTS: dict[str, dict[str, str]] = {
    "all_buyers": {"vi": "Tất cả khách đã mua", "en": "All buyers"},
    "customers": {"vi": "Khách hàng", "en": "Customers"},
    "revenue": {"vi": "Doanh thu", "en": "Revenue"},
    "recency_days": {"vi": "Số ngày từ lần mua cuối", "en": "Days since last purchase"},
    "frequency": {"vi": "Số lần mua", "en": "Purchases"},
    "monetary_log": {"vi": "Tổng chi tiêu (₫, thang log)", "en": "Total spend (₫, log scale)"},
    "revenue_share": {"vi": "Tỷ trọng doanh thu", "en": "Share of revenue"},
    "equal_share": {"vi": "Nếu mọi khách như nhau", "en": "If every buyer were equal"},
    "top_share_of_buyers": {"vi": "% khách chi tiêu nhiều nhất",
                            "en": "% of top-spending buyers"},
    "share_of_revenue": {"vi": "% doanh thu", "en": "% of revenue"},
    "segment": {"vi": "Nhóm", "en": "Segment"},
    "share": {"vi": "Tỷ lệ", "en": "Share"},
    "repurchase_rate": {"vi": "Tỷ lệ mua lại", "en": "Repurchase rate"},
    "mean_recency": {"vi": "Số ngày TB từ lần mua cuối", "en": "Mean days since last purchase"},
    "mean_frequency": {"vi": "Số lần mua TB", "en": "Mean purchases"},
    "mean_monetary": {"vi": "Chi tiêu TB", "en": "Mean spend"},
    "suggested_action": {"vi": "Gợi ý chăm sóc", "en": "Suggested care"},
    "treemap_customers": {"vi": "Các nhóm khách theo số khách", "en": "Segments by customers"},
    "treemap_revenue": {"vi": "Các nhóm khách theo doanh thu", "en": "Segments by revenue"},
    "grid_title": {"vi": "Lưới R × FM: số khách và nhóm của từng ô",
                   "en": "R × FM grid: customers and segment of each cell"},
    "pareto_title": {"vi": "Mức tập trung doanh thu", "en": "Revenue concentration"},
    "cohort": {"vi": "Nhóm theo tháng mua đầu", "en": "Cohort (first purchase)"},
    "period": {"vi": "Kỳ sau lần mua đầu", "en": "Periods after the first purchase"},
    "ltv": {"vi": "Doanh thu tích lũy mỗi khách (₫)", "en": "Cumulative revenue per customer (₫)"},
    "purchases_per_customer": {"vi": "Số lần mua TB mỗi khách", "en": "Purchases per customer"},
    "days_to_second": {"vi": "Số ngày từ lần mua đầu đến lần thứ hai",
                       "en": "Days from first to second purchase"},
    "retention_title": {"vi": "Tỷ lệ quay lại mua theo nhóm tháng (* = kỳ hiện tại, chưa trọn)",
                        "en": "Retention by cohort (* = current, incomplete period)"},
    "revenue_triangle_title": {"vi": "Doanh thu theo nhóm tháng và kỳ (₫)",
                               "en": "Revenue by cohort and period (₫)"},
    "ltv_title": {"vi": "Giá trị tích lũy mỗi khách theo nhóm", "en": "Cumulative value per customer"},
    "ppc_title": {"vi": "Số lần mua trung bình mỗi khách theo kỳ",
                  "en": "Average purchases per customer by period"},
    "gap_title": {"vi": "Khách quay lại lần hai sau bao nhiêu ngày?",
                  "en": "How many days until the second purchase?"},
    "new_in_period": {"vi": "(mới trong kỳ)", "en": "(new in the period)"},
    "share_of_row": {"vi": "% của hàng", "en": "% of row"},
    "from_segment": {"vi": "Nhóm trước", "en": "Segment before"},
    "to_segment": {"vi": "Nhóm hiện tại", "en": "Segment now"},
    "migration_title": {"vi": "Khách chuyển nhóm từ {a} đến {b}",
                        "en": "How customers moved from {a} to {b}"},
    "sankey_title": {"vi": "Dòng chuyển nhóm", "en": "Flows between segments"},
    "value_per_segment_title": {"vi": "Doanh thu dự kiến {days} ngày tới theo nhóm",
                                "en": "Expected revenue in the next {days} days by segment"},
    "p_alive_title": {"vi": "Khả năng khách còn mua theo số ngày từ lần mua cuối",
                      "en": "Chance a customer is still active, by days since the last purchase"},
    "calibration_title": {"vi": "Số lần mua dự báo và thực tế trong kỳ kiểm tra",
                          "en": "Predicted and actual purchases in the check period"},
    "expected_revenue": {"vi": "Doanh thu dự kiến", "en": "Expected revenue"},
    "days_since_last": {"vi": "Số ngày từ lần mua cuối", "en": "Days since the last purchase"},
    "p_alive": {"vi": "Khả năng còn mua", "en": "Chance still active"},
    "purchases_before": {"vi": "Số lần mua lại trước kỳ kiểm tra",
                         "en": "Repeat purchases before the check period"},
    "purchases_per_customer_in_check": {"vi": "Lần mua mỗi khách trong kỳ kiểm tra",
                                        "en": "Purchases per customer in the check period"},
    "predicted": {"vi": "Dự báo", "en": "Predicted"},
    "actual": {"vi": "Thực tế", "en": "Actual"},
    "rhythm": {"vi": "Mua đều mỗi {days} ngày", "en": "Buys every {days} days"},
    "trend_title": {"vi": "Tỷ trọng các nhóm qua 12 tháng", "en": "Segment shares over 12 months"},
    # everyone holding a tier: "khách", since "Thành viên" is often the lowest tier's name
    "members": {"vi": "Số khách", "en": "Customers"},
    "spend_period": {"vi": "Chi tiêu trong kỳ (₫)", "en": "Spend in the period (₫)"},
    "change": {"vi": "Thay đổi", "en": "Change"},
    "gap_to_next": {"vi": "Còn thiếu để lên hạng (₫)", "en": "Spend needed for the next tier (₫)"},
    "next_tier": {"vi": "Hạng kế tiếp", "en": "Next tier"},
    "tiers_title": {"vi": "Số khách và chi tiêu theo hạng", "en": "Customers and spend per tier"},
    "changes_title": {"vi": "Lên hạng, xuống hạng so với cuối tháng trước",
                      "en": "Upgrades and downgrades since last month end"},
    "gap_title_tiers": {"vi": "Khoảng cách tới hạng kế tiếp", "en": "Distance to the next tier"},
    "stage_sent": {"vi": "Đã gửi", "en": "Sent"},
    "stage_delivered": {"vi": "Đã nhận", "en": "Delivered"},
    "stage_opened": {"vi": "Đã mở", "en": "Opened"},
    "stage_interacted": {"vi": "Đã tương tác", "en": "Interacted"},
    "uplift_axis": {"vi": "Chênh lệch tỷ lệ mua (nhận tin − đối chứng)",
                    "en": "Difference in purchase rate (treated − holdout)"},
    "treated": {"vi": "Nhóm nhận tin", "en": "Treated"},
    "holdout_group": {"vi": "Nhóm đối chứng (không gửi)", "en": "Holdout (not contacted)"},
    "revenue_per_customer": {"vi": "Doanh thu mỗi khách trong cửa sổ (₫)",
                             "en": "Revenue per customer in the window (₫)"},
    "uplift_segment_title": {"vi": "Tác động theo nhóm khách (khoảng tin cậy 95%)",
                             "en": "Effect by segment (95% intervals)"},
    "funnel_title": {"vi": "Gửi, nhận, mở, tương tác theo kênh",
                     "en": "Sent, delivered, opened, interacted per channel"},
    "uplift_title": {"vi": "Tác động thật của chiến dịch (khoảng tin cậy 95%)",
                     "en": "What the campaigns really caused (95% intervals)"},
    "revenue_group_title": {"vi": "Doanh thu mỗi khách: nhận tin và đối chứng",
                            "en": "Revenue per customer: treated and holdout"},
    "next_month_retention": {"vi": "Mua lại tháng sau", "en": "Bought again next month"},
    "change_up": {"vi": "Lên hạng", "en": "Up"},
    "change_down": {"vi": "Xuống hạng", "en": "Down"},
    "change_new": {"vi": "Mới", "en": "New"},
    "change_same": {"vi": "Giữ hạng", "en": "Same"},
    "channel": {"vi": "Kênh", "en": "Channel"},
    # page 05's table (pages/campaigns/sentences.py): the words, not the jargon
    "uplift": {"vi": "Chênh lệch tỷ lệ mua", "en": "Uplift"},
    "roi": {"vi": "Lãi trên mỗi đồng chi phí", "en": "ROI"},
    "in_list": {"vi": "Trong danh sách gửi", "en": "In send list"},
    "no_consent": {"vi": "Không đồng ý nhận tin", "en": "No consent"},
    "no_contact": {"vi": "Thiếu/không hợp lệ SĐT/email", "en": "Missing or invalid contact"},
}


# channels by the names campaign tools use (the same in both languages); keys never shown
CHANNEL_NAMES = {"sms": "SMS", "zalo": "Zalo ZNS", "zns": "Zalo ZNS", "email": "Email"}


def channel_name(key) -> str:
    return CHANNEL_NAMES.get(str(key).lower(), str(key))


def pick(lang: str, vi: str, en: str) -> str:
    """The one way a text is chosen by language: the Vietnamese or the English of a pair."""
    return vi if lang == "vi" else en


def t(key: str, lang: str = "vi", **values) -> str:
    """A text of the translation tables by its key (labels in TEXTS, page texts in PAGE_TEXTS),
    with {values} filled in and its unit (₫) in the run's currency."""
    entry = TEXTS.get(key) or PAGE_TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    text = in_run_currency(text, lang)
    return text.format(**values) if values else text


def in_run_currency(text: str, lang: str = "vi") -> str:
    """A label that names the unit (₫) names the run's currency instead: 'Chi tiêu (US$)'."""
    if "₫" in text and currency.current() != "VND":
        return text.replace("₫", currency.symbol(lang))
    return text


def md(text: str) -> Markdown:
    """Markdown output (shown as prose in reports, with code cells hidden)."""
    return Markdown(text)


def callout(text: str) -> HTML:
    """A highlighted sentence for something a manager must not miss."""
    return HTML(f"<div class='workbook-callout'>{text}</div>")


def md_escape(value) -> str:
    """A value from a shop's files, safe inside Markdown: no HTML, no link, no emphasis, no bidi
    control (kit.safe_text.md_text, the one rule)."""
    return md_text(value)
