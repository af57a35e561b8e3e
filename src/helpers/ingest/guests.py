"""Guest sales and keys that are many people (issue 31).

A walk-in sale is often written with a code instead of an empty customer key: KiotViet writes
`Khách lẻ` in `Mã khách hàng`, other tools `Khách vãng lai`, `Guest`, `N/A`, `-` or a phone of
zeros. Such a key is no customer: its rows are guest sales (reported apart, kept out of RFM).
The keys are compared folded (`fold`: NFC/NFD alike, case, diacritics, `đ` and runs of spaces),
the same rule as the staging macro `folded_text` (sql/staging/macros.sql).

Beyond the lists, a key that behaves like many people (far more orders than any other customer,
many on one day) stops the load with its evidence (`busiest_keys`): the shop says which it is,
`guest_keys: [...]` (a walk-in code) or `heavy_buyers: [...]` (one real buyer, a wholesaler).
"""

from __future__ import annotations

import re

from helpers.core.errors import IngestError
from helpers.ingest.report import rows_text

# walk-in and placeholder codes every mapping knows (compared folded); a mapping adds its own
# (kiotviet: Khách lẻ) and a run adds more with the guest_keys parameter
GENERIC_GUEST_KEYS = ("Khách lẻ", "Khách vãng lai", "Khách hàng lẻ", "Khách lẻ (không lưu)",
                      "Guest", "Guests", "Walk-in", "Walk in", "Walkin", "Walk-in customer",
                      "Guest customer", "Cash customer", "N/A", "NA", "-", "--", "none", "null")

# a key is looked at as many people when it has at least this many orders, this share of all
# orders, and this many times the orders of the next busiest key that is not looked at
BUSY_MIN_ORDERS = 50
BUSY_MIN_SHARE = 0.05
BUSY_RATIO = 5
# how many of the busiest keys are looked at
BUSY_TOP = 10


# what folded_text (sql/staging/macros.sql) reads as blank: ASCII blanks, no-break, thin and
# zero-width spaces, line separators, BOM
BLANKS = re.compile("[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f"
                    "\u2060\u3000\ufeff]+")
# the precomposed Vietnamese vowels folded_text maps (others keep their accent, as in SQL)
_VOWELS = {**dict.fromkeys("àáảãạăằắẳẵặâầấẩẫậ", "a"), **dict.fromkeys("èéẻẽẹêềếểễệ", "e"),
           **dict.fromkeys("ìíỉĩị", "i"), **dict.fromkeys("òóỏõọôồốổỗộơờớởỡợ", "o"),
           **dict.fromkeys("ùúủũụưừứửữự", "u"), **dict.fromkeys("ỳýỷỹỵ", "y"), "đ": "d"}


def fold(text) -> str:
    """A key as guest lists compare it: 'Khách  Lẻ\t' -> 'khach le'; the rule of folded_text in
    SQL, step for step (lower case, combining marks dropped, Vietnamese vowels and đ mapped,
    blanks collapsed and trimmed)."""
    text = "".join(ch for ch in str(text).lower() if not 0x300 <= ord(ch) <= 0x36F)
    text = "".join(_VOWELS.get(ch, ch) for ch in text)
    return BLANKS.sub(" ", text).strip(" ")


def key_list(value, name: str) -> list[str]:
    """A guest_keys / heavy_buyers setting as a list of texts (a single text is one key)."""
    if value in (None, "", [], ()):
        return []
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise IngestError(f"{name}: give a list of customer keys, e.g. {name}: [\"Khách lẻ\"]")
    out = []
    for item in value:
        if isinstance(item, (dict, list, tuple)) or item is None or not str(item).strip():
            raise IngestError(f"{name}: {item!r} is not a customer key; give keys as text, "
                              f"e.g. {name}: [\"Khách lẻ\"]")
        out.append(str(item))
    return out


def guest_keys(mapping: dict, extra=None) -> list[str]:
    """Every walk-in code of this load, folded: the generic list, the mapping's guest_keys and
    the run's guest_keys parameter."""
    keys = list(GENERIC_GUEST_KEYS) + key_list(mapping.get("guest_keys"), "guest_keys") + \
        key_list(extra, "guest_keys")
    return sorted({fold(k) for k in keys})


def guest_note(guests: int, coded: int, codes: list[str]) -> str:
    """The load summary's line on guest sales: how many, with a walk-in code (the first three
    codes, shown as shown_key shows them) and without a key."""
    kinds = ([f"{rows_text(coded)} with a walk-in code: "
              + ", ".join(repr(shown_key(c)) for c in sorted(codes)[:3])] if coded else [])
    kinds += [f"{rows_text(guests - coded)} without a customer key"] if guests > coded else []
    return f"{rows_text(guests)} of guest sales ({'; '.join(kinds)}): reported apart and kept out of RFM"


def shown_key(key: str) -> str:
    """A key as an error shows it: a key that looks like a phone number or an e-mail address is
    masked (personal data never reaches a log); a code such as KH000 or 'Khách lẻ' as it is."""
    text = str(key)
    if "@" in text:
        return text[:1] + "***@***"
    where = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(where) >= 7:  # a phone number however it is written: (+84) 912-345-678, Tel: 09…
        hidden = set(where[2:-2])
        return "".join("*" if i in hidden else ch for i, ch in enumerate(text))
    return text


def busiest_keys(con, checked: str) -> list[dict]:
    """The keys of `checked` (usable, non-guest rows) that look like many people, with evidence:
    orders, share of all orders, the next busiest key's orders, the most orders on one day."""
    rows = con.execute(f"""
        with orders as (
            select customer_id, coalesce(order_id, source_file || ':' || source_line) as id,
                   min(order_date) as day
            from {checked}
            where reject_reason is null and not is_duplicate and customer_id is not null
            group by all
        ),
        per_key as (
            select customer_id, count(*) as orders, count(distinct day) as days
            from orders group by all
        ),
        top as (select * from per_key order by orders desc, customer_id limit {BUSY_TOP + 1}),
        busiest_day as (
            select customer_id, max(n) as most_in_a_day from (
                select customer_id, day, count(*) as n from orders
                where customer_id in (select customer_id from top) group by all
            ) group by all
        )
        select top.customer_id, top.orders, top.days, busiest_day.most_in_a_day,
               (select count(*) from orders) as all_orders,
               (select count(*) from per_key) as customers
        from top join busiest_day using (customer_id)
        order by top.orders desc, top.customer_id
    """).fetchall()
    if not rows:
        return []
    total = rows[0][4]
    cut = -1
    for i, row in enumerate(rows[:BUSY_TOP]):
        following = rows[i + 1][1] if i + 1 < len(rows) else 0
        if (row[1] >= BUSY_MIN_ORDERS and row[1] >= BUSY_MIN_SHARE * total
                and row[1] >= BUSY_RATIO * max(following, 1)):
            cut = i
    return [{"key": r[0], "orders": r[1], "days": r[2], "most_in_a_day": r[3],
             "share": r[1] / total, "next": rows[cut + 1][1] if cut + 1 < len(rows) else 0,
             "customers": r[5]}
            for r in rows[:cut + 1]]


def check_busiest(con, checked: str, heavy_buyers: list[str], where: str,
                  normalise=None) -> list[str]:
    """Stop when a key looks like many people and the shop has not said it is one buyer
    (heavy_buyers, compared as keys are: `normalise` turns a phone key into E.164); returns
    what was accepted, for the load summary."""
    accepted = {fold(k) for k in heavy_buyers} | {
        fold(normalise(k)) for k in heavy_buyers if normalise and normalise(k)}
    busy = busiest_keys(con, checked)
    unknown = [b for b in busy if fold(b["key"]) not in accepted]
    if unknown:
        lines = [f"'{shown_key(b['key'])}': {b['orders']:,} orders ({b['share']:.0%} of all "
                 f"orders), on {b['days']:,} days, up to {b['most_in_a_day']:,} in one day; the "
                 f"busiest other customer has {b['next']:,}" for b in unknown]
        keys = ", ".join(f'"{b["key"]}"' if shown_key(b["key"]) == b["key"] else
                         f'"<the key shown as {shown_key(b["key"])}>"' for b in unknown)
        raise IngestError(
            "a customer key looks like many people, not one: " + "; ".join(lines) + ". If it is "
            f"a walk-in or placeholder code, set guest_keys: [{keys}] (its sales are then guest "
            f"sales, reported apart and kept out of RFM); if it really is one buyer (a "
            f"wholesaler, a reseller), set heavy_buyers: [{keys}]. Set either in the params "
            f"file or in {where}.")
    return [f"customer key '{shown_key(b['key'])}' kept as one buyer (heavy_buyers): "
            f"{b['orders']:,} orders, {b['share']:.0%} of all" for b in busy]


# ---------------------------------------------------------------- ids that cannot be ids

# a number as Excel writes a long one it has rounded: 5.76461E+17, 8,47E+10
SCIENTIFIC = r"^\s*-?\d+([.,]\d+)?[eE][+-]?\d+\s*$"
# more order ids than this shared by several customers: the ids were damaged, not mistyped
SHARED_IDS_ALLOWED = 3

EXCEL_CAUSE = ("this file was saved by Excel, which rounds long numbers: export again from the "
               "shop, or open the export in Excel with the column as text")


def check_ids(con, checked: str, columns: tuple[str, ...], where: str) -> None:
    """Stop when a key column holds numbers in scientific notation, or when more than a few
    order ids are shared by several customers: a month is never published from what is left."""
    for column in columns:
        n, examples = con.execute(
            f"select count(*), list(distinct {column}) filter (where true)[1:3] from "
            f"(select {column} from {checked} where regexp_matches({column}, ?) limit 1000)",
            [SCIENTIFIC]).fetchall()[0]
        if n:
            first = con.execute(f"select source_file, source_line from {checked} where "
                                f"regexp_matches({column}, ?) order by all limit 1",
                                [SCIENTIFIC]).fetchall()[0]
            # a customer key may be a phone number Excel rounded: its values are not shown
            shown = (f"{n:,}{'+' if n >= 1000 else ''} values" if column == "customer_id" else
                     f"{', '.join(repr(e) for e in examples)}{' and more' if n > 3 else ''}")
            raise IngestError(
                f"{first[0]}, line {first[1]}: {column} holds numbers in scientific "
                f"notation ({shown}): {EXCEL_CAUSE}. Nothing was loaded.")
    if "order_id" not in columns:
        return
    shared = con.execute(f"""
        select order_id, count(distinct customer_id) as customers from {checked}
        where reject_reason like '%order_id_shared_by_customers%'
        group by all order by customers desc, order_id limit {SHARED_IDS_ALLOWED + 1}""").fetchall()
    if len(shared) > SHARED_IDS_ALLOWED:
        total = con.execute(f"select count(distinct order_id) from {checked} where reject_reason "
                            f"like '%order_id_shared_by_customers%'").fetchall()[0][0]
        raise IngestError(
            f"{total:,} order ids are each shared by orders of several customers (e.g. "
            f"{', '.join(repr(r[0]) for r in shared[:3])}): order ids are not unique in this "
            f"export. If they are long numbers, {EXCEL_CAUSE}. If the export really reuses order "
            f"ids, map order_id to a column that is unique per order in {where}. Nothing was "
            f"loaded.")
