"""The shop's currency: one ISO 4217 code per run (`currency`, VND by default), checked here and
set once when a notebook starts; every money figure of the run is written in it.

Why a run-level setting and not an argument: 36 calls of `money(value, lang)` across the pages
(and the charts' short forms, the XLSX number format, the labels naming the unit) would each
need the currency passed down. The parameter flows one way instead: `notebook.start` (and the
explorer) calls `use_currency(run.currency)` once, and `current()` answers everywhere below.

Why a module value and not a ContextVar: one kernel runs one page of one run, so a process-wide
value is exactly the run's; a ContextVar set in the opening cell is read back in later cells only
as long as the kernel runs every cell in the same context, which ipykernel has not always done
(ipykernel#1457: lost between cells in early 7.x releases; #749: still lost in a cell that
awaits), and a lost value would silently fall back to VND. Tests and any code that needs another
currency for a while use `using(code)`, which puts the previous value back.
"""

from __future__ import annotations

from contextlib import contextmanager

from babel.numbers import get_currency_precision, get_currency_symbol, list_currencies

from helpers.core.errors import ParamError

DEFAULT = "VND"
LOCALES = {"vi": "vi_VN", "en": "en_US"}

_run = {"currency": DEFAULT}


def check_currency(value, key: str = "currency") -> str:
    """An ISO 4217 code babel knows ('usd' reads as USD); anything else stops with the key, the
    value and the fix."""
    code = str(value if value not in (None, "") else DEFAULT).strip().upper()
    if len(code) != 3 or code not in list_currencies():
        raise ParamError(f"{key} = {value!r}: not an ISO 4217 currency code; give the shop's "
                         f"three-letter code, e.g. {key}: VND (đồng), USD or EUR")
    return code


def use_currency(code) -> str:
    """The run's currency from now on in this process (a notebook's kernel, the explorer)."""
    _run["currency"] = check_currency(code)
    return _run["currency"]


def current() -> str:
    """The run's currency: what money figures are written in when no currency is given."""
    return _run["currency"]


@contextmanager
def using(code):
    """Money in `code` inside the block, the previous currency after it (tests, one-off tables)."""
    before = _run["currency"]
    use_currency(code)
    try:
        yield _run["currency"]
    finally:
        _run["currency"] = before


def digits(code: str | None = None) -> int:
    """The decimals the currency is written with: VND 0, JPY 0, USD 2, KWD 3."""
    return get_currency_precision(code or current())


def symbol(lang: str = "vi", code: str | None = None) -> str:
    """The currency's sign as the page's language writes it: ₫; $ (en) / US$ (vi); €."""
    return get_currency_symbol(code or current(), locale=LOCALES.get(lang, "en_US"))
