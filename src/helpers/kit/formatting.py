"""Numbers as managers read them: 1.234.567 ₫ in Vietnamese, ₫1,234,567 in English; money in the
run's currency (core.currency: set once by notebook.start, so `money(value, lang)` needs no
currency argument), with the decimals that currency has ($1.42, never $1)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent

from helpers.core import currency as run_currency
from helpers.kit.texts import pick

LOCALES = {"vi": "vi_VN", "en": "en_US"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value, lang: str = "vi", currency: str | None = None) -> str:
    """1234567 -> '1.234.567 ₫' (vi) or '₫1,234,567' (en); VND has no decimals, USD two
    ('$1.42' / '1,42 US$'). Without `currency`, the run's (core.currency.current())."""
    if _missing(value):
        return "–"
    currency = currency or run_currency.current()
    value = Decimal(str(value))
    if currency == "VND" and lang == "vi":
        number = format_decimal(round(value), format="#,##0", locale=LOCALES[lang])
        shown = f"{number}\u00a0₫"
    elif currency == "VND":  # the sign a reader of English expects before the amount: ₫1,234,567
        shown = format_currency(round(value), "VND", format="¤#,##0", locale=LOCALES[lang],
                                currency_digits=False)
    else:
        shown = format_currency(value, currency, locale=LOCALES[lang])
    # a refund reads with the minus sign the changes use (−150.000 ₫), not a hyphen
    return "\u2212" + shown[1:] if shown.startswith("-") else shown


SHORT_UNITS = {"vi": ((1e9, "tỷ"), (1e6, "tr"), (1e3, "nghìn")),
               "en": ((1e9, "B"), (1e6, "M"), (1e3, "k"))}


def short_money(value, lang: str = "vi", currency: str | None = None, *,
                sign: bool | None = None) -> str:
    """Money in a small space (a chart's tick, bar or tile, a sentence's round figure), the one
    short form: 1,6 tỷ / 250 tr / 31,6 nghìn (vi), ₫1.6B / $250M / €31.6k (en), three
    significant digits. The currency's sign leads in English; in Vietnamese the axis title names
    it, unless `sign` asks for it (31,7 tỷ ₫, 1,2 tr US$). Below a thousand the amount has the
    currency's decimals ($0.65, never 1; a whole amount has none: $500); beyond the largest unit
    it keeps thousands marks (1.500 tỷ, never 1.5e+03); a refund takes the minus sign (−1,2 tr)."""
    if _missing(value):
        return "–"
    code = currency or run_currency.current()
    sign = (lang != "vi") if sign is None else sign
    value = float(value)
    shown, unit = None, ""
    units = SHORT_UNITS["vi" if lang == "vi" else "en"]
    for i, (size, name) in enumerate(units):
        if abs(value) >= size:
            rounded = float(f"{value / size:.3g}")
            if abs(rounded) >= 1000 and i:  # 999.96 thousand is 1 million, not 1e+03 thousand
                size, name = units[i - 1]
                rounded = float(f"{value / size:.3g}")
            shown = (f"{abs(rounded):.3g}" if abs(rounded) < 1000
                     else number(abs(value) / size, lang))
            if lang == "vi":
                shown = shown.replace(".", ",") if abs(rounded) < 1000 else shown
            unit = f" {name}" if lang == "vi" else name
            break
    if shown is None:
        whole = float(abs(value)).is_integer()  # a round tick reads $500, a price $0.65
        shown = number(abs(value), lang, 0 if whole else run_currency.digits(code))
    negative = value < 0 and any(ch in "123456789" for ch in shown)
    minus = "\u2212" if negative else ""
    if not sign:
        return f"{minus}{shown}{unit}"
    mark = run_currency.symbol(lang, code)
    return f"{minus}{shown}{unit} {mark}" if lang == "vi" else f"{minus}{mark}{shown}{unit}"


def _no_negative_zero(shown: str) -> str:
    """A value that rounds to nothing has no sign: '0,0', never '-0,0' (or '-0,0%')."""
    if shown.startswith("-") and not any(ch in "123456789" for ch in shown):
        return shown[1:]
    return shown


def number(value, lang: str = "vi", digits: int = 0) -> str:
    if _missing(value):
        return "–"
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return _no_negative_zero(format_decimal(value, format=fmt, locale=LOCALES[lang]))


def percent(value, lang: str = "vi", digits: int = 0) -> str:
    """0.1234 -> '12%' (or '12,3%' with digits=1 in Vietnamese); -0.0001 -> '0,0%'."""
    if _missing(value):
        return "–"
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return _no_negative_zero(format_percent(value, format=fmt, locale=LOCALES[lang]))


def signed_points(value, lang: str = "vi", digits: int = 1) -> str:
    """A change in a share in percentage points, without the unit: '+2,5', '−2,5', '0,0'
    (never '-0,0'); for a sentence that names the unit once ('từ −2,9 đến +2,8 điểm %')."""
    if _missing(value):
        return "–"
    shown = round(abs(float(value)) * 100, digits)
    sign = "" if shown == 0 else ("+" if value > 0 else "\u2212")
    return f"{sign}{number(shown, lang, digits)}"


def signed_percent_points(value, lang: str = "vi", digits: int = 1) -> str:
    """A change in a share: +2,5 điểm % / +2.5 pp."""
    if _missing(value):
        return "–"
    # a change that rounds to nothing has no sign: "0,0 điểm %", never "+0,0" or "−0,0"
    return f"{signed_points(value, lang, digits)}\u00a0{pick(lang, 'điểm %', 'pp')}"


def mask_name(name) -> str:
    """'Nguyễn Văn An' -> 'Nguyễn V. A.'; a one-word name -> 'A•••'; a name field that holds
    an e-mail or a phone number is masked as one (shown in reports; full data only in files)."""
    if _missing(name) or not str(name).strip():
        return ""
    text = str(name)
    if _looks_personal(text):
        return mask_any(text)
    parts = text.split()
    if len(parts) == 1:
        return parts[0][:1] + "•••"
    return " ".join([parts[0]] + [p[0] + "." for p in parts[1:]])


def mask_phone(phone) -> str:
    """'+84912345678' -> '+849•••••678'; anything else in the field is masked by what it is."""
    if _missing(phone) or not str(phone):
        return ""
    p = str(phone)
    if "@" in p:
        return mask_email(p)
    return p[:4] + "•" * max(len(p) - 7, 0) + p[-3:] if len(p) > 7 else "•" * len(p)


def mask_email(email) -> str:
    """'an.nguyen@gmail.com' -> 'a•••@gmail.com'; text that is no e-mail is masked whole."""
    if _missing(email) or not str(email).strip():
        return ""
    if "@" not in str(email):
        return mask_any(email)
    user, domain = str(email).split("@", 1)
    return user[:1] + "•••@" + domain


def mask_id(value) -> str:
    """A customer id shown in a page: 'KH000123' -> 'KH••••23' (an id may be a phone number, an
    e-mail or a marketplace username)."""
    if _missing(value) or not str(value):
        return ""
    text = str(value)
    if "@" in text:
        return mask_email(text)
    if len(text) <= 4:
        return "•" * len(text)
    return text[:2] + "•" * (len(text) - 4) + text[-2:]


def mask_any(value) -> str:
    """Any value shown in a page, masked by its pattern: e-mail, phone-like digits, or text."""
    if _missing(value) or not str(value).strip():
        return ""
    text = str(value)
    if "@" in text:
        user, domain = text.split("@", 1)
        return user[:1] + "•••@" + domain
    if sum(ch.isdigit() for ch in text) >= 7:
        return mask_phone(re.sub(r"[^0-9+]", "", text))
    return text[:1] + "•••"


def _looks_personal(text: str) -> bool:
    return "@" in text or sum(ch.isdigit() for ch in text) >= 7
