"""A later month costs what is new in it (issue 34): each file's CHECKED order lines are computed
from that file alone and kept in the file store (ingest.file_cache), with what is derived from
them: its staged part, its guest sales, its rows set aside, a small index (its distinct order ids,
and the row hashes of its lines without an order id) and a summary (counts, reasons, what the
load report's checks need). Every check of the staging models is per order (stg_order_structure,
stg_order_repeats, stg_order_lines), so a file's lines are what staging every file together gives
them, except the orders that span files: an order id in several files (which export wins), and
repeated rows without an order id whose row hash is in several files. Those lines alone are
checked again together, with the export ranks (the cross-file part), and merged into their
files' parts; the other files' parts are published as they are kept (hard links).

    <store>/part-<key>.json              what the part holds: its summary, its files' sizes
    <store>/part-<key>.checked.parquet   the file's checked lines (stg_order_lines), by line
    <store>/part-<key>.index.parquet     its distinct order ids; its id-less row hashes
    <store>/part-<key>.staged.parquet    its staged lines (ORDER_LINE_COLUMNS), by line
    <store>/part-<key>.guests.parquet    its guest sales
    <store>/part-<key>.quarantine.parquet  its rows set aside (with every original column)

    <store>/span-<key>.parquet           what spanned the files of a load (order ids, row
                                         hashes); span-of-<part key>.json points to it: the
                                         next load looks only the new files' ids up in the others

A part's key is its parsed file's key (every setting and decision the parse used) and
drop_duplicates; the models' text is in every key (ingest.cache.cache_key). New files that share
no order id and no id-less row with one another are checked in one pass and split by file. The
staged export is published as staged/ (one part per file, by file name; ingest.ledger) and its
load report is added up from the parts' summaries: the same report as checking every line at
once (staging.ALL_AT_ONCE, which the Spark staging does).
"""

from __future__ import annotations

import contextlib
import json
import os
from decimal import Decimal
from pathlib import Path

from helpers.core.files import file_sha256
from helpers.engine import db
from helpers.engine.db import drop_relation
from helpers.ingest import overlap, refunds
from helpers.ingest.cache import cache_key
from helpers.ingest.detect import order_amount_shape
from helpers.ingest.file_cache import parse_each
from helpers.ingest.guests import (
    BUSY_MIN_ORDERS,
    BUSY_MIN_SHARE,
    SCIENTIFIC,
    SHARED_IDS_ALLOWED,
    check_busiest,
    check_ids,
    guest_note,
)
from helpers.ingest.ledger import ORDER_LINE_COLUMNS, account_parts, set_aside
from helpers.ingest.readers import RawFile
from helpers.ingest.report import LoadReport

OUTPUTS = ("checked", "index", "staged", "guests", "quarantine")

# a file of more lines than this is checked into its Parquet file, not a table first
# (staging.SCRATCH_BYTES_PER_ROW: 2M lines are about 300 MB as a DuckDB table)
ON_DISK_ROWS = 2_000_000


def _path(text) -> str:
    return "'" + str(text).replace("'", "''") + "'"


class Part:
    """One file's checked lines and what is derived from them (files, summary)."""

    def __init__(self, label: str, files: dict[str, Path], summary: dict, shas: dict):
        self.label, self.files, self.summary, self.shas = label, files, summary, shas


def part_key(parsed_key: str, drop_duplicates: bool) -> str:
    return cache_key({"parsed": parsed_key, "drop": bool(drop_duplicates), "part": 1})


def _stored(folder: Path, key: str, label: str) -> Part | None:
    """The part kept under `key`, when every file it recorded is there unchanged (size and
    modification time: its files are never touched once written)."""
    told = folder / f"part-{key}.json"
    try:
        said = json.loads(told.read_text(encoding="utf-8"))
        files = {}
        for name, rec in said["files"].items():
            path = folder / rec["name"]
            stat = path.stat()
            if (stat.st_size, stat.st_mtime_ns) != (rec["size"], rec["mtime_ns"]):
                return None
            files[name] = path
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.utime(told)  # in use (the store's sweep reads a part's age from its json)
    except OSError:
        pass
    return Part(label, files, said["summary"], {n: r["sha256"] for n, r in said["files"].items()})


def _record(files: dict[str, Path]) -> dict:
    out = {}
    for name, path in files.items():
        stat = path.stat()
        out[name] = {"name": path.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                     "sha256": file_sha256(path)}
    return out


def check_together(con, folder: Path, raws: list[RawFile], keys: list[str], params: dict,
                   drop_duplicates: bool) -> None:
    """The parts of new files that share no order id and no id-less row with one another, kept:
    checked in one pass over their lines together, which gives each line what checking its
    file alone gives it (every check is per order), then split by file (a first month of 35
    files: three passes, not 105)."""
    labels = ", ".join(_path(raw.label) for raw in raws)
    con.execute(f"""
        create or replace temp view parsed_order_lines as
        select * replace (cast(1 as integer) as export_rank)
        from all_parsed_order_lines where source_file in ({labels})
    """)
    try:
        db.stage(con, "stg_order_structure", into="order_structure")
        db.stage(con, "stg_order_repeats", into="order_repeats")
        db.stage(con, "stg_order_lines", into="together_lines", **params)
        drop_relation(con, "order_structure")
        drop_relation(con, "order_repeats")
        # by file and line: each file's lines are then read from its own few row groups
        con.execute("create or replace temp table together_checked as select * from "
                    "together_lines order by source_file, source_line")
        drop_relation(con, "together_lines")
        for raw, key in zip(raws, keys):
            _check(con, folder, raw, key, params, drop_duplicates, together="together_checked")
    finally:
        con.execute("drop view if exists parsed_order_lines")
        drop_relation(con, "together_checked")


def new_together(con, raws: list[RawFile]) -> list[RawFile]:
    """Of the files not checked before, those that share no order id and no id-less row hash
    with another of them (one pass over their parsed lines)."""
    labels = ", ".join(_path(raw.label) for raw in raws)
    shared = {r[0] for r in con.execute(f"""
        with lines as (
            select distinct source_file, order_id,
                case when order_id is null then row_hash end as row_hash
            from all_parsed_order_lines where source_file in ({labels})
        ),
        spanning as (
            select order_id, row_hash from lines group by all having count(*) > 1
        )
        select distinct source_file from lines
        semi join spanning on lines.order_id is not distinct from spanning.order_id
            and lines.row_hash is not distinct from spanning.row_hash
    """).fetchall()}
    return [raw for raw in raws if raw.label not in shared]


def check_alone(con, folder: Path, raw: RawFile, batch: Path, key: str, params: dict,
                drop_duplicates: bool) -> Part:
    """The file's part: kept, or checked now from the file's parsed lines alone (every order of
    its own; an export rank of 1)."""
    found = _stored(folder, key, raw.label)
    if found is not None:
        return found
    con.execute(f"""
        create or replace temp view parsed_order_lines as
        select * replace (cast(1 as integer) as export_rank)
        from read_parquet({_path(batch)}) where source_file = {_path(raw.label)}
    """)
    try:
        db.stage(con, "stg_order_structure", into="order_structure")
        db.stage(con, "stg_order_repeats", into="order_repeats")
        return _check(con, folder, raw, key, params, drop_duplicates)
    finally:
        con.execute("drop view if exists parsed_order_lines")
        for name in ("order_structure", "order_repeats"):
            drop_relation(con, name)


def _check(con, folder: Path, raw: RawFile, key: str, params: dict, drop_duplicates: bool, *,
           together: str | None = None) -> Part:
    """The file's checked lines (stg_order_lines over parsed_order_lines, or its lines of the
    table `together`) kept with their index, staged part, guest sales, rows set aside and
    summary."""
    try:
        stamp = f"{os.getpid()}"
        files = {name: folder / f"part-{key}.{name}.parquet" for name in OUTPUTS}
        tmp = {name: path.with_name(f".{path.name}.{stamp}.tmp") for name, path in files.items()}
        if together is not None:
            con.execute(f"create or replace temp table part_checked as select * from {together} "
                        f"where source_file = {_path(raw.label)} order by source_line")
            con.execute(f"copy part_checked to {_path(tmp['checked'])} (format parquet)")
        elif raw.rows > ON_DISK_ROWS:
            # a large file's checked lines straight to their Parquet file (a table of them would
            # spill to disk at several times their size); what follows reads the file
            db.stage_to(con, "stg_order_lines", tmp["checked"], **params)
            con.execute(f"create or replace temp view part_checked as "
                        f"select * from read_parquet({_path(tmp['checked'])})")
        else:
            db.stage(con, "stg_order_lines", into="part_checked", **params)
            con.execute(f"copy (select * from part_checked order by source_line) "
                        f"to {_path(tmp['checked'])} (format parquet)")
        # what tells which orders and repeated rows span files
        con.execute(f"""
            copy (
                select * from (
                    select distinct order_id, cast(null as ubigint) as row_hash
                    from parsed_order_lines
                    where order_id is not null and source_file = {_path(raw.label)}
                    union all
                    select distinct cast(null as varchar), cast(row_hash as ubigint)
                    from parsed_order_lines
                    where order_id is null and source_file = {_path(raw.label)}
                ) order by order_id, row_hash
            ) to {_path(tmp['index'])} (format parquet)
        """)
        summary = derive(con, "part_checked", raw, tmp, drop_duplicates)
    finally:
        drop_relation(con, "part_checked")
    if not summary["set_aside"]:  # nothing set aside: no file
        del files["quarantine"], tmp["quarantine"]
    for name in files:
        os.replace(tmp[name], files[name])
    record = _record(files)
    told = folder / f"part-{key}.json"
    tmp_json = told.with_name(f".{told.name}.{os.getpid()}.tmp")
    tmp_json.write_text(json.dumps({"label": raw.label, "files": record, "summary": summary},
                                   ensure_ascii=False), encoding="utf-8")
    os.replace(tmp_json, told)
    return Part(raw.label, files, summary, {n: r["sha256"] for n, r in record.items()})


def derive(con, checked: str, raw: RawFile, target: dict[str, Path],
           drop_duplicates: bool) -> dict:
    """A file's checked lines (table `checked`) as its staged part, guest sales, rows set aside
    (target: their paths) and its summary: what the load report and its checks need of it."""
    keep = "" if drop_duplicates else " or is_duplicate"
    con.execute(f"""
        copy (select {ORDER_LINE_COLUMNS} from {checked}
              where reject_reason is null and (not is_duplicate{keep}) order by source_line)
        to {_path(target['staged'])} (format parquet)
    """)
    con.execute(f"""
        copy (select {ORDER_LINE_COLUMNS} from {checked} where reject_reason = 'guest_sale'
              order by source_line)
        to {_path(target['guests'])} (format parquet)
    """)
    (read, clean, quarantined, duplicates, guest_rows, guest_revenue, first, last, guests,
     coded, refunded, refund_unknown, shared, scientific_orders, scientific_customers) = \
        con.execute(f"""
        select
            count(*),
            count(*) filter (where reject_reason is null and not is_duplicate),
            count(*) filter (where reject_reason is not null),
            count(*) filter (where is_duplicate),
            count(*) filter (where reject_reason = 'guest_sale'),
            cast(coalesce(sum(amount) filter (where reject_reason = 'guest_sale'), 0) as varchar),
            cast(min(order_date) filter (where reject_reason is null) as varchar),
            cast(max(order_date) filter (where reject_reason is null) as varchar),
            count(*) filter (where is_guest),
            count(*) filter (where is_guest and not is_blank_text(customer_id)),
            count(distinct order_id) filter (where reject_reason is null and is_refunded),
            count(distinct order_id) filter (where reject_reason is null and is_refund_unknown),
            count(distinct order_id) filter (
                where reject_reason like '%order_id_shared_by_customers%'),
            coalesce(bool_or(regexp_matches(order_id, ?)), false),
            coalesce(bool_or(regexp_matches(customer_id, ?)), false)
        from {checked}
    """, [SCIENTIFIC, SCIENTIFIC]).fetchall()[0]
    codes = [r[0] for r in con.execute(
        f"select distinct customer_id from {checked} where is_guest and "
        f"not is_blank_text(customer_id)").fetchall()] if coded else []
    reasons = dict(con.execute(f"""
        select reason, count(*) from (
            select unnest(string_split(reject_reason, '; ')) as reason
            from {checked} where reject_reason is not null
        ) group by all order by all
    """).fetchall()) if quarantined else {}
    examples = [r[0] for r in con.execute(
        f"select source_line from {checked} where is_duplicate order by source_line limit 5"
    ).fetchall()] if duplicates else []
    con.execute(f"create or replace temp view stg_orders_checked as select * from {checked}")
    multi, constant = con.execute(db.sql_text("export_order_amounts")).fetchall()[0]
    con.execute("drop view if exists stg_orders_checked")
    orders, busiest = con.execute(f"""
        with orders as (
            select distinct customer_id, coalesce(order_id, source_file || ':' || source_line)
            from {checked}
            where reject_reason is null and not is_duplicate and customer_id is not null
        )
        select count(*), coalesce(max(n), 0) from (
            select customer_id, count(*) as n from orders group by all
        )
    """).fetchall()[0]
    if quarantined or raw.bad_rows:
        set_aside(con, checked, raw, target["quarantine"])
    return {"read": read, "clean": clean, "quarantined": quarantined, "duplicates": duplicates,
            "guest_rows": guest_rows, "guest_revenue": guest_revenue, "first": first,
            "last": last, "guests": guests, "coded": coded, "codes": sorted(codes)[:3],
            "refunded": refunded, "refund_unknown": refund_unknown, "shared": shared,
            "scientific": bool(scientific_orders or scientific_customers), "reasons": reasons,
            "examples": examples, "amount_orders": [multi, constant], "orders": orders,
            "busiest": busiest, "set_aside": bool(quarantined or raw.bad_rows)}


def spanning(con, folder: Path, parts: list[Part], keys: list[str]) -> list[str]:
    """Tables cross_order_ids and cross_row_hashes: the order ids in several files, and the row
    hashes of id-less lines in several files, from each file's index; returns the labels of the
    files that hold any. What spans the files of an earlier load (all of them still here) is
    kept from it (span-<key>.*): only the new files' ids are looked for in the others."""
    record = _span_record(folder, keys)
    members = set(record["members"]) if record else set()
    old = [p for p, k in zip(parts, keys) if k in members]
    new = [p for p, k in zip(parts, keys) if k not in members]

    def union(chosen: list[Part]) -> str:
        return " union all ".join(
            f"select {_path(p.label)} as source_file, order_id, row_hash "
            f"from read_parquet({_path(p.files['index'])})" for p in chosen) or (
            "select cast(null as varchar) as source_file, cast(null as varchar) as order_id, "
            "cast(null as ubigint) as row_hash where false")

    con.execute(f"create or replace temp table new_index as {union(new)}")
    kept = (f"select order_id, row_hash from read_parquet({_path(folder / record['rows'])})"
            if record else "select cast(null as varchar) as order_id, "
            "cast(null as ubigint) as row_hash where false")
    olds = ", ".join(_path(p.files["index"]) for p in old)
    found = (f"""
        union
        select distinct order_id, row_hash from read_parquet([{olds}])
        where order_id in (select order_id from new_index where order_id is not null)
            or row_hash in (select row_hash from new_index where order_id is null)
    """ if old else "")
    con.execute(f"""
        create or replace temp table cross_index as
        {kept}
        union
        select order_id, any_value(row_hash) from new_index where order_id is not null
        group by order_id having count(*) > 1
        union
        select null, row_hash from new_index where order_id is null
        group by row_hash having count(*) > 1
        {found}
    """)
    con.execute("create or replace temp table cross_order_ids as select distinct order_id "
                "from cross_index where order_id is not null")
    con.execute("create or replace temp table cross_row_hashes as select distinct row_hash "
                "from cross_index where order_id is null")
    _keep_span(con, folder, keys)
    touched = []
    if con.execute("select count(*) from cross_index").fetchall()[0][0]:
        touched = [r[0] for r in con.execute(f"""
            select distinct source_file from ({union(parts)})
            where order_id in (select order_id from cross_order_ids)
                or (order_id is null
                    and row_hash in (select row_hash from cross_row_hashes))
            order by all
        """).fetchall()]
    for name in ("new_index", "cross_index"):
        drop_relation(con, name)
    return touched


def _span_record(folder: Path, keys: list[str]) -> dict | None:
    """The largest record of what spanned files whose files are all among `keys`."""
    present, best = set(keys), None
    for name in {_read_json(folder / f"span-of-{key}.json").get("record") for key in keys}:
        said = _read_json(folder / f"{name}.json") if name else {}
        if (said.get("members") and set(said["members"]) <= present
                and (folder / said.get("rows", "-")).exists()
                and (best is None or len(said["members"]) > len(best["members"]))):
            best = said
    return best


def _keep_span(con, folder: Path, keys: list[str]) -> None:
    name = f"span-{cache_key({'members': sorted(keys)})}"
    rows = folder / f"{name}.parquet"
    if not rows.exists():
        tmp = rows.with_name(f".{rows.name}.{os.getpid()}.tmp")
        con.execute(f"copy cross_index to {_path(tmp)} (format parquet)")
        os.replace(tmp, rows)
        _write_json(folder / f"{name}.json", {"members": sorted(keys), "rows": rows.name})
    else:
        for path in (rows, folder / f"{name}.json"):
            with contextlib.suppress(OSError):
                os.utime(path)  # in use: kept by the store's sweep
    for key in keys:
        _write_json(folder / f"span-of-{key}.json", {"record": name})


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, value) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def check_across(con, touched: list[str], params: dict) -> None:
    """Table cross_checked: the lines of the orders in several files and of the repeated id-less
    rows in several files, checked together (with the export ranks: which export wins), from
    view all_parsed_order_lines (every file's parsed lines, ranked: file_cache.parse_each)."""
    labels = ", ".join(_path(t) for t in touched)
    con.execute(f"""
        create or replace temp view parsed_order_lines as
        select * from all_parsed_order_lines
        where source_file in ({labels}) and (
            order_id in (select order_id from cross_order_ids)
            or (order_id is null
                and cast(row_hash as ubigint) in (select row_hash from cross_row_hashes)))
    """)
    try:
        db.stage(con, "stg_order_structure", into="order_structure")
        db.stage(con, "stg_order_repeats", into="order_repeats")
        db.stage(con, "stg_order_lines", into="cross_checked", **params)
    finally:
        for name in ("parsed_order_lines", "order_structure", "order_repeats"):
            drop_relation(con, name)


def merge(con, part: Part, raw: RawFile, work: Path, drop_duplicates: bool, index: int) -> Part:
    """A file whose lines span files: its kept lines with those checked across files instead,
    derived again (in the work folder: never kept, the other files decide them)."""
    con.execute(f"""
        create or replace temp table part_checked as
        select * from (
            select * from read_parquet({_path(part.files['checked'])})
            where source_line not in (
                select source_line from cross_checked where source_file = {_path(part.label)})
            union all by name
            select * from cross_checked where source_file = {_path(part.label)}
        ) order by source_line
    """)
    files = {name: work / f"merged-{index:05d}.{name}.parquet" for name in OUTPUTS}
    con.execute(f"copy part_checked to {_path(files['checked'])} (format parquet)")
    files["index"] = part.files["index"]
    try:
        summary = derive(con, "part_checked", raw, files, drop_duplicates)
    finally:
        con.execute("drop table if exists part_checked")
    if not summary["set_aside"]:
        del files["quarantine"]
    return Part(part.label, files, summary, {})


# ---------------------------------------------------------------- the parts together


def stage(con, store, raws, picks, mapping, params, columns, settings, cache, work, *,
          drop_duplicates, detected, where, refund_header, heavy, normalise) -> LoadReport:
    """The orders staged file by file: each file's checked part kept, the lines that span files
    checked together, the load report from the parts' summaries (what ingest.staging does over
    every line at once on Spark, with the same messages in the same order)."""
    keys, batches = parse_each(con, store, raws, picks, mapping, params, columns, settings,
                               view="all_parsed_order_lines")
    line_params = {k: v for k, v in params.items() if k not in ("export_files", "export_ranks")}
    part_keys = [part_key(key, drop_duplicates) for key in keys]
    new = [(raw, key) for raw, key in zip(raws, part_keys)
           if _stored(store.folder, key, raw.label) is None]
    if len(new) > 1:
        together = {raw.label for raw in new_together(con, [raw for raw, _ in new])}
        groups, size = [[]], 0
        for raw, key in new:  # in groups of at most ON_DISK_ROWS lines
            if raw.label in together:
                if size + raw.rows > ON_DISK_ROWS and groups[-1]:
                    groups, size = groups + [[]], 0
                groups[-1].append((raw, key))
                size += raw.rows
        for group in groups:
            if len(group) > 1:
                check_together(con, store.folder, [raw for raw, _ in group],
                               [key for _, key in group], line_params, drop_duplicates)
    parts = [check_alone(con, store.folder, raw, batches[raw.label],
                         part_key(key, drop_duplicates), line_params, drop_duplicates)
             for raw, key in zip(raws, keys)]
    for part in parts:
        for name, sha in part.shas.items():
            stat = part.files[name].stat()
            store.shas[(stat.st_dev, stat.st_ino)] = sha
    touched = spanning(con, store.folder, parts, [part_key(k, drop_duplicates) for k in keys])
    spans = bool(touched)
    if spans:
        check_across(con, touched, params)
        parts = [merge(con, part, raw, work, drop_duplicates, i)
                 if part.label in touched else part
                 for i, (raw, part) in enumerate(zip(raws, parts))]
    all_checked(con, parts)
    said = total(parts)
    order_amount_shape(con, mapping, picks, detected, where, KnownRow(
        export_order_amounts=said["amount_orders"]))
    if said["guests"]:
        detected.append(guest_note(said["guests"], said["coded"], said["codes"]))
    # an order in several files is in the lines checked across files, whole
    detected += overlap.check_overlaps(con, "cross_checked") if spans else []
    if said["refund_unknown"]:
        refunds.check_refunds(con, "stg_orders_checked", refund_header, where)  # stops
    detected += refunds.refunded_note(refund_header, said["refunded"])
    if said["scientific"] or said["shared"] > SHARED_IDS_ALLOWED:
        check_ids(con, "stg_orders_checked", ("order_id", "customer_id"), where)
    # a key with many orders, or heavy buyers to say: the check over every file's lines
    if said["busiest_bound"] >= max(BUSY_MIN_ORDERS, BUSY_MIN_SHARE * said["orders"]):
        detected += check_busiest(con, "stg_orders_checked", heavy, where, normalise=normalise)
    return account_parts(parts, raws, mapping, cache, drop_duplicates, detected, said)


def total(parts: list[Part]) -> dict:
    """The summaries of every part, added up (what is additive: each order's usable lines are in
    one file; an id-less line is its own order)."""
    s = [p.summary for p in parts]
    firsts = [x["first"] for x in s if x["first"] is not None]
    lasts = [x["last"] for x in s if x["last"] is not None]
    reasons: dict[str, int] = {}
    for x in s:
        for reason, n in x["reasons"].items():
            reasons[reason] = reasons.get(reason, 0) + n
    return {
        "guest_rows": sum(x["guest_rows"] for x in s),
        "guest_revenue": sum((Decimal(x["guest_revenue"]) for x in s), Decimal(0)),
        "first": min(firsts) if firsts else None, "last": max(lasts) if lasts else None,
        "guests": sum(x["guests"] for x in s), "coded": sum(x["coded"] for x in s),
        "codes": sorted({c for x in s for c in x["codes"]})[:3],
        "refunded": sum(x["refunded"] for x in s),
        "refund_unknown": sum(x["refund_unknown"] for x in s),
        "shared": sum(x["shared"] for x in s),
        "scientific": any(x["scientific"] for x in s),
        "reasons": reasons,
        "examples": sorted((p.label, line) for p in parts for line in p.summary["examples"])[:5],
        "amount_orders": tuple(sum(x["amount_orders"][i] for x in s) for i in (0, 1)),
        "orders": sum(x["orders"] for x in s),
        # no key can have more orders than its most in each file together
        "busiest_bound": sum(x["busiest"] for x in s),
    }


class KnownRow:
    """A row known from the parts' summaries, for a check that asks a stager for it
    (detect.order_amount_shape: one_row('export_order_amounts'))."""

    def __init__(self, **rows):
        self.rows = rows

    def one_row(self, name: str):
        return self.rows[name]


def all_checked(con, parts: list[Part]) -> None:
    """View stg_orders_checked: every file's checked lines (for the returns, and for a check whose
    summaries say it has something to say: it reads them all, as a first staging does)."""
    paths = ", ".join(_path(p.files["checked"]) for p in sorted(parts, key=lambda p: p.label))
    con.execute(f"create or replace temp view stg_orders_checked as "
                f"select * from read_parquet([{paths}])")
