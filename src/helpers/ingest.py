"""Read shop exports (CSV, Parquet, XLSX) into DuckDB staging, with nothing lost.

Every load answers: rows read = rows loaded + rows quarantined + duplicates dropped. Rows that
cannot be used go to data/processed/quarantine/ with their reason and original line number. Parsed
results are cached as Parquet keyed by the input's checksum and the settings, so an unchanged CSV is
parsed once.

    python -m helpers.ingest [--orders data/raw/orders.csv] [--customers data/raw/customers.csv]
"""

from __future__ import annotations

import argparse
import codecs
import hashlib
import io
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from helpers import db
from helpers.paths import CACHE_DIR, DATA_RAW, MAPPINGS_DIR, QUARANTINE_DIR, resolve

INGEST_VERSION = "3"  # bump when parsing rules change: invalidates the Parquet cache

ORDER_COLUMNS = {"order_id": False, "customer_id": True, "order_date": True, "amount": True,
                 "status": False, "channel": False}
CUSTOMER_COLUMNS = {"customer_id": True, "name": False, "phone": False, "email": False,
                    "province": False, "signup_date": False, "birthday": False,
                    "consent_sms": False, "consent_zalo": False, "consent_email": False}
KINDS = {"orders": ORDER_COLUMNS, "customers": CUSTOMER_COLUMNS}
STAGING_SQL = {"orders": "stg_order_lines", "customers": "stg_customers"}
TABLES = {"orders": "order_lines", "customers": "customers"}


class IngestError(ValueError):
    """A shop export that cannot be read as it is; the message says what to change."""


@dataclass
class LoadReport:
    """What one load did, for the notebook, the console and the run's manifest."""

    kind: str
    path: str
    sha256: str
    mapping: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    duplicates: int
    duplicates_dropped: int
    reasons: dict[str, int] = field(default_factory=dict)
    duplicate_examples: list[dict] = field(default_factory=list)
    quarantine_path: str | None = None
    from_cache: bool = False
    seconds: float = 0.0

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.duplicates_dropped

    def as_dict(self) -> dict:
        return asdict(self) | {"reconciles": self.reconciles}

    def summary(self) -> str:
        """One sentence a person can read."""
        text = (f"{self.kind}: {self.rows_read:,} rows read from {Path(self.path).name}, "
                f"{self.rows_loaded:,} loaded, {self.rows_quarantined:,} quarantined")
        if self.reasons:
            text += " (" + ", ".join(f"{k}: {v:,}" for k, v in sorted(self.reasons.items())) + ")"
        if self.duplicates:
            verb = "dropped" if self.duplicates_dropped else "kept (set drop_duplicates to drop)"
            text += f", {self.duplicates:,} exact duplicate rows {verb}"
        return text + ("" if self.reconciles else "  !! COUNTS DO NOT RECONCILE")


# ---------------------------------------------------------------- mappings


def load_mapping(name_or_path: str | Path) -> dict:
    """A column mapping from params/mappings/<name>.yaml (or a path to such a file)."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = MAPPINGS_DIR / f"{name_or_path}.yaml"
    path = resolve(path)
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml")))
        raise IngestError(f"column mapping {name_or_path!r} not found ({path}); shipped: {known}")
    mapping = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    mapping.setdefault("name", path.stem)
    mapping["_path"] = str(path)
    unknown = set(mapping) - {"name", "orders", "customers", "status_map", "empty_amount", "_path"}
    if unknown:
        raise IngestError(f"{path}: unknown keys {sorted(unknown)}")
    for kind, columns in KINDS.items():
        extra = set(mapping.get(kind) or {}) - set(columns)
        if extra:
            raise IngestError(f"{path}: {kind} has unknown canonical columns {sorted(extra)}; "
                              f"allowed: {list(columns)}")
    return mapping


def _pick_columns(table: pa.Table, path: Path, kind: str, mapping: dict) -> dict[str, str | None]:
    """Canonical column -> header in the file; a missing required column is a clear error."""
    wanted = mapping.get(kind) or {}
    found: dict[str, str | None] = {}
    headers = [h for h in table.column_names if h != "source_line"]
    for canonical, required in KINDS[kind].items():
        candidates = wanted.get(canonical, canonical if kind == "orders" else None)
        if candidates is None:
            candidates = canonical
        candidates = [candidates] if isinstance(candidates, str) else list(candidates)
        match = next((c for c in candidates if c in headers), None)
        if match is None:
            # forgive case and surrounding spaces in headers, never in values
            folded = {h.strip().lower(): h for h in headers}
            match = next((folded[c.strip().lower()] for c in candidates
                          if c.strip().lower() in folded), None)
        if match is None and required:
            raise IngestError(
                f"{path.name}: no column for '{canonical}' (looked for "
                f"{' or '.join(repr(c) for c in candidates)}). Columns in the file: "
                f"{', '.join(repr(h) for h in headers)}. Set {kind}.{canonical} in the column "
                f"mapping ({mapping.get('_path', mapping.get('name'))}) to the header that holds it, "
                f"or choose another mapping with the `mapping` parameter."
            )
        found[canonical] = match
    return found


# ---------------------------------------------------------------- reading files


def file_sha256(path: Path, *, index_dir: Path | None = None) -> str:
    """The file's sha256. With index_dir, remembered by (path, size, mtime): an unchanged file is
    not read again (a 10-million-line export takes seconds to hash)."""
    path = Path(path)
    if index_dir is not None:
        stat = path.stat()
        key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
        marker = Path(index_dir) / "checksums" / key.hexdigest()[:32]
        if marker.exists():
            return marker.read_text(encoding="ascii").strip()
        digest = file_sha256(path)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(digest, encoding="ascii")
        return digest
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _encoding_hint(sample: bytes) -> str:
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "it is UTF-16 (Excel's 'Unicode Text')"
    return "it looks like a Windows code page (Windows-1258 or Windows-1252)"


def read_raw(path: Path, *, encoding: str = "utf-8") -> pa.Table:
    """Every column as text, plus `source_line` (the line or sheet row the value came from)."""
    path = Path(path)
    if not path.exists():
        raise IngestError(f"{path}: file not found. Put the shop export there or set the path "
                          f"parameter (orders_path / customers_path) to where it is.")
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty (0 bytes). Export it again from the shop "
                          f"system; a file with only a header row is accepted and loads 0 rows.")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        table = pq.read_table(path)
        table = pa.table({n: pc.cast(c, pa.string()) if not pa.types.is_string(c.type) else c
                          for n, c in zip(table.column_names, table.columns)})
        first_line = 1
    elif suffix in (".xlsx", ".xlsm", ".xls"):
        import pandas as pd

        frame = pd.read_excel(path, engine="calamine", dtype=object)
        columns = {}
        for name in frame.columns:
            values = frame[name].tolist()
            columns[str(name)] = pa.array([_excel_text(v) for v in values], type=pa.string())
        table = pa.table(columns) if columns else pa.table({})
        first_line = 2
    else:
        table = _read_csv(path, encoding=encoding)
        first_line = 2
    lines = pa.array(range(first_line, first_line + table.num_rows), type=pa.int64())
    return table.append_column("source_line", lines)


def _excel_text(value) -> str | None:
    import datetime as dt

    import pandas as pd

    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path, *, encoding: str) -> pa.Table:
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf-8", "utf8", "utf-8-sig"):
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise IngestError(_encoding_message(path, head))
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError as exc:
            raise IngestError(_encoding_message(path, head, exc.start)) from None
        source: io.BufferedIOBase | Path = path
        text_head = head.decode("utf-8", errors="ignore")
    else:
        try:
            text = path.read_bytes().decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise IngestError(f"{path.name}: cannot decode as {encoding}: {exc}") from None
        source = io.BytesIO(text.encode("utf-8"))
        text_head = text[:65536]
    first_line = text_head.lstrip("\ufeff").splitlines()[0] if text_head.strip() else ""
    if not first_line.strip():
        raise IngestError(f"{path.name}: no header row. The first line must name the columns.")
    delimiter = _sniff_delimiter(first_line)
    # read the header to type every column as text: ids like 007 must never become 7
    names = pacsv.read_csv(
        io.BytesIO(first_line.encode("utf-8") + b"\n"),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
    ).column_names
    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "UTF8" in message or "utf8" in message.lower():
            raise IngestError(_encoding_message(path, head)) from None
        raise IngestError(f"{path.name}: not a readable CSV ({message.splitlines()[0]}). Check the "
                          f"delimiter and quoting; the file must have one header row.") from None
    # a UTF-8 byte order mark is not part of the first header
    if table.column_names and table.column_names[0].startswith("\ufeff"):
        table = table.rename_columns([table.column_names[0][1:], *table.column_names[1:]])
    return table


def _encoding_message(path: Path, head: bytes, offset: int | None = None) -> str:
    where = f" (first bad byte at offset {offset})" if offset is not None else ""
    return (f"{path.name}: the file is not UTF-8{where}; {_encoding_hint(head)}. Save it as "
            f"'CSV UTF-8' (Excel: File > Save As > CSV UTF-8), or set the `encoding` parameter, "
            f"e.g. encoding: cp1258.")


# ---------------------------------------------------------------- loading


def _cache_key(sha: str, kind: str, mapping: dict, shop_tz: str, drop_duplicates: bool,
               encoding: str) -> str:
    material = json.dumps(
        {"sha": sha, "kind": kind, "mapping": {k: v for k, v in mapping.items() if k != "_path"},
         "tz": shop_tz, "drop": drop_duplicates, "enc": encoding, "v": INGEST_VERSION},
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:20]


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a staged table or view of that name, whichever it is (names are ours, fixed)."""
    rows = con.execute("select table_type from information_schema.tables where table_name = ?",
                       [name]).fetchall()
    for (kind,) in rows:
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists {name}")


def _ensure_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(db.sql_text("macros"))


def load(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    *,
    mapping: str | dict = "generic",
    shop_tz: str = "Asia/Ho_Chi_Minh",
    drop_duplicates: bool = False,
    encoding: str = "utf-8",
    use_cache: bool = True,
    cache_dir: Path = CACHE_DIR,
    quarantine_dir: Path = QUARANTINE_DIR,
) -> LoadReport:
    """Stage one export as table order_lines (kind orders) or customers (kind customers)."""
    started = time.perf_counter()
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}")
    path = resolve(path)
    mapping = load_mapping(mapping) if not isinstance(mapping, dict) else mapping
    if not path.exists() or path.stat().st_size == 0:
        read_raw(path, encoding=encoding)  # raises the clear error
    sha = file_sha256(path, index_dir=cache_dir if use_cache else None)
    key = _cache_key(sha, kind, mapping, shop_tz, drop_duplicates, encoding)
    cache = Path(cache_dir) / f"{kind}-{key}"
    table = TABLES[kind]
    _ensure_macros(con)
    if use_cache and (cache / "report.json").exists() and (cache / "staged.parquet").exists():
        # a view over the staged Parquet: nothing is copied, DuckDB reads only what queries use
        _drop(con, table)
        con.read_parquet(str(cache / "staged.parquet")).create_view(table, replace=True)
        report = LoadReport(**json.loads((cache / "report.json").read_text(encoding="utf-8")))
        report.from_cache = True
        report.seconds = time.perf_counter() - started
        _republish_quarantine(cache, report)
        return report

    raw = read_raw(path, encoding=encoding)
    picked = _pick_columns(raw, path, kind, mapping)
    n = raw.num_rows
    canonical = {"source_line": raw["source_line"]}
    for name, header in picked.items():
        canonical[name] = raw[header] if header else pa.nulls(n, pa.string())
    # the Arrow table is queried in place (no copy into DuckDB)
    con.register(f"raw_{kind}", pa.table(canonical))
    params = {"shop_tz": shop_tz}
    if kind == "orders":
        params["empty_amount_is_zero"] = mapping.get("empty_amount", "quarantine") == "zero"
    db.materialize(con, STAGING_SQL[kind], as_name=f"stg_{kind}_checked", **params)
    if kind == "orders" and mapping.get("status_map"):
        status_map = {str(k).strip().lower(): str(v) for k, v in mapping["status_map"].items()}
        con.execute(
            "update stg_orders_checked set status = coalesce("
            "map_extract_value(map(?::varchar[], ?::varchar[]), lower(trim(status))), status)",
            [list(status_map), list(status_map.values())],
        )

    counts = db.one(con, f"""
        select
            count(*),
            count(*) filter (where reject_reason is null and not is_duplicate),
            count(*) filter (where reject_reason is not null),
            count(*) filter (where is_duplicate)
        from stg_{kind}_checked
    """)
    rows_read, clean, quarantined, duplicates = (int(x) for x in counts)
    reasons = dict(con.execute(f"""
        select reason, count(*) from (
            select unnest(string_split(reject_reason, '; ')) as reason
            from stg_{kind}_checked where reject_reason is not null
        ) group by all order by all
    """).fetchall())
    examples = []
    if duplicates:
        examples = con.execute(f"""
            select * exclude (reject_reason, is_duplicate, ordered_at, order_date, amount)
            from stg_{kind}_checked where is_duplicate order by source_line limit 5
        """).df().astype(str).to_dict("records")
    keep_duplicates = "" if drop_duplicates else " or is_duplicate"
    drop_cols = "reject_reason, is_duplicate"
    if kind == "orders":
        drop_cols += ", order_date_text, amount_text"
    else:
        drop_cols += ", signup_date_text, birthday_text"
    # the usable rows go straight to the Parquet cache; the staged table is a view over it
    cache.mkdir(parents=True, exist_ok=True)
    staged = cache / "staged.parquet"
    tmp = cache / f".staged.{os.getpid()}.parquet"
    con.sql(f"""
        select * exclude ({drop_cols}) from stg_{kind}_checked
        where reject_reason is null and (not is_duplicate{keep_duplicates})
        order by source_line
    """).to_parquet(str(tmp))
    tmp.replace(staged)
    _drop(con, table)
    con.read_parquet(str(staged)).create_view(table, replace=True)
    rows_loaded = clean + (0 if drop_duplicates else duplicates)
    report = LoadReport(
        kind=kind, path=str(path), sha256=sha, mapping=mapping.get("name", "custom"),
        rows_read=rows_read, rows_loaded=rows_loaded, rows_quarantined=quarantined,
        duplicates=duplicates, duplicates_dropped=duplicates if drop_duplicates else 0,
        reasons=reasons, duplicate_examples=examples,
    )

    # quarantined rows keep every original column, the reason and the line they came from
    bad = con.sql(f"select source_line, reject_reason from stg_{kind}_checked "
                      f"where reject_reason is not null order by source_line").to_arrow_table()
    if bad.num_rows:
        mask = pc.is_in(raw["source_line"], value_set=bad["source_line"])
        rows = raw.filter(mask)
        rows = rows.append_column("reject_reason", bad["reject_reason"])
        pq.write_table(rows, cache / "quarantine.parquet")
    report.seconds = time.perf_counter() - started
    (cache / "report.json").write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    _republish_quarantine(cache, report, quarantine_dir)
    con.unregister(f"raw_{kind}")
    con.execute(f"drop table if exists stg_{kind}_checked")
    return report


def _republish_quarantine(cache: Path, report: LoadReport, quarantine_dir: Path = QUARANTINE_DIR):
    """data/processed/quarantine/<kind>__<file>.csv, rewritten from the cache when missing."""
    src = cache / "quarantine.parquet"
    if not src.exists():
        report.quarantine_path = None
        return
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / f"{report.kind}__{Path(report.path).stem}.csv"
    if not target.exists() or target.stat().st_mtime < src.stat().st_mtime:
        rows = pq.read_table(src)
        order = ["source_line", "reject_reason"] + [c for c in rows.column_names
                                                    if c not in ("source_line", "reject_reason")]
        tmp = target.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(codecs.BOM_UTF8)
            pacsv.write_csv(rows.select(order), f)
        tmp.replace(target)
    report.quarantine_path = str(target)


def load_orders(con, path, **kwargs) -> LoadReport:
    """Stage the orders export as table `order_lines` (one row per usable source row)."""
    return load(con, "orders", path, **kwargs)


def load_customers(con, path, **kwargs) -> LoadReport:
    """Stage the customers export as table `customers` (one row per customer_id)."""
    return load(con, "customers", path, **kwargs)


CAMPAIGN_FILES = {
    "campaigns": ["campaign_id", "name", "channel", "target", "start_date", "attribution_days",
                  "cost_per_message"],
    "campaign_sends": ["campaign_id", "customer_id", "channel", "sent_at", "status", "cost",
                       "opened", "interacted"],
    "campaign_holdout": ["campaign_id", "customer_id"],
}


def load_campaign_files(con, *, campaigns_path, sends_path, holdout_path) -> dict[str, int]:
    """Tables campaigns, campaign_sends, campaign_holdout from their CSV files (exact columns)."""
    counts = {}
    for table, path in (("campaigns", campaigns_path), ("campaign_sends", sends_path),
                        ("campaign_holdout", holdout_path)):
        path = resolve(path)
        raw = read_raw(path)
        missing = [c for c in CAMPAIGN_FILES[table] if c not in raw.column_names]
        if missing:
            raise IngestError(f"{path.name}: missing column(s) {missing}; {table}.csv needs "
                              f"exactly {CAMPAIGN_FILES[table]}")
        con.register("raw_source", raw.select(CAMPAIGN_FILES[table] + ["source_line"]))
        con.execute(f"create or replace temp table raw_{table} as select * from raw_source")
        con.unregister("raw_source")
        counts[table] = raw.num_rows
    _ensure_macros(con)
    db.materialize(con, "stg_campaigns", as_name="campaigns")
    db.materialize(con, "stg_campaign_sends", as_name="campaign_sends")
    db.materialize(con, "stg_campaign_holdout", as_name="campaign_holdout")
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Stage shop exports and report what was loaded.")
    parser.add_argument("--orders", default=str(DATA_RAW / "orders.csv"))
    parser.add_argument("--customers", default=str(DATA_RAW / "customers.csv"))
    parser.add_argument("--mapping", default="generic")
    parser.add_argument("--drop-duplicates", action="store_true")
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args(argv)
    con = db.connect()
    for kind, path in (("orders", args.orders), ("customers", args.customers)):
        try:
            report = load(con, kind, path, mapping=args.mapping,
                          drop_duplicates=args.drop_duplicates, encoding=args.encoding)
        except IngestError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        print(report.summary() + (" [cache]" if report.from_cache else ""))
        if report.quarantine_path:
            print(f"  quarantined rows with their reasons: {report.quarantine_path}")


if __name__ == "__main__":
    main()
