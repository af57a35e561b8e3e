"""Page 01's sentences: where customers are, how scores were cut, what was written."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import money, number, percent
from helpers.kit.narrative import html_table
from helpers.kit.safe_text import md_text
from helpers.kit.texts import callout, pick, t


def rfm_headlines(h: dict, *, lang: str = "vi", window_days: int | None = None) -> list:
    """The three or four things to know about this month's customers (rfm.headline's figures)."""
    buyers, prospects, one_time, revenue = h["buyers"], h["prospects"], h["one_time"], h["revenue"]
    if not buyers:
        return [Markdown(pick(lang, "Chưa có khách nào mua hàng trước ngày phân tích.",
                               "No customer bought anything on or before the as-of date."))]
    share_once = one_time / buyers
    top20 = (h["top20_revenue_share"],) if h["top20_revenue_share"] is not None else None
    # segment names are a scheme file's words: shown as text, never as Markdown
    top = ((md_text(h["top_segment"]), h["top_customers"], h["top_revenue_share"])
           if h["top_segment"] is not None else None)
    biggest = (md_text(h["largest_segment"]), h["largest_share"])
    where = "" if window_days is None else pick(lang, f" trong {window_days} ngày qua",
                                                 f" in the last {window_days} days")
    items = [
        pick(lang,
              f"**{number(buyers, lang)} khách đã mua** (tổng chi tiêu {money(revenue, lang)}) và "
              f"{number(prospects, lang)} người đăng ký nhưng chưa mua.",
              f"**{number(buyers, lang)} buyers** (total spend {money(revenue, lang)}) and "
              f"{number(prospects, lang)} sign-ups who never bought."),
        pick(lang, f"**{percent(share_once, lang)} khách chỉ mua một lần**{where}.",
              f"**{percent(share_once, lang)} of buyers bought once**{where}."),
    ]
    if top20 and top20[0] is not None:
        items.append(pick(
            lang, f"**20% khách chi tiêu nhiều nhất mang lại {percent(top20[0], lang)} doanh thu.**",
            f"**The top 20% of customers bring {percent(top20[0], lang)} of revenue.**"))
    if top:
        items.append(pick(
            lang, f"Nhóm **{top[0]}** ({number(top[1], lang)} khách) mang lại "
                  f"{percent(top[2], lang)} doanh thu; nhóm đông nhất là **{biggest[0]}** "
                  f"({percent(biggest[1], lang)} số khách).",
            f"**{top[0]}** ({number(top[1], lang)} customers) bring {percent(top[2], lang)} of "
            f"revenue; the largest group is **{biggest[0]}** ({percent(biggest[1], lang)} of "
            f"customers)."))
    out = [Markdown("\n".join(f"- {i}" for i in items))]
    if share_once > 0.8:
        out.append(callout(pick(
            lang,
            f"⚠ Hơn 80% khách ({percent(share_once, lang)}) chỉ mua một lần. Đây là nguồn tiềm năng "
            f"chưa khai thác: ưu tiên chăm sóc để họ quay lại mua lần hai (xem cửa sổ 7/14/28 ngày).",
            f"⚠ More than 80% of buyers ({percent(share_once, lang)}) bought only once. This is "
            f"the untapped potential: make the second purchase the priority (see the 7/14/28-day "
            f"windows).")))
    return out


def score_levels(cuts: pd.DataFrame, empty: list[str], *, lang: str = "vi") -> Markdown:
    """What each score stands for, and which levels nobody reached."""
    text = pick(lang,
                 "Mỗi điểm ứng với khoảng giá trị dưới đây (R: số ngày từ lần mua cuối, F: số lần "
                 "mua, M: chi tiêu).",
                 "Each score stands for the range of values below (R: days since last purchase, "
                 "F: purchases, M: spend).")
    if empty:
        text += " " + pick(
            lang,
            f"Không có khách nào ở mức **{', '.join(empty)}**: khi nhiều khách bằng nhau (ví dụ đa "
            f"số mua 1 lần), họ nhận cùng một điểm nên một số mức bị trống. Đây là điều bình thường.",
            f"No customer has **{', '.join(empty)}**: tied customers (e.g. the many who bought "
            f"once) share one score, so some levels stay empty. This is expected.")
    return Markdown(text)


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
        pick(lang, "Tiêu chí", "Factor"): cuts.factor.map(
            lambda f: {"R": pick(lang, "R (gần đây)", "R (recency)"),
                       "F": pick(lang, "F (tần suất)", "F (frequency)"),
                       "M": pick(lang, "M (chi tiêu)", "M (spend)")}.get(f, f)),
        pick(lang, "Điểm", "Score"): cuts.score,
        pick(lang, "Từ", "From"): [fmt(r, r.value_min) for r in cuts.itertuples()],
        pick(lang, "Đến", "To"): [fmt(r, r.value_max) for r in cuts.itertuples()],
        pick(lang, "Số khách", "Customers"): [number(v, lang) for v in cuts.customers],
    })
    return html_table(table)


def exports_written(outputs: dict, output_dir, *, lang: str = "vi") -> Markdown:
    written = outputs.get("xlsx", True)
    text = pick(lang,
                f"Đã ghi {len(outputs['files'])} tệp vào thư mục của tháng này: danh sách theo nhóm ở "
                f"`exports/segment=<nhóm>.csv`, danh sách gửi theo kênh ở `exports/<kênh>/`"
                + (", và một tệp Excel `exports/segments.xlsx` (mỗi nhóm một sheet)." if written
                   else "."),
                f"Wrote {len(outputs['files'])} files to this month's folder: lists per segment in "
                f"`exports/segment=<key>.csv`, send lists per channel in `exports/<channel>/`"
                + (", and one Excel file `exports/segments.xlsx` (a sheet per segment)." if written
                   else "."))
    if outputs.get("xlsx_too_large"):
        text += " " + pick(
            lang, f"Không ghi tệp Excel: {number(outputs['rows'], lang)} khách là quá nhiều cho một "
                  f"tệp Excel mở được trên máy văn phòng (giới hạn {number(outputs['xlsx_max_rows'], lang)} "
                  f"khách); Excel mở được từng tệp CSV ở trên.",
            f"No Excel file was written: {number(outputs['rows'], lang)} customers are too many "
            f"for one workbook an office laptop opens (the limit is "
            f"{number(outputs['xlsx_max_rows'], lang)}); Excel opens each CSV file above.")
    elif not written:
        text += " " + pick(lang, "Không ghi tệp Excel (tham số `xlsx = False`).",
                           "No Excel file was written (parameter `xlsx = False`).")
    if outputs["xlsx_skipped"]:
        text += " " + pick(
            lang, f"Nhóm {', '.join(map(md_text, outputs['xlsx_skipped']))} vượt quá giới hạn 1.048.576 dòng "
                  f"của Excel nên chỉ có ở dạng CSV.",
            f"Segment(s) {', '.join(map(md_text, outputs['xlsx_skipped']))} exceed Excel's 1,048,576-row "
            f"limit and are in CSV only.")
    for column, cells in sorted((outputs.get("xlsx_cut") or {}).items()):
        text += " " + pick(
            lang, f"{number(cells, lang)} ô ở cột {md_text(column)} dài hơn giới hạn 32.767 ký tự "
                  f"của Excel nên bị cắt trong tệp Excel (kết thúc bằng …, xem sheet Notes); "
                  f"tệp CSV giữ nguyên giá trị.",
            f"{number(cells, lang)} cell(s) of column {md_text(column)} are longer than Excel's "
            f"32,767-character limit and are cut in the Excel file (ending in …, see its Notes "
            f"sheet); the CSV files keep the whole value.")
    return Markdown(text)


def snapshot_written(path, *, lang: str = "vi") -> Markdown:
    """No path in a page: the snapshot store is the workbook's own (data/processed/snapshots)."""
    return Markdown(pick(lang, "Phân nhóm của từng khách hôm nay đã được lưu lại để so sánh "
                                "vào tháng sau.",
                          "Each customer's segment today is kept for next month's comparison."))
