"""Vietnamese mobile numbers, the one rule: the phone of stg_customers.sql, for Python
callers (the explorer's lookup). tests/test_ingest.py holds the two equal on every spelling."""

from __future__ import annotations

import re

MOBILE = re.compile(r"[35789][0-9]{8}")


def vn_mobile(text) -> str | None:
    """+84 and the 9 national digits of a Vietnamese mobile number written any common way
    (0912 345 678, +84912345678, 84912345678, 0084…, 912345678 where Excel dropped the 0);
    None for anything else (a landline, a foreign number, too few digits)."""
    digits = re.sub(r"[^0-9+]", "", str(text or ""))
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("0084"):
        national = digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        national = digits[2:]
    elif digits.startswith("0") and len(digits) == 10:
        national = digits[1:]
    elif len(digits) == 9:
        national = digits
    else:
        return None
    return "+84" + national if MOBILE.fullmatch(national) else None
