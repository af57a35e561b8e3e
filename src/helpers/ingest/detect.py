"""What the data tells about an export's shape: date order, decimal mark, an order total on
every line, which mapping. Detected from the whole column and stated, or a stop that names
the setting to choose; never guessed silently."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from helpers.core.errors import IngestError
from helpers.engine import db
from helpers.ingest.mappings import (
    SECTIONS,
    MappingError,
    auto_mapping,
    candidates,
    check_timezone,
    header_key,
    load_mapping,
    pick_columns,
    shipped,
)
from helpers.ingest.readers import read_headers

# ---------------------------------------------------------------- detecting the export's shape


def setting_of(overrides: dict, mapping: dict, key: str) -> tuple[str, str]:
    """(the setting, who set it) for date_order or decimal_mark: the run's parameter wins over
    the mapping; "auto" when neither gives one. A decimal_mark given per column ({header: mark})
    is decided per column by column_mark."""
    if overrides[key] and not isinstance(overrides[key], dict):
        return overrides[key], f"set by the {key} parameter"
    if mapping.get(key) and not isinstance(mapping[key], dict):
        return mapping[key], "set in the mapping"
    return "auto", ""


def column_mark(overrides: dict, mapping: dict, header: str) -> tuple[str, str]:
    """(the decimal mark, who set it) of one amount column: a per-column setting of the run,
    then of the mapping, wins over a file-wide one; "auto" decides from the column's own values."""
    for given, by in ((overrides.get("decimal_mark"), "the decimal_mark parameter"),
                      (mapping.get("decimal_mark"), "the mapping")):
        if isinstance(given, dict):
            for column, mark in given.items():
                if header_key(column) == header_key(header) and mark != "auto":
                    return str(mark), f"set for this column by {by}"
    return setting_of(overrides, mapping, "decimal_mark")


def evidence_row(con, stager, model: str, view: str, column_sql: str) -> tuple:
    """The one row of an export check over a column (`column_sql` as view `view`)."""
    if stager is not None:
        return stager.evidence(model, view, column_sql)
    con.sql(column_sql).create_view(view, replace=True)
    try:
        return con.execute(db.sql_text(model)).fetchall()[0]
    finally:
        con.execute(f"drop view {view}")


def decide_date_order(con, column_sql: str, source: str, setting: tuple[str, str], where: str,
                       detected: list[str], fallback: str | None = None, stager=None,
                       evidence=None) -> str:
    """dmy / mdy / ymd from the setting (and who set it), or from the whole column when the
    setting is auto. Dates of customers (birthdays, signup dates) are never shown as examples.
    `evidence(model)`: the column's evidence gathered file by file (ingest.file_cache)."""
    setting, set_by = setting
    row = (evidence("export_date_evidence") if evidence is not None else
           evidence_row(con, stager, "export_date_evidence", "date_texts", column_sql))
    non_iso, day_first, month_first, two_digit, day_ex, month_ex, examples = row
    if "raw_customers" in column_sql:
        day_ex = month_ex = examples = [PRIVATE]
    if two_digit:
        detected.append(f"{source}: {two_digit:,} dates with a two-digit year, read as 20yy")
    if setting != "auto":
        if non_iso:
            detected.append(f"{source}: date order {setting} ({set_by})")
        if setting == "dmy" and month_first:
            detected.append(f"{source}: warning: {month_first:,} dates have a second field above "
                            f"12 ({_show(month_ex)}): they cannot be day-first and are set aside")
        if setting == "mdy" and day_first:
            detected.append(f"{source}: warning: {day_first:,} dates have a first field above 12 "
                            f"({_show(day_ex)}): they cannot be month-first and are set aside")
        return setting
    if not non_iso:
        if detected is not None:
            detected.append(f"{source}: dates are written year first (YYYY-MM-DD): no date order "
                            f"to decide")
        return "ymd"
    if day_first and month_first:
        raise IngestError(
            f"{source}: the dates cannot all be read one way: {day_first:,} have a first field "
            f"above 12 (day first, e.g. {_show(day_ex)}) and {month_first:,} a second field above "
            f"12 (month first, e.g. {_show(month_ex)}). Fix the export, or set date_order: dmy or "
            f"date_order: mdy in {where} to read one way and set the others aside.")
    if day_first:
        detected.append(f"{source}: date order day/month/year, from {day_first:,} dates with a "
                        f"first field above 12 (e.g. {_show(day_ex)}) and none with a second field "
                        f"above 12")
        return "dmy"
    if month_first:
        detected.append(f"{source}: date order month/day/year, from {month_first:,} dates with a "
                        f"second field above 12 (e.g. {_show(month_ex)}) and none with a first "
                        f"field above 12")
        return "mdy"
    if fallback:
        detected.append(f"{source}: no date tells day from month here; read {fallback} as the "
                        f"orders were")
        return fallback
    raise IngestError(
        f"{source}: cannot tell whether dates such as {_show(examples)} are day/month/year or "
        f"month/day/year: none of the {non_iso:,} dates has a day above 12. Set date_order: dmy "
        f"(Vietnam, Europe: 01/03/2024 = 1 March) or date_order: mdy (US exports: 01/03/2024 = "
        f"3 January) in {where}, or with the date_order parameter.")


def decide_decimal_mark(con, column_sql: str, source: str, setting: tuple[str, str], where: str,
                         detected: list[str], fallback: str | None = None, stager=None,
                         column: str | None = None, evidence=None) -> str:
    """The decimal mark of one column (or of a returns file), from its own values: a value that
    only one mark can read decides; values that fit both ('125.000') decide nothing, and a column
    with nothing but those stops, naming the column and the setting (per column when `column`)."""
    setting, set_by = setting
    per_column = (f' or, for this column only, decimal_mark: {{"{column}": ","}}' if column
                  else "")
    dot, comma, either, dot_ex, comma_ex, either_ex = (
        evidence("export_decimal_evidence") if evidence is not None else
        evidence_row(con, stager, "export_decimal_evidence", "amount_texts", column_sql))
    if setting != "auto":
        detected.append(f"{source}: decimal mark '{setting}' ({set_by})")
        return setting
    if dot and comma:
        raise IngestError(
            f"{source}: amounts are written two ways: {dot:,} with a decimal point (e.g. "
            f"{_show(dot_ex)}) and {comma:,} with a decimal comma (e.g. {_show(comma_ex)}). Set "
            f"decimal_mark: \".\" or decimal_mark: \",\" in {where}{per_column} (values that do "
            f"not fit are set aside), or fix the export.")
    if dot:
        detected.append(f"{source}: decimal mark '.', from {dot:,} amounts such as "
                        f"{_show(dot_ex)} (',' groups thousands)")
        return "."
    if comma:
        detected.append(f"{source}: decimal mark ',', from {comma:,} amounts such as "
                        f"{_show(comma_ex)} ('.' groups thousands, as in VND)")
        return ","
    if fallback and either:
        detected.append(f"{source}: no amount tells the decimal mark here; read '{fallback}' as "
                        f"the orders were")
        return fallback
    if either:
        raise IngestError(
            f"{source}: amounts such as {_show(either_ex)} can be read two ways (150.000 is one "
            f"hundred and fifty thousand with '.' grouping thousands, as VND exports write it, or "
            f"150 with a decimal point), and no amount in the column decides (another column "
            f"never decides for it). Set decimal_mark: \",\" (VND: '.' groups thousands) or "
            f"decimal_mark: \".\" in {where}, or with the decimal_mark parameter{per_column}.")
    return "."


PRIVATE = "<not shown: a customer's data>"


def _show(examples) -> str:
    values = [v for v in dict.fromkeys(examples or []) if v is not None]
    return ", ".join(f"'{v}'" for v in values) or "–"


def order_amount_shape(con, mapping: dict, picks: list[dict], detected: list[str],
                        where: str, stager=None) -> None:
    """Stop when an amount is constant on the lines of most multi-line orders and the mapping
    does not say whether it is a line amount or the order's total."""
    multi, constant = (stager.one_row("export_order_amounts") if stager is not None else
                       con.execute(db.sql_text("export_order_amounts")).fetchall()[0])
    level = mapping.get("amount_level")
    amount = picks[0]["amount"]
    if not multi:
        if level == "order":
            detected.append(f"amount {amount} is the order's total (amount_level: order), "
                            f"counted once per order")
        return
    share = constant / multi
    fact = (f"{amount} is equal on every line of {share:.0%} of the {multi:,} orders with "
            f"several lines")
    if level == "order":
        detected.append(f"{fact}: read as the order's total (amount_level: order), counted once "
                        f"per order")
    elif level == "line":
        detected.append(f"{fact}: read as line amounts and summed (amount_level: line)")
    elif share > 0.5:
        raise IngestError(
            f"{fact}: this looks like an order total repeated on each product line. Summing it "
            f"would count such orders several times. Set amount_level: order in {where} (count it "
            f"once per order), or amount_level: line if each line really has its own amount.")
    else:
        detected.append(f"{fact}: read as line amounts and summed")


def resolve_mapping(mapping, files: list[Path], encoding: str, detected: list[str],
                     section: str = "orders") -> dict:
    if isinstance(mapping, dict):
        return load_mapping(mapping)
    headers = None
    try:
        if str(mapping) == "auto":
            headers = read_headers(files[0], encoding=encoding)
            chosen = auto_mapping(headers, file_name=files[0].name, section=section)
            detected.append(f"mapping auto picked {chosen['name']!r}: the only shipped mapping "
                            f"whose required headers {files[0].name} has")
        else:
            chosen = load_mapping(mapping)
    except MappingError as exc:
        if headers is not None:
            raise IngestError(private_headers(str(exc), headers, section, files[0].name)) from None
        raise IngestError(str(exc)) from None
    if chosen.get("unsupported"):
        raise IngestError(f"{files[0].name}: {chosen['unsupported'].strip()}")
    return chosen


DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def shop_timezone(shop_tz: str | None, mapping: dict, detected: list[str]) -> str:
    """The zone a timestamp with an offset (text such as 2026-11-01T01:30:00+07:00, or a Parquet
    timestamp with a zone) is turned into before its date is taken: the mapping's `timezone`,
    the shop_tz parameter, or Asia/Ho_Chi_Minh; the two set differently is a stop."""
    run = check_timezone(shop_tz or DEFAULT_TIMEZONE, "shop_tz", IngestError)
    given = mapping.get("timezone")
    if given is None:
        return run
    given = check_timezone(given, f"{where_set(mapping)}: timezone", IngestError)
    if run not in (DEFAULT_TIMEZONE, given):
        raise IngestError(f"the shop_tz parameter says {run}, and {where_set(mapping)} says "
                          f"timezone: {given}: set the shop's time zone in one place")
    if given != DEFAULT_TIMEZONE:
        detected.append(f"timestamps with a zone are read in {given} (timezone in "
                        f"{where_set(mapping)})")
    return given


# ---------------------------------------------------------------- headers that may be a customer

# a header names a column: no '@', no three digits in a row (a phone, a date, an amount, an id)
_NOT_A_HEADER = re.compile(r"@|\d{3}")


def looks_like_header(headers: list[str], section: str) -> bool:
    """Whether a first line may be shown in a message: every cell reads like a column name (an
    order line always has a date or an amount), and at least one is also a column some shipped
    mapping knows: a file without its header row may start with a customer (a name, a province
    and an address read like words, in an orders file too), and such a line is never shown. In
    an orders file a cell made only of words of known columns counts too ('Khách', 'Tổng',
    'Ngày'): a name, a province or an address is not ('Đỗ Văn Khánh', 'Hà Nội')."""
    cells = [str(h).strip() for h in headers if str(h).strip()]
    if not cells or any(len(c) > 60 or _NOT_A_HEADER.search(c) for c in cells):
        return False
    if any(header_key(c) in _known_headers() for c in cells):
        return True
    words = _known_words()
    return section != "customers" and any(
        (found := _WORD.findall(header_key(c))) and all(w in words for w in found)
        for c in cells)


_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def _known_words() -> frozenset[str]:
    """The words of the columns shipped mappings know (two letters or more)."""
    return frozenset(w for h in _known_headers() for w in _WORD.findall(h) if len(w) > 1)


@functools.cache
def _known_headers() -> frozenset[str]:
    known = {header_key(c) for columns in SECTIONS.values() for c in columns}
    for name in shipped():
        mapping = load_mapping(name)
        for section in SECTIONS:
            for spec in (mapping.get(section) or {}).values():
                known |= {header_key(c) for c in candidates(spec)}
    return frozenset(known)


def private_headers(message: str, headers: list[str], section: str, file_name: str) -> str:
    """A mapping's message about a file's header, or, when that first line does not look like a
    header (looks_like_header), one that says what was expected and how many fields the line
    has, without its cells."""
    if looks_like_header(headers, section):
        return message
    names = list(SECTIONS.get(section, SECTIONS["orders"]))
    expected = ", ".join(names[:7]) + (", …" if len(names) > 7 else "")
    fields = f"{len(headers)} field{'s' if len(headers) != 1 else ''}"
    cells = [str(h).strip() for h in headers if str(h).strip()]
    why = ("none of them a column a mapping knows" if cells and not any(
        len(c) > 60 or _NOT_A_HEADER.search(c) for c in cells) else
        "holding numbers, dates or e-mail addresses, not column names")
    lead = ("mapping auto found no shipped mapping for it, and "
            if "no shipped mapping" in message else "")
    return (f"{file_name}: {lead}the first line does not look like a header row: it has {fields}, "
            f"{why}; they are not shown here, as they may be a customer's data. The file needs its "
            f"header row, naming the columns ({section}: {expected}); export it again with "
            f"its header, or write a mapping for its columns and set `mapping` to it.")


def pick_columns_privately(headers: list[str], section: str, mapping: dict, *, file_name: str):
    """mappings.pick_columns, whose message names the file's columns only when its first line
    looks like a header."""
    try:
        return pick_columns(headers, section, mapping, file_name=file_name)
    except MappingError as exc:
        raise MappingError(private_headers(str(exc), headers, section, file_name)) from None


def where_set(mapping: dict) -> str:
    return mapping.get("_path") or f"mapping {mapping.get('name')}"
