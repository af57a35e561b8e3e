"""Column mappings: how a shop's export is laid out, as data (params/mappings/<name>.yaml).

A mapping names, for each canonical column, the header that holds it in the export (or a list of
headers, the first one present wins). It also states what the data cannot tell by itself:

- `amount`: a header, or an exact expression over headers and numbers (`Quantity * UnitPrice`,
  `Total - "Refunded Amount"`), parsed by the small grammar below (never `eval`) and computed in
  DECIMAL;
- `amount_level: order`: the amount is the order's total repeated on every line (count it once);
- `date_order: dmy | mdy | ymd | auto`, `decimal_mark: "," | "." | auto`: how dates and numbers
  are written (auto = decided from the whole column, or the run stops and says what to set);
- `id_format: {customer_id: integer_text}`: ids written as `17850.0` by spreadsheet round trips;
- `returns:`: the columns of a separate returns export;
- `status_map`: the export's status words -> the workbook's (compared after NFC, trim, lower case);
- `guest_keys`: the export's walk-in codes (`Khách lẻ`), guest sales like an empty key;
  `heavy_buyers`: keys that are one real buyer although they have far more orders than anyone;
- `customer_key: phone` (+ `phone_region`): the customer key is a phone number, one customer
  whatever its spelling;
- `export_time`: where the file name says when the file was exported (overlapping files).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from helpers.core.errors import IngestError
from helpers.core.params import decimal_mark_setting
from helpers.core.paths import MAPPINGS_DIR, resolve
from helpers.core.yamlsafe import read_yaml
from helpers.ingest.overlap import check_rule

ORDER_COLUMNS = {"order_id": False, "customer_id": True, "order_date": True, "amount": True,
                 "status": False, "channel": False,
                 # a refund written on the order (Shopee: Trạng thái Trả hàng/Hoàn tiền), read
                 # through refund_status_map; how much: refund_amount, or the quantities
                 "refund_status": False, "refund_amount": False, "quantity": False,
                 "returned_quantity": False}
REFUND_CLASSES = ("refunded", "not_refunded")
CUSTOMER_COLUMNS = {"customer_id": True, "name": False, "phone": False, "email": False,
                    "province": False, "signup_date": False, "birthday": False,
                    "consent_sms": False, "consent_zalo": False, "consent_email": False,
                    # consent that can be shown (stg_customers.sql): when each yes was given,
                    # where, and a later no (every channel, or one) that wins over it
                    "consent_sms_date": False, "consent_zalo_date": False,
                    "consent_email_date": False, "consent_source": False,
                    "consent_withdrawn_date": False, "consent_sms_withdrawn_date": False,
                    "consent_zalo_withdrawn_date": False, "consent_email_withdrawn_date": False}
RETURN_COLUMNS = {"return_id": True, "order_id": False, "customer_id": False, "return_date": True,
                  "amount": True, "status": False}
SECTIONS = {"orders": ORDER_COLUMNS, "customers": CUSTOMER_COLUMNS, "returns": RETURN_COLUMNS}
ID_COLUMNS = {"orders": ("order_id", "customer_id"), "customers": ("customer_id",),
              "returns": ("return_id", "order_id", "customer_id")}
TOP_KEYS = {"name", "description", "alias_of", "unsupported", "orders", "customers", "returns",
            "status_map", "empty_amount", "amount_level", "date_order", "decimal_mark",
            "id_format", "detect", "guest_keys", "heavy_buyers", "customer_key", "phone_region",
            "export_time", "refund_status_map", "timezone"}
SECTION_OPTIONS = {"returns": {"amount_level"}}
DATE_ORDERS = ("auto", "dmy", "mdy", "ymd")
DECIMAL_MARKS = ("auto", ",", ".")
AMOUNT_LEVELS = ("line", "order")
ID_FORMATS = ("text", "integer_text")
CUSTOMER_KEYS = ("id", "phone")
MAX_AMOUNT_COLUMNS = 6


class MappingError(IngestError):
    """A mapping file that cannot be used; the message names the file and the key."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text))


def header_key(text: str) -> str:
    """How headers are matched: NFC, surrounding spaces and letter case forgiven."""
    return nfc(text).strip().casefold()


# ---------------------------------------------------------------- the amount grammar
#   expr   := term (("+" | "-") term)*
#   term   := factor ("*" factor)*
#   factor := number | column | "(" expr ")" | "-" factor
#   column := "quoted header" | `quoted header` | a bare header (no + - * ( ) " `)

_TOKEN = re.compile(r'\s*(?:(?P<op>[-+*()])|"(?P<dq>[^"]*)"|`(?P<bq>[^`]*)`|(?P<bare>[^-+*()"`]+))')
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


@dataclass(frozen=True)
class Expr:
    """A parsed amount: ('col', name) | ('num', Decimal) | ('neg', e) | (op, left, right)."""

    node: tuple

    def columns(self) -> list[str]:
        out: list[str] = []

        def walk(n):
            if n[0] == "col":
                if n[1] not in out:
                    out.append(n[1])
            elif n[0] == "neg":
                walk(n[1])
            elif n[0] in "+-*":
                walk(n[1])
                walk(n[2])

        walk(self.node)
        return out

    def is_single_column(self) -> bool:
        return self.node[0] == "col"

    def to_sql(self, slots: dict[str, str]) -> str:
        """SQL over our own slot names; numbers are validated decimals, never shop text."""

        def render(n) -> str:
            if n[0] == "col":
                return slots[n[1]]
            if n[0] == "num":
                return f"cast('{n[1]}' as decimal(38, 10))"
            if n[0] == "neg":
                return f"(-{render(n[1])})"
            if n[0] == "*":
                # each product is kept to 10 decimals (exact for money and quantities)
                return f"cast({render(n[1])} * {render(n[2])} as decimal(38, 10))"
            return f"({render(n[1])} {n[0]} {render(n[2])})"

        return render(self.node)

    def __str__(self) -> str:
        def show(n) -> str:
            if n[0] == "col":
                return f'"{n[1]}"'
            if n[0] == "num":
                return str(n[1])
            if n[0] == "neg":
                return f"-{show(n[1])}"
            return f"({show(n[1])} {n[0]} {show(n[2])})"

        text = show(self.node)
        return text[1:-1] if self.node[0] in "+-*" and self.node[0] != "neg" else text


def parse_amount_expression(text: str, *, where: str = "amount") -> Expr:
    """`Quantity * UnitPrice`, `Total - "Refunded Amount"`, `"Order Amount" - 0`: an Expr."""
    source = str(text)
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(source):
        if source[pos:].strip() == "":
            break
        m = _TOKEN.match(source, pos)
        if not m or m.end() == pos:
            raise MappingError(f"{where}: cannot read {source!r} at position {pos + 1}; write "
                               f"headers, numbers and + - * ( ), quoting a header that contains "
                               f"one of those characters: \"Weight(kg)\" * 2")
        pos = m.end()
        if m.group("op"):
            tokens.append(("op", m.group("op")))
        elif m.group("dq") is not None or m.group("bq") is not None:
            name = m.group("dq") if m.group("dq") is not None else m.group("bq")
            tokens.append(("col", name))
        else:
            bare = m.group("bare").strip()
            if _NUMBER.match(bare):
                tokens.append(("num", bare))
            elif re.match(r"^[\d.,]+$", bare):
                raise MappingError(f"{where}: {bare!r} in {source!r} is not a number; write "
                                   f"numbers with a dot for decimals and no thousands separator")
            else:
                tokens.append(("col", bare))
    if not tokens:
        raise MappingError(f"{where}: empty amount expression")
    index = 0

    def peek():
        return tokens[index] if index < len(tokens) else (None, None)

    def take():
        nonlocal index
        index += 1
        return tokens[index - 1]

    def expr():
        node = term()
        while peek() in (("op", "+"), ("op", "-")):
            op = take()[1]
            node = (op, node, term())
        return node

    def term():
        node = factor()
        while peek() == ("op", "*"):
            take()
            node = ("*", node, factor())
        return node

    def factor():
        kind, value = peek()
        if kind is None:
            raise MappingError(f"{where}: {source!r} ends where a header or number is expected")
        take()
        if kind == "num":
            try:
                return ("num", Decimal(value))
            except InvalidOperation:  # pragma: no cover - the regex only lets digits through
                raise MappingError(f"{where}: {value!r} is not a number") from None
        if kind == "col":
            return ("col", value)
        if value == "-":
            return ("neg", factor())
        if value == "(":
            node = expr()
            if take_if(")"):
                return node
            raise MappingError(f"{where}: {source!r} has a '(' without its ')'")
        raise MappingError(f"{where}: {source!r} has {value!r} where a header or number is expected"
                           f" (division is not allowed: amounts stay exact)" if value == "/" else
                           f"{where}: {source!r} has {value!r} where a header or number is "
                           f"expected")

    def take_if(op):
        if peek() == ("op", op):
            take()
            return True
        return False

    node = expr()
    if index != len(tokens):
        raise MappingError(f"{where}: {source!r} has {tokens[index][1]!r} after a complete "
                           f"expression; join terms with + - *")
    parsed = Expr(node)
    if len(parsed.columns()) > MAX_AMOUNT_COLUMNS:
        raise MappingError(f"{where}: {source!r} uses more than {MAX_AMOUNT_COLUMNS} columns")
    return parsed


# ---------------------------------------------------------------- loading and validating


def shipped() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))


def load_mapping(name_or_path: str | Path | dict) -> dict:
    """A validated mapping from params/mappings/<name>.yaml, a path to such a file, or a dict."""
    if isinstance(name_or_path, dict):
        mapping = dict(name_or_path)
        mapping.setdefault("name", "custom")
        mapping.setdefault("_path", "(given as a dict)")
        return _validate(mapping, mapping["_path"])
    text = str(name_or_path)
    path = Path(text)
    if path.suffix not in (".yaml", ".yml"):
        if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
            raise MappingError(f"mapping {text!r}: give a shipped mapping's name ({', '.join(shipped())}"
                               f", or auto) or a path to a .yaml file")
        path = MAPPINGS_DIR / f"{text}.yaml"
    path = resolve(path)
    if not path.exists():
        raise MappingError(f"column mapping {text!r} not found ({path}); shipped: "
                           f"{', '.join(shipped())}, or auto to pick one from the file's headers")
    try:
        mapping = read_yaml(path, error=MappingError) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(mapping, dict):
        raise MappingError(f"{path}: a mapping file holds keys such as orders:, customers:")
    if mapping.get("alias_of"):
        target = load_mapping(str(mapping["alias_of"]))
        target["name"] = mapping.get("name", path.stem)
        target["_alias_of"] = target.get("_path")
        return target
    mapping.setdefault("name", path.stem)
    mapping["_path"] = str(path)
    return _validate(mapping, str(path))


def check_timezone(value, what: str, error=None) -> str:
    """The shop's time zone, an IANA name (Asia/Ho_Chi_Minh, Asia/Bangkok), or a plain stop."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise (error or MappingError)(
            f"{what}: {value!r} is not a time zone name; use an IANA name such as "
            f"Asia/Ho_Chi_Minh or Asia/Bangkok") from None
    return str(value)


def _validate(mapping: dict, where: str) -> dict:
    unknown = set(mapping) - TOP_KEYS - {"_path", "_alias_of"}
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(TOP_KEYS)}")
    for key, allowed in (("date_order", DATE_ORDERS), ("decimal_mark", DECIMAL_MARKS),
                         ("amount_level", AMOUNT_LEVELS)):
        value = mapping.get(key)
        if key == "decimal_mark" and isinstance(value, dict):  # per column: {header: mark}
            decimal_mark_setting(value, where, MappingError)
            continue
        if value is not None and str(value) not in allowed:
            raise MappingError(f"{where}: {key}: {value!r} is not one of {', '.join(allowed)}")
    if mapping.get("timezone") is not None:
        check_timezone(mapping["timezone"], f"{where}: timezone", MappingError)
    if mapping.get("empty_amount", "quarantine") not in ("quarantine", "zero"):
        raise MappingError(f"{where}: empty_amount: {mapping['empty_amount']!r}; use quarantine "
                           f"or zero")
    for section, columns in SECTIONS.items():
        block = mapping.get(section)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise MappingError(f"{where}: {section}: expected canonical column: header lines")
        extra = set(block) - set(columns) - SECTION_OPTIONS.get(section, set())
        if extra:
            raise MappingError(f"{where}: {section} has unknown canonical column(s) "
                               f"{sorted(extra)}; allowed: {list(columns)}")
        for canonical, spec in block.items():
            if canonical in SECTION_OPTIONS.get(section, set()):
                continue
            for candidate in candidates(spec):
                if canonical == "amount":
                    _check_amount_spec(candidate, where=f"{where}: {section}.amount")
                elif not isinstance(candidate, str) or not candidate.strip():
                    raise MappingError(f"{where}: {section}.{canonical}: give a header (text) or "
                                       f"a list of headers")
    returns = mapping.get("returns") or {}
    if returns and returns.get("amount_level", "order") not in AMOUNT_LEVELS:
        raise MappingError(f"{where}: returns.amount_level: use line or order")
    id_format = mapping.get("id_format")
    if isinstance(id_format, str):
        mapping["id_format"] = id_format = {c: id_format for c in ("order_id", "customer_id",
                                                                  "return_id")}
    for column, fmt in (id_format or {}).items():
        if column not in ("order_id", "customer_id", "return_id"):
            raise MappingError(f"{where}: id_format.{column}: only order_id, customer_id and "
                               f"return_id have an id format")
        if fmt not in ID_FORMATS:
            raise MappingError(f"{where}: id_format.{column}: {fmt!r}; use integer_text (17850.0 "
                               f"-> 17850) or text (byte for byte, the default)")
    for key in ("guest_keys", "heavy_buyers"):
        value = mapping.get(key)
        if value is not None and (not isinstance(value, list) or not all(
                isinstance(v, (str, int)) and str(v).strip() for v in value)):
            raise MappingError(f"{where}: {key}: give a list of customer keys, e.g. "
                               f"{key}: [\"Khách lẻ\"]")
    if mapping.get("customer_key", "id") not in CUSTOMER_KEYS:
        raise MappingError(f"{where}: customer_key: {mapping['customer_key']!r}; use id (the key "
                           f"as written) or phone (a phone number, one customer whatever its "
                           f"spelling)")
    check_rule(mapping, where)
    refunds = mapping.get("refund_status_map") or {}
    if not isinstance(refunds, dict) or any(str(v) not in REFUND_CLASSES
                                            for v in refunds.values()):
        raise MappingError(f"{where}: refund_status_map: write 'the export's word': refunded "
                           f"(the refund was made) or not_refunded (asked, refused, cancelled)")
    status_map = mapping.get("status_map") or {}
    if not isinstance(status_map, dict):
        raise MappingError(f"{where}: status_map: expected 'export status': workbook status lines")
    return mapping


def _check_amount_spec(spec, *, where: str) -> None:
    """An amount is a header or an expression; text that parses as neither with operators in it
    (e.g. `Quantity * * Price`) is reported, a plain header with parentheses is fine."""
    if not isinstance(spec, str) or not spec.strip():
        raise MappingError(f"{where}: give a header or an expression such as Quantity * UnitPrice")
    try:
        parse_amount_expression(spec, where=where)
    except MappingError:
        if re.search(r"[*+]|\s-\s", spec):
            raise


def candidates(spec) -> list[str]:
    if spec is None:
        return []
    return [spec] if isinstance(spec, str) else [str(s) for s in spec]


def refund_pairs(mapping: dict) -> tuple[list[str], list[str]]:
    """refund_status_map as two lists, keys normalised the way values are compared."""
    pairs = {nfc(k).strip().lower(): str(v)
             for k, v in (mapping.get("refund_status_map") or {}).items()}
    return list(pairs) or [""], list(pairs.values()) or ["not_refunded"]


def status_pairs(mapping: dict) -> tuple[list[str], list[str]]:
    """status_map as two lists, keys normalised the way values are compared."""
    pairs = {nfc(k).strip().lower(): str(v) for k, v in (mapping.get("status_map") or {}).items()}
    return list(pairs), list(pairs.values())


# ---------------------------------------------------------------- matching headers


@dataclass
class Picked:
    """Which header holds each canonical column of one file."""

    columns: dict[str, str | None]   # canonical -> header (for amount: None)
    amount: Expr | None = None       # the amount expression, over headers of this file
    amount_headers: list[str] | None = None


def pick_columns(headers: list[str], section: str, mapping: dict, *, file_name: str) -> Picked:
    """Canonical column -> header in this file; a missing required column is a clear error."""
    wanted = mapping.get(section) or {}
    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(header_key(h), h)
    found: dict[str, str | None] = {}
    picked = Picked(columns=found)
    where = mapping.get("_path", mapping.get("name"))
    for canonical, required in SECTIONS[section].items():
        specs = candidates(wanted.get(canonical, canonical))
        if canonical == "amount":
            tried = []
            for spec in specs:
                expr = _amount_for(spec, by_key)
                if expr is not None:
                    headers_used = [by_key[header_key(c)] for c in expr.columns()]
                    picked.amount = expr
                    picked.amount_headers = headers_used
                    found["amount"] = None
                    break
                tried.append(spec)
            if picked.amount is None and required:
                raise MappingError(_missing(file_name, section, canonical, tried or ["amount"],
                                            headers, where))
            continue
        match = next((by_key[header_key(c)] for c in specs if header_key(c) in by_key), None)
        if match is None and required:
            raise MappingError(_missing(file_name, section, canonical, specs or [canonical],
                                        headers, where))
        found[canonical] = match
    return picked


def _amount_for(spec: str, by_key: dict[str, str]) -> Expr | None:
    """The amount spec as an expression whose headers this file has (None if it lacks one)."""
    if header_key(spec) in by_key:
        return Expr(("col", spec))
    try:
        expr = parse_amount_expression(spec)
    except MappingError:
        return None
    if all(header_key(c) in by_key for c in expr.columns()):
        return expr
    return None


def _missing(file_name, section, canonical, specs, headers, where) -> str:
    return (f"{file_name}: no column for '{canonical}' (looked for "
            f"{' or '.join(repr(str(c)) for c in specs)}). Columns in the file: "
            f"{', '.join(repr(h) for h in headers)}. Set {section}.{canonical} in the column "
            f"mapping ({where}) to the header that holds it, or choose another mapping with the "
            f"`mapping` parameter.")


def required_headers_present(headers: list[str], mapping: dict, section: str = "orders") -> bool:
    """Whether a file with these headers has every column the mapping requires."""
    if section != "orders" and not mapping.get(section):
        return False
    try:
        pick_columns(headers, section, mapping, file_name="?")
    except MappingError:
        return False
    if section == "orders" and mapping.get("amount_level") == "order":
        block = mapping.get("orders") or {}
        keys = {header_key(h) for h in headers}
        if not any(header_key(c) in keys for c in candidates(block.get("order_id"))):
            return False
    return True


def auto_mapping(headers: list[str], *, file_name: str, section: str = "orders") -> dict:
    """The one shipped mapping whose required headers this file has, or a clear stop."""
    fits = []
    for name in shipped():
        mapping = load_mapping(name)
        if mapping.get("_alias_of"):
            continue  # an alias reads the same files as its target
        if required_headers_present(headers, mapping, section) or (
                section == "orders" and _detects(headers, mapping)):
            fits.append(mapping)
    if len(fits) > 1 and section != "orders":
        # a customers file needs only its key: the mapping that finds most of its columns wins
        scores = {m["name"]: _matched(headers, m, section) for m in fits}
        best = max(scores.values())
        fits = [m for m in fits if scores[m["name"]] == best]
    if len(fits) == 1:
        return fits[0]
    shown = ", ".join(repr(h) for h in headers[:40]) + (" …" if len(headers) > 40 else "")
    if not fits:
        raise MappingError(
            f"{file_name}: mapping auto found no shipped mapping whose required headers this file "
            f"has (shipped: {', '.join(n for n in shipped())}). Columns in the file: {shown}."
            f"{_closest(headers, section)} Write a mapping for this export (copy "
            f"params/mappings/generic.yaml, see data/raw/README.md) and set `mapping` to its name.")
    raise MappingError(
        f"{file_name}: mapping auto: the headers fit more than one shipped mapping "
        f"({', '.join(m['name'] for m in fits)}). Set `mapping` to the one that made this export.")


def _closest(headers: list[str], section: str) -> str:
    """' The closest is generic: no column for 'amount'.' when one mapping misses little."""
    keys = {header_key(h) for h in headers}
    best, best_score = None, 0
    for name in shipped():
        mapping = load_mapping(name)
        if mapping.get("_alias_of") or mapping.get("unsupported"):
            continue
        block = mapping.get(section) or {}
        required = [c for c, needed in SECTIONS[section].items() if needed and c != "amount"]
        score = sum(any(header_key(x) in keys for x in candidates(block.get(c, c)))
                    for c in required)
        if score > best_score:
            best, best_score = mapping, score
    if best is None:
        return ""
    missing = []
    block = best.get(section) or {}
    for canonical, needed in SECTIONS[section].items():
        specs = candidates(block.get(canonical, canonical))
        if needed and canonical != "amount" and not any(header_key(x) in keys for x in specs):
            missing.append(f"'{canonical}' ({' or '.join(repr(x) for x in specs)})")
    if section == "orders":
        specs = candidates(block.get("amount", "amount"))
        if not any(_amount_for(x, {header_key(h): h for h in headers}) for x in specs):
            missing.append(f"'amount' ({' or '.join(repr(x) for x in specs)})")
    return (f" The closest is {best['name']}, which has no column for "
            f"{', '.join(missing)}." if missing else "")


def _matched(headers: list[str], mapping: dict, section: str) -> int:
    keys = {header_key(h) for h in headers}
    block = mapping.get(section) or {}
    return sum(any(header_key(c) in keys for c in candidates(block.get(col, col)))
               for col in SECTIONS[section])


def _detects(headers: list[str], mapping: dict) -> bool:
    """A mapping that only recognises an export (to explain why it is not supported)."""
    needed = mapping.get("detect") or []
    keys = {header_key(h) for h in headers}
    return bool(needed) and all(header_key(h) in keys for h in needed)
