"""Page 06's sentences: who is still a customer and what each is worth."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from helpers.kit.formatting import money, number, percent
from helpers.kit.safe_text import md_text
from helpers.kit.texts import pick, t

MODEL_NAMES = {"bg_nbd": "BG/NBD", "mbg_nbd": "MBG/NBD"}


def model_section(model: str, *, lang: str = "vi") -> Markdown:
    """Section 06.1's heading and explanation naming the purchase model in use (`value_model`),
    with what it assumes of one-time buyers (page_texts: 06.1, 06.1.<model>)."""
    return Markdown(f"{t('06.1', lang, model=MODEL_NAMES[model])}\n\n{t(f'06.1.{model}', lang)}")


def value_headlines(fit, figures: dict, written: dict, *, scheme, horizon_days: int,
                    lang: str = "vi", check: dict | None = None) -> Markdown:
    """What the models say for the shop, or in one sentence why they were not fitted; `figures`
    are customer_value.headline_figures (sums over every buyer, from SQL); `check` is
    check.verdict's: the fading list is called for only when its fading_action is show."""
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
                  f"lần**, mang lại khoảng **{money(revenue, lang)}**.",
            f"In the next {horizon_days} days they are expected to make "
            f"**{number(purchases, lang)} purchases**, bringing about "
            f"**{money(revenue, lang)}**."))
    else:
        items.append(pick(
            lang, f"Trong {horizon_days} ngày tới họ dự kiến mua **{number(purchases, lang)} "
                  f"lần**; chưa đủ khách mua lại để ước tính giá trị mỗi lần mua.",
            f"In the next {horizon_days} days they are expected to make "
            f"**{number(purchases, lang)} purchases**; too few repeat buyers to estimate what "
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
                         lang: str = "vi") -> Markdown:
    """How close the predicted purchases came to the actual ones in the check period."""
    if table is None or not len(table):
        return Markdown(pick(
            lang, f"Chưa đủ lịch sử để kiểm tra: cần dữ liệu ít nhất {3 * horizon_days} ngày.",
            f"Not enough history for a check yet: it needs at least {3 * horizon_days} days "
            f"of data."))
    customers = table.customers.sum()
    predicted = (table.predicted * table.customers).sum()
    actual = (table.actual * table.customers).sum()
    gap = (predicted - actual) / actual if actual else 0.0
    return Markdown(pick(
        lang, f"Trong {horizon_days} ngày kiểm tra, {number(customers, lang)} khách được dự báo "
              f"mua {number(predicted, lang)} lần và thực tế đã mua {number(actual, lang)} lần "
              f"(chênh {percent(abs(gap), lang)}).",
        f"In the {horizon_days}-day check period, {number(customers, lang)} customers were "
        f"predicted to make {number(predicted, lang)} purchases and actually made "
        f"{number(actual, lang)} (a {percent(abs(gap), lang)} difference)."))


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
