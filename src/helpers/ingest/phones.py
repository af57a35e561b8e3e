"""Phone numbers, one rule (issue 31), by the phonenumbers library:

- `mobile`: a customer's contact phone (the customers file's phone column, the explorer's
  lookup): +84912345678 when the text is a valid mobile number of the region (VN by default)
  however it is written (0912 345 678, +84…, 84…, 0084…, 912345678 where Excel dropped the 0),
  None otherwise (a landline, a foreign number, a range not allocated, too few digits). The
  staging models read it from the table contact_phones (`register_contact_phones`).
- `phone_key`: a customer key written as a phone number (customer_key: phone): any valid number.

Both read a number only as a number is written (`plain_phone_text`): digits, spaces, dots, dashes,
parentheses and one leading `+`. Anything else (letters, `*` of a platform's mask, `/`, `#`, an
extension such as `ext 12`) makes the text no phone: `0912abc345678` is invalid, never repaired
into 0912345678 (a contact phone is left out of the send lists; a key is set aside as
invalid_phone_key). A mobile number has no extension, and two spellings of one key must never be
two customers, so an extension is not read either.

tests/test_exports_round_two.py holds both equal to phonenumbers itself on generated spellings.
"""

from __future__ import annotations

import re
from functools import lru_cache

from helpers.core.errors import IngestError
from helpers.engine import db
from helpers.ingest.guests import EXCEL_CAUSE, SCIENTIFIC, fold, shown_key

# how a phone number is written: a leading + (also inside a bracket: "(+84) 912-345-678"), then
# digits, spaces, dots, dashes and brackets only
_PLAIN_PHONE = re.compile(r"[\s().-]*\+?[\d\s().-]*")


def plain_phone_text(text) -> str | None:
    """The text of a phone number as written, or None when it holds anything a number is not
    written with (a letter, a mask's *, a second +): such text is no number, never repaired.
    A leading apostrophe (Excel's text mark) and a float cell's .0 are dropped first."""
    raw = re.sub(r"^(\d+)\.0+$", r"\1", str(text or "").strip().lstrip("'"))
    if not re.search(r"\d", raw) or len(raw) > 40 or not _PLAIN_PHONE.fullmatch(raw):
        return None
    return raw


@lru_cache(maxsize=8)
def _mobile_pattern(region: str):
    """The region's mobile numbers (national digits) as phonenumbers' metadata writes them."""
    import phonenumbers

    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return re.compile(meta.mobile.national_number_pattern) if meta and meta.mobile else None


def _vn_national(text: str) -> str | None:
    """The 9 digits after +84 of the common ways Vietnamese numbers are written (the quick path:
    anything else goes through phonenumbers.parse)."""
    digits = re.sub(r"[^0-9+]", "", text)
    for prefix, length in (("+84", 12), ("0084", 13), ("84", 11), ("0", 10), ("", 9)):
        if digits.startswith(prefix) and len(digits) == length and "+" not in digits[1:]:
            return digits[len(prefix):]
    return None


def mobile(text, region: str = "VN") -> str | None:
    """A contact phone in E.164 when it is a valid mobile number of `region`, else None."""
    import phonenumbers

    raw = plain_phone_text(text)
    if raw is None:
        return None
    region = (region or "VN").upper()
    if region == "VN":  # most numbers: the metadata's pattern on the national digits, no parse
        national = _vn_national(raw)
        pattern = _mobile_pattern("VN")
        if national and pattern and pattern.fullmatch(national):
            return "+84" + national
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(number)
    if (not phonenumbers.is_valid_number(number)
            or phonenumbers.region_code_for_number(number) != region
            or kind not in (phonenumbers.PhoneNumberType.MOBILE,
                            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def vn_mobile(text) -> str | None:
    """A Vietnamese mobile number in E.164, or None (the explorer's lookup)."""
    return mobile(text, "VN")


def region_of(overrides: dict, mapping: dict) -> str:
    """The phone_region of a load (the run's, else the mapping's, else VN), checked: an unknown
    region would make every number invalid without a word."""
    import phonenumbers

    region = str(overrides.get("phone_region") or mapping.get("phone_region") or "VN").upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise IngestError(f"phone_region = {region!r}: give a two-letter country code such as VN "
                          f"or US")
    return region


def _distinct(con, view: str, column: str, stager=None) -> list[str]:
    """The distinct non-null texts of one column of a raw view (DuckDB's or Spark's)."""
    query = f"select distinct {column} from {view} where {column} is not null"
    return ([r[0] for r in stager.spark.sql(query).collect()] if stager is not None
            else [r[0] for r in con.execute(query).fetchall()])


def _register(con, name: str, table, stager=None) -> None:
    """A small table made here as a source of the staging models (on Spark too)."""
    db.register(con, name, table)
    if stager is not None:
        stager.register(name, table)


def register_contact_phones(con, view: str, region: str, stager=None) -> None:
    """Table contact_phones (raw_phone, phone): every distinct phone text of `view` and its
    contact form (`mobile`), for stg_customers.sql."""
    import pyarrow as pa

    texts = _distinct(con, view, "phone", stager)
    _register(con, "contact_phones", pa.table({
        "raw_phone": pa.array(texts, pa.string()),
        "phone": pa.array([mobile(t, region) for t in texts], pa.string())}), stager)


# ---------------------------------------------------------------- phone numbers as customer keys

def phone_key(text, region: str = "VN") -> str | None:
    """A customer key written as a phone number -> E.164 (+84912345678), by the phonenumbers
    library: 0912345678, 0912 345 678, +84912345678, 84912345678, 0084…, and a number cell that
    lost its 0 (912345678, 912345678.0) are one key; None when it is not a valid number of
    `region` (or of the country its + prefix names), or not written as a number is
    (`plain_phone_text`: 0912abc345678 is no key)."""
    import phonenumbers

    raw = plain_phone_text(text)  # letters, masks, extensions: no key (set aside)
    if raw is None:
        return None
    try:
        number = phonenumbers.parse(raw, region or "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_keys(texts, region: str = "VN"):
    """The table phone_keys (raw_key, phone_key) the staging models join: each distinct key as
    written and its E.164 form (null: not a valid number, set aside as invalid_phone_key)."""
    import pyarrow as pa

    texts = [t for t in dict.fromkeys(texts) if t is not None]
    return pa.table({"raw_key": pa.array(texts, pa.string()),
                     "phone_key": pa.array([phone_key(t, region) for t in texts], pa.string())})


def register_phone_keys(con, view: str, mapping: dict, overrides: dict, detected: list[str],
                        stager=None, guest_list: list[str] | None = None) -> bool:
    """Table phone_keys (raw_key, phone_key) for the staging models: with customer_key: phone,
    every distinct key of `view` and its E.164 form; empty otherwise. With `guest_list` (the
    folded walk-in codes), a code given as a phone number adds every spelling of it. Returns
    whether keys are phone numbers."""
    setting = overrides.get("customer_key") or mapping.get("customer_key") or "id"
    if setting not in ("id", "phone"):
        raise IngestError(f"customer_key = {setting!r}: use id (the key as written) or phone")
    region = region_of(overrides, mapping)
    texts = _distinct(con, view, "customer_id", stager) if setting == "phone" else []
    damaged = [t for t in texts if re.match(SCIENTIFIC, t)]
    if damaged:
        raise IngestError(f"customer_id holds numbers in scientific notation ({len(damaged):,} "
                          f"keys such as '{shown_key(damaged[0])}'): {EXCEL_CAUSE}. Nothing "
                          f"was loaded.")
    table = phone_keys(texts, region)
    keys = table.column("phone_key").to_pylist()
    if setting == "phone" and guest_list is not None:
        # a walk-in code given as a phone number is that number in every spelling
        given = [str(g) for g in (mapping.get("guest_keys") or []) + list(
            overrides.get("guest_keys") or [])]
        numbers = {phone_key(g, region) for g in given} - {None}
        guest_list += sorted({fold(t) for t, k in zip(texts, keys) if k in numbers})
    guests = set(guest_list or [])

    def is_guest(text) -> bool:
        return not text.strip() or fold(text) in guests

    _register(con, "phone_keys", table, stager)
    if setting == "phone":
        valid = sum(1 for k in keys if k)
        people_keys = [t for t in texts if not is_guest(t)]
        if people_keys and valid < len(people_keys) / 2:
            bad = [t for t, k in zip(texts, keys) if not k and not is_guest(t)]
            shown = ", ".join(repr(shown_key(b)) for b in bad[:3])
            raise IngestError(
                f"customer_key: phone, but {len(people_keys) - valid:,} of the "
                f"{len(people_keys):,} customer "
                f"keys are not {region} phone numbers (e.g. {shown}). Set customer_key: id if "
                f"the keys are codes, or phone_region to the country of the numbers.")
        people = len({k for k in keys if k})
        detected.append(f"customer keys are phone numbers (customer_key: phone, region {region}):"
                        f" {len(texts):,} spellings, {valid:,} valid numbers, {people:,} "
                        f"customers in E.164 (+84…); the others are set aside as "
                        f"invalid_phone_key")
    return setting == "phone"
