"""Page 06's sentences: who is still a customer and what each is worth."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from IPython.display import Markdown

from helpers.kit.formatting import money, number, percent
from helpers.kit.narrative import day, html_table
from helpers.kit.safe_text import md_text
from helpers.kit.texts import pick, t
from helpers.pages.value.backtest_sentences import direction, last_month

MODEL_NAMES = {"bg_nbd": "BG/NBD", "mbg_nbd": "MBG/NBD"}


def model_section(model: str, *, lang: str = "vi") -> Markdown:
    """Section 06.1's heading and explanation naming the purchase model in use (`value_model`),
    with what it assumes of one-time buyers (page_texts: 06.1, 06.1.<model>)."""
    return Markdown(f"{t('06.1', lang, model=MODEL_NAMES[model])}\n\n{t(f'06.1.{model}', lang)}")


def _span(totals, what: str, lang: str) -> str:
    """' (90%: 2.100–2.360)': the interval of the whole shop's expected `what` (purchases or
    revenue; compute.total_intervals' first row), "" without one."""
    if totals is None or not len(totals):
        return ""
    row = totals.iloc[0]
    low, high = row.get(f"expected_{what}_low"), row.get(f"expected_{what}_high")
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    shown = (money if what == "revenue" else number)
    return pick(lang, f" (khoảng tin cậy 90%: {shown(low, lang)}–{shown(high, lang)})",
                f" (90% interval: {shown(low, lang)}–{shown(high, lang)})")


def value_headlines(fit, figures: dict, written: dict, *, scheme, horizon_days: int,
                    lang: str = "vi", check: dict | None = None, totals=None) -> Markdown:
    """What the models say for the shop, or in one sentence why they were not fitted; `figures`
    are customer_value.headline_figures (sums over every buyer, from SQL); `check` is
    check.verdict's: the fading list is called for only when its fading_action is show;
    `totals` is compute.total_intervals' (its first row, every buyer, gives the 90% intervals
    of the purchases and revenue stated)."""
    if fit.status == "too_few_customers":
        return Markdown(pick(
            lang, f"Chưa ước tính được: cửa hàng mới có {number(fit.customers, lang)} khách đã "
                  f"mua, cần ít nhất 100 khách để mô hình đáng tin.",
            f"Not estimated: the shop has {number(fit.customers, lang)} buyers so far; the "
            f"models need at least 100 to be trusted."))
    if fit.status == "too_few_repeat":
        return Markdown(pick(
            lang, f"Chưa ước tính được: chỉ {number(fit.repeat_customers, lang)} trong "
                  f"{number(fit.customers, lang)} khách đã mua lại, cần ít nhất 20 khách mua lại "
                  f"để biết nhịp mua của cửa hàng.",
            f"Not estimated: only {number(fit.repeat_customers, lang)} of "
            f"{number(fit.customers, lang)} buyers have bought again; the models need at least "
            f"20 repeat buyers to learn the shop's rhythm."))
    if fit.status == "did_not_converge":
        return Markdown(pick(
            lang, "Mô hình không hội tụ với dữ liệu tháng này nên không dùng kết quả; các trang "
                  "khác không bị ảnh hưởng. Chi tiết ở customer_value_model.csv.",
            "The model did not converge on this month's data, so no figure from it is used; "
            "the other pages are not affected. Details in customer_value_model.csv."))
    repeat = figures["repeat"]
    once = figures["customers"] - repeat
    alive, alive_share = figures["alive"] or 0, figures["alive_share"] or 0
    alive_repeat = figures["alive_repeat"] or 0
    purchases = figures["purchases"] or 0
    revenue = figures["revenue"]
    best = md_text(scheme.labels(lang).get(written["fading_segment"], written["fading_segment"]))
    # the BG/NBD calls every one-time buyer alive by assumption: said where the count is
    assumed = pick(lang, " (mô hình BG/NBD luôn coi họ vẫn là khách)",
                   " (the BG/NBD always counts them as customers)") \
        if fit.model == "bg_nbd" and once else ""
    items = [pick(
        lang, f"Trong {number(figures['customers'], lang)} khách đã mua, khoảng "
              f"**{number(alive, lang)} khách ({percent(alive_share, lang)}) vẫn còn "
              f"mua**: khoảng {number(alive_repeat, lang)} trong {number(repeat, lang)} khách "
              f"đã mua từ hai lần và {number(alive - alive_repeat, lang)} trong "
              f"{number(once, lang)} khách mới mua một lần{assumed}.",
        f"Of {number(figures['customers'], lang)} buyers, about **{number(alive, lang)} "
        f"({percent(alive_share, lang)}) are still customers**: about "
        f"{number(alive_repeat, lang)} of the {number(repeat, lang)} who bought more than once "
        f"and {number(alive - alive_repeat, lang)} of the {number(once, lang)} who bought "
        f"once{assumed}.")]
    if revenue is not None and fit.gamma_gamma:
        items.append(pick(
            lang, f"Trong {horizon_days} ngày tới họ dự kiến mua **{number(purchases, lang)} "
                  f"lần**{_span(totals, 'purchases', lang)}, mang lại khoảng "
                  f"**{money(revenue, lang)}**{_span(totals, 'revenue', lang)}.",
            f"In the next {horizon_days} days they are expected to make "
            f"**{number(purchases, lang)} purchases**{_span(totals, 'purchases', lang)}, "
            f"bringing about **{money(revenue, lang)}**{_span(totals, 'revenue', lang)}."))
    else:
        items.append(pick(
            lang, f"Trong {horizon_days} ngày tới họ dự kiến mua **{number(purchases, lang)} "
                  f"lần**{_span(totals, 'purchases', lang)}; chưa đủ khách mua lại để ước tính giá trị mỗi lần mua.",
            f"In the next {horizon_days} days they are expected to make "
            f"**{number(purchases, lang)} purchases**{_span(totals, 'purchases', lang)}; too few repeat buyers to estimate what "
            f"each purchase is worth."))
    if check is not None and check["fading_action"] != "show":
        items.append(pick(
            lang, f"Tháng này không lập danh sách «{best}» có khả năng còn mua dưới 50% (xem "
                  f"lý do bên dưới).",
            f"No list of «{best}» with a chance below 50% is made this month (the reason is "
            f"below)."))
    elif written["fading"]:
        items.append(pick(
            lang, f"**{number(written['fading'], lang)} khách thuộc nhóm «{best}» có khả năng "
                  f"còn mua dưới 50%: hãy liên hệ ngay** (value/fading_champions.xlsx).",
            f"**{number(written['fading'], lang)} customers in «{best}» have a chance below "
            f"50% of still buying: contact them now** (value/fading_champions.xlsx)."))
    else:
        items.append(pick(lang, f"Không ai trong nhóm «{best}» có khả năng còn mua dưới 50%.",
                          f"Nobody in «{best}» has a chance below 50% of still buying."))
    if fit.fitted_on < fit.customers:
        items.append(pick(
            lang, f"Mô hình được ước tính trên {number(fit.fitted_on, lang)} khách chọn ngẫu "
                  f"nhiên (cố định theo fit_seed) và dự báo cho tất cả.",
            f"The models were fitted on {number(fit.fitted_on, lang)} customers drawn at random "
            f"(fixed by fit_seed) and predict for everyone."))
    return Markdown("\n".join(f"- {i}" for i in items))


def calibration_sentence(table: pd.DataFrame | None, *, horizon_days: int,
                         lang: str = "vi", as_of=None, since=None) -> Markdown:
    """How close the predicted purchases came to the actual ones in the check period: the model
    fitted on the data to `as_of` - `horizon_days` against the `horizon_days` after it, taken
    together (compute.calibration), and how that differs from the back-test below (the days
    after `since`, the back-test's fit date, alone; by default the last month), so a reader does not take two different figures for a contradiction."""
    if table is None or not len(table):
        return Markdown(pick(
            lang, f"Chưa đủ lịch sử để kiểm tra: cần dữ liệu ít nhất {3 * horizon_days} ngày.",
            f"Not enough history for a check yet: it needs at least {3 * horizon_days} days "
            f"of data."))
    customers = table.customers.sum()
    predicted = (table.predicted * table.customers).sum()
    actual = (table.actual * table.customers).sum()
    gap_vi = direction(predicted, actual, what_vi="số lần mua", lang="vi")
    gap_en = direction(predicted, actual, what_en="purchases", lang="en")
    if as_of is None:
        span_vi, span_en = f"Trong {horizon_days} ngày kiểm tra", \
            f"In the {horizon_days}-day check period"
    else:
        cut = day(as_of - timedelta(days=horizon_days), lang)
        span_vi = (f"Mô hình ước tính trên dữ liệu đến {cut}; trong {horizon_days} ngày sau đó "
                   f"(đến {day(as_of, lang)}) gộp lại")
        span_en = (f"With the model fitted on the data to {cut}, over the {horizon_days} days "
                   f"after (to {day(as_of, lang)}) taken together")
    said = pick(
        lang, f"{span_vi}, {number(customers, lang)} khách được dự báo mua "
              f"{number(predicted, lang)} lần và thực tế đã mua {number(actual, lang)} lần: "
              f"{gap_vi}. Đây là sai số trên cả {horizon_days} ngày",
        f"{span_en}, {number(customers, lang)} customers were predicted to make "
        f"{number(predicted, lang)} purchases and actually made {number(actual, lang)}: "
        f"{gap_en}. This is the error over {horizon_days} days together")
    return Markdown(said + _against_backtest(horizon_days, as_of=as_of, since=since, lang=lang))


def _against_backtest(horizon_days: int, *, as_of, since, lang: str) -> str:
    """The end of the calibration sentence: what the back-test below measures instead (the last
    month alone by default; the days after `since` otherwise), and why the two figures may
    differ without contradicting each other."""
    if since is None or (as_of is not None and last_month(since, as_of)):
        return pick(
            lang, "; phần kiểm tra dưới đây chỉ xét riêng tháng vừa qua, nên hai con số có thể "
                  "khác nhau mà không mâu thuẫn: một tháng có thể lệch xa trong khi nhiều tháng "
                  "gộp lại vẫn gần đúng.",
            "; the back-test below looks at the last month alone, so the two figures can "
            "differ without contradicting each other: one month can be far off while several "
            "months together come close.")
    after_vi, after_en = day(since, "vi"), day(since, "en")
    if as_of is not None and (as_of - since).days < horizon_days:
        return pick(
            lang, f"; phần kiểm tra dưới đây chỉ xét riêng những ngày sau {after_vi}, nên hai "
                  f"con số có thể khác nhau mà không mâu thuẫn: một quãng ngắn có thể lệch xa "
                  f"trong khi nhiều tháng gộp lại vẫn gần đúng.",
            f"; the back-test below looks at the days after {after_en} alone, so the two "
            f"figures can differ without contradicting each other: a few weeks can be far off "
            f"while several months together come close.")
    return pick(
        lang, f"; phần kiểm tra dưới đây xét những ngày sau {after_vi}, một quãng khác, nên hai "
              f"con số có thể khác nhau mà không mâu thuẫn.",
        f"; the back-test below looks at the days after {after_en}, another stretch, so the two "
        f"figures can differ without contradicting each other.")


def against_rfm_sentence(check: dict, figures: dict, *, scheme, lang: str = "vi",
                         fading_segment: str | None = None) -> Markdown:
    """Page 01's lost customers as the model sees them: how many it still thinks likely to buy
    (P(alive) of 50% or more), and why, from their rhythm (check.against_rfm's `figures`);
    after the fit's verdict in words (verdict_sentence) when `fading_segment` is given."""
    label = md_text(scheme.labels(lang).get(figures["lost_segment"], figures["lost_segment"]))
    lost, likely = figures["lost_customers"] or 0, figures["lost_likely"] or 0
    warning = verdict_sentence(check, scheme=scheme, fading_segment=fading_segment,
                               lang=lang).data if fading_segment else ""
    if check["verdict"] == "not_fitted" or not lost:
        return Markdown(warning)
    gone = lost - likely
    items = [pick(
        lang, f"Trang 01 xếp **{number(lost, lang)} khách** vào nhóm «{label}». Mô hình đồng ý "
              f"với **{number(gone, lang)} khách ({percent(gone / lost, lang)})**: khả năng họ "
              f"còn mua dưới 50%.",
        f"Page 01 puts **{number(lost, lang)} customers** in «{label}». The model agrees on "
        f"**{number(gone, lang)} ({percent(gone / lost, lang)})**: their chance of still buying "
        f"is below 50%.")]
    if gone:
        items.append(pick(lang, "Vì sao (số giữa): ", "Why (medians): ")
                     + _rhythm(figures, "gone", gone, lang, model=check.get("model")))
    if likely:
        items.append(pick(
            lang, f"**{number(likely, lang)} khách** trong nhóm này vẫn có khả năng còn mua từ "
                  f"50% trở lên (số giữa): ",
            f"**{number(likely, lang)}** of them still have a chance of 50% or more of buying "
            f"again (medians): ") + _rhythm(figures, "likely", likely, lang,
                                            model=check.get("model")))
    else:
        items.append(pick(
            lang, "Không khách nào trong nhóm này được mô hình coi là còn khả năng mua từ 50% "
                  "trở lên.",
            "The model gives none of them a chance of 50% or more of buying again."))
    listed = "\n".join(f"- {i}" for i in items)
    return Markdown(f"{warning}\n\n{listed}" if warning else listed)


def _rhythm(figures: dict, group: str, count: int, lang: str, *, model: str | None = None) -> str:
    """Why, in their rhythm (medians): for those who bought more than once, their usual gap
    between purchases against the days since the last; for those who bought once, how long ago
    (and under the BG/NBD, that the model counts them alive whatever the time)."""
    once = figures[f"{group}_once"] or 0
    parts = []
    if count - once:
        gap, since = number(figures[f"{group}_gap_days"], lang), \
            number(figures[f"{group}_since_days"], lang)
        n = number(count - once, lang)
        parts.append(pick(
            lang, f"{n} khách đã mua nhiều lần thường mua cách nhau khoảng {gap} ngày nhưng đã "
                  f"{since} ngày chưa quay lại, vắng lâu hơn hẳn nhịp mua của chính họ"
            if group == "gone" else
            f"{n} khách đã mua nhiều lần thường mua cách nhau khoảng {gap} ngày và mới vắng "
            f"{since} ngày, theo nhịp mua của chính họ thì chưa phải là bỏ đi",
            f"{n} who bought more than once usually bought every {gap} days or so but have been "
            f"away {since} days, far longer than their own rhythm"
            if group == "gone" else
            f"{n} who bought more than once usually buy every {gap} days or so and have been "
            f"away {since} days: by their own rhythm, not yet gone"))
    if once:
        since = number(figures[f"{group}_once_since_days"], lang)
        parts.append(pick(
            lang, f"{number(once, lang)} khách mới mua một lần, khoảng {since} ngày trước"
                  + (" (nhiều khách bỏ đi ngay sau lần mua đầu)" if group == "gone" else ""),
            f"{number(once, lang)} bought once, about {since} days ago"
            + (" (many customers leave right after their first purchase)"
               if group == "gone" else "")))
        if group == "likely" and model == "bg_nbd":
            parts[-1] += pick(
                lang, ": mô hình BG/NBD luôn coi khách mới mua một lần là vẫn còn mua (P(alive) "
                      "= 1), dù đã bao lâu, vì theo nó khách chỉ rời đi sau một lần mua lại; "
                      "`value_model: mbg_nbd` cho phép khách rời đi ngay sau lần mua đầu",
                ": the BG/NBD always counts a customer who bought once as still a customer "
                "(P(alive) = 1), however long ago, since in it a customer leaves only after a "
                "repeat purchase; `value_model: mbg_nbd` lets a customer leave after the first "
                "purchase")
    return "; ".join(parts) + "."


def verdict_sentence(check: dict, *, scheme, fading_segment: str, lang: str = "vi") -> Markdown:
    """The fit's verdict in words when it cannot be used to call anyone fading (README: "a shop
    where nobody seems to leave"); nothing when it can."""
    best = md_text(scheme.labels(lang).get(fading_segment, fading_segment))
    # under the BG/NBD the figures are the repeat buyers' (check.verdict)
    repeat = check.get("judged_on") == "repeat_buyers"
    who_vi, who_en = ("khách đã mua nhiều lần", "repeat buyers") if repeat else \
        ("khách", "customers")
    if check["verdict"] == "nobody_leaves":
        share = check["long_inactive_likely_share"]
        detail = pick(
            lang, f" Ngay cả {percent(share, lang)} {who_vi} đã {check['long_inactive_days']} "
                  f"ngày trở lên không mua vẫn được coi là còn mua.",
            f" Even {percent(share, lang)} of the {who_en} silent for "
            f"{check['long_inactive_days']} days or more are counted as still buying."
        ) if share is not None and check["long_inactive_customers"] else ""
        return Markdown(pick(
            lang, f"**Cửa hàng này trông như không ai rời đi**: theo mô hình, gần như không khách "
                  f"nào bỏ hẳn sau một lần mua.{detail} Thường là do lịch sử còn ngắn hoặc khách "
                  f"mua rất thưa, nên tháng này không lập danh sách «{best}» sắp rời; hãy dựa vào "
                  f"các nhóm của trang 01.",
            f"**This shop looks as if nobody leaves**: by the model, almost no customer stops for "
            f"good after a purchase.{detail} A short history or very sparse buying usually does "
            f"this, so no list of fading «{best}» is made this month; go by page 01's segments."))
    if check["verdict"] == "everybody_left":
        return Markdown(pick(
            lang, f"**Theo mô hình, gần như mọi khách đã rời đi**: chỉ "
                  f"{percent(check['likely_share'], lang)} {who_vi} còn khả năng mua từ 50% trở "
                  f"lên. Điều này hiếm khi đúng với một cửa hàng còn bán hàng, nên tháng này không "
                  f"lập danh sách «{best}» sắp rời; hãy dựa vào các nhóm của trang 01.",
            f"**By the model, nearly every customer has left**: only "
            f"{percent(check['likely_share'], lang)} of the {who_en} still have a chance of 50% "
            f"or more of buying. That is rarely true of a shop still selling, so no list of fading «{best}» "
            f"is made this month; go by page 01's segments."))
    return Markdown("")


def rule_sentence(check: dict, figures: dict, *, lang: str = "vi") -> Markdown:
    """The fixed rule against the model, under the P(alive) chart: how many buyers a 45-day rule
    calls lost, how many of those the model still thinks likely to buy, and how many it calls
    gone although the rule keeps them."""
    lost = figures.get("rule_lost") or 0
    if check["verdict"] == "not_fitted" or not figures.get("buyers"):
        return Markdown("")
    days = figures.get("rule_days", 45)
    likely, kept_gone = figures.get("rule_lost_likely") or 0, figures.get("rule_kept_gone") or 0
    sparse_vi, sparse_en = ("khách vốn mua thưa, và mọi khách mới mua một lần mà BG/NBD luôn coi là "
                            "còn mua", "customers who always bought sparsely, and every one-time "
                            "buyer, whom the BG/NBD always counts as a customer") \
        if check.get("model") == "bg_nbd" else ("khách vốn mua thưa",
                                                "customers who always bought sparsely")
    return Markdown(pick(
        lang, f"Với mốc {days} ngày, {number(lost, lang)} khách không mua hơn {days} ngày bị coi "
              f"là đã mất; mô hình vẫn cho **{number(likely, lang)} người trong số đó** khả năng "
              f"còn mua từ 50% trở lên ({sparse_vi}). Ngược lại, "
              f"**{number(kept_gone, lang)} khách** mới vắng {days} ngày trở xuống đã có khả "
              f"năng còn mua dưới 50% (khách vốn mua dày nay im lặng).",
        f"A {days}-day rule calls {number(lost, lang)} buyers silent for over {days} days lost; "
        f"the model still gives **{number(likely, lang)} of them** a chance of 50% or more "
        f"({sparse_en}). The other way round, "
        f"**{number(kept_gone, lang)} customers** away {days} days or less already have a chance "
        f"below 50% (frequent buyers gone quiet)."))


def one_time_sentence(model: str, *, lang: str = "vi") -> Markdown:
    """Why one-time buyers are shown by how long ago they bought (lifetimes #409)."""
    if model == "bg_nbd":
        return Markdown(pick(
            lang, "BG/NBD, mô hình đang dùng, cho **mọi khách mới mua một lần khả năng còn mua = "
                  "100%**, dù họ mua đã bao lâu: theo nó khách chỉ rời đi sau một lần mua lại. "
                  "Đó là giả định của mô hình, không phải lỗi, nên bảng dưới xếp họ theo thời "
                  "gian từ lần mua đó.",
            "The BG/NBD, the model in use, gives **every one-time buyer a chance of 100% of "
            "still buying**, however long ago they bought: in it a customer leaves only after a "
            "repeat purchase. That is the model's assumption, not a bug, so the table below "
            "shows them by how long ago they bought."))
    return Markdown(pick(
        lang, "BG/NBD cho mọi khách mới mua một lần khả năng còn mua = 100% dù đã bao lâu; "
              "MBG/NBD, mô hình đang dùng, cho phép khách rời đi ngay sau lần mua đầu nên khả năng "
              "của họ giảm dần theo thời gian. Bảng dưới xếp họ theo thời gian từ lần mua đó.",
        "The BG/NBD gives every one-time buyer a chance of 100% of still buying however long ago; "
        "the MBG/NBD, the model in use, lets a customer leave right after the first purchase, so "
        "their chance falls with time. The table below shows them by how long ago they bought."))


def one_time_table(frame: pd.DataFrame, *, lang: str = "vi"):
    """One-time buyers by days since their purchase (check.one_time_buyers)."""
    if frame is None or not len(frame):
        return Markdown("")
    ages = [f"{number(low, lang)}–{number(high, lang)}" if high is not None
            and not pd.isna(high) else f"> {number(low - 1, lang)}"
            for low, high in zip(frame.low_days, frame.high_days)]
    columns = {
        pick(lang, "Mua cách đây (ngày)", "Bought (days ago)"): ages,
        pick(lang, "Khách mới mua một lần", "One-time buyers"):
            [number(v, lang) for v in frame.customers],
        pick(lang, "Khả năng còn mua (mô hình)", "Chance still buying (model)"):
            [percent(v, lang) for v in frame.p_alive]}
    if "bought_share" in frame and frame.bought_share.notna().any():
        columns[pick(lang, "Tháng trước ở mức này: đã mua lại", "Last month at this age: bought")] = \
            [percent(v, lang, 1) for v in frame.bought_share]
    return html_table(pd.DataFrame(columns))
