"""When page 00 was made, and by which run: the line a forwarded page carries so that two copies
of "the same month" can be told apart.

The run id is the monthly runner's (`run_id`, passed like every parameter and recorded in the
manifest); a page run by hand makes its own from the time it ran and the month's input version
(the inputs' checksums the runner sets for its kernels), so two runs of the same month on other
inputs differ even in the same minute.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from helpers.core.files import MONTH_VERSION_ENV
from helpers.kit.narrative import day
from helpers.kit.texts import pick


def generated_at(now: datetime | None = None) -> datetime:
    """This moment in UTC, to the second; SOURCE_DATE_EPOCH when set (a reproducible build)."""
    if now is not None:
        return now.astimezone(UTC).replace(microsecond=0)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def run_id(given: str, when: datetime, as_of) -> str:
    """The runner's run id, or one made here: <as_of>-<UTC time>-<6 hex of the inputs>."""
    if given:
        return str(given)
    version = os.environ.get(MONTH_VERSION_ENV, "")
    digest = hashlib.sha256(f"{as_of}|{version}".encode()).hexdigest()[:6]
    return f"{as_of:%Y%m%d}-{when:%Y%m%dT%H%M%SZ}-{digest}"


def stamp_text(when: datetime, rid: str, *, shop_tz: str = "Asia/Ho_Chi_Minh",
               lang: str = "vi") -> str:
    """'Tạo lúc 14:05 ngày 06/12/2026 (giờ Asia/Ho_Chi_Minh) · mã lần chạy …'."""
    try:
        local = when.astimezone(ZoneInfo(shop_tz))
    except (KeyError, ValueError):  # a zone this machine does not know: UTC, named
        local, shop_tz = when, "UTC"
    at = f"{local:%H:%M}"
    return pick(lang, f"Tạo lúc {at} ngày {day(local, lang)} (giờ {shop_tz}) · mã lần chạy {rid}",
                f"Made at {at} on {day(local, lang)} ({shop_tz} time) · run {rid}")
