"""Vietnamese mobile numbers, the one rule: the phone of stg_customers.sql, for Python
callers (the explorer's lookup). tests/test_ingest.py holds the two equal on every spelling."""

from __future__ import annotations

import re

from helpers.core.errors import IngestError
from helpers.engine import db
from helpers.ingest.guests import EXCEL_CAUSE, SCIENTIFIC, fold, shown_key

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


# ---------------------------------------------------------------- phone numbers as customer keys

def phone_key(text, region: str = "VN") -> str | None:
    """A customer key written as a phone number -> E.164 (+84912345678), by the phonenumbers
    library: 0912345678, 0912 345 678, +84912345678, 84912345678, 0084…, and a number cell that
    lost its 0 (912345678, 912345678.0) are one key; None when it is not a valid number of
    `region` (or of the country its + prefix names)."""
    import phonenumbers

    raw = str(text or "").strip().lstrip("'")
    raw = re.sub(r"^(\d+)\.0+$", r"\1", raw)  # a number cell read as a float
    if not re.search(r"\d", raw) or len(raw) > 40:
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
    every distinct key of `view` and its E.164 form (ingest.phones); empty otherwise. Returns
    whether keys are phone numbers."""
    setting = overrides.get("customer_key") or mapping.get("customer_key") or "id"
    if setting not in ("id", "phone"):
        raise IngestError(f"customer_key = {setting!r}: use id (the key as written) or phone")
    region = (overrides.get("phone_region") or mapping.get("phone_region") or "VN").upper()
    texts = []
    if setting == "phone":
        query = f"select distinct customer_id from {view} where customer_id is not null"
        texts = ([r[0] for r in stager.spark.sql(query).collect()] if stager is not None
                 else [r[0] for r in con.execute(query).fetchall()])
    if setting == "phone":
        import phonenumbers

        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise IngestError(f"phone_region = {region!r}: give a two-letter country code such "
                              f"as VN or US")
        damaged = [t for t in texts if re.match(SCIENTIFIC, t)]
        if damaged:
            raise IngestError(f"customer_id holds numbers in scientific notation ("
                              f"{len(damaged):,} keys such as '{shown_key(damaged[0])}'): "
                              f"{EXCEL_CAUSE}. Nothing was loaded.")
    table = phone_keys(texts, region)
    if setting == "phone" and guest_list is not None:
        # a walk-in code given as a phone number is that number in every spelling
        given = [str(g) for g in (mapping.get("guest_keys") or []) + list(
            overrides.get("guest_keys") or [])]
        numbers = {phone_key(g, region) for g in given} - {None}
        guest_list += sorted({fold(t) for t, k in zip(texts, table.column("phone_key")
                                                      .to_pylist()) if k in numbers})

    def is_guest(text) -> bool:
        return not text.strip() or fold(text) in set(guest_list or [])

    con.register("phone_keys_incoming", table)
    try:
        db.make_room(con, "phone_keys", "TABLE")
        con.execute("create or replace temp table phone_keys as "
                    "select * from phone_keys_incoming")
    finally:
        con.unregister("phone_keys_incoming")
    if stager is not None:
        stager.register("phone_keys", table)
    if setting == "phone":
        valid = sum(1 for k in table.column("phone_key").to_pylist() if k)
        keys = [t for t in texts if not is_guest(t)]
        if keys and valid < len(keys) / 2:
            bad = [t for t, k in zip(texts, table.column("phone_key").to_pylist())
                   if not k and not is_guest(t)]
            shown = ", ".join(repr(shown_key(b)) for b in bad[:3])
            raise IngestError(
                f"customer_key: phone, but {len(keys) - valid:,} of the {len(keys):,} customer "
                f"keys are not {region} phone numbers (e.g. {shown}). Set customer_key: id if "
                f"the keys are codes, or phone_region to the country of the numbers.")
        people = len({k for k in table.column("phone_key").to_pylist() if k})
        detected.append(f"customer keys are phone numbers (customer_key: phone, region {region}):"
                        f" {len(texts):,} spellings, {valid:,} valid numbers, {people:,} "
                        f"customers in E.164 (+84…); the others are set aside as "
                        f"invalid_phone_key")
    return setting == "phone"
