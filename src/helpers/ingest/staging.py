"""load(): an export staged as a table (orders as view order_lines, customers as view customers),
on DuckDB or on Spark, through the staging models (sql/staging/) over the columns that
ingest.readers wrote, with the shape ingest.detect decided, into the cache of ingest.cache; the
rows are accounted for by ingest.ledger. An unchanged export is read from the cache; two processes
staging the same export take turns. Each file is read, and its orders parsed, once
(ingest.file_cache): an export with a new file reads and parses that file, then checks what spans
files (an order in several files, repeated rows, order totals) over the parsed rows of all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

import duckdb

from helpers.core.errors import IngestError
from helpers.core.files import expand_inputs, file_label, file_sha256
from helpers.core.params import bytes_in, decimal_mark_setting
from helpers.core.paths import CACHE_DIR, QUARANTINE_DIR
from helpers.core.safety import (
    pid_lock,
)
from helpers.engine import db, spark_staging
from helpers.engine.db import drop_relation
from helpers.ingest import file_parts, overlap, phones, refunds
from helpers.ingest.cache import cache_key, publish, record, sweep_builds, verify_cache
from helpers.ingest.detect import (
    column_mark,
    decide_date_order,
    decide_decimal_mark,
    order_amount_shape,
    resolve_mapping,
    setting_of,
    shop_timezone,
    where_set,
)
from helpers.ingest.file_cache import FileEvidence, FileStore, parse_each
from helpers.ingest.file_checks import check_links
from helpers.ingest.guests import (
    check_busiest,
    check_ids,
    fold,
    guest_note,
    key_list,
)
from helpers.ingest.guests import guest_keys as guest_key_list
from helpers.ingest.ledger import (
    account_rows,
    add_part,
    republish_quarantine,
    split_by_file,
    staged_path,
)
from helpers.ingest.mappings import (
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    MappingError,
    header_key,
    refund_pairs,
    status_pairs,
)
from helpers.ingest.raw_views import amount_macro, ensure_macros, raw_view
from helpers.ingest.readers import check_file
from helpers.ingest.report import LoadReport

KINDS = {"orders": ORDER_COLUMNS, "customers": CUSTOMER_COLUMNS}
TABLES = {"orders": "order_lines", "customers": "customers"}


def load(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    *,
    mapping: str | dict = "auto",
    returns_path: str | Path | None = None,
    shop_tz: str = "Asia/Ho_Chi_Minh",
    drop_duplicates: bool = False,
    encoding: str = "utf-8",
    date_order: str | None = None,
    decimal_mark: str | dict | None = None,
    guest_keys=None,
    heavy_buyers=None,
    customer_key: str | None = None,
    phone_region: str | None = None,
    use_cache: bool = True,
    cache_dir: Path = CACHE_DIR,
    quarantine_dir: Path = QUARANTINE_DIR,
    spark=None,
) -> LoadReport:
    """Stage orders (and their returns) as view order_lines, or customers as view customers.
    With a SparkSession (`engine: spark`), every line is parsed and checked on Spark
    (helpers.spark_staging); the files it writes are the same."""
    started = time.perf_counter()
    cache_dir, quarantine_dir = Path(cache_dir), Path(quarantine_dir)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}")
    detected: list[str] = []
    check_links(path, f"{kind}_path")
    files = expand_inputs(path, key=f"{kind}_path")
    for f in files:
        check_file(f)
    mapping = resolve_mapping(mapping, files, encoding, detected, section=kind)
    shop_tz = shop_timezone(shop_tz, mapping, detected)
    overrides = {"date_order": date_order or None, "decimal_mark": decimal_mark or None,
                 "guest_keys": key_list(guest_keys, "guest_keys") or None,
                 "heavy_buyers": key_list(heavy_buyers, "heavy_buyers") or None,
                 "customer_key": customer_key or None, "phone_region": phone_region or None}
    if overrides["date_order"] and overrides["date_order"] not in ("auto", "dmy", "mdy", "ymd"):
        raise IngestError(f"date_order = {date_order!r}: use auto, dmy, mdy or ymd")
    decimal_mark_setting(overrides["decimal_mark"], "the decimal_mark parameter", IngestError)
    if kind == "orders" and returns_path:
        check_links(returns_path, "returns_path")
    return_files = expand_inputs(returns_path, key="returns_path") if (
        kind == "orders" and returns_path) else []
    if return_files and not mapping.get("returns"):
        raise IngestError(f"returns_path is set, but mapping {mapping['name']!r} has no returns: "
                          f"section saying which columns of the returns export hold the return "
                          f"id, the date and the amount (see params/mappings/kiotviet.yaml)")
    index = cache_dir if use_cache else None
    shas = [(str(f), file_sha256(f, index_dir=index)) for f in files]
    return_shas = [(str(f), file_sha256(f, index_dir=index)) for f in return_files]
    settings = {k: v for k, v in mapping.items() if not k.startswith("_")}
    key = cache_key({"files": [s for _, s in shas], "returns": [s for _, s in return_shas],
                      # where each file is, its name in the rows, and when it was exported
                      # (which export wins an order in several files): a renamed, moved or
                      # re-dated file with the same bytes is never served its old staging
                      "where": [_whereabouts(group, mapping) for group in (files, return_files)],
                      "kind": kind, "mapping": settings, "tz": shop_tz, "drop": drop_duplicates,
                      "enc": encoding, "overrides": overrides,
                      # two-digit birthdays depend on this year; orders do not
                      # (not the engine: DuckDB and Spark stage an export into the same files,
                      # so either one's cache serves both)
                      "year": date.today().year if kind == "customers" else None})
    cache = Path(cache_dir) / f"{kind}-{key}"
    table = TABLES[kind]
    ensure_macros(con)
    # two processes staging the same export (the monthly run's notebooks side by side, an
    # analyst's notebook beside the scheduled run) take turns: the second one finds the cache
    lock = (pid_lock(Path(cache_dir) / f".lock-{kind}-{key}", wait_seconds=STAGING_LOCK_WAIT)
            if use_cache else contextlib.nullcontext())
    with lock:
        return _load_or_stage(con, kind, files, return_files, mapping, overrides, cache, table,
                              path=path, shas=shas, return_shas=return_shas, detected=detected,
                              started=started, use_cache=use_cache, quarantine_dir=quarantine_dir,
                              shop_tz=shop_tz, drop_duplicates=drop_duplicates,
                              encoding=encoding, spark=spark)


def _whereabouts(files: list[Path], mapping: dict) -> list[list]:
    """Each file's path and label, and its export time when it is one of several files."""
    return [[str(Path(f).resolve()), file_label(f, files),
             overlap.export_time(f, mapping)[0].isoformat() if len(files) > 1 else None]
            for f in files]


def _load_or_stage(con, kind, files, return_files, mapping, overrides, cache, table, *, path,
                   shas, return_shas, detected, started, use_cache, quarantine_dir, shop_tz,
                   drop_duplicates, encoding, spark=None) -> LoadReport:
    if use_cache and (cache / "report.json").exists():
        damage = verify_cache(cache)
        if damage is None:
            # a view over the staged Parquet: nothing is copied, DuckDB reads only what queries use
            publish(con, cache, table)
            report = LoadReport(**json.loads((cache / "report.json").read_text(encoding="utf-8")))
            report.from_cache = True
            report.work = {"files": len(files) + len(return_files), "files_read": 0,
                           "files_parsed": 0}
            report.seconds = time.perf_counter() - started
            report.staged = str(staged_path(cache))
            republish_quarantine(cache, report, quarantine_dir)
            return report
        detected.append(f"the staging cache was damaged ({damage}): the export was read again")
        shutil.rmtree(cache, ignore_errors=True)

    cache.mkdir(parents=True, exist_ok=True)
    sweep_builds(cache)
    # models persisted from the export staged here before (db._persisted): read no more
    shutil.rmtree(cache / "models", ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=cache))
    # each file read and parsed once, kept by its own content (ingest.file_cache)
    store = FileStore(cache.parent / "files" if use_cache else work / "files")
    memory = StagingMemory(con)
    try:
        report = _stage(con, kind, files, return_files, mapping, overrides, cache, work,
                        shop_tz=shop_tz, drop_duplicates=drop_duplicates, encoding=encoding,
                        detected=detected, shas=shas, return_shas=return_shas, memory=memory,
                        spark=spark, store=store)
    except MappingError as exc:
        raise IngestError(str(exc)) from None
    finally:
        memory.restore()
        for name in ("raw_orders", "raw_returns", "raw_customers", "order_customers",
                     "stg_orders_checked", "stg_returns_checked", "stg_customers_checked",
                     "parsed_order_lines", "order_structure", "order_repeats", "phone_keys",
                     "contact_phones"):
            drop_relation(con, name)
        shutil.rmtree(work, ignore_errors=True)
    report.sha256 = hashlib.sha256("|".join(s for _, s in shas + return_shas).encode()).hexdigest() \
        if len(shas) + len(return_shas) > 1 else shas[0][1]
    report.path = str(path)
    report.work = dict(store.counts)
    if use_cache:
        store.sweep()  # files no staging has used for months
    report.seconds = time.perf_counter() - started
    # what the cache holds, to check it before it is trusted again (rows and bytes)
    record(cache, store.shas)
    (cache / "report.json").write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    publish(con, cache, table)
    republish_quarantine(cache, report, quarantine_dir)
    report.staged = str(staged_path(cache))
    return report

# DuckDB's memory while a first load parses and checks an export: what does not fit is spilled
# to DuckDB's temp_directory, so a file of tens of millions of lines stays within ~2 GB of memory
# (measured: 103 s at 1.6 GB against 82 s at 6.2 GB unbounded, 10M lines and 2M customers; a
# smaller memory_limit set by the run wins).
STAGING_MEMORY_LIMIT = "1200MB"
# ... and more for a larger export: joins and windows over the lines need room in proportion to
# them, and under 1.2 GB a 100M-line export ran out of memory (10M lines under 120 MB, the same
# ratio, fail alike; under 400 MB they load). Never above the run's own memory_limit.
STAGING_BYTES_PER_ROW = 120

# DuckDB's memory for one parsed or checked order line, roughly (10M lines under 800 MB spilled
# 2.8 GB for the two tables; 100M under 8 GB, 23 GB after two passes): when the export's lines
# would not fit the staging memory, staging keeps them in Parquet files
SCRATCH_BYTES_PER_ROW = 150

# how long a load waits for another process staging the same export before it gives up (a
# holder that died is taken over at once): 100M lines take about half an hour on 2 cores
STAGING_LOCK_WAIT = 4 * 3600


class StagingMemory:
    """DuckDB's memory_limit while an export is staged: STAGING_MEMORY_LIMIT, widened for a large
    export once its line count is known, never above the limit it had; restore() puts it back.
    What does not fit spills to DuckDB's temp_directory (by default .tmp in the working folder;
    db.connect can set another)."""

    def __init__(self, con):
        self.con = con
        self.limit = bytes_in(
            con.execute("select current_setting('memory_limit')").fetchall()[0][0])
        self._set(bytes_in(STAGING_MEMORY_LIMIT))

    def _set(self, cap: int) -> None:
        self.cap = min(self.limit, cap)
        self.con.execute(f"set memory_limit = '{self.cap}B'")

    def widen(self, rows: int) -> None:
        self._set(max(bytes_in(STAGING_MEMORY_LIMIT), rows * STAGING_BYTES_PER_ROW))

    def restore(self) -> None:
        self.con.execute(f"set memory_limit = '{self.limit}B'")


def _stage(con, kind, files, return_files, mapping, overrides, cache, work, *, shop_tz,
           drop_duplicates, encoding, detected, shas, return_shas, store, memory=None,
           spark=None) -> LoadReport:
    if spark is not None:
        with spark_staging.SparkStager(spark, work) as stager:
            return _stage_with(con, kind, files, return_files, mapping, overrides, cache, work,
                               shop_tz=shop_tz, drop_duplicates=drop_duplicates,
                               encoding=encoding, detected=detected, shas=shas,
                               return_shas=return_shas, memory=memory, stager=stager,
                               store=store)
    return _stage_with(con, kind, files, return_files, mapping, overrides, cache, work,
                       shop_tz=shop_tz, drop_duplicates=drop_duplicates, encoding=encoding,
                       detected=detected, shas=shas, return_shas=return_shas, memory=memory,
                       store=store)


def _stage_with(con, kind, files, return_files, mapping, overrides, cache, work, *, shop_tz,
                drop_duplicates, encoding, detected, shas, return_shas, store, memory=None,
                stager=None) -> LoadReport:
    raws = store.read_all(files, [s for _, s in shas], encoding=encoding)
    if memory is not None:
        memory.widen(sum(r.rows for r in raws))
    where = where_set(mapping)
    id_format = mapping.get("id_format") or {}
    ids = {f"{c}_integer": id_format.get(c) == "integer_text"
           for c in ("customer_id", "order_id", "return_id")}
    date_setting = setting_of(overrides, mapping, "date_order")
    mark_setting = setting_of(overrides, mapping, "decimal_mark")
    keys, values = status_pairs(mapping)
    checked_name = f"stg_{kind}_checked"
    if kind == "orders":
        columns = ["order_id", "customer_id", "order_date", "status", "channel", "refund_status",
                   "refund_amount", "quantity", "returned_quantity"]
        picks = raw_view(con, "raw_orders", raws, "orders", mapping, columns, stager)
        amount_columns = amount_macro(con, picks, mapping, stager)
        # on DuckDB, each file's evidence is kept with it (ingest.file_cache)
        files_say = (FileEvidence(con, store, raws, mapping, columns).of if stager is None
                     else lambda column: None)
        order_date = decide_date_order(con, "select order_date as value from raw_orders",
                                        "order dates", date_setting, where, detected,
                                        stager=stager, evidence=files_say("order_date"))
        # the decimal mark of each column of the amount expression, from its own values
        headers = picks[0]["amount_headers"] or []
        marks = [decide_decimal_mark(
            con, f"select amount_{i + 1} as value from raw_orders",
            "amounts" if len(headers) < 2 else f"amounts in '{header}'",
            column_mark(overrides, mapping, header), where, detected, stager=stager,
            column=header if len(headers) > 1 else None, evidence=files_say(f"amount_{i + 1}"))
            for i, header in enumerate(headers)] or [
            decide_decimal_mark(con, "select amount_1 as value from raw_orders", "amounts",
                                mark_setting, where, detected, stager=stager,
                                evidence=files_say("amount_1"))]
        mark = marks[0] if len(set(marks)) == 1 else dict(zip(headers, marks))
        # a refunded amount on the order (refund_amount) has its own column and its own evidence
        refund_header = picks[0]["columns"].get("refund_amount")
        _check_mark_columns(overrides, mapping, headers + [h for h in [refund_header] if h])
        refund_mark = decide_decimal_mark(
            con, "select refund_amount as value from raw_orders",
            f"refunded amounts in '{refund_header}'", column_mark(overrides, mapping, refund_header),
            where, detected, stager=stager, column=refund_header,
            evidence=files_say("refund_amount")) if refund_header else marks[0]
        column_marks = {f"decimal_mark_{i + 1}": (marks + [marks[0]] * 6)[i] for i in range(6)}
        level_order = mapping.get("amount_level") == "order"
        params = {"shop_tz": shop_tz, "date_order": order_date, **column_marks,
                  "refund_decimal_mark": refund_mark,
                  "empty_amount_is_zero": mapping.get("empty_amount", "quarantine") == "zero",
                  "amount_level_order": level_order, "amount_columns": amount_columns,
                  "customer_id_integer": ids["customer_id_integer"],
                  "order_id_integer": ids["order_id_integer"],
                  "status_keys": keys, "status_values": values,
                  "guest_keys": guest_key_list(mapping, overrides["guest_keys"])}
        params["customer_key_phone"] = phones.register_phone_keys(
            con, "raw_orders", mapping, overrides, detected, stager,
            guest_list=params["guest_keys"])
        refund_keys, refund_values = refund_pairs(mapping)
        params |= {"refund_keys": [fold(k) for k in refund_keys], "refund_values": refund_values}
        refund_header = refunds.check_refund_words(con, picks, mapping, where, stager)
        export_files, export_ranks, notes = overlap.ranks(raws, mapping)
        detected += notes
        params |= {"export_files": export_files, "export_ranks": export_ranks}
        rows = sum(r.rows for r in raws)
        heavy = key_list(mapping.get("heavy_buyers"), "heavy_buyers") + list(
            overrides["heavy_buyers"] or [])
        region = phones.region_of(overrides, mapping)
        normalise = ((lambda k: phones.phone_key(k, region)) if params["customer_key_phone"]
                     else None)
        settings = {"mapping": {k: v for k, v in mapping.items() if not k.startswith("_")},
                    "overrides": overrides}
        if stager is None and not ALL_AT_ONCE and len(raws) > 1:
            # each file checked alone and kept; what spans files checked again (file_parts).
            # One file is checked as before: its parts would only add passes (at 10M lines a
            # typed Parquet file staged in 70 s this way against 51 s), and a single export
            # that grows is a new file every month, so nothing of it would be kept
            report = file_parts.stage(con, store, raws, picks, mapping, params, columns, settings,
                                    cache, work, drop_duplicates=drop_duplicates,
                                    detected=detected, where=where, refund_header=refund_header,
                                    heavy=heavy, normalise=normalise)
            return _finish(con, report, raws, mapping, picks, order_date, mark, level_order,
                           return_files, overrides, cache, work, shop_tz=shop_tz,
                           drop_duplicates=drop_duplicates, encoding=encoding, ids=ids,
                           keys=keys, values=values, return_shas=return_shas, stager=stager,
                           store=store)
        if stager is not None:
            stager.order_lines(con, checked_name, params)
        else:
            parse_each(con, store, raws, picks, mapping, params, columns, settings)
            _stage_order_lines(con, work, checked_name, params, on_disk=memory is not None
                               and rows * SCRATCH_BYTES_PER_ROW > memory.cap)
        order_amount_shape(con, mapping, picks, detected, where, stager)
        guests, coded, codes = con.execute(
            f"select count(*) filter (where is_guest), count(*) filter (where is_guest and not "
            f"is_blank_text(customer_id)), list(distinct customer_id) filter (where is_guest and "
            f"not is_blank_text(customer_id)) from {checked_name}").fetchall()[0]
        if guests:
            detected.append(guest_note(guests, coded, codes or []))
        detected += overlap.check_overlaps(con, checked_name)
        detected += refunds.check_refunds(con, checked_name, refund_header, where)
        check_ids(con, checked_name, ("order_id", "customer_id"), where)
        # the mapping's heavy buyers and the run's, as guest_keys add up
        detected += check_busiest(con, checked_name, heavy, where, normalise=normalise)
    else:
        columns = list(CUSTOMER_COLUMNS)
        raw_view(con, "raw_customers", raws, "customers", mapping, columns, stager)
        # each date column by its own values (a signup date the system writes and a birthday
        # staff type may be written two ways); one without evidence is read day first
        orders_of_dates = {column: decide_date_order(
            con, f"select {column} as value from raw_customers", what, date_setting, where,
            detected, fallback="dmy" if date_setting[0] == "auto"
            and mapping.get("date_order") in (None, "auto") else None, stager=stager)
            for column, what in (("signup_date", "signup dates"), ("birthday", "birthdays"))}
        params = {"shop_tz": shop_tz, "signup_date_order": orders_of_dates["signup_date"],
                  "birthday_order": orders_of_dates["birthday"],
                  "birthday_pivot_year": date.today().year,
                  "customer_id_integer": ids["customer_id_integer"],
                  "customer_key_phone": phones.register_phone_keys(
                      con, "raw_customers", mapping, overrides, detected, stager)}
        phones.register_contact_phones(con, "raw_customers", phones.region_of(overrides, mapping),
                                       stager)
        if stager is not None:
            stager.stage(con, "stg_customers", checked_name, params)
        else:
            db.stage(con, "stg_customers", into=checked_name, **params)
        # the rows still load; the dates that could not be read are counted, never hidden
        signup, birthday = con.execute(f"""
            select
                count(*) filter (where not is_blank_text(signup_date_text) and signup_date is null),
                count(*) filter (where not is_blank_text(birthday_text) and birthday is null)
            from {checked_name} where reject_reason is null
        """).fetchall()[0]
        for n, what in ((signup, "signup dates"), (birthday, "birthdays")):
            if n:
                detected.append(f"{n:,} {what} could not be read as dates: those customers load "
                                f"without one")
    report = account_rows(con, kind, checked_name, raws, mapping, cache, "staged.parquet",
                     "quarantine", drop_duplicates, detected)
    if kind == "orders" and len(raws) > 1:
        # published as staging file by file does: a part per file
        split_by_file(con, cache, [raw.label for raw in raws])
    if kind == "customers":
        return _finish(con, report, raws, mapping, None, None, None, None, [], overrides, cache,
                       work, stager=stager)
    return _finish(con, report, raws, mapping, picks, order_date, mark, level_order,
                   return_files, overrides, cache, work, shop_tz=shop_tz,
                   drop_duplicates=drop_duplicates, encoding=encoding, ids=ids, keys=keys,
                   values=values, return_shas=return_shas, stager=stager, store=store)


# the orders' checks over every file's lines together, as before issue 34's parts (the Spark
# staging always; the tests set it to compare the parts with it)
ALL_AT_ONCE = False


def _finish(con, report, raws, mapping, picks, order_date, mark, level_order, return_files,
            overrides, cache, work, *, stager, **returns) -> LoadReport:
    """The facts of the load, and the returns staged beside the orders."""
    report.facts = {"mapping": mapping.get("name"), "files": len(raws),
                    "mapping_auto": any(d.startswith("mapping auto") for d in report.detected),
                    "engine": "duckdb" if stager is None else "spark"}
    if picks is not None:
        report.facts |= {"date_order": order_date, "decimal_mark": mark,
                         "amount": picks[0]["amount"], "amount_level":
                         "order" if level_order else "line"}
    if picks is not None and return_files:
        report.returns = _stage_returns(con, return_files, mapping, overrides, cache, work,
                                        orders_date_order=order_date, orders_mark=mark,
                                        stager=stager, shas=returns.pop("return_shas"),
                                        **returns)
    return report


def _check_mark_columns(overrides: dict, mapping: dict, amount_headers: list[str]) -> None:
    """A decimal mark given for a column the amount does not read is a mistake, never ignored."""
    read = {header_key(h) for h in amount_headers}
    for given, by in ((overrides.get("decimal_mark"), "the decimal_mark parameter"),
                      (mapping.get("decimal_mark"), "the mapping")):
        unknown = [c for c in (given if isinstance(given, dict) else {}) if header_key(c) not in read]
        if unknown:
            raise IngestError(f"decimal_mark in {by} names {', '.join(repr(c) for c in unknown)},"
                              f" which the amount does not read (it reads "
                              f"{', '.join(repr(h) for h in amount_headers)})")


def _stage_order_lines(con, work: Path, checked_name: str, params: dict, *,
                       on_disk: bool) -> None:
    """The orders export's rows checked (`checked_name`) from their parsed lines (view
    parsed_order_lines: each file parsed on its own, ingest.file_cache), in three passes over
    every file; only the orders with several lines are ever grouped, never every line at once.
    The checked lines are a DuckDB table, or, when they would not fit DuckDB's memory (on_disk),
    a Parquet file in the work folder: a spilled table takes about seven times the disk of the
    same rows in Parquet (100M lines under 8 GB had spilled 23 GB after the first two passes)."""
    db.stage(con, "stg_order_structure", into="order_structure")
    db.stage(con, "stg_order_repeats", into="order_repeats")
    if on_disk:
        target = work / f"{checked_name}.parquet"
        db.stage_to(con, "stg_order_lines", target, **params)
        drop_relation(con, checked_name)
        con.read_parquet(str(target)).create_view(checked_name)
    else:
        db.stage(con, "stg_order_lines", into=checked_name, **params)
    for name in ("parsed_order_lines", "order_structure", "order_repeats", "file_export_ranks"):
        drop_relation(con, name)


def _stage_returns(con, return_files, mapping, overrides, cache, work, *, shop_tz,
                   drop_duplicates, encoding, ids, keys, values, orders_date_order,
                   orders_mark, shas, store, stager=None) -> dict:
    detected: list[str] = []
    where = where_set(mapping)
    raws = store.read_all(return_files, [s for _, s in shas], encoding=encoding, prefix="ret")
    block = mapping["returns"]
    # a return in several files is read from the file exported last (ingest.overlap)
    export_files, export_ranks, notes = overlap.ranks(raws, mapping)
    detected += notes
    columns = ["return_id", "order_id", "customer_id", "return_date", "status"]
    picks = raw_view(con, "raw_returns", raws, "returns", mapping, columns, stager)
    if not picks[0]["expr"] or not picks[0]["expr"].is_single_column():
        raise IngestError(f"{where}: returns.amount must name one column (what is paid back)")
    date_setting = setting_of(overrides, mapping, "date_order")
    mark_setting = setting_of(overrides, mapping, "decimal_mark")
    return_date = decide_date_order(con, "select return_date as value from raw_returns",
                                     "return dates", date_setting, where, detected,
                                     fallback=orders_date_order if orders_date_order != "ymd"
                                     else None, stager=stager)
    orders_mark = orders_mark if isinstance(orders_mark, str) else None
    mark = decide_decimal_mark(con, "select amount_1 as value from raw_returns",
                                "return amounts", mark_setting, where, detected,
                                fallback=orders_mark, stager=stager)
    # one row per order id of the orders export, with its customer (or a guest sale)
    con.execute("""
        create or replace temp view order_customers as
        select order_id, any_value(customer_id) as customer_id, bool_and(is_guest) as is_guest
        from stg_orders_checked where order_id is not null group by all
    """)
    level_order = (block.get("amount_level") or "order") == "order"
    detected.append("what is paid back is counted " + ("once per return (the return's total is "
                    "repeated on its lines)" if level_order else "on every line"))
    params = {"shop_tz": shop_tz, "date_order": return_date, "decimal_mark": mark,
              "amount_level_order": level_order,
              "guest_keys": guest_key_list(mapping, overrides["guest_keys"]),
              "export_files": export_files, "export_ranks": export_ranks,
              "customer_id_integer": ids["customer_id_integer"],
              "order_id_integer": ids["order_id_integer"],
              "return_id_integer": ids["return_id_integer"], "status_keys": keys,
              "status_values": values}
    if stager is not None:
        stager.order_customers()
        stager.stage(con, "stg_return_lines", "stg_returns_checked", params,
                     nfc=stager.nfc_pairs("raw_returns", "status"))
    else:
        db.stage(con, "stg_return_lines", into="stg_returns_checked", **params)
    report = account_rows(con, "returns", "stg_returns_checked", raws, mapping, cache,
                     "returns.parquet", "quarantine-returns", drop_duplicates, detected)
    report.path = ", ".join(str(f) for f in return_files)
    report.sha256 = hashlib.sha256("|".join(sha for _, sha in shas).encode()).hexdigest()
    # the staged returns join the orders (a part after the orders'): refunds on their own dates
    add_part(cache, "staged", cache / "returns.parquet")
    return asdict(report)


def load_orders(con, path, **kwargs) -> LoadReport:
    """Stage the orders export(s) (and returns_path) as view `order_lines`."""
    return load(con, "orders", path, **kwargs)


def customers_mapping(mapping: str | dict, orders: LoadReport) -> str | dict:
    """The mapping for the customers export: the one the orders were read with."""
    if isinstance(mapping, str) and mapping == "auto":
        return orders.mapping
    return mapping


def load_customers(con, path, **kwargs) -> LoadReport:
    """Stage the customers export as view `customers` (one row per customer_id)."""
    kwargs.pop("returns_path", None)
    return load(con, "customers", path, **kwargs)
