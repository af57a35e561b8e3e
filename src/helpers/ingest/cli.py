"""python -m helpers.ingest [--orders PATH] [--customers PATH] [--returns PATH] [--mapping auto]
python -m helpers.ingest check PATH [--mapping auto] [--returns PATH]    (make check-export)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from helpers.core.errors import IngestError
from helpers.core.paths import DATA_RAW, QUARANTINE_DIR
from helpers.core.privacy import DEFAULT_FILE_MODE, use_file_mode
from helpers.engine import db
from helpers.ingest.mappings import (
    MappingError,
)
from helpers.ingest.report import LoadReport
from helpers.ingest.staging import customers_mapping, load


def check_export(path, *, mapping="auto", returns_path=None, encoding="utf-8", shop_tz=
                 "Asia/Ho_Chi_Minh", date_order=None, decimal_mark=None, guest_keys=None,
                 heavy_buyers=None, customer_key=None, phone_region=None) -> LoadReport:
    """Load an export into a throw-away cache and report what was detected (make check-export)."""
    con = db.connect()
    with tempfile.TemporaryDirectory() as tmp:
        report = load(con, "orders", path, mapping=mapping, returns_path=returns_path,
                      encoding=encoding, shop_tz=shop_tz, date_order=date_order,
                      decimal_mark=decimal_mark, guest_keys=guest_keys,
                      heavy_buyers=heavy_buyers, customer_key=customer_key,
                      phone_region=phone_region, use_cache=False, cache_dir=Path(tmp) / "cache",
                      quarantine_dir=QUARANTINE_DIR / "check")
    con.close()
    return report


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    use_file_mode(DEFAULT_FILE_MODE)  # the cache and the quarantine hold contacts
    if argv[:1] == ["check"]:
        parser = argparse.ArgumentParser(prog="make check-export FILE=…",
                                         description="What the workbook detects in an export.")
        parser.add_argument("path", help="the orders export: a file, a folder or a glob")
        parser.add_argument("--mapping", default="auto")
        parser.add_argument("--returns", default=None)
        parser.add_argument("--encoding", default="utf-8")
        parser.add_argument("--date-order", default=None)
        parser.add_argument("--decimal-mark", default=None,
                            help='"," or "." for the file, or per column as JSON: '
                                 '\'{"Đơn giá": ","}\'')
        parser.add_argument("--guest-keys", default=None,
                            help="walk-in codes read as guest sales, separated by |")
        parser.add_argument("--heavy-buyers", default=None,
                            help="keys that are one real buyer, separated by |")
        parser.add_argument("--customer-key", default=None, choices=["id", "phone"])
        parser.add_argument("--phone-region", default=None)
        args = parser.parse_args(argv[1:])
        mark = args.decimal_mark
        if mark and mark.strip().startswith("{"):
            try:
                mark = json.loads(mark)
            except json.JSONDecodeError as exc:
                print(f"error: --decimal-mark {mark!r} is not JSON ({exc})", file=sys.stderr)
                raise SystemExit(2) from None
        try:
            report = check_export(args.path, mapping=args.mapping, returns_path=args.returns,
                                  encoding=args.encoding, date_order=args.date_order,
                                  decimal_mark=mark,
                                  guest_keys=args.guest_keys.split("|") if args.guest_keys
                                  else None,
                                  heavy_buyers=args.heavy_buyers.split("|") if args.heavy_buyers
                                  else None,
                                  customer_key=args.customer_key, phone_region=args.phone_region)
        except (IngestError, MappingError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        print(report.check_text())
        return
    parser = argparse.ArgumentParser(description="Stage shop exports and report what was loaded.")
    parser.add_argument("--orders", default=str(DATA_RAW / "orders.csv"))
    parser.add_argument("--customers", default=str(DATA_RAW / "customers.csv"))
    parser.add_argument("--returns", default=None)
    parser.add_argument("--mapping", default="auto")
    parser.add_argument("--drop-duplicates", action="store_true")
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args(argv)
    con = db.connect()
    mapping = args.mapping
    for kind, path in (("orders", args.orders), ("customers", args.customers)):
        try:
            report = load(con, kind, path, mapping=mapping,
                          returns_path=args.returns if kind == "orders" else None,
                          drop_duplicates=args.drop_duplicates, encoding=args.encoding)
            mapping = customers_mapping(mapping, report)
        except (IngestError, MappingError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        print(report.check_text() if kind == "orders" else report.summary())
        if report.from_cache:
            print("  (from the staging cache)")


if __name__ == "__main__":
    main()
