"""What page 00 compares: a whole month with the month before, or, when the as-of date is not the
last day of its month, the same first days of both months (a partial month is never set against
a whole one).

    as_of 2026-12-05: 1-5/12/2026 against 1-5/11/2026 ("5 ngày đầu tháng 12 so với 5 ngày đầu
    tháng 11"); as_of 2026-11-30: November against October, whole months.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from helpers.core.params import month_end_before
from helpers.kit.narrative import day
from helpers.kit.texts import pick


def is_partial_month(as_of: date) -> bool:
    """The as-of date is not the last day of its month: the month is not over."""
    return as_of.day != calendar.monthrange(as_of.year, as_of.month)[1]


def same_day_month_before(as_of: date) -> date:
    """The same day of the month before (its last day when that month is shorter: 31/03 -> 28/02)."""
    before_end = month_end_before(as_of)
    return before_end.replace(day=min(as_of.day, before_end.day))


@dataclass(frozen=True)
class ReviewPeriod:
    """The reporting period (the as-of month up to as_of) and the one it is compared with."""

    as_of: date
    partial: bool
    compare_to: date  # the end of the period compared with: the month end before, or the same day

    @classmethod
    def of(cls, as_of: date, *, partial: bool | None = None) -> ReviewPeriod:
        """`partial` as the run says (a what-if or a flag from the runner), else from the date."""
        partial = is_partial_month(as_of) if partial is None else bool(partial)
        return cls(as_of=as_of, partial=partial,
                   compare_to=same_day_month_before(as_of) if partial else month_end_before(as_of))

    @property
    def dates(self) -> list[date]:
        """The two dates the KPIs are computed at: the one compared with, then the as-of date."""
        return [self.compare_to, self.as_of]

    @property
    def days(self) -> int:
        return self.as_of.day

    def this_month(self, lang: str = "vi") -> str:
        """'tháng 11/2026', or '5 ngày đầu tháng 12/2026' when the month is not over."""
        if not self.partial:
            return pick(lang, f"tháng {self.as_of:%m/%Y}", f"{self.as_of:%B %Y}")
        return pick(lang, f"{self.days} ngày đầu tháng {self.as_of:%m/%Y}",
                    f"the first {self.days} days of {self.as_of:%B %Y}")

    def month_before(self, lang: str = "vi") -> str:
        """'tháng 10/2026', or '5 ngày đầu tháng 11/2026' (the same days of the month before)."""
        before = self.compare_to
        if not self.partial:
            return pick(lang, f"tháng {before:%m/%Y}", f"{before:%B %Y}")
        if before.day != self.days:  # the month before is shorter: all of it
            return pick(lang, f"cả tháng {before:%m/%Y} ({before.day} ngày)",
                        f"all of {before:%B %Y} ({before.day} days)")
        return pick(lang, f"{before.day} ngày đầu tháng {before:%m/%Y}",
                    f"the first {before.day} days of {before:%B %Y}")

    def versus(self, lang: str = "vi") -> str:
        """What a change is against: 'so với tháng trước' or 'so với 5 ngày đầu tháng 11/2026'."""
        if not self.partial:
            return pick(lang, "so với tháng trước", "vs last month")
        return pick(lang, f"so với {self.month_before(lang)}", f"vs {self.month_before(lang)}")

    def versus_short(self, lang: str = "vi", *, stock: bool = False) -> str:
        """A card's comparison: 'so với tháng trước', or for a partial month 'so với 1–5/11' (a
        flow: the same days) or 'so với 05/11' (a stock: the same day)."""
        if not self.partial:
            return pick(lang, "so với tháng trước", "vs last month")
        before = self.compare_to
        if stock:
            return pick(lang, f"so với {before:%d/%m}", f"vs {before.day} {before:%b}")
        return pick(lang, f"so với 1–{before.day}/{before:%m}", f"vs {before:%b} 1–{before.day}")

    def range_short(self, lang: str = "vi") -> str:
        """'1–5/12' ('Dec 1–5') for a partial month, '' for a whole one."""
        if not self.partial:
            return ""
        return pick(lang, f"1–{self.days}/{self.as_of:%m}", f"{self.as_of:%b} 1–{self.days}")

    def since(self, lang: str = "vi") -> str:
        """What a change in a state (a share, a tier) is measured from: the month end before."""
        end = month_end_before(self.as_of)
        if not self.partial:
            return pick(lang, "so với cuối tháng trước", "since last month end")
        return pick(lang, f"so với ngày {day(end, lang)} ({self.days} ngày trước)",
                    f"since {day(end, lang)} ({self.days} days earlier)")

    def in_period(self, lang: str = "vi") -> str:
        """'trong tháng' or 'trong 5 ngày đầu tháng 12/2026' (a flow since the month end)."""
        if not self.partial:
            return pick(lang, "trong tháng", "this month")
        return pick(lang, f"trong {self.this_month(lang)}", f"in {self.this_month(lang)}")

    def caveat(self, lang: str = "vi") -> str:
        """The sentence page 00 opens with when the month is not over ('' when it is)."""
        if not self.partial:
            return ""
        start = self.as_of.replace(day=1)
        return pick(
            lang,
            f"Tháng {self.as_of:%m/%Y} chưa kết thúc: trang này tính {self.days} ngày đầu tháng "
            f"({day(start, lang)}–{day(self.as_of, lang)}) và so sánh với "
            f"{self.month_before(lang)}, không với cả tháng trước.",
            f"{self.as_of:%B %Y} is not over: this page counts its first {self.days} days "
            f"({day(start, lang)}–{day(self.as_of, lang)}) and compares them with "
            f"{self.month_before(lang)}, not with the whole month before.")
