"""python -m helpers.ingest [--orders PATH] [--customers PATH] [--returns PATH] [--mapping auto]
python -m helpers.ingest check PATH [--mapping auto] [--returns PATH]    (make check-export)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from helpers.core.errors import IngestError
from helpers.core.paths import DATA_RAW, QUARANTINE_DIR
from helpers.engine import db
from helpers.ingest.mappings import (
    MappingError,
)
from helpers.ingest.report import LoadReport
from helpers.ingest.staging import customers_mapping, load


def check_export(path, *, mapping="auto", returns_path=None, encoding="utf-8", shop_tz=
                 "Asia/Ho_Chi_Minh", date_order=None, decimal_mark=None) -> LoadReport:
    """Load an export into a throw-away cache and report what was detected (make check-export)."""
    con = db.connect()
    with tempfile.TemporaryDirectory() as tmp:
        report = load(con, "orders", path, mapping=mapping, returns_path=returns_path,
                      encoding=encoding, shop_tz=shop_tz, date_order=date_order,
                      decimal_mark=decimal_mark, use_cache=False, cache_dir=Path(tmp) / "cache",
                      quarantine_dir=QUARANTINE_DIR / "check")
    con.close()
    return report


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:
        parser = argparse.ArgumentParser(prog="make check-export FILE=…",
                                         description="What the workbook detects in an export.")
        parser.add_argument("path", help="the orders export: a file, a folder or a glob")
        parser.add_argument("--mapping", default="auto")
        parser.add_argument("--returns", default=None)
        parser.add_argument("--encoding", default="utf-8")
        parser.add_argument("--date-order", default=None)
        parser.add_argument("--decimal-mark", default=None)
        args = parser.parse_args(argv[1:])
        try:
            report = check_export(args.path, mapping=args.mapping, returns_path=args.returns,
                                  encoding=args.encoding, date_order=args.date_order,
                                  decimal_mark=args.decimal_mark)
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
