"""Page 06's sentences on the back-test, who is slipping and one-time buyers (issue 36): the
model fitted at `backtest_from` set against what happened since (backtest.py), the customers
whose chance of still buying fell (slipping.py), and the sections' headings."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from babel.dates import format_date
from IPython.display import Markdown

from helpers.core.params import month_end_before
from helpers.kit.charts import short_money
from helpers.kit.formatting import money, number, percent
from helpers.kit.narrative import day, html_table
from helpers.kit.safe_text import md_text
from helpers.kit.texts import pick

# Braze's words for its prediction quality (0 no better than random, 100 perfect knowledge)
QUALITY_WORDS = ((60, "rất tốt", "excellent"), (40, "tốt", "good"), (20, "khá", "fair"),
                 (0, "kém", "poor"))
ABOUT_RIGHT = 0.02  # a gap within 2% of the actual figure is "about right"


def quality_word(quality: float, lang: str = "vi") -> str:
    """Braze's band for a quality score: 60–100 excellent, 40–60 good, 20–40 fair, 0–20 poor."""
    for low, vi, en in QUALITY_WORDS:
        if quality >= low:
            return pick(lang, vi, en)
    return pick(lang, "kém", "poor")


def quality_scale(lang: str = "vi") -> str:
    """The 0–100 scale in one sentence (Braze's prediction quality)."""
    return pick(
        lang, "Thang 0–100 như «chất lượng dự báo» của Braze: 0 là không hơn chọn khách ngẫu "
              "nhiên, 100 là biết trước chính xác ai sẽ mua bao nhiêu (0–20 kém, 20–40 khá, "
              "40–60 tốt, 60–100 rất tốt).",
        "The 0–100 scale is Braze's «prediction quality»: 0 is no better than picking customers "
        "at random, 100 is knowing in advance exactly who will buy how much (0–20 poor, 20–40 "
        "fair, 40–60 good, 60–100 excellent).")


def direction(predicted: float, actual: float, *, what_vi: str = "", what_en: str = "",
              lang: str = "vi") -> str:
    """Whether the model under- or over-predicted, by about how much of the actual figure:
    CDNOW's holdout, 1,654 expected against 1,882 actual, is "under-predicts … by about 12%"."""
    if not actual:
        return pick(lang, f"không có {what_vi} thực tế để so", f"there were no actual {what_en}")
    gap = (predicted - actual) / actual
    if abs(gap) < ABOUT_RIGHT:
        return pick(lang, f"dự báo {what_vi} gần đúng (chênh {percent(abs(gap), lang)})",
                    f"the model's {what_en} were about right ({percent(abs(gap), lang)} off)")
    size = percent(abs(gap), lang)
    if gap < 0:
        return pick(lang, f"mô hình dự báo {what_vi} thấp hơn thực tế khoảng {size}",
                    f"the model under-predicts {what_en} by about {size}")
    return pick(lang, f"mô hình dự báo {what_vi} cao hơn thực tế khoảng {size}",
                f"the model over-predicts {what_en} by about {size}")


def backtest_sentences(bt, *, lang: str = "vi") -> Markdown:
    """Page 06's back-test: predicted against actual purchases and revenue, the quality on
    Braze's scale, the top decile, and those given under 50% who bought (backtest.Backtest)."""
    start, end = day(bt.fitted_as_of, lang), day(bt.through, lang)
    if not bt.ok:
        whose_vi, whose_en = ("của tháng trước", "Last month's predictions") \
            if last_month(bt.fitted_as_of, bt.through) \
            else (f"lập ngày {start}", f"Predictions made on {start}")
        said = pick(lang, f"Chưa kiểm tra được dự báo {whose_vi}: mô hình ước tính trên dữ "
                          f"liệu đến {start} không dùng được ({_why_not(bt.fit, lang)}).",
                    f"{whose_en} cannot be checked: the model fitted on the data to "
                    f"{start} cannot be used ({_why_not(bt.fit, lang)}).")
        return Markdown(said + _history_note(bt, lang))
    row = bt.row
    predicted, actual = row["predicted_purchases"], row["actual_purchases"]
    gap_vi = direction(predicted, actual, what_vi="số lần mua", lang="vi")
    gap_en = direction(predicted, actual, what_en="purchases", lang="en")
    items = [pick(
        lang, f"Mô hình ước tính trên dữ liệu đến {start} dự báo {number(row['customers'], lang)} "
              f"khách đã biết khi đó sẽ mua **{number(predicted, lang)} lần** từ sau {start} đến "
              f"{end}; thực tế họ đã mua **{number(actual, lang)} lần**: {gap_vi}"
              f"{_inside(bt.interval, 'purchases', actual, lang)}.",
        f"The model fitted on the data to {start} expected the {number(row['customers'], lang)} "
        f"customers it knew to make **{number(predicted, lang)} purchases** after {start} up to "
        f"{end}; they made **{number(actual, lang)}**: {gap_en}"
        f"{_inside(bt.interval, 'purchases', actual, lang)}.")]
    if row["predicted_revenue"] is not None:
        items.append(pick(
            lang, f"Doanh thu dự báo {money(row['predicted_revenue'], lang)}, thực tế "
                  f"{money(row['actual_revenue'], lang)}"
                  f"{_inside(bt.interval, 'revenue', row['actual_revenue'], lang)}.",
            f"Revenue expected {money(row['predicted_revenue'], lang)}, actual "
            f"{money(row['actual_revenue'], lang)}"
            f"{_inside(bt.interval, 'revenue', row['actual_revenue'], lang)}."))
    outside = _no_calendar(bt, lang)
    if outside:
        items.append(outside)
    if row["quality"] is not None:
        quality = row["quality"]
        items.append(pick(
            lang, f"**Chất lượng dự báo {number(quality, lang)}/100 ({quality_word(quality, lang)})**"
                  f": xếp khách theo số lần mua dự báo, 10% khách đứng đầu chiếm "
                  f"{percent(row['top_decile_capture'], lang)} số khách đã mua. "
                  f"{quality_scale(lang)}",
            f"**Prediction quality {number(quality, lang)}/100 ({quality_word(quality, lang)})**: "
            f"with customers ranked by predicted purchases, the top 10% hold "
            f"{percent(row['top_decile_capture'], lang)} of those who bought. "
            f"{quality_scale(lang)}"))
    else:
        items.append(pick(lang, "Không ai mua trong kỳ kiểm tra nên chưa chấm được chất lượng.",
                          "Nobody bought in the period, so the quality cannot be scored."))
    if row["alive_below_half_bought"] is not None:
        items.append(pick(
            lang, f"Trong số khách mô hình cho khả năng còn mua dưới 50%, "
                  f"{percent(row['alive_below_half_bought'], lang)} vẫn đã mua.",
            f"Of the customers it gave a chance below 50% of still buying, "
            f"{percent(row['alive_below_half_bought'], lang)} did buy."))
    return Markdown("\n".join(f"- {i}" for i in items) + _history_note(bt, lang))


def last_month(fitted_as_of: date, through: date) -> bool:
    """Whether the fit is of the month end before `through`'s month (backtest_from empty):
    then the page may say "last month's predictions"; else it names the fit's date."""
    return fitted_as_of == month_end_before(through)


def window_words(fitted_as_of: date, through: date, lang: str = "vi") -> str:
    """The back-test's window as a reader names it, with its preposition: a whole calendar month
    by its name (trong tháng 11/2026, in November 2026), else its first and last days (từ
    16/11/2026 đến 30/11/2026, from 16 Nov 2026 to 30 Nov 2026)."""
    first = fitted_as_of + timedelta(days=1)
    if first.day == 1 and (through + timedelta(days=1)).day == 1 \
            and first.replace(day=1) == through.replace(day=1):
        return pick(lang, f"trong tháng {first.month}/{first.year}",
                    f"in {format_date(first, format='MMMM yyyy', locale='en_US')}")
    return pick(lang, f"từ {day(first, lang)} đến {day(through, lang)}",
                f"from {day(first, lang)} to {day(through, lang)}")


def _outside(interval: dict | None, what: str, actual) -> int:
    """-1 when `actual` fell below the 90% interval of `what`, 1 above, 0 inside or no interval."""
    if not interval or actual is None:
        return 0
    low, high = interval.get(f"expected_{what}_low"), interval.get(f"expected_{what}_high")
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return 0
    return -1 if actual < low else (1 if actual > high else 0)


def _no_calendar(bt, lang: str) -> str:
    """When what happened fell outside the 90% interval of purchases or revenue: what the
    interval covers (chance, not seasons) and that the model has no calendar, with the window
    named, busier or quieter than the customers' own rhythms said; no cause is claimed (the
    data cannot tell a sale from anything else). "" when everything fell inside."""
    row = bt.row
    sides = [_outside(bt.interval, "purchases", row["actual_purchases"]),
             _outside(bt.interval, "revenue", row.get("actual_revenue"))]
    side = next((s for s in sides if s), 0)
    if not side:
        return ""
    when = window_words(bt.fitted_as_of, bt.through, lang)
    more_vi = "mua nhiều hơn" if side > 0 else "mua ít hơn"
    more_en = "more" if side > 0 else "less"
    return pick(
        lang, f"**Khoảng tin cậy 90% chỉ tính đến may rủi, không tính mùa vụ.** Mô hình không có lịch: "
              f"nó chờ mỗi khách mua theo nhịp của chính họ, tháng nào cũng như tháng nào, nên một "
              f"tháng có đợt mua sắm lớn bị dự báo thấp và một tháng vắng bị dự báo cao. "
              f"{when[0].upper()}{when[1:]}, khách {more_vi} so với nhịp mua của chính họ; dữ "
              f"liệu không cho mô hình biết vì sao.",
        f"**The 90% interval covers chance, not seasons.** The model has no calendar: it expects "
        f"each customer to keep their own rhythm, every month alike, so a month with a sale peak "
        f"is under-predicted and a quiet month over-predicted. {when[0].upper()}{when[1:]} the "
        f"customers bought {more_en} than their own rhythms said; the data does not tell the "
        f"model why.")


def _inside(interval: dict | None, what: str, actual, lang: str) -> str:
    """Whether what happened fell in the 90% interval of the prediction ("" without one)."""
    if not interval:
        return ""
    low, high = interval.get(f"expected_{what}_low"), interval.get(f"expected_{what}_high")
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    shown = money if what == "revenue" else number
    span = f"{shown(low, lang)}–{shown(high, lang)}"
    if low <= actual <= high:
        return pick(lang, f", trong khoảng tin cậy 90% ({span})",
                    f", inside the 90% interval ({span})")
    return pick(lang, f", ngoài khoảng tin cậy 90% ({span})",
                f", outside the 90% interval ({span})")


def _why_not(fit, lang: str) -> str:
    """Why a fit cannot be used, in words (compute.fit's status)."""
    if fit is None or fit.status == "did_not_converge":
        return pick(lang, "mô hình không hội tụ", "the fit did not converge")
    if fit.status == "too_few_customers":
        return pick(lang, f"khi đó mới có {number(fit.customers, lang)} khách đã mua, cần ít nhất "
                          f"100", f"it knew {number(fit.customers, lang)} buyers, and needs at "
                                  f"least 100")
    return pick(lang, f"khi đó chỉ {number(fit.repeat_customers, lang)} khách đã mua lại, cần ít "
                      f"nhất 20", f"only {number(fit.repeat_customers, lang)} of them had bought "
                              f"again, and it needs at least 20")


def _history_note(bt, lang: str) -> str:
    if not bt.history_note:
        return ""
    return "\n\n" + pick(
        lang, f"Không đọc được các lần kiểm tra trước ({md_text(bt.history_note)}): lịch sử bắt "
              f"đầu lại từ tháng này.",
        f"Past back-tests could not be read ({md_text(bt.history_note)}): the history starts "
        f"again from this month.")


def history_sentence(history: pd.DataFrame, *, lang: str = "vi") -> Markdown:
    """Under the 12-month line: how many back-tests it holds, or that it starts next month."""
    if len(history) < 2:
        return Markdown(pick(
            lang, "Đường 12 tháng xuất hiện khi đã có từ hai lần kiểm tra (mỗi tháng chạy thêm "
                  "một lần, lưu ở value/backtest.csv).",
            "The 12-month line appears once there are two back-tests or more (one more each "
            "monthly run, kept in value/backtest.csv)."))
    return Markdown(pick(
        lang, f"{number(len(history), lang)} lần kiểm tra gần nhất, mỗi lần một tháng "
              f"(value/backtest.csv). Đường gạch là số lần mua thực tế chia cho dự báo: trên 100 "
              f"là tháng khách mua nhiều hơn dự báo, dưới 100 là ít hơn; mô hình không có lịch "
              f"nên tháng cao điểm hay tháng vắng hiện ra ở đây.",
        f"The last {number(len(history), lang)} back-tests, one a month (value/backtest.csv). "
        f"The dashed line is actual purchases as a share of the predicted: above 100 the "
        f"customers bought more than predicted that month, below 100 less; the model has no "
        f"calendar, so busy and quiet months show here."))


def segment_table(frame: pd.DataFrame, *, labels: dict[str, str], order: list[str],
                  lang: str = "vi"):
    """Predicted against actual purchases and revenue per segment (at the fit's date)."""
    if frame is None or not len(frame):
        return Markdown("")
    frame = frame.copy()
    frame["rank"] = frame.segment.map(lambda s: order.index(s) if s in order else len(order))
    frame = frame.sort_values("rank")
    table = pd.DataFrame({
        pick(lang, "Nhóm (khi dự báo)", "Segment (when predicted)"):
            [labels.get(s, s) if isinstance(s, str) else "–" for s in frame.segment],
        pick(lang, "Khách", "Customers"): [number(v, lang) for v in frame.customers],
        pick(lang, "Lần mua dự báo", "Purchases predicted"):
            [number(v, lang, 1) for v in frame.predicted_purchases],
        pick(lang, "Lần mua thực tế", "Purchases made"):
            [number(v, lang) for v in frame.actual_purchases],
        pick(lang, "Doanh thu dự báo", "Revenue predicted"):
            [_short_money(v, lang) for v in frame.predicted_revenue],
        pick(lang, "Doanh thu thực tế", "Revenue made"):
            [_short_money(v, lang) for v in frame.actual_revenue]})
    return html_table(table)


def _short_money(value, lang: str) -> str:
    """Money in a table cell a phone can show (654,7 tr ₫ / ₫654.7M)."""
    if value is None or pd.isna(value):
        return "–"
    shown = short_money(float(value), lang)
    return f"{shown} ₫" if lang == "vi" else shown


def _bound(value, lang: str) -> str:
    """A band's bound as short as it reads (0,25; 0,5; 1 / 0.25, 0.5, 1): a phone shows the
    calibration table's five columns without scrolling."""
    shown = number(value, lang, 2)
    mark = "," if lang == "vi" else "."
    return shown.rstrip("0").rstrip(mark) if mark in shown else shown


def band_table(frame: pd.DataFrame, *, lang: str = "vi"):
    """The calibration table: customers by band of predicted purchases, predicted and actual
    purchases per customer, the share who bought."""
    if frame is None or not len(frame):
        return Markdown("")
    bands = [f"{_bound(low, lang)}–{_bound(high, lang)}" if high is not None
             and not pd.isna(high) else f"≥ {_bound(low, lang)}"
             for low, high in zip(frame.low, frame.high)]
    table = pd.DataFrame({
        pick(lang, "Mức dự báo", "Band"): bands,
        pick(lang, "Khách", "Customers"): [number(v, lang) for v in frame.customers],
        pick(lang, "Dự báo / khách", "Predicted"):
            [number(v, lang, 2) for v in frame.predicted_per_customer],
        pick(lang, "Thực tế / khách", "Actual"):
            [number(v, lang, 2) for v in frame.actual_per_customer],
        pick(lang, "Đã mua", "Bought"): [percent(v, lang) for v in frame.bought_share]})
    return html_table(table)


def _are(count) -> str:
    return "is" if count == 1 else "are"


def _customers(count) -> str:
    return "customer is" if count == 1 else "customers are"


def slipping_sentence(figures: dict | None, *, lang: str = "vi") -> Markdown:
    """Who is slipping (slipping.write_slipping's figures): how many are listed for which reason
    (their chance of still buying fell, or their rhythm alone), those of the latter whose chance
    rose, and the revenue at stake (the positive differences only); where the list is."""
    if not figures:
        return Markdown("")
    count = figures["customers"] or 0
    drop = number(100 * figures["drop"], lang)
    if not count:
        return Markdown(pick(
            lang, f"Không khách nào trượt dần trong tháng: không ai giảm hơn {drop} điểm khả năng "
                  f"còn mua, rơi xuống dưới 50%, hay quá hạn mua lại gấp ba nhịp của chính mình.",
            f"Nobody slipped this month: no customer's chance of still buying fell by more than "
            f"{drop} points or below 50%, and nobody passed three times their own rhythm."))
    since = day(figures["fitted_as_of"], lang) if figures.get("fitted_as_of") else None
    since_vi, since_en, than_en = (f"so với ngày {since}", f"since {since}", f"on {since}") \
        if since else ("so với tháng trước", "since last month", "last month")
    n = {k: number(figures.get(k) or 0, lang) for k in (
        "customers", "dropped", "crossed", "overdue", "fell", "overdue_only", "rose", "losing",
        "gaining")}
    items = [pick(
        lang, f"**{n['customers']} khách đang trượt dần** (value/slipping.xlsx):",
        f"**{n['customers']} {_customers(count)} slipping** (value/slipping.xlsx):")]
    if figures.get("fell"):
        items.append(pick(
            lang, f"{n['fell']} khách được liệt kê vì khả năng còn mua giảm {since_vi}: "
                  f"{n['dropped']} khách giảm hơn {drop} điểm, {n['crossed']} khách rơi xuống dưới "
                  f"50% (một khách có thể thuộc cả hai).",
            f"{n['fell']} {_are(figures['fell'])} listed because their chance of still buying "
            f"fell {since_en}: {n['dropped']} by more than {drop} points, {n['crossed']} to below "
            f"50% (a customer may be both)."))
    if figures.get("overdue"):
        # a customer whose chance rose is listed by their rhythm alone (slipping.py): they are
        # among the overdue_only, and said as such
        rose = "" if not figures.get("rose") else pick(
            lang, f", trong đó {n['rose']} khách có khả năng còn mua cao hơn {since_vi}: mô "
                  f"hình không lo cho họ, chỉ nhịp mua của chính họ cho thấy họ đã trễ",
            f", {n['rose']} of whom have a higher chance of still buying than {than_en}: "
            f"the model is not worried about them, only their own rhythm says they are late")
        items.append(pick(
            lang, f"{n['overdue']} khách đã quá ngày mua lại dự kiến hai nhịp mua của chính họ; "
                  f"{n['overdue_only']} trong số đó được liệt kê chỉ vì lý do này{rose}.",
            f"{n['overdue']} {_are(figures['overdue'])} two of their own rhythms past their "
            f"expected next purchase; {n['overdue_only']} of them {_are(figures['overdue_only'])} "
            f"listed for that alone{rose}."))
    gaining = "" if not figures.get("gaining") else pick(
        lang, f"; {n['gaining']} khách còn lại trong danh sách được dự kiến mang lại nhiều hơn "
              f"{since_vi} nên không tính vào đây",
        f"; the other {n['gaining']} listed {_are(figures['gaining'])} expected to bring more "
        f"than before, and count for nothing here")
    if figures.get("losing"):
        items.append(pick(
            lang, f"Doanh thu dự kiến mất đi {since_vi}: **{money(figures['at_stake'], lang)}**, "
                  f"phần giảm của {n['losing']} khách mà doanh thu dự kiến giảm{gaining}.",
            f"Expected revenue at stake {since_en}: **{money(figures['at_stake'], lang)}**, what "
            f"the model now expects {n['losing']} of them to bring less{gaining}."))
    else:
        items.append(pick(
            lang, f"Không khách nào trong danh sách bị giảm doanh thu dự kiến {since_vi}.",
            f"None of them is expected to bring less than {since_en}: no revenue is at stake."))
    return Markdown(items[0] + "\n\n" + "\n".join(f"- {item}" for item in items[1:]))


def heading(key: str, *, lang: str = "vi", since=None, as_of=None) -> Markdown:
    """The headings of page 06's sections from issue 36 (back-test, slipping, one-time buyers);
    `since`: the back-test's fit date, said when given; with `as_of` too, the back-test's
    heading says "last month's predictions" only when `since` is the month end before `as_of`
    (backtest_from empty), else it names the fit's date."""
    when_vi = f"đến {day(since, lang)}" if since is not None else "đến cuối tháng trước"
    when_en = f"to {day(since, lang)}" if since is not None else "to last month end"
    if since is None or as_of is None or last_month(since, as_of):
        title_vi, title_en = ("Dự báo tháng trước có đúng không?",
                              "Did last month's predictions come true?")
    else:
        title_vi, title_en = (f"Dự báo lập ngày {day(since, 'vi')} có đúng không?",
                              f"Did the predictions made on {day(since, 'en')} come true?")
    texts = {
        "backtest": (
            f"## {title_vi}\nMô hình ước tính trên dữ liệu {when_vi} dự báo mỗi khách sẽ mua "
            f"bao nhiêu lần và mang lại bao nhiêu từ đó đến nay; ở đây đặt dự báo đó cạnh những "
            f"gì khách đã thực sự làm, trong riêng khoảng thời gian ấy.",
            f"## {title_en}\nThe model fitted on the data {when_en} predicted how often each "
            f"customer would buy and what they would bring since; here that prediction is set "
            f"against what customers did in that stretch alone."),
        "slipping": ("## Ai đang trượt dần?", "## Who is slipping?"),
        "one_time": ("## Khách mới mua một lần", "## One-time buyers"),
    }
    vi, en = texts[key]
    return Markdown(pick(lang, vi, en))
