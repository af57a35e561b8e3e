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
from helpers.pages.value import backtest, sentences


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
    """Page 00's sentence on the back-test (quality and predicted against actual purchases),
    nothing when page 06 wrote none for this month."""
    row = latest(folder, as_of)
    if row is None:
        return []
    start = day(pd.Timestamp(row["fitted_as_of"]).date(), lang)
    gap = sentences.direction(float(row["predicted_purchases"]), float(row["actual_purchases"]),
                              what_vi="số lần mua", what_en="purchases", lang=lang)
    quality = row["quality"]
    scored = "" if pd.isna(quality) else pick(
        lang, f"; chất lượng dự báo {number(quality, lang)}/100 "
              f"({sentences.quality_word(quality, lang)}, 0 là đoán ngẫu nhiên, 100 là biết trước)",
        f"; prediction quality {number(quality, lang)}/100 "
        f"({sentences.quality_word(quality, lang)}: 0 is guessing, 100 is knowing in advance)")
    return [Markdown(pick(
        lang, f"Dự báo từ {start}: khách dự kiến mua {number(row['predicted_purchases'], lang)} "
              f"lần, thực tế {number(row['actual_purchases'], lang)} lần ({gap}){scored} "
              f"(trang 06).",
        f"Predicted at {start}: {number(row['predicted_purchases'], lang)} purchases expected, "
        f"{number(row['actual_purchases'], lang)} made ({gap}){scored} (page 06)."))]
