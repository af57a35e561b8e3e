"""Segment snapshots: every customer's segment as of a date, kept so later runs can compare.

data/processed/snapshots/customer_segments/scheme=<s>/as_of=<date>/key=<k>/segments.parquet
The key is a hash of the settings and of what the segments at that date depend on, so a snapshot
made from other data or other settings is never mistaken for this one; meta.json says what
produced it.

What a date's segments depend on is the content of the staged lines dated up to it (and of the
customers signed up by then), not the whole export: nothing after the date counts at the date
(the as-of rule), so a new month's file that adds only later lines leaves every earlier snapshot
valid, and a late cancellation of an old order invalidates exactly the dates on or after its
line (`content_checksums`, an order-independent sum of row hashes per day, in SQL).

Segments at a date (segments_source) come from the stored snapshot when one exists for exactly
these settings and content, and are computed from the data otherwise (and then stored); the dates
of a trend that have none are computed in one pass (`prepare`, rfm_segments_at_dates). The as-of
rule makes all three give the same answer. Pages 02, 05 and the explorer read them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import warnings
import weakref
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.checks import check_whole
from helpers.core.errors import ParamError
from helpers.core.files import file_sha256
from helpers.core.params import RunParams, bytes_in, month_end, month_end_before
from helpers.core.paths import SNAPSHOTS_DIR
from helpers.core.safety import folder_name, inside, pid_lock
from helpers.core.schemes import Scheme
from helpers.engine import db
from helpers.kit import rfm
from helpers.kit.export import write_query_parquet

SNAPSHOT_COLUMNS = ["customer_id", "segment", "r_score", "f_score", "m_score", "fm_score",
                    "recency_days", "frequency", "monetary", "first_purchase_date"]



def segments_query(table: str, dated: bool = False) -> str:
    """A snapshot's rows from `table`, an rfm_segments table (as db.table_name gives it), or
    when `dated` the rows at $as_of of an rfm_segments_at_dates table."""
    where = " where as_of = $as_of" if dated else ""
    return f"select {', '.join(SNAPSHOT_COLUMNS)} from {table}{where} order by customer_id"


# The rows of a staged line that a segment can depend on: the customer, the order it belongs
# to, its date, its amount, and whether its status is excluded (a status changed to another kept
# status changes no segment). source_file and source_line are left out: they only tell lines
# without an order_id apart, which are orders of their own whatever their numbers.
_DAILY_LINES = """
    select
        order_date,
        count(*) as n,
        sum(hash(customer_id, order_id, is_return, order_date, amount,
                 list_contains(cast($excluded as varchar[]),
                               coalesce(lower(trim(status)), '')))) as h
    from order_lines
    where order_date is not null
    group by order_date
"""
_DAILY_CUSTOMERS = """
    select signup_date, count(*) as n, sum(hash(customer_id)) as h
    from customers
    group by signup_date
"""


# connection -> {(what order_lines and customers are, statuses): (last date, daily sums)}: page
# 05 asks for one date per campaign, each a scan of the lines otherwise
_DAILY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_STAMP = """
    select 'view', view_name, view_oid, sql, 0 from duckdb_views()
    where view_name in ('order_lines', 'customers') and temporary
    union all
    select 'table', table_name, table_oid, sql, estimated_size from duckdb_tables()
    where table_name in ('order_lines', 'customers') and temporary
    order by 2, 1
"""


def _daily(con, excluded: list[str]) -> tuple[list, list]:
    """The lines' and the customers' (count, hash sum) per day (every day: the callers sum those
    up to each date), kept for the connection while order_lines and customers are the same
    objects (a view over the same staged file, a table not replaced), and beside the staged
    files for the next notebook that reads them (_stored_daily)."""
    stamp = (tuple(con.execute(_STAMP).fetchall()), tuple(excluded))
    try:
        held = _DAILY.setdefault(con, {})
    except TypeError:  # a connection that takes no weak reference: nothing kept
        held = {}
    known = held.get(stamp)
    if known is not None:
        return known
    stored = _stored_daily(con, excluded)
    found = _read_daily(stored) if stored is not None else None
    if found is None:
        found = (con.execute(_DAILY_LINES, {"excluded": excluded}).fetchall(),
                 con.execute(_DAILY_CUSTOMERS).fetchall())
        if stored is not None:
            _write_daily(stored, *found)
    held.clear()
    held[stamp] = found
    return found


def _stored_daily(con, excluded: list[str]) -> Path | None:
    """Where the daily sums of the staged files order_lines and customers are kept: beside the
    staged orders (its cache folder's models/, as db._persisted keeps int_order_totals), named by
    both files' identities (path, time, size), the statuses, the SQL and DuckDB's version (its
    hash). Pages 01, 02 and 05 each scanned every line for them (about 1.4 CPU-s at 10M lines);
    the first writes them, the others read a few kB. None when either table is not a staged
    Parquet file (a registered frame, the empty customers table): then they are computed."""
    ids = [db.source_identity(con, table) for table in ("order_lines", "customers")]
    if not all(i.startswith("parquet:") for i in ids):
        return None
    key = hashlib.sha256(json.dumps([ids, excluded, duckdb.__version__, _DAILY_LINES,
                                     _DAILY_CUSTOMERS]).encode()).hexdigest()[:16]
    return Path(ids[0].split(":", 1)[1].rsplit(":", 2)[0]).parent / "models" / (
        f"segment_content__{key}.json")


def _read_daily(path: Path) -> tuple[list, list] | None:
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return ([(date.fromisoformat(d), n, h) for d, n, h in kept["lines"]],
                [(date.fromisoformat(d) if d else None, n, h) for d, n, h in kept["customers"]])
    except (OSError, ValueError, TypeError, KeyError):
        return None  # none yet, or unreadable: computed again (and written whole)


def _write_daily(path: Path, lines: list, people: list) -> None:
    kept = {"lines": [(d.isoformat(), n, int(h)) for d, n, h in lines],
            "customers": [(d.isoformat() if d else None, n, int(h)) for d, n, h in people]}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        tmp.write_text(json.dumps(kept), encoding="utf-8")
        tmp.replace(path)
    except OSError:  # a folder that cannot be written: computed each time, as before
        tmp.unlink(missing_ok=True)
        return
    # the sums of other files (last month's export): gone when unused for a day, as db's are
    for old in path.parent.glob("segment_content__*.json"):
        with contextlib.suppress(OSError):
            if old != path and time.time() - old.stat().st_mtime > db.PERSISTED_KEPT_SECONDS:
                old.unlink()


def content_checksums(con, dates, excluded_statuses) -> dict[date, dict[str, str]]:
    """What the segments at each date depend on, per date: the number and an order-independent
    sum of hashes of the staged lines dated on or before it, and of the customers signed up by
    then (no signup date: at every date). One scan of the staged tables for every date, done by
    DuckDB over the staged Parquet on either engine (order_lines and customers are DuckDB views
    whichever engine runs the models); the hash is DuckDB's, so its version is part of the key."""
    dates = sorted(set(dates))
    if not dates:
        return {}
    lines, people = _daily(con, [str(s) for s in excluded_statuses])
    out = {}
    for day in dates:
        n = sum(r[1] for r in lines if r[0] <= day)
        h = sum(int(r[2]) for r in lines if r[0] <= day) % 2 ** 64
        cn = sum(r[1] for r in people if r[0] is None or r[0] <= day)
        ch = sum(int(r[2]) for r in people if r[0] is None or r[0] <= day) % 2 ** 64
        out[day] = {"lines": f"{n}:{h:016x}", "customers": f"{cn}:{ch:016x}",
                    "hash": f"duckdb {duckdb.__version__}"}
    return out


def snapshot_key(settings: dict, input_checksums: dict[str, str]) -> str:
    material = json.dumps({"settings": settings, "inputs": input_checksums}, sort_keys=True,
                          default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def snapshot_dir(*, scheme: str, as_of: date, key: str, root: Path = SNAPSHOTS_DIR) -> Path:
    """The snapshot's folder, always inside the store: a scheme given as a path is named by its
    file name and a hash of its location (`../../x.yaml` never climbs out)."""

    name = folder_name(scheme)
    base = Path(root) / "customer_segments"
    return inside(base, base / f"scheme={name}" / f"as_of={as_of}" / f"key={key}")


def write_snapshot(con: duckdb.DuckDBPyConnection, *, scheme: str, as_of: date, settings: dict,
                   input_checksums: dict[str, str], root: Path = SNAPSHOTS_DIR,
                   segments: str | None = None, dated: bool = False) -> Path:
    """Write the rfm_segments table `segments` (rfm.build_rfm_segments(…).alias, or
    db.table_name) as a snapshot; the same inputs and settings give the same bytes. Without
    `segments`, the rfm_segments table built last (db.latest): callers should pass it. When
    `dated`, `segments` is an rfm_segments_at_dates table and its rows at `as_of` are written
    (the same bytes as the single date's table gives)."""
    segments = segments or db.latest(con, "rfm_segments")

    key = snapshot_key(settings, input_checksums)
    folder = snapshot_dir(scheme=scheme, as_of=as_of, key=key, root=root)
    folder.mkdir(parents=True, exist_ok=True)
    # one writer at a time per snapshot (an analyst's notebook and the monthly run may meet)
    with pid_lock(folder / ".lock"):
        # streamed in batches from DuckDB: every customer never sits in Python at once
        path = write_query_parquet(con, segments_query(segments, dated),
                                   folder / "segments.parquet",
                                   {"as_of": as_of} if dated else None)
        meta = {"scheme": scheme, "as_of": as_of.isoformat(), "key": key, "settings": settings,
                "input_checksums": input_checksums,
                "rows": pq.ParquetFile(path).metadata.num_rows,
                "sha256": file_sha256(folder / "segments.parquet"),
                # customers per segment, for the trend (segment_counts): counted here, in the
                # table just built, rather than read back from the file every later month
                "segments": dict(con.execute(
                    f"select segment, count(*) from {segments}"
                    f"{' where as_of = $as_of' if dated else ''} group by segment order by segment",
                    {"as_of": as_of} if dated else None).fetchall())}
        tmp = folder / f".meta.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(meta, indent=1, sort_keys=True, default=str), encoding="utf-8")
        tmp.replace(folder / "meta.json")
    return folder / "segments.parquet"


def read_snapshot(*, scheme: str, as_of: date, settings: dict, input_checksums: dict[str, str],
                  root: Path = SNAPSHOTS_DIR) -> pa.Table | None:
    """The stored snapshot for exactly these settings and inputs, or None (then it is computed
    again). A snapshot whose bytes differ from what was written (edited, truncated) is never
    used: its checksum and row count are recorded in meta.json when it is written."""
    path = snapshot_file(scheme=scheme, as_of=as_of, settings=settings,
                         input_checksums=input_checksums, root=root)
    return None if path is None else pq.read_table(path)


def snapshot_file(*, scheme: str, as_of: date, settings: dict, input_checksums: dict[str, str],
                  root: Path = SNAPSHOTS_DIR) -> Path | None:
    """read_snapshot's file, checked, without reading it into memory (a model reads it)."""
    key = snapshot_key(settings, input_checksums)
    folder = snapshot_dir(scheme=scheme, as_of=as_of, key=key, root=root)
    path = folder / "segments.parquet"
    if not path.exists():
        return None
    # a writer in another process (the monthly run's notebooks run side by side) finishes first
    try:
        with pid_lock(folder / ".lock"):
            return _checked(path, folder / "meta.json")
    except PermissionError:  # a read-only copy of the snapshots: nobody writes there
        return _checked(path, folder / "meta.json")


def _checked(path: Path, meta_path: Path) -> Path | None:
    """The snapshot's file when it has the bytes and rows its meta.json records; a damaged,
    missing or unreadable meta.json (not JSON, not a mapping) counts as no snapshot: it is
    computed again and written whole, and a warning says so."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("meta.json is not a mapping")
        if meta.get("sha256") != file_sha256(path):
            raise ValueError("checksum differs")
        if pq.ParquetFile(path).metadata.num_rows != meta.get("rows"):
            raise ValueError("row count differs")
    except (OSError, ValueError, TypeError, pa.ArrowException) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        warnings.warn(f"snapshot {path.parent} is damaged ({reason}): computed again",
                      stacklevel=5)
        return None
    return path


def root() -> Path:
    """The snapshot root segments_source reads by default (data/processed/snapshots), which a
    test's private store moves (its `snapshot_root` default): the pages' own stores beside the
    segment snapshots (page 05's campaign days, page 04's tiers) follow it."""
    return Path(segments_source.__kwdefaults__["snapshot_root"])


def segments_source(con, name: str, *, run: RunParams, scheme: Scheme, as_of: date,
                    input_checksums: dict[str, str], snapshot_root: Path = SNAPSHOTS_DIR,
                    use_snapshots: bool = True, keep: bool = True) -> str:
    """Source `name` (seg_from, seg_to, …) holds every customer's segment as of `as_of`;
    returns 'snapshot' or 'computed'. The name is pointed at this date's segments whatever it
    held before (it is this function's to point); models read it as a declared input
    (segment_movers' `-- inputs:`), whose identity is part of their key.

    The snapshot is looked up by what the segments at `as_of` depend on (content_checksums of
    the staged tables); `input_checksums` (the exports' checksums) is kept for the callers and
    no longer part of the key: a new export that changes nothing up to `as_of` finds it.

    A stored snapshot is read where it lies (a view over its Parquet file, on Spark too), never
    copied into Python: at 100M lines a date holds 18.7M customers. A computed date is kept as a
    snapshot and read from it, unless `keep` is False (notebook 05 only reads them, so that page
    02, which says where each date's segments came from, reads the same whatever runs beside);
    then the source is the built table itself."""
    settings = rfm.snapshot_settings(run, scheme)
    content = content_checksums(con, [as_of], run.excluded_statuses)[as_of]
    if use_snapshots:
        stored = snapshot_file(scheme=run.scheme, as_of=as_of, settings=settings,
                               input_checksums=content, root=snapshot_root)
        if stored is not None:
            db.register_parquet(con, name, stored, replace=True)
            return "snapshot"
    built = rfm.build_rfm_segments(con, run=run, scheme=scheme, as_of=as_of)
    if keep:
        path = write_snapshot(con, scheme=run.scheme, as_of=as_of, settings=settings,
                              input_checksums=content, root=snapshot_root,
                              segments=built.alias)
        db.register_parquet(con, name, path, replace=True)
    else:
        db.alias(con, name, built.alias, replace=True)
    return "computed"


def prepare(con, *, run: RunParams, scheme: Scheme, dates, snapshot_root: Path = SNAPSHOTS_DIR,
            use_snapshots: bool = True) -> dict[date, tuple[str, Path]]:
    """Every date's segments stored as a snapshot: {date: ('snapshot' or 'computed', its
    file)}, oldest first. The dates with a valid snapshot are read from it; the others are
    computed together, in one pass over the lines (rfm_segments_at_dates) when there are two or
    more, and each stored. Without `use_snapshots` every date is computed (and stored again)."""
    dates = sorted(set(dates))
    settings = rfm.snapshot_settings(run, scheme)
    contents = content_checksums(con, dates, run.excluded_statuses)
    out: dict[date, tuple[str, Path]] = {}
    for day in dates:
        stored = snapshot_file(scheme=run.scheme, as_of=day, settings=settings,
                               input_checksums=contents[day], root=snapshot_root
                               ) if use_snapshots else None
        if stored is not None:
            out[day] = ("snapshot", stored)
    missing = [d for d in dates if d not in out]
    groups = date_groups(con, missing, run.excluded_statuses)
    for group in groups:
        # a group's tables are in its snapshots once written: dropped then, so that the next
        # group has the memory (a lone date's chain stays, as any date's built on the page)
        with db.scratch(con) if len(groups) > 1 or len(group) > 1 else contextlib.nullcontext():
            if len(group) == 1:
                table = rfm.build_rfm_segments(con, run=run, scheme=scheme,
                                               as_of=group[0]).alias
            else:
                # one pass over the lines for the group: each date's rows as it alone gives them
                table = rfm.build_rfm_segments_at_dates(con, run=run, scheme=scheme,
                                                        dates=group).alias
            for day in group:
                path = write_snapshot(con, scheme=run.scheme, as_of=day, settings=settings,
                                      input_checksums=contents[day], root=snapshot_root,
                                      segments=table, dated=len(group) > 1)
                out[day] = ("computed", path)
    return {d: out[d] for d in dates}


# What one (date, customer) row of the one-pass trend costs DuckDB over its chain of models
# (int_orders_at_dates to rfm_segments_at_dates, the grouping by customer and date and the
# scores' windows per date): at 100M lines (about 14 to 19 million customers at each of twelve
# month ends, 8 GB of memory) the pass needed more than 22 GB of temporary disk beside its
# memory, over 150 bytes a row; twice that keeps a group's pass mostly in memory. An estimate
# on the safe side (a date a pass at 100M), not a measurement.
TREND_BYTES_PER_ROW = 300

# the customers at each date: who bought by then, and who signed up by then (or without a
# date) without buying; the rows of rfm_segments_at_dates
_CUSTOMERS_AT = """
    select {counts}
    from (
        select customer_id, order_date as day from order_lines where order_date is not null
        union all
        select customer_id, coalesce(signup_date, cast('0001-01-01' as date)) from customers
    )
"""


def date_groups(con, dates, excluded_statuses) -> list[list[date]]:
    """The dates (oldest first) in groups of consecutive dates, each computed in one pass: as
    many as their rows fit DuckDB's memory_limit at TREND_BYTES_PER_ROW each, a row per date and
    customer (who bought or signed up by then), and at least one date a group. At 10M lines (2M
    customers) the twelve month ends are one pass; at 100M lines with 8 GB, a pass a date (one
    pass over all twelve needed more than 22 GB of temporary disk). The customers are counted
    (approx_count_distinct, one scan) only when the lines and sign-ups up to the dates could be
    too many (each customer has one or the other), from the daily sums of `content_checksums`
    for the same `excluded_statuses` (run.excluded_statuses: read, not computed again)."""
    dates = sorted(set(dates))
    if len(dates) < 2:
        return [dates] if dates else []
    budget = bytes_in(db.one(con, "select current_setting('memory_limit')")[0]
                      ) // TREND_BYTES_PER_ROW
    lines, people = _daily(con, [str(s) for s in excluded_statuses])
    most = [sum(n for day, n, _ in lines if day <= d)
            + sum(n for day, n, _ in people if day is None or day <= d) for d in dates]
    if sum(most) <= budget:
        return [dates]
    counted = db.one(con, _CUSTOMERS_AT.format(counts=", ".join(
        "approx_count_distinct(customer_id) filter (where day <= ?)" for _ in dates)), dates)
    groups: list[list[date]] = []
    held = 0
    for day, customers in zip(dates, counted, strict=True):
        if groups and held + customers <= budget:
            groups[-1].append(day)
            held += customers
        else:
            groups.append([day])
            held = customers
    return groups


def segment_counts(con, path: Path) -> dict[str, int]:
    """Customers per segment in the snapshot file `path` (as `prepare` gives it, checked): from
    its meta.json, where write_snapshot counts them; counted in the file for a snapshot written
    before it did."""
    try:
        meta = json.loads((Path(path).parent / "meta.json").read_text(encoding="utf-8"))
        counts = meta["segments"]
        if isinstance(counts, dict) and sum(counts.values()) == meta["rows"]:
            return {str(k): int(v) for k, v in counts.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    literal = str(path).replace("'", "''")  # a path the store made
    return dict(con.execute(f"select segment, count(*) from read_parquet('{literal}') "
                            f"group by segment").fetchall())


def point(con, name: str, prepared: tuple[str, Path]) -> str:
    """Source `name` holds the segments `prepare` gave for a date (its snapshot file); returns
    where they came from, 'snapshot' or 'computed'."""
    kind, path = prepared
    db.register_parquet(con, name, path, replace=True)
    return kind


def month_ends(as_of_to: date, months: int = 12) -> list[date]:
    """The last `months` month ends on or before as_of_to, oldest first (1 to 120 of them:
    trend_months: 100000 once ran past year 1 and crashed)."""
    message = check_whole(months, "trend_months")
    if message:
        raise ParamError(message)
    if (as_of_to.year - 1) * 12 + as_of_to.month < months:
        raise ParamError(f"trend_months = {months}: {as_of_to} has fewer month ends before it")
    last = as_of_to if as_of_to == month_end(as_of_to) else month_end_before(as_of_to)
    out = [last]
    while len(out) < months:
        out.append(month_end_before(out[-1]))
    return sorted(out)
