"""Page 04's sentences: loyalty tiers and their lists."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from helpers.kit.formatting import number
from helpers.kit.narrative import LIST_LABELS, WINDOW_LABELS, day, html_table
from helpers.kit.safe_text import md_labels, md_text
from helpers.kit.texts import CHANNEL_NAMES, pick, t


def loyalty_headlines(summary: pd.DataFrame, *, names: dict[str, str], as_of, reranking,
                      lang: str = "vi") -> Markdown:
    reranking = day(reranking, lang)
    total = int(summary.members.sum())
    names = md_labels(names)  # a loyalty file's words: text, never Markdown
    parts = ", ".join(f"{names[r.tier]} {number(r.members, lang)}" for r in summary.itertuples())
    # "thành viên" is the name of a tier in many shops (params/loyalty.yaml): everyone in the
    # programme is "khách", so a tier's name never reads as all members
    gap, upper = md_text(t("gap_to_next", lang)), md_text(t("next_tier", lang))
    close_list = md_text(pick(lang, *LIST_LABELS["close_to_next"]))
    items = [
        pick(lang, f"**{number(total, lang)} khách có hạng** tính đến {day(as_of, lang)}: {parts}.",
              f"**{number(total, lang)} customers hold a tier** as of {day(as_of, lang)}: {parts}."),
        pick(lang, f"So với cuối tháng trước: **{number(summary.upgraded.sum(), lang)} lên hạng**, "
                    f"**{number(summary.downgraded.sum(), lang)} xuống hạng**, "
                    f"{number(summary.new_members.sum(), lang)} khách mới có hạng.",
              f"Since last month end: **{number(summary.upgraded.sum(), lang)} upgraded**, "
              f"**{number(summary.downgraded.sum(), lang)} downgraded**, "
              f"{number(summary.new_members.sum(), lang)} new in the programme."),
        pick(lang, f"**{number(summary.close_to_next.sum(), lang)} khách sắp lên hạng**: nhắn mỗi "
                    f"người số tiền của chính họ, ở cột “{gap}” và “{upper}” của danh sách "
                    f"“{close_list}”, ví dụ “Chỉ cần mua thêm *(số tiền còn thiếu)* là bạn lên "
                    f"hạng *(hạng kế tiếp)*”.",
              f"**{number(summary.close_to_next.sum(), lang)} customers are close to the next "
              f"tier**: tell each one their own amount, from the “{gap}” and “{upper}” columns "
              f"of the “{close_list}” list, e.g. “Spend *(the amount)* more to reach *(next "
              f"tier)*”."),
        pick(lang, f"{number(summary.will_drop.sum(), lang)} khách sẽ bị hạ hạng vào kỳ xét "
                    f"hạng {reranking} nếu không mua thêm.",
              f"{number(summary.will_drop.sum(), lang)} customers will drop a tier at the "
              f"{reranking} re-ranking unless they buy again."),
    ]
    return Markdown("\n".join(f"- {i}" for i in items))


def list_sizes(counts: pd.DataFrame, *, lang: str = "vi") -> HTML:
    if counts.empty:
        return HTML("")
    table = counts.pivot_table(index="list_key", columns="channel", values="in_list",
                               aggfunc="sum", fill_value=0)
    sizes = counts.groupby("list_key").customers.max()
    table.insert(0, pick(lang, "Khách", "Customers"), sizes)
    table = table.reset_index()
    table.columns.name = None  # the pivot's own name ("channel") is not a column
    # lists and channels by their names, never their keys; counts in the reader's format
    names = {**LIST_LABELS, **{f"window={k}": v for k, v in WINDOW_LABELS.items()}}
    table["list_key"] = table.list_key.map(lambda k: pick(lang, *names[k]) if k in names
                                           else str(k).replace("_", " "))
    table = table.rename(columns={"list_key": pick(lang, "Danh sách", "List"), **CHANNEL_NAMES})
    for column in table.columns[1:]:
        table[column] = [number(v, lang) for v in table[column]]
    return html_table(table)
