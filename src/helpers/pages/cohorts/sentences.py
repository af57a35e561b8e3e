"""Page 03's sentences: how first-time buyers come back."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import number, percent
from helpers.kit.narrative import cohort_name, day, html_table, window_label
from helpers.kit.texts import pick
from helpers.pages.cohorts.compute import is_period_complete, period_of


def cohort_headlines(cohort_revenue: pd.DataFrame, returned: pd.DataFrame, *, as_of,
                     grain: str = "month", lang: str = "vi") -> Markdown:
    """Sentences on how cohorts come back, computed from the cohort table."""

    if cohort_revenue.empty:
        return Markdown(pick(lang, f"Không có đơn hàng nào vào hoặc trước ngày {day(as_of, lang)}.",
                              f"No orders on or before {day(as_of, lang)}."))
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
        unit = pick(lang, "tháng" if grain == "month" else "tuần",
                     "month" if grain == "month" else "week")
        items.append(pick(
            lang,
            f"Trong {number(last.cohort_size, lang)} khách mua lần đầu vào {cohort_name(last.cohort, lang)}, "
            f"**{percent(rate, lang)} mua lại ngay {unit} sau đó**.",
            f"Of the {number(last.cohort_size, lang)} customers who came in {cohort_name(last.cohort, lang)}, "
            f"**{percent(rate, lang)} bought again the next {unit}**."))
        recent = sorted(done, key=lambda r: r.cohort_start)[-12:]
        mean = sum(float(p1.get(r.cohort, 0.0)) * r.cohort_size for r in recent) / max(
            sum(r.cohort_size for r in recent), 1)
        best = max(recent, key=lambda r: float(p1.get(r.cohort, 0.0)))
        items.append(pick(
            lang,
            f"Trung bình {len(recent)} nhóm gần nhất: {percent(mean, lang, 1)} quay lại ở kỳ kế "
            f"tiếp; cao nhất là nhóm {cohort_name(best.cohort, lang)} ({percent(float(p1.get(best.cohort, 0)), lang, 1)}).",
            f"Across the last {len(recent)} cohorts, {percent(mean, lang, 1)} came back in the next "
            f"period; the best was {cohort_name(best.cohort, lang)} ({percent(float(p1.get(best.cohort, 0)), lang, 1)})."))
    if len(returned):
        parts = ", ".join(f"{percent(r.share_returned, lang, 1)} " +
                          pick(lang, f"trong {r.window_days} ngày", f"within {r.window_days} days")
                          for r in returned.itertuples())
        items.append(pick(lang, f"Khách mua lần đầu quay lại mua lần hai: {parts} (chỉ tính khách "
                                 f"đã có đủ số ngày đó).",
                           f"First-time buyers who made a second purchase: {parts} (counting only "
                           f"buyers who have had that many days)."))
    if not complete:
        items.append(pick(lang, f"Kỳ hiện tại chưa kết thúc vào {day(as_of, lang)}: các ô đánh "
                                 f"dấu * chưa đầy đủ.",
                           f"The current period is not over on {day(as_of, lang)}: cells marked * are "
                           f"incomplete."))
    return Markdown("\n".join(f"- {i}" for i in items))


def window_counts(windows: pd.DataFrame, *, lang: str = "vi") -> HTML:
    """Customers per repurchase window, one-time vs repeat buyers."""
    if windows.empty:
        return HTML(pick(lang, "<p>Không có khách nào trong các cửa sổ mua lại.</p>",
                          "<p>No customer is in a repurchase window.</p>"))
    table = (windows.pivot_table(index="window_key", columns="buyer_type", values="customer_id",
                                 aggfunc="count", fill_value=0)
             .reindex(columns=["one_time", "repeat"], fill_value=0).reset_index())
    order = sorted(table.window_key, key=lambda k: int(k.split("-")[0]))
    table = table.set_index("window_key").loc[order].reset_index()
    # the window by its words (Mua 1–7 ngày trước), never its key (1-7d); counts as 1.259
    table["window_key"] = [window_label(k, lang) for k in table.window_key]
    for column in ("one_time", "repeat"):
        table[column] = [number(v, lang) for v in table[column]]
    table.columns = [pick(lang, "Lần mua cuối", "Last purchase"),
                     pick(lang, "Khách mua 1 lần", "One-time buyers"),
                     pick(lang, "Khách mua nhiều lần", "Repeat buyers")]
    return html_table(table)


def cohort_review(glance: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    if glance.empty:
        return Markdown(pick(lang, "Chưa đủ dữ liệu.", "Not enough data yet."))
    last = glance.iloc[-1]
    mean = (glance.retention * glance.cohort_size).sum() / glance.cohort_size.sum()
    return Markdown(pick(
        lang,
        f"Khách mua lần đầu vào {cohort_name(last.cohort, lang)}: **{percent(last.retention, lang)} mua lại ngay tháng "
        f"sau**; trung bình {len(glance)} tháng gần nhất là {percent(mean, lang, 1)}.",
        f"Of the customers who came in {cohort_name(last.cohort, lang)}, **{percent(last.retention, lang)} bought "
        f"again the next month**; the last {len(glance)} months average {percent(mean, lang, 1)}."))
