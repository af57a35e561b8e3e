"""Page 00's line on page 06's back-test: how last month's predictions did (value/backtest.csv,
pages/value/backtest.py), in one sentence, read from the file page 06 wrote so both pages say
the same figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from helpers.kit.formatting import number
from helpers.kit.narrative import day
from helpers.kit.texts import pick
from helpers.pages.value import backtest
from helpers.pages.value import backtest_sentences as bt_sentences


def latest(folder: Path, as_of: date | None = None) -> dict | None:
    """The back-test row of value/backtest.csv in the month `folder` that ends on `as_of` (any
    last row when None); None when there is none or the file cannot be read."""
    path = Path(folder) / backtest.BACKTEST_FILE
    if not path.exists():
        return None
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except (ValueError, OSError, UnicodeDecodeError):
        return None
    if list(frame.columns) != backtest.BACKTEST_COLUMNS or not len(frame):
        return None
    row = frame.iloc[-1].to_dict()
    if as_of is not None and str(row["through"]) != as_of.isoformat():
        return None  # page 06 could not test this month: its last row is an older month's
    return row


def backtest_lines(folder: Path, *, as_of: date | None = None, lang: str = "vi") -> list:
    """Page 00's sentence on the back-test, in page 06's words and figures (pages/value/
    backtest_sentences: the same rounding, the same direction and the same quality band):
    predicted against actual purchases over the window, then the quality as what it is, a score
    of the ranking of who buys (a total can be off while the ranking is right). Nothing when page
    06 wrote none for this month."""
    row = latest(folder, as_of)
    if row is None:
        return []
    fitted = pd.Timestamp(row["fitted_as_of"]).date()
    through = pd.Timestamp(row["through"]).date()
    start = day(fitted, lang)
    window = bt_sentences.window_words(fitted, through, lang)
    whose_vi, whose_en = \
        (f"Dự báo tháng trước (trang 06, mô hình ước tính trên dữ liệu đến {start})",
         f"Last month's forecast (page 06, the model fitted on the data to {start})") \
        if bt_sentences.last_month(fitted, through) \
        else (f"Dự báo lập ngày {start} (trang 06)", f"The forecast made on {start} (page 06)")
    gap = bt_sentences.direction(float(row["predicted_purchases"]),
                                 float(row["actual_purchases"]),
                                 what_vi="số lần mua", what_en="purchases", lang=lang)
    predicted, actual = number(row["predicted_purchases"], lang), number(row["actual_purchases"],
                                                                          lang)
    quality = row["quality"]
    scored = "" if pd.isna(quality) else " " + pick(
        lang, f"Về xếp hạng ai sẽ mua, chất lượng dự báo {number(quality, lang)}/100 "
              f"({bt_sentences.quality_word(quality, lang)}; 0 là đoán ngẫu nhiên, 100 là biết "
              f"trước).",
        f"At ranking who will buy, its prediction quality is {number(quality, lang)}/100 "
        f"({bt_sentences.quality_word(quality, lang)}: 0 is guessing, 100 is knowing in "
        f"advance).")
    return [Markdown(pick(
        lang, f"{whose_vi}: khách dự kiến mua {predicted} lần {window}, thực tế {actual} lần; "
              f"{gap}.{scored}",
        f"{whose_en}: {predicted} purchases expected {window}, {actual} made; {gap}.{scored}"))]
