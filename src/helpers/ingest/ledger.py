"""Every row accounted for: counts per file, the staged rows, guest sales and the rows set
aside (quarantine, with their reason, file and line), from a checked staging table."""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from helpers.core.paths import QUARANTINE_DIR
from helpers.core.safety import (
    csv_safe_table,
    inside,
)
from helpers.ingest import typed
from helpers.ingest.readers import RawFile, unique_headers
from helpers.ingest.report import LoadReport, rows_text

# columns of the staged orders (orders and returns alike)
ORDER_LINE_COLUMNS = ("source_file, source_line, order_id, customer_id, ordered_at, order_date, "
                      "amount, status, channel, is_return, returned_order_id")


def sql_path(path: Path) -> str:
    """A path we made (inside the cache folder) as an SQL string literal."""
    return str(path).replace("'", "''")


def account_rows(con, kind, checked, raws, mapping, cache, staged_name, quarantine_name,
            drop_duplicates, detected) -> LoadReport:
    """Counts per file, the staged rows, the guest rows and the set-aside rows, from `checked`."""
    per_file = {r[0]: r[1:] for r in con.execute(f"""
        select
            source_file,
            count(*),
            count(*) filter (where reject_reason is null and not is_duplicate),
            count(*) filter (where reject_reason is not null),
            count(*) filter (where is_duplicate)
        from {checked} group by all
    """).fetchall()}
    files = []
    for raw in raws:
        read, clean, quarantined, duplicates = per_file.get(raw.label, (0, 0, 0, 0))
        if read != raw.rows:
            raise AssertionError(f"{raw.label}: {raw.rows} rows converted, {read} parsed")
        detected.extend(raw.notes)
        if raw.bad_rows:
            detected.append(f"{raw.label}: {rows_text(len(raw.bad_rows))} "
                            f"{'does' if len(raw.bad_rows) == 1 else 'do'} not have the header's "
                            f"{len(raw.headers)} fields (first at line {raw.bad_rows[0][0]}): "
                            f"set aside as wrong_field_count, the rest loaded")
        files.append({"file": raw.label, "path": str(raw.path), "sha256": raw.sha256,
                      "rows_read": read + len(raw.bad_rows),
                      "rows_loaded": clean + (0 if drop_duplicates else duplicates),
                      "rows_quarantined": quarantined + len(raw.bad_rows),
                      "duplicates_dropped": duplicates if drop_duplicates else 0}
                     # a CSV's lines: header lines + rows read + lines inside quoted values
                     | ({"lines": raw.lines} if raw.lines and raw.lines["lines"] is not None
                        else {}))
    rows_read = sum(f["rows_read"] for f in files)
    quarantined = sum(f["rows_quarantined"] for f in files)
    duplicates = sum(per_file.get(r.label, (0, 0, 0, 0))[3] for r in raws)
    reasons = dict(con.execute(f"""
        select reason, count(*) from (
            select unnest(string_split(reject_reason, '; ')) as reason
            from {checked} where reject_reason is not null
        ) group by all order by all
    """).fetchall())
    wrong = sum(len(r.bad_rows) for r in raws)
    if wrong:
        reasons = dict(sorted((reasons | {"wrong_field_count": wrong}).items()))
    examples = []
    if duplicates:
        examples = con.execute(f"""
            select source_file, source_line, * exclude (source_file, source_line)
            from (select * from {checked} where is_duplicate
                  order by source_file, source_line limit 5)
        """).df()
        # where they are, not what they hold: reports and logs carry no customer data
        keep = ["source_file", "source_line"]
        examples = examples[keep].astype(str).to_dict("records")
    guest_rows, guest_revenue = 0, "0"
    keep_duplicates = "" if drop_duplicates else " or is_duplicate"
    staged = cache / staged_name
    tmp = cache / f".{staged_name}.{os.getpid()}.tmp"
    if kind in ("orders", "returns"):
        guest_rows, revenue = con.execute(f"""
            select count(*), coalesce(sum(amount), 0) from {checked}
            where reject_reason = 'guest_sale'
        """).fetchall()[0]
        guest_revenue = plain_decimal(revenue)
        columns = ORDER_LINE_COLUMNS
        if kind == "orders":  # written even when empty: the reports read it
            # guest sales are not customers, but their revenue is reported apart
            guests_tmp = cache / f".guests.{os.getpid()}.tmp"
            con.execute(f"""
                copy (select {columns} from {checked} where reject_reason = 'guest_sale'
                      order by source_file, source_line)
                to '{sql_path(guests_tmp)}' (format parquet)
            """)
            guests_tmp.replace(cache / "guests.parquet")
            _remove(cache / "guests")
    else:
        columns = ("* exclude (reject_reason, is_duplicate, signup_date_text, birthday_text, "
                   "is_blank_row)")
    # the usable rows go straight to the Parquet cache; the staged table is a view over it
    con.execute(f"""
        copy (
            select {columns} from {checked}
            where reject_reason is null and (not is_duplicate{keep_duplicates})
            order by source_file, source_line
        ) to '{sql_path(tmp)}' (format parquet)
    """)
    tmp.replace(staged)
    _remove(cache / staged_name.removesuffix(".parquet"))  # parts of an earlier staging, if any
    rows_loaded = sum(f["rows_loaded"] for f in files)
    first_date = last_date = None
    if kind == "orders":
        first_date, last_date = con.execute(
            f"select cast(min(order_date) as varchar), cast(max(order_date) as varchar) "
            f"from {checked} where reject_reason is null").fetchall()[0]
    report = LoadReport(
        kind=kind, path="", sha256="", mapping=mapping.get("name", "custom"),
        rows_read=rows_read, rows_loaded=rows_loaded, rows_quarantined=quarantined,
        duplicates=duplicates, duplicates_dropped=duplicates if drop_duplicates else 0,
        reasons=reasons, duplicate_examples=examples, files=files, detected=detected,
        guest_rows=int(guest_rows), guest_revenue=guest_revenue,
        first_order_date=first_date, last_order_date=last_date,
    )
    # quarantined rows keep every original column, their reason, file and line
    folder = cache / quarantine_name
    shutil.rmtree(folder, ignore_errors=True)
    for i, raw in enumerate(raws):
        # the rows set aside in this file, counted above (one pass for every file)
        bad = per_file.get(raw.label, (0, 0, 0, 0))[2]
        if not bad and not raw.bad_rows:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        set_aside(con, checked, raw, folder / f"{i:04d}.parquet", of_file=True)
    return report


def set_aside(con, checked: str, raw: RawFile, target: Path, *, of_file: bool = False) -> None:
    """The file's rows set aside, with every original column, their reason, file and line.
    `of_file`: `checked` holds the lines of several files; only this file's are joined."""
    header_names = unique_headers(raw.headers)
    kinds = dict(enumerate(raw.kinds))  # a typed column as the text it was read as before
    picks = ", ".join(f'{typed.text_sql(f"raw.c{j}", kinds.get(j, ""))} as "{name}"'
                      for j, name in enumerate(header_names))
    wrong_rows = "select * from set_aside where false"
    if raw.bad_rows:
        # rows that could not be split: kept whole, as written, under raw_row
        con.register("wrong_rows_df", pa.table({
            "source_file": [raw.label] * len(raw.bad_rows),
            "source_line": pa.array([r[0] for r in raw.bad_rows], pa.int64()),
            "reject_reason": ["wrong_field_count"] * len(raw.bad_rows),
            "raw_row": [r[1] for r in raw.bad_rows]}))
        wrong_rows = "select * from wrong_rows_df"
    try:
        con.execute(f"""
            copy (
                with set_aside as (
                    select raw.source_file, raw.source_line, checked.reject_reason
                        {', ' + picks if picks else ''}
                    from read_parquet('{sql_path(raw.parquet)}') as raw
                    inner join {checked} as checked
                        on raw.source_line = checked.source_line
                        {'and checked.source_file = $file' if of_file else ''}
                    where checked.reject_reason is not null
                )
                select * from (
                    select * from set_aside
                    union all by name
                    {wrong_rows}
                )
                order by source_line
            ) to '{sql_path(target)}' (format parquet)
        """, {"file": raw.label} if of_file else None)
    finally:
        if raw.bad_rows:
            con.unregister("wrong_rows_df")


def plain_decimal(value) -> str:
    text = format(value, "f") if value is not None else "0"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def republish_quarantine(cache: Path, report: LoadReport, quarantine_dir: Path = QUARANTINE_DIR):
    """data/processed/quarantine/<kind>__<file>.csv per input file with rows set aside."""
    paths = []
    for sub, kind in (("quarantine", report.kind), ("quarantine-returns", "returns")):
        folder = cache / sub
        if not folder.exists():
            continue
        for part in sorted(folder.glob("*.parquet")):
            rows = pq.read_table(part)
            if not rows.num_rows:
                continue
            label = rows.column("source_file")[0].as_py()
            sha = next((f["sha256"] for f in (report.files if kind == report.kind else
                                              (report.returns or {}).get("files", []))
                        if f["file"] == label), "")
            stem = "".join(ch if ch.isalnum() or ch in "-_" else "_"
                           for ch in Path(label).with_suffix("").as_posix())[:80]
            quarantine_dir.mkdir(parents=True, exist_ok=True)
            # named by the input's checksum too: two inputs called orders.csv never share a file,
            # and it is written again from the cache on every load (never a stale copy)
            target = inside(quarantine_dir, quarantine_dir / f"{kind}__{stem}__{sha[:8]}.csv")
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                f.write(codecs.BOM_UTF8)
                pacsv.write_csv(csv_safe_table(rows), f)
            tmp.replace(target)
            paths.append(str(target))
    report.quarantine_paths = paths
    report.quarantine_path = paths[0] if paths else None
    if report.returns is not None:
        report.returns["quarantine_paths"] = [p for p in paths if "/returns__" in p]


# ---------------------------------------------------------------- staged file by file


def account_parts(parts, raws, mapping, cache, drop_duplicates, detected, said) -> LoadReport:
    """account_rows for the orders staged file by file (ingest.file_parts): the same report, from
    each file's summary and the parts' totals (`said`); the staged lines, the guest sales and the
    rows set aside published as the files' parts (hard links to the store)."""
    files = []
    for raw, part in zip(raws, parts):
        x = part.summary
        if x["read"] != raw.rows:
            raise AssertionError(f"{raw.label}: {raw.rows} rows converted, {x['read']} parsed")
        detected.extend(raw.notes)
        if raw.bad_rows:
            detected.append(f"{raw.label}: {rows_text(len(raw.bad_rows))} "
                            f"{'does' if len(raw.bad_rows) == 1 else 'do'} not have the header's "
                            f"{len(raw.headers)} fields (first at line {raw.bad_rows[0][0]}): "
                            f"set aside as wrong_field_count, the rest loaded")
        duplicates = x["duplicates"]
        files.append({"file": raw.label, "path": str(raw.path), "sha256": raw.sha256,
                      "rows_read": x["read"] + len(raw.bad_rows),
                      "rows_loaded": x["clean"] + (0 if drop_duplicates else duplicates),
                      "rows_quarantined": x["quarantined"] + len(raw.bad_rows),
                      "duplicates_dropped": duplicates if drop_duplicates else 0}
                     | ({"lines": raw.lines} if raw.lines and raw.lines["lines"] is not None
                        else {}))
    duplicates = sum(p.summary["duplicates"] for p in parts)
    reasons = dict(sorted(said["reasons"].items()))
    wrong = sum(len(r.bad_rows) for r in raws)
    if wrong:
        reasons = dict(sorted((reasons | {"wrong_field_count": wrong}).items()))
    examples = ([{"source_file": f, "source_line": str(line)} for f, line in said["examples"]]
                if duplicates else [])
    # in the order of staging every file at once: by file, then line
    ordered = sorted(parts, key=lambda p: p.label)
    publish_parts(cache, "staged", [p.files["staged"] for p in ordered])
    publish_parts(cache, "guests", [p.files["guests"] for p in ordered])
    folder = cache / "quarantine"
    shutil.rmtree(folder, ignore_errors=True)
    for i, part in enumerate(parts):
        if part.summary["set_aside"]:
            folder.mkdir(parents=True, exist_ok=True)
            _link(part.files["quarantine"], folder / f"{i:04d}.parquet")
    return LoadReport(
        kind="orders", path="", sha256="", mapping=mapping.get("name", "custom"),
        rows_read=sum(f["rows_read"] for f in files),
        rows_loaded=sum(f["rows_loaded"] for f in files),
        rows_quarantined=sum(f["rows_quarantined"] for f in files),
        duplicates=duplicates, duplicates_dropped=duplicates if drop_duplicates else 0,
        reasons=reasons, duplicate_examples=examples, files=files, detected=detected,
        guest_rows=int(said["guest_rows"]), guest_revenue=plain_decimal(said["guest_revenue"]),
        first_order_date=said["first"], last_order_date=said["last"])


def _link(source: Path, target: Path) -> None:
    """target: the same file as source (a hard link: nothing copied), or a copy."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def staged_path(cache: Path, name: str = "staged") -> Path:
    """Where a cache's staged rows are: <name>.parquet (one part: an export of one file), or the
    folder <name>/ of its parts (00000.parquet, ...: one per input file, by file name, then the
    returns), which DuckDB, Spark and Arrow read as one table, in the parts' order."""
    return cache / name if (cache / name).is_dir() else cache / f"{name}.parquet"


def part_paths(path: Path) -> list[Path]:
    """The Parquet parts of a staged file: the file itself, or a folder's parts in order."""
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def publish_parts(cache: Path, name: str, parts: list[Path]) -> None:
    """Cache's <name>.parquet (one part, linked) or <name>/ (several, linked, in order)."""
    target = cache / (f"{name}.parquet" if len(parts) == 1 else name)
    tmp = cache / f".{name}.{os.getpid()}.tmp"
    _remove(tmp)
    if len(parts) == 1:
        _link(parts[0], tmp)
    else:
        tmp.mkdir()
        for i, part in enumerate(parts):
            _link(part, tmp / f"{i:05d}.parquet")
    for old in (cache / name, cache / f"{name}.parquet"):
        _remove(old)
    os.replace(tmp, target)


def add_part(cache: Path, name: str, part: Path) -> None:
    """Cache's <name> with `part` after its parts (moved in)."""
    held = cache / f".{name}.{os.getpid()}.held"
    _remove(held)
    os.replace(staged_path(cache, name), held)
    try:
        publish_parts(cache, name, part_paths(held) + [part])
    finally:
        _remove(held)
        part.unlink(missing_ok=True)


def split_by_file(con, cache: Path, labels: list[str]) -> None:
    """The staged rows and guest sales of an export staged at once (on Spark) as the parts of
    its files, as staging file by file publishes them (one part per file, by file name)."""
    for name in ("staged", "guests"):
        whole = cache / f"{name}.parquet"
        held = cache / f".{name}.{os.getpid()}.whole"
        os.replace(whole, held)
        parts = []
        for i, label in enumerate(sorted(labels)):
            part = cache / f".{name}.{os.getpid()}.{i:05d}"
            con.execute(f"copy (select * from read_parquet('{sql_path(held)}') "
                        f"where source_file = ? order by source_line) "
                        f"to '{sql_path(part)}' (format parquet)", [label])
            parts.append(part)
        publish_parts(cache, name, parts)
        for path in parts + [held]:
            path.unlink(missing_ok=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
