"""Sentences computed from the data, in Vietnamese or English, for reports a manager reads."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.campaigns import plain_verdict
from helpers.charts import cohort_label
from helpers.cohorts import is_period_complete, period_of
from helpers.formatting import money, number, percent, signed_percent_points
from helpers.ingest import LoadReport
from helpers.page_texts import PAGE_TEXTS
from helpers.params import stale_days
from helpers.texts import CHANNEL_NAMES, callout, channel_name, md_escape, t


def _pick(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


REASON_LABELS = {
    "guest_sale": ("bán cho khách vãng lai (không có mã khách)", "guest sales (no customer key)"),
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


def _facts_vi(report: LoadReport) -> list[str]:
    """What the load decided about the export, in Vietnamese (the English text is in detected)."""
    f = report.facts or {}
    out = []
    if f.get("mapping"):
        out.append(f"Đọc theo mẫu {f['mapping']}"
                   + (" (tự nhận ra từ tiêu đề cột)." if f.get("mapping_auto") else "."))
    order = {"dmy": "ngày/tháng/năm", "mdy": "tháng/ngày/năm", "ymd": "năm-tháng-ngày"}
    if f.get("date_order"):
        out.append(f"Ngày được đọc theo thứ tự {order.get(f['date_order'], f['date_order'])}.")
    if f.get("decimal_mark"):
        out.append(f"Dấu thập phân của số tiền là '{f['decimal_mark']}'.")
    if f.get("amount"):
        out.append(f"Số tiền lấy từ {f['amount']}, "
                   + ("là tổng tiền của cả đơn, chỉ tính một lần cho mỗi đơn."
                      if f.get("amount_level") == "order" else "cộng theo từng dòng."))
    if report.guest_rows:
        out.append(f"{number(report.guest_rows)} dòng không có mã khách là bán cho khách vãng "
                   f"lai: báo cáo riêng, không tính vào RFM.")
    if report.returns:
        out.append(f"Tệp trả hàng: {number(report.returns['rows_loaded'])} dòng được nạp, mỗi "
                   f"phiếu trả tính một lần, ghi âm vào ngày trả.")
    if any("staging cache was damaged" in d for d in report.detected):
        out.append("Bộ nhớ đệm bị hỏng nên tệp đã được đọc lại từ đầu.")
    return out


def _cohort(cohort, lang: str = "vi") -> str:

    return cohort_label(cohort, lang)


def reason_label(reason: str, lang: str = "vi") -> str:
    """Why rows were set aside, in words (the key stays in the quarantine file)."""
    vi, en = REASON_LABELS.get(reason, (reason, reason))
    return vi if lang == "vi" else en


def inputs_summary(reports: dict[str, LoadReport], lang: str = "vi") -> HTML:
    """What was read, loaded and set aside, per input, with what was detected in the export.

    Everything that comes from the shop's files (file names, headers, example values) is
    escaped: a header is text, never markup."""
    from html import escape

    items = []
    for report in reports.values():
        name = escape(report.path.rsplit("/", 1)[-1])
        text = _pick(
            lang,
            f"<b>{name}</b>: đọc {number(report.rows_read, lang)} dòng, nạp "
            f"{number(report.rows_loaded, lang)}, để riêng {number(report.rows_quarantined, lang)}",
            f"<b>{name}</b>: {number(report.rows_read, lang)} rows read, "
            f"{number(report.rows_loaded, lang)} loaded, "
            f"{number(report.rows_quarantined, lang)} set aside",
        )
        if report.reasons:
            text += " (" + ", ".join(f"{escape(reason_label(k, lang))}: {number(v, lang)}"
                                     for k, v in report.reasons.items()) + ")"
        if report.duplicates:
            text += _pick(lang, f"; {number(report.duplicates, lang)} dòng trùng lặp hoàn toàn "
                                f"({'đã bỏ' if report.duplicates_dropped else 'vẫn giữ'})",
                          f"; {number(report.duplicates, lang)} exact duplicate rows "
                          f"({'dropped' if report.duplicates_dropped else 'kept'})")
        if report.guest_rows:
            text += _pick(lang, f"; {number(report.guest_rows, lang)} dòng bán cho khách vãng lai "
                                f"(không có mã khách), {money(float(report.guest_revenue), lang)}, "
                                f"không tính vào RFM",
                          f"; {number(report.guest_rows, lang)} guest-sale rows (no customer "
                          f"key), {money(float(report.guest_revenue), lang)}, kept out of RFM")
        if report.returns:
            r = report.returns
            text += _pick(lang, f"; tệp trả hàng: đọc {number(r['rows_read'], lang)} dòng, nạp "
                                f"{number(r['rows_loaded'], lang)}",
                          f"; returns: {number(r['rows_read'], lang)} rows read, "
                          f"{number(r['rows_loaded'], lang)} loaded")
        if len(report.files) > 1:
            text += _pick(lang, f", từ {len(report.files)} tệp", f", from {len(report.files)} files")
        detected = list(report.detected) + [f"returns: {d}" for d in
                                            (report.returns or {}).get("detected", [])]
        if lang == "vi":  # the same decisions, said in Vietnamese
            detected = _facts_vi(report)
        details = ""
        if detected or len(report.files) > 1:
            rows = [escape(d) for d in detected] + [
                escape(_pick(lang,
                             f"{f['file']}: đọc {number(f['rows_read'], lang)} = nạp "
                             f"{number(f['rows_loaded'], lang)} + để riêng "
                             f"{number(f['rows_quarantined'], lang)} + bỏ trùng "
                             f"{number(f['duplicates_dropped'], lang)}",
                             f"{f['file']}: {f['rows_read']:,} read = {f['rows_loaded']:,} "
                             f"loaded + {f['rows_quarantined']:,} set aside + "
                             f"{f['duplicates_dropped']:,} dropped"))
                for f in report.files if len(report.files) > 1]
            title = _pick(lang, "Cách tệp được đọc (mẫu " + escape(report.mapping) + ")",
                          "How the export was read (mapping " + escape(report.mapping) + ")")
            details = (f"<details><summary>{title}</summary><ul>"
                       + "".join(f"<li>{r}</li>" for r in rows) + "</ul></details>")
        items.append(f"<li>{text}.{details}</li>")
    out = "<ul class='workbook-inputs'>" + "".join(items) + "</ul>"
    orders = reports.get("orders")
    if orders is not None and orders.rows_loaded == 0:
        out = callout(_pick(
            lang, "Không có đơn hàng nào được nạp, nên mọi số liệu trong trang này đều bằng 0. "
                  "Kiểm tra tệp đơn hàng (orders_path) và các dòng bị để riêng.",
            "No order was loaded, so every figure on this page is zero. Check the orders export "
            "(orders_path) and the rows set aside.")).data + out
    return HTML(out)


def section(key: str, *, lang: str = "vi") -> Markdown:
    """A page's heading or explanation in the page's language (helpers/page_texts.py)."""

    return Markdown(PAGE_TEXTS[key]["vi" if lang == "vi" else "en"])


def freshness(last, *, as_of, lang: str = "vi"):
    """The data's latest order date (ingest.last_order_date), and a plain warning when it is
    more than 3 days before the as-of date (the month is then incomplete: comparisons and recent
    windows are short)."""
    if last is None:
        return Markdown("")
    shown, when = day(last, lang), day(as_of, lang)
    gap = stale_days(last, as_of)
    if not gap:
        return Markdown(_pick(lang, f"Đơn hàng mới nhất trong dữ liệu: ngày {shown}.",
                              f"Latest order in the data: {shown}."))
    return callout(_pick(
        lang,
        f"Dữ liệu chỉ có đơn hàng đến ngày {shown}, sớm hơn ngày phân tích ({when}) {gap} ngày: "
        f"tệp xuất có thể còn thiếu đơn. Số liệu tháng này chỉ tính {gap} ngày ít hơn tháng "
        f"trước, nên so sánh hai tháng là không cân xứng, và các khách mua trong những ngày gần "
        f"đây nhất chưa có trong dữ liệu.",
        f"The data has orders up to {shown} only, {gap} days before the as-of date ({when}): the "
        f"export may be missing orders. This month counts {gap} days fewer than last month, so "
        f"the month-over-month comparison is uneven, and the most recent buyers are not in the "
        f"data yet."))


def rfm_headlines(h: dict, *, lang: str = "vi", window_days: int | None = None) -> list:
    """The three or four things to know about this month's customers (rfm.headline's figures)."""
    buyers, prospects, one_time, revenue = h["buyers"], h["prospects"], h["one_time"], h["revenue"]
    if not buyers:
        return [Markdown(_pick(lang, "Chưa có khách nào mua hàng trước ngày phân tích.",
                               "No customer bought anything on or before the as-of date."))]
    share_once = one_time / buyers
    top20 = (h["top20_revenue_share"],) if h["top20_revenue_share"] is not None else None
    top = ((h["top_segment"], h["top_customers"], h["top_revenue_share"])
           if h["top_segment"] is not None else None)
    biggest = (h["largest_segment"], h["largest_share"])
    where = "" if window_days is None else _pick(lang, f" trong {window_days} ngày qua",
                                                 f" in the last {window_days} days")
    items = [
        _pick(lang,
              f"**{number(buyers, lang)} khách đã mua** (tổng chi tiêu {money(revenue, lang)}) và "
              f"{number(prospects, lang)} người đăng ký nhưng chưa mua.",
              f"**{number(buyers, lang)} buyers** (total spend {money(revenue, lang)}) and "
              f"{number(prospects, lang)} sign-ups who never bought."),
        _pick(lang, f"**{percent(share_once, lang)} khách chỉ mua một lần**{where}.",
              f"**{percent(share_once, lang)} of buyers bought once**{where}."),
    ]
    if top20 and top20[0] is not None:
        items.append(_pick(
            lang, f"**20% khách chi tiêu nhiều nhất mang lại {percent(top20[0], lang)} doanh thu.**",
            f"**The top 20% of customers bring {percent(top20[0], lang)} of revenue.**"))
    if top:
        items.append(_pick(
            lang, f"Nhóm **{top[0]}** ({number(top[1], lang)} khách) mang lại "
                  f"{percent(top[2], lang)} doanh thu; nhóm đông nhất là **{biggest[0]}** "
                  f"({percent(biggest[1], lang)} số khách).",
            f"**{top[0]}** ({number(top[1], lang)} customers) bring {percent(top[2], lang)} of "
            f"revenue; the largest group is **{biggest[0]}** ({percent(biggest[1], lang)} of "
            f"customers)."))
    out = [Markdown("\n".join(f"- {i}" for i in items))]
    if share_once > 0.8:
        out.append(callout(_pick(
            lang,
            f"⚠ Hơn 80% khách ({percent(share_once, lang)}) chỉ mua một lần. Đây là nguồn tiềm năng "
            f"chưa khai thác: ưu tiên chăm sóc để họ quay lại mua lần hai (xem cửa sổ 7/14/28 ngày).",
            f"⚠ More than 80% of buyers ({percent(share_once, lang)}) bought only once. This is "
            f"the untapped potential: make the second purchase the priority (see the 7/14/28-day "
            f"windows).")))
    return out


def score_levels(cuts: pd.DataFrame, empty: list[str], *, lang: str = "vi") -> Markdown:
    """What each score stands for, and which levels nobody reached."""
    text = _pick(lang,
                 "Mỗi điểm ứng với khoảng giá trị dưới đây (R: số ngày từ lần mua cuối, F: số lần "
                 "mua, M: chi tiêu).",
                 "Each score stands for the range of values below (R: days since last purchase, "
                 "F: purchases, M: spend).")
    if empty:
        text += " " + _pick(
            lang,
            f"Không có khách nào ở mức **{', '.join(empty)}**: khi nhiều khách bằng nhau (ví dụ đa "
            f"số mua 1 lần), họ nhận cùng một điểm nên một số mức bị trống. Đây là điều bình thường.",
            f"No customer has **{', '.join(empty)}**: tied customers (e.g. the many who bought "
            f"once) share one score, so some levels stay empty. This is expected.")
    return Markdown(text)


def send_lists(counts: pd.DataFrame, labels: dict[str, str], *, lang: str = "vi") -> Markdown:
    """How many can be contacted per channel, and how many were left out for lack of consent."""
    totals = counts.groupby("channel")[["customers", "in_list", "no_consent", "no_contact"]].sum()
    parts = []
    names = CHANNEL_NAMES
    for channel in ("sms", "zalo", "email"):
        if channel not in totals.index:
            continue
        row = totals.loc[channel]
        parts.append(_pick(
            lang,
            f"{names[channel]}: {number(row.in_list, lang)} khách trong danh sách gửi, "
            f"{number(row.no_consent, lang)} bị loại vì không đồng ý nhận tin, "
            f"{number(row.no_contact, lang)} vì thiếu hoặc sai liên hệ",
            f"{names[channel]}: {number(row.in_list, lang)} in the send lists, "
            f"{number(row.no_consent, lang)} left out for no consent, "
            f"{number(row.no_contact, lang)} for a missing or invalid contact"))
    return Markdown("\n".join(f"- {p}." for p in parts))


def html_table(frame: pd.DataFrame) -> HTML:
    return HTML(frame.to_html(index=False, escape=True, border=0))


def segment_table(summary: pd.DataFrame, *, lang: str = "vi") -> HTML:
    """The segment summary as a manager reads it: formatted money and percentages."""
    rows = summary.copy()
    table = pd.DataFrame({
        t("segment", lang): rows.segment_label,
        t("customers", lang): [number(v, lang) for v in rows.customers],
        t("share", lang): [percent(v, lang, 1) for v in rows.share],
        t("revenue", lang): [money(v, lang) for v in rows.revenue],
        t("revenue_share", lang): [percent(v, lang, 1) for v in rows.revenue_share],
        t("mean_recency", lang): [number(v, lang) for v in rows.mean_recency_days],
        t("mean_frequency", lang): [number(v, lang, 1) for v in rows.mean_frequency],
        t("mean_monetary", lang): [money(v, lang) for v in rows.mean_monetary],
        t("repurchase_rate", lang): [percent(v, lang) for v in rows.repurchase_rate],
        t("suggested_action", lang): rows.suggested_action,
    })
    return html_table(table)


def cut_point_table(cuts: pd.DataFrame, *, lang: str = "vi") -> HTML:
    def fmt(row, value):
        if pd.isna(value):
            return "–"
        return money(value, lang) if row.factor == "M" else number(value, lang)

    table = pd.DataFrame({
        _pick(lang, "Tiêu chí", "Factor"): cuts.factor.map(
            lambda f: {"R": _pick(lang, "R (gần đây)", "R (recency)"),
                       "F": _pick(lang, "F (tần suất)", "F (frequency)"),
                       "M": _pick(lang, "M (chi tiêu)", "M (spend)")}.get(f, f)),
        _pick(lang, "Điểm", "Score"): cuts.score,
        _pick(lang, "từ", "from"): [fmt(r, r.value_min) for r in cuts.itertuples()],
        _pick(lang, "đến", "to"): [fmt(r, r.value_max) for r in cuts.itertuples()],
        _pick(lang, "khách", "customers"): [number(v, lang) for v in cuts.customers],
    })
    return html_table(table)


def exports_written(outputs: dict, output_dir, *, lang: str = "vi") -> Markdown:
    text = _pick(lang,
                 f"Đã ghi {len(outputs['files'])} tệp vào thư mục của tháng này: danh sách theo nhóm ở "
                 f"`exports/segment=<nhóm>.csv`, danh sách gửi theo kênh ở `exports/<kênh>/`, và "
                 f"một tệp Excel `exports/segments.xlsx` (mỗi nhóm một sheet).",
                 f"Wrote {len(outputs['files'])} files to this month's folder: lists per segment in "
                 f"`exports/segment=<key>.csv`, send lists per channel in `exports/<channel>/`, and "
                 f"one Excel file `exports/segments.xlsx` (a sheet per segment).")
    if not outputs.get("xlsx", True):
        text += " " + _pick(lang, "Không ghi tệp Excel (tham số `xlsx = False`).",
                            "No Excel file was written (parameter `xlsx = False`).")
    if outputs["xlsx_skipped"]:
        text += " " + _pick(
            lang, f"Nhóm {', '.join(outputs['xlsx_skipped'])} vượt quá giới hạn 1.048.576 dòng "
                  f"của Excel nên chỉ có ở dạng CSV.",
            f"Segment(s) {', '.join(outputs['xlsx_skipped'])} exceed Excel's 1,048,576-row "
            f"limit and are in CSV only.")
    return Markdown(text)


def snapshot_written(path, *, lang: str = "vi") -> Markdown:
    """No path in a page: the snapshot store is the workbook's own (data/processed/snapshots)."""
    return Markdown(_pick(lang, "Phân nhóm của từng khách hôm nay đã được lưu lại để so sánh "
                                "vào tháng sau.",
                          "Each customer's segment today is kept for next month's comparison."))


def cohort_headlines(cohort_revenue: pd.DataFrame, returned: pd.DataFrame, *, as_of,
                     grain: str = "month", lang: str = "vi") -> Markdown:
    """Sentences on how cohorts come back, computed from the cohort table."""

    if cohort_revenue.empty:
        return Markdown(_pick(lang, "Chưa có dữ liệu mua hàng.", "No purchases yet."))
    starts = cohort_revenue.drop_duplicates("cohort")[["cohort", "cohort_start", "cohort_size"]]
    complete = is_period_complete(as_of, grain)
    # cohorts whose period 1 is over: it is before the current period, or the current one ended
    done = [r for r in starts.itertuples()
            if period_of(as_of, pd.Timestamp(r.cohort_start).date(), grain) > 1
            or (complete and period_of(as_of, pd.Timestamp(r.cohort_start).date(), grain) == 1)]
    items = []
    p1 = cohort_revenue[cohort_revenue.period == 1].set_index("cohort").retention
    if done:
        last = max(done, key=lambda r: r.cohort_start)
        rate = float(p1.get(last.cohort, 0.0))
        unit = _pick(lang, "tháng" if grain == "month" else "tuần",
                     "month" if grain == "month" else "week")
        items.append(_pick(
            lang,
            f"Trong {number(last.cohort_size, lang)} khách mua lần đầu vào {_cohort(last.cohort, lang)}, "
            f"**{percent(rate, lang)} mua lại ngay {unit} sau đó**.",
            f"Of the {number(last.cohort_size, lang)} customers who came in {_cohort(last.cohort, lang)}, "
            f"**{percent(rate, lang)} bought again the next {unit}**."))
        recent = sorted(done, key=lambda r: r.cohort_start)[-12:]
        mean = sum(float(p1.get(r.cohort, 0.0)) * r.cohort_size for r in recent) / max(
            sum(r.cohort_size for r in recent), 1)
        best = max(recent, key=lambda r: float(p1.get(r.cohort, 0.0)))
        items.append(_pick(
            lang,
            f"Trung bình {len(recent)} nhóm gần nhất: {percent(mean, lang, 1)} quay lại ở kỳ kế "
            f"tiếp; cao nhất là nhóm {_cohort(best.cohort, lang)} ({percent(float(p1.get(best.cohort, 0)), lang, 1)}).",
            f"Across the last {len(recent)} cohorts, {percent(mean, lang, 1)} came back in the next "
            f"period; the best was {_cohort(best.cohort, lang)} ({percent(float(p1.get(best.cohort, 0)), lang, 1)})."))
    if len(returned):
        parts = ", ".join(f"{percent(r.share_returned, lang, 1)} " +
                          _pick(lang, f"trong {r.window_days} ngày", f"within {r.window_days} days")
                          for r in returned.itertuples())
        items.append(_pick(lang, f"Khách mua lần đầu quay lại mua lần hai: {parts} (chỉ tính khách "
                                 f"đã có đủ số ngày đó).",
                           f"First-time buyers who made a second purchase: {parts} (counting only "
                           f"buyers who have had that many days)."))
    if not complete:
        items.append(_pick(lang, f"Kỳ hiện tại chưa kết thúc vào {day(as_of, lang)}: các ô đánh "
                                 f"dấu * chưa đầy đủ.",
                           f"The current period is not over on {day(as_of, lang)}: cells marked * are "
                           f"incomplete."))
    return Markdown("\n".join(f"- {i}" for i in items))


def window_counts(windows: pd.DataFrame, *, lang: str = "vi") -> HTML:
    """Customers per repurchase window, one-time vs repeat buyers."""
    if windows.empty:
        return HTML(_pick(lang, "<p>Không có khách nào trong các cửa sổ mua lại.</p>",
                          "<p>No customer is in a repurchase window.</p>"))
    table = (windows.pivot_table(index="window_key", columns="buyer_type", values="customer_id",
                                 aggfunc="count", fill_value=0)
             .reindex(columns=["one_time", "repeat"], fill_value=0).reset_index())
    order = sorted(table.window_key, key=lambda k: int(k.split("-")[0]))
    table = table.set_index("window_key").loc[order].reset_index()
    table.columns = [_pick(lang, "Cửa sổ (ngày trước)", "Window (days before)"),
                     _pick(lang, "Khách mua 1 lần", "One-time buyers"),
                     _pick(lang, "Khách mua nhiều lần", "Repeat buyers")]
    return html_table(table)


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


def migration_headlines(h: dict, *, as_of_from, as_of_to, lang: str = "vi",
                        sources: dict | None = None) -> Markdown:
    as_of_from, as_of_to = day(as_of_from, lang), day(as_of_to, lang)
    sources = {day(d, lang): s for d, s in (sources or {}).items()}
    items = [
        _pick(lang,
              f"Từ {as_of_from} đến {as_of_to}, trong {number(h['customers'], lang)} khách đã có "
              f"từ đầu kỳ: **{percent(h['up'], lang)} lên nhóm tốt hơn**, "
              f"{percent(h['same'], lang)} giữ nguyên, **{percent(h['down'], lang)} xuống nhóm "
              f"kém hơn**.",
              f"From {as_of_from} to {as_of_to}, of the {number(h['customers'], lang)} customers "
              f"already there: **{percent(h['up'], lang)} moved up**, {percent(h['same'], lang)} "
              f"stayed, **{percent(h['down'], lang)} moved down**."),
        _pick(lang,
              f"Doanh thu đang bị đe dọa từ {number(h['down_count'], lang)} khách đi xuống: "
              f"**{money(h['revenue_at_stake'], lang)}** (chi tiêu của họ tính đến {as_of_from}).",
              f"Revenue at stake in the {number(h['down_count'], lang)} downward moves: "
              f"**{money(h['revenue_at_stake'], lang)}** (their spend as of {as_of_from})."),
        _pick(lang,
              f"{number(h['new'], lang)} khách mới xuất hiện trong kỳ; "
              f"{number(h['prospects_who_bought'], lang)} người đăng ký trước đó đã mua lần đầu.",
              f"{number(h['new'], lang)} customers are new in the period; "
              f"{number(h['prospects_who_bought'], lang)} earlier sign-ups made a first purchase."),
    ]
    if sources:
        how = ", ".join(f"{d}: {_pick(lang, 'ảnh chụp đã lưu' if s == 'snapshot' else 'tính lại từ dữ liệu', 'stored snapshot' if s == 'snapshot' else 'computed from the data')}"
                        for d, s in sources.items())
        items.append(_pick(lang, f"Nguồn phân nhóm: {how}.", f"Segments from: {how}."))
    return Markdown("\n".join(f"- {i}" for i in items))


def movers_sizes(sizes: dict, scheme, *, lang: str = "vi") -> Markdown:
    """Each movers list by its name in the scheme, with its size."""
    if not sizes:
        return Markdown(_pick(lang, f"Cách phân nhóm {scheme.name} không có danh sách khách chuyển "
                                    f"nhóm (movers_lists).",
                              f"Scheme {scheme.name} defines no movers lists (movers_lists)."))
    lines = [f"- **{md_escape(scheme.movers_label(name, lang))}**: {number(n, lang)} "
             + _pick(lang, "khách", "customers") for name, n in sizes.items()]
    return Markdown("\n".join(lines))


def loyalty_headlines(summary: pd.DataFrame, *, names: dict[str, str], as_of, reranking,
                      lang: str = "vi") -> Markdown:
    reranking = day(reranking, lang)
    total = int(summary.members.sum())
    parts = ", ".join(f"{names[r.tier]} {number(r.members, lang)}" for r in summary.itertuples())
    items = [
        _pick(lang, f"**{number(total, lang)} thành viên** tính đến {day(as_of, lang)}: {parts}.",
              f"**{number(total, lang)} members** as of {day(as_of, lang)}: {parts}."),
        _pick(lang, f"So với cuối tháng trước: **{number(summary.upgraded.sum(), lang)} lên hạng**, "
                    f"**{number(summary.downgraded.sum(), lang)} xuống hạng**, "
                    f"{number(summary.new_members.sum(), lang)} thành viên mới.",
              f"Since last month end: **{number(summary.upgraded.sum(), lang)} upgraded**, "
              f"**{number(summary.downgraded.sum(), lang)} downgraded**, "
              f"{number(summary.new_members.sum(), lang)} new members."),
        _pick(lang, f"**{number(summary.close_to_next.sum(), lang)} thành viên sắp lên hạng**: "
                    f"nhắn họ \"chỉ cần mua thêm X để lên hạng\".",
              f"**{number(summary.close_to_next.sum(), lang)} members are close to the next tier**:"
              f" tell them \"spend X more to reach it\"."),
        _pick(lang, f"{number(summary.will_drop.sum(), lang)} thành viên sẽ bị hạ hạng vào kỳ xét "
                    f"hạng {reranking} nếu không mua thêm.",
              f"{number(summary.will_drop.sum(), lang)} members will drop a tier at the "
              f"{reranking} re-ranking unless they buy again."),
    ]
    return Markdown("\n".join(f"- {i}" for i in items))


def list_sizes(counts: pd.DataFrame, *, lang: str = "vi") -> HTML:
    if counts.empty:
        return HTML("")
    table = counts.pivot_table(index="list_key", columns="channel", values="in_list",
                               aggfunc="sum", fill_value=0)
    sizes = counts.groupby("list_key").customers.max()
    table.insert(0, _pick(lang, "Khách", "Customers"), sizes)
    table = table.reset_index()
    table.columns.name = None  # the pivot's own name ("channel") is not a column
    # lists and channels by their names, never their keys; counts in the reader's format
    names = {**LIST_LABELS, **{f"window={k}": v for k, v in WINDOW_LABELS.items()}}
    table["list_key"] = table.list_key.map(lambda k: _pick(lang, *names[k]) if k in names
                                           else str(k).replace("_", " "))
    table = table.rename(columns={"list_key": _pick(lang, "Danh sách", "List"), **CHANNEL_NAMES})
    for column in table.columns[1:]:
        table[column] = [number(v, lang) for v in table[column]]
    return html_table(table)


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


def campaign_sentences(results: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    """One line per campaign: what it caused, in plain words, with the interval and the money."""

    totals = results[results.segment == "all"]
    if totals.empty:
        return Markdown(_pick(lang, "Chưa có chiến dịch nào bắt đầu trước ngày phân tích.",
                              "No campaign started on or before the as-of date."))
    lines = []
    for r in totals.itertuples():
        pp = lambda v: f"{v * 100:+.1f}".replace(".", "," if lang == "vi" else ".")  # noqa: E731
        interval = _pick(lang, f"khoảng tin cậy 95%: {pp(r.uplift_ci_low)} đến {pp(r.uplift_ci_high)} điểm %",
                         f"95% interval {pp(r.uplift_ci_low)} to {pp(r.uplift_ci_high)} pp")
        verdict = plain_verdict(r, lang)
        text = (f"**{md_escape(r.campaign_id)}** ({md_escape(r.name)}, "
                f"{md_escape(channel_name(r.channel))}, "
                f"{number(r.sent, lang)} / {number(r.holdout, lang)}): "
                + _pick(lang, f"tỷ lệ mua {percent(r.treated_rate, lang, 1)} so với "
                              f"{percent(r.holdout_rate, lang, 1)} ở nhóm đối chứng, chênh "
                              f"{pp(r.uplift)} điểm % ({interval}): **{verdict}**",
                        f"purchase rate {percent(r.treated_rate, lang, 1)} vs "
                        f"{percent(r.holdout_rate, lang, 1)} in the holdout, uplift "
                        f"{pp(r.uplift)} pp ({interval}): **{verdict}**"))
        if r.uplift_ci_low > 0:
            text += _pick(lang, f"; khoảng {number(r.incremental_converters, lang)} khách mua thêm, "
                                f"doanh thu tăng thêm {money(r.incremental_revenue, lang)} với chi phí "
                                f"{money(r.cost, lang)}",
                          f"; about {number(r.incremental_converters, lang)} extra buyers, "
                          f"incremental revenue {money(r.incremental_revenue, lang)} for a cost of "
                          f"{money(r.cost, lang)}")
        if not r.is_window_complete:
            text += _pick(lang, " (cửa sổ ghi nhận chưa kết thúc)", " (attribution window not over)")
        lines.append("- " + text + ".")
    return Markdown("\n".join(lines))


def campaign_table(results: pd.DataFrame, *, labels: dict[str, str], lang: str = "vi") -> HTML:
    frame = results.copy()
    table = pd.DataFrame({
        _pick(lang, "Chiến dịch", "Campaign"): frame.campaign_id,
        t("segment", lang): [labels.get(s, s) if s != "all" else _pick(lang, "Tất cả", "All")
                              for s in frame.segment],
        _pick(lang, "Gửi", "Sent"): [number(v, lang) for v in frame.sent],
        _pick(lang, "Đối chứng", "Holdout"): [number(v, lang) for v in frame.holdout],
        _pick(lang, "Tỷ lệ nhận", "Delivery"): [percent(v, lang) for v in frame.delivery_rate],
        _pick(lang, "Mua (gửi)", "Bought (sent)"): [percent(v, lang, 1) for v in frame.treated_rate],
        _pick(lang, "Mua (đối chứng)", "Bought (holdout)"): [percent(v, lang, 1)
                                                             for v in frame.holdout_rate],
        "Uplift": [percent(v, lang, 1) for v in frame.uplift],
        _pick(lang, "DT tăng thêm", "Incr. revenue"): [money(v, lang)
                                                       for v in frame.incremental_revenue],
        "ROI": [number(v, lang, 1) if pd.notna(v) else "–" for v in frame.roi],
    })
    return html_table(table)


def sample_size_sentence(n: dict, *, base_rate: float, uplift: float, holdout_share: float,
                         lang: str = "vi") -> Markdown:
    return Markdown(_pick(
        lang,
        f"Để phát hiện mức tăng {percent(uplift, lang, 1)} trên tỷ lệ mua nền "
        f"{percent(base_rate, lang, 1)} với {percent(holdout_share, lang)} đối chứng, một nhóm cần "
        f"khoảng **{number(n['total'], lang)} khách** ({number(n['treated'], lang)} nhận tin, "
        f"{number(n['holdout'], lang)} đối chứng).",
        f"To detect an uplift of {percent(uplift, lang, 1)} on a base purchase rate of "
        f"{percent(base_rate, lang, 1)} with a {percent(holdout_share, lang)} holdout, a segment "
        f"needs about **{number(n['total'], lang)} customers** ({number(n['treated'], lang)} "
        f"treated, {number(n['holdout'], lang)} held out)."))


def next_campaign_sentence(result: dict, folder, *, lang: str = "vi") -> Markdown:
    sends = ", ".join(f"{c.upper()} {number(v, lang)}" for c, v in result["send"].items())
    return Markdown(_pick(
        lang,
        f"Danh sách chiến dịch tiếp theo đã ghi vào `{folder}`: {number(result['list'], lang)} "
        f"khách, giữ lại **{number(result['holdout'], lang)} khách làm đối chứng** (không gửi, "
        f"`holdout.csv`); danh sách gửi: {sends}.",
        f"The next campaign's lists are in `{folder}`: {number(result['list'], lang)} customers, "
        f"**{number(result['holdout'], lang)} held out** (not contacted, `holdout.csv`); send "
        f"lists: {sends}."))


def next_campaign_result(result: dict | None, *, lang: str = "vi") -> Markdown:
    if result is None:
        return Markdown(_pick(
            lang, "Đặt tham số `next_campaign_target` (ví dụ `at_risk`) để tạo danh sách gửi cho "
                  "chiến dịch tiếp theo, với nhóm đối chứng được giữ lại ổn định.",
            "Set `next_campaign_target` (e.g. `at_risk`) to write the next campaign's send lists "
            "with a stable holdout kept out of them."))
    return next_campaign_sentence(result, result["folder"], lang=lang)


# ---------------------------------------------------------------- the managers' review (00)

ACTION_LABELS = {
    "win_back": ("Giành lại khách giá trị vừa tụt nhóm", "Win back valuable customers who slipped"),
    "close_to_next": ("Nhắc khách sắp lên hạng thành viên", "Nudge members close to the next tier"),
    "will_drop": ("Giữ chân khách sắp xuống hạng", "Keep members about to drop a tier"),
    "repurchase_1_7": ("Mời mua lại: khách mua 1–7 ngày trước",
                       "Invite back: bought 1–7 days ago"),
    "repurchase_8_14": ("Mời mua lại: khách mua 8–14 ngày trước",
                        "Invite back: bought 8–14 days ago"),
    "repurchase_15_28": ("Mời mua lại: khách mua 15–28 ngày trước",
                         "Invite back: bought 15–28 days ago"),
    "birthdays": ("Chúc mừng sinh nhật khách tháng tới", "Birthday wishes for next month"),
    "next_campaign": ("Gửi chiến dịch tiếp theo (giữ nhóm đối chứng)",
                      "Send the next campaign (keep its holdout)"),
}
PAGE_TITLES = {
    "01_rfm_segments": ("Phân nhóm khách hàng", "Customer segments"),
    "02_segment_migration": ("Khách chuyển nhóm", "Segment migration"),
    "03_cohort_revenue": ("Khách mới và mua lại", "Cohorts and repurchase"),
    "04_loyalty_tiers": ("Hạng thành viên", "Loyalty tiers"),
    "05_campaign_results": ("Kết quả chiến dịch", "Campaign results"),
}


def actions_list(actions: list[dict], *, lang: str = "vi") -> HTML:
    """This month's actions: who, how many reachable per channel, and the file to send."""
    from html import escape

    if not actions:
        return HTML("<p>" + _pick(lang, "Tháng này chưa có danh sách nào cần gửi.",
                                  "No list to send this month.") + "</p>")
    names = CHANNEL_NAMES
    items = []
    for a in actions:
        vi, en = ACTION_LABELS[a["key"]]
        reach = ", ".join(f"{names[c]} {number(n, lang)}" for c, n in a["channels"].items())
        text = (f"<b>{_pick(lang, vi, en)}</b>: {number(a['customers'], lang)} "
                + _pick(lang, "khách", "customers"))
        if a.get("holdout"):
            text += _pick(lang, f", trong đó {number(a['holdout'], lang)} khách làm đối chứng "
                                f"(không gửi)", f", {number(a['holdout'], lang)} of them held out "
                                                f"(not contacted)")
        text += _pick(lang, f"; gửi được: {reach}", f"; reachable: {reach}")
        link = _pick(lang, "mở danh sách", "open the list")
        text += f" · <a href='{escape(a['file'], quote=True)}'>{link}</a>"
        if a.get("needed"):
            text += "<br>" + _pick(
                lang, f"⚠ Danh sách này quá nhỏ để đo hiệu quả: cần khoảng "
                      f"{number(a['needed'], lang)} khách để thấy mức tăng "
                      f"{percent(a['uplift'], lang)} tỷ lệ mua.",
                f"⚠ This list is too small to measure the campaign: about "
                f"{number(a['needed'], lang)} customers are needed to detect a "
                f"{percent(a['uplift'], lang)} uplift in purchase rate.")
        items.append(f"<li>{text}</li>")
    note = _pick(lang, "Số gửi được đã trừ khách không đồng ý nhận tin hoặc thiếu số điện "
                       "thoại, email hợp lệ.",
                 "Reachable counts leave out customers without consent or a valid contact.")
    return HTML("<ol class='workbook-actions'>" + "".join(items) + f"</ol><p><small>{note}"
                "</small></p>")


def page_links(*, lang: str = "vi") -> HTML:
    links = " · ".join(f"<a href='{page}.html'>{_pick(lang, *PAGE_TITLES[page])}</a>"
                       for page in PAGE_TITLES)
    return HTML("<p>" + _pick(lang, "Chi tiết: ", "Details: ") + links + "</p>")


REVIEW_SECTIONS = [
    ("actions", "Việc cần làm tháng này", "What to do this month"),
    ("kpis", "Chỉ số chính", "Key figures"),
    ("segments", "Các nhóm khách", "Customer segments"),
    ("migration", "Chuyển nhóm và khách cần giành lại", "Migration and win-back"),
    ("cohorts", "Khách mới có quay lại không", "Do new customers come back"),
    ("tiers", "Hạng thành viên", "Loyalty tiers"),
    ("campaigns", "Chiến dịch tháng qua", "Last month's campaigns"),
]


def heading(key: str, *, lang: str = "vi") -> HTML:
    """An H2 with a stable anchor for the table of contents."""
    title = next(vi if lang == "vi" else en for k, vi, en in REVIEW_SECTIONS if k == key)
    return HTML(f"<h2 id='{key}'>{title}</h2>")


def review_title(as_of, *, lang: str = "vi") -> HTML:
    toc = "".join(f"<li><a href='#{k}'>{vi if lang == 'vi' else en}</a></li>"
                  for k, vi, en in REVIEW_SECTIONS)
    title = _pick(lang, f"Báo cáo khách hàng tháng {as_of:%m/%Y}",
                  f"Customer review, {as_of:%B %Y}")
    sub = _pick(lang, f"Số liệu tính đến hết ngày {as_of:%d/%m/%Y}.",
                f"Figures up to and including {as_of:%d %B %Y}.")
    contents = _pick(lang, "Nội dung", "Contents")
    return HTML(f"<p style='font-size:18px'><b>{title}</b> · {sub}</p>"
                f"<p><b>{contents}</b></p><ol>{toc}</ol>")


def missing(name: str, notebook: str, *, lang: str = "vi") -> Markdown:
    return Markdown(_pick(lang, f"_Chưa có `{name}` trong thư mục kết quả: chạy `{notebook}` trước._",
                          f"_`{name}` is not in the run folder yet: run `{notebook}` first._"))


def kpi_cards(kpis: pd.DataFrame, *, lang: str = "vi") -> HTML:
    """Headline figures with their change since last month end."""
    now, before = kpis.iloc[-1], kpis.iloc[0]
    names = {"customers": _pick(lang, "Khách hàng", "Customers"),
             "active_buyers": _pick(lang, "Khách mua trong tháng", "Active buyers this month"),
             "revenue": _pick(lang, "Doanh thu tháng", "Revenue this month"),
             "repeat_rate": _pick(lang, "Tỷ lệ khách quay lại", "Repeat rate"),
             "share_one_time": _pick(lang, "Khách chỉ mua 1 lần", "One-time buyers")}
    cards = []
    for key, label in names.items():
        value, old = now[key], before[key]
        if key in ("repeat_rate", "share_one_time"):
            shown = percent(value, lang, 1)
            delta = (value - old) if pd.notna(old) else float("nan")
            change = signed_percent_points(delta, lang)
        else:
            shown = money(value, lang) if key == "revenue" else number(value, lang)
            delta = (value / old - 1) if old else float("nan")
            change = ("+" if delta > 0 else "") + percent(delta, lang, 1) if pd.notna(delta) else "–"
        good = delta < 0 if key == "share_one_time" else delta > 0
        css = "up" if (pd.notna(delta) and delta != 0 and good) else (
            "down" if pd.notna(delta) and delta != 0 else "")
        vs = _pick(lang, "so với tháng trước", "vs last month")
        cards.append(f"<div class='workbook-kpi'><div class='label'>{label}</div>"
                     f"<div class='value'>{shown}</div>"
                     f"<div class='{css}'>{change} {vs}</div></div>")
    return HTML("<div>" + "".join(cards) + "</div>")


def kpi_sentences(kpis: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    now, before = kpis.iloc[-1], kpis.iloc[0]
    if not now.customers:
        return callout(_pick(lang, "Chưa có đơn hàng nào tính đến ngày phân tích: kiểm tra tệp "
                                   "đơn hàng trước khi đọc trang này.",
                             "There are no orders up to the as-of date: check the orders export "
                             "before reading this page."))
    rev = (now.revenue / before.revenue - 1) if before.revenue else float("nan")
    items = [
        _pick(lang,
              f"Doanh thu tháng {'tăng' if rev >= 0 else 'giảm'} {percent(abs(rev), lang, 1)} "
              f"so với tháng trước, còn {money(now.revenue, lang)}." if rev < 0 else
              f"Doanh thu tháng tăng {percent(rev, lang, 1)} so với tháng trước, đạt "
              f"{money(now.revenue, lang)}.",
              f"Revenue {'rose' if rev >= 0 else 'fell'} {percent(abs(rev), lang, 1)} on last month"
              f" to {money(now.revenue, lang)}."),
        _pick(lang,
              f"{number(now.active_buyers, lang)} khách mua trong tháng, trong đó "
              f"{percent(now.repeat_rate, lang)} là khách cũ quay lại.",
              f"{number(now.active_buyers, lang)} customers bought this month; "
              f"{percent(now.repeat_rate, lang)} of them had bought before."),
    ]
    guest = now.get("guest_revenue", 0) or 0
    if guest:
        items.append(_pick(
            lang,
            f"Doanh thu trên chỉ tính đơn của khách có mã khách hàng. Đơn bán cho khách vãng lai "
            f"(không có mã) trong tháng: {money(guest, lang)} "
            f"({number(now.guest_orders, lang)} đơn), không tính vào RFM.",
            f"Revenue above counts orders of identified customers only. Guest sales (no customer "
            f"key) this month: {money(guest, lang)} ({number(now.guest_orders, lang)} orders), "
            f"kept out of RFM."))
    if now.share_one_time > 0.8:
        items.append(_pick(lang, "Hơn 80% khách chỉ mua một lần: ưu tiên kéo họ quay lại lần hai.",
                           "More than 80% of customers bought once: the second purchase is the "
                           "priority."))
    return Markdown("\n".join(f"- {i}" for i in items))


def segment_change_table(changes: pd.DataFrame, labels: dict[str, str], *,
                         lang: str = "vi") -> HTML:
    table = pd.DataFrame({
        _pick(lang, "Nhóm", "Segment"): changes.segment.map(lambda s: labels.get(s, s)),
        _pick(lang, "Tỷ trọng trên mọi khách", "Share of all customers"):
            [percent(v, lang, 1) for v in changes.share_now],
        _pick(lang, "So với tháng trước", "Since last month"):
            [signed_percent_points(v, lang) for v in changes.change],
    })
    # the treemap above counts buyers only; this table every customer, prospects included
    prospects = html.escape(str(labels.get("prospect", _pick(lang, "Người quan tâm", "Prospects"))))
    note = _pick(lang, "Biểu đồ tính tỷ trọng trên khách đã mua; bảng tính trên mọi khách, kể cả "
                       f"người chưa mua lần nào ({prospects}).",
                 "The chart's shares are of buyers; the table's are of all customers, including "
                 f"those who never bought ({prospects}).")
    return HTML(html_table(table).data + f"<p><small>{note}</small></p>")


def migration_review(summary: dict, win_back: int | None, *, lang: str = "vi") -> Markdown:
    items = [_pick(lang,
                   f"Trong tháng: {percent(summary['up'], lang)} khách lên nhóm tốt hơn, "
                   f"{percent(summary['down'], lang)} xuống nhóm kém hơn; "
                   f"{number(summary['new'], lang)} khách mới.",
                   f"This month {percent(summary['up'], lang)} of customers moved up, "
                   f"{percent(summary['down'], lang)} moved down; {number(summary['new'], lang)} "
                   f"are new.")]
    if win_back is not None:
        items.append(_pick(lang, f"**{number(win_back, lang)} khách giá trị đã tụt nhóm và cần được "
                                 f"giành lại** (danh sách `movers/win_back.csv`).",
                           f"**{number(win_back, lang)} valuable customers slipped and should be won "
                           f"back** (list `movers/win_back.csv`)."))
    return Markdown("\n".join(f"- {i}" for i in items))


def masked_table(frame: pd.DataFrame, labels: dict[str, str], *, lang: str = "vi") -> HTML:
    table = pd.DataFrame({
        _pick(lang, "Mã KH", "Customer"): frame.customer_id,
        _pick(lang, "Tên", "Name"): frame.name,
        _pick(lang, "Điện thoại", "Phone"): frame.phone,
        "Email": frame.email,
        _pick(lang, "Trước", "Was"): frame.from_segment.map(lambda s: labels.get(s, s)),
        _pick(lang, "Nay", "Now"): frame.to_segment.map(lambda s: labels.get(s, s)),
        _pick(lang, "Chi tiêu", "Spend"): [money(v, lang) for v in frame.monetary_from],
    })
    return html_table(table)


def cohort_review(glance: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    if glance.empty:
        return Markdown(_pick(lang, "Chưa đủ dữ liệu.", "Not enough data yet."))
    last = glance.iloc[-1]
    mean = (glance.retention * glance.cohort_size).sum() / glance.cohort_size.sum()
    return Markdown(_pick(
        lang,
        f"Khách mua lần đầu vào {_cohort(last.cohort, lang)}: **{percent(last.retention, lang)} mua lại ngay tháng "
        f"sau**; trung bình {len(glance)} tháng gần nhất là {percent(mean, lang, 1)}.",
        f"Of the customers who came in {_cohort(last.cohort, lang)}, **{percent(last.retention, lang)} bought "
        f"again the next month**; the last {len(glance)} months average {percent(mean, lang, 1)}."))


def tier_review(members: pd.DataFrame, names: dict[str, str], *, lang: str = "vi") -> Markdown:
    counts = members.tier.value_counts()
    parts = ", ".join(f"{names.get(k, k)} {number(counts.get(k, 0), lang)}" for k in names)
    up = int((members.tier_change == "up").sum())
    down = int((members.tier_change == "down").sum())
    close = int(members.close_to_next.astype(str).str.lower().eq("true").sum())
    return Markdown(_pick(
        lang, f"- {parts}.\n- {number(up, lang)} lên hạng, {number(down, lang)} xuống hạng trong "
              f"tháng; **{number(close, lang)} thành viên sắp lên hạng** nên được nhắc.",
        f"- {parts}.\n- {number(up, lang)} upgraded, {number(down, lang)} downgraded this month; "
        f"**{number(close, lang)} members are close to the next tier** and worth a nudge."))
