"""DuckDB connection and the one way SQL files are run: the model graph.

Each file in sql/ is a model. What it reads is what its SQL says: a `from`/`join` of another
model's name is a dependency, any other table it reads is a source (a staged export, a registered
frame). What it takes is its `$parameters`. A `-- unique: a, b` line states its grain, checked
when it is built.

`build(con, name, **params)` builds the dependencies first, passes each file only the parameters
it uses, and keeps the result as a table named by the model and a key of everything that made it
(parameters used, the dependencies' keys, the sources' identities, the SQL text): two as-of dates
give two tables, nothing is overwritten, and each (model, parameters) is built once per connection.
A view under the model's plain name points at the table last built, for queries written by hand.
"""

import contextlib
import functools
import hashlib
import json
import os
import re
import time
import weakref
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from helpers.core.safety import (
    process_alive,
)

SQL_DIR = files("helpers") / "sql"


def connect(
    *, threads: int | None = None, memory_limit: str | None = None,
    temp_directory: str | None = None, temp_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """A private in-memory database for one run (never duckdb's module-global one).

    What does not fit `memory_limit` spills to `temp_directory` (DuckDB's default: .tmp in the
    working folder), at most `temp_limit` of it (DuckDB's default: 90% of the disk that is free,
    seen by each process alone; the monthly runner shares one budget between its notebooks).
    Extensions are never downloaded: everything the workbook needs is built in.
    """
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = duckdb.connect(":memory:", config=config)
    if threads:
        con.execute("set threads = ?", [int(threads)])
    if memory_limit:
        con.execute("set memory_limit = ?", [str(memory_limit)])
    if temp_directory:
        con.execute("set temp_directory = ?", [str(temp_directory)])
    sweep_temp(con.execute("select current_setting('temp_directory')").fetchall()[0][0])
    if temp_limit:
        con.execute("set max_temp_directory_size = ?", [str(temp_limit)])
    # date boundaries never depend on the machine's zone: local dates are computed explicitly
    con.execute("set TimeZone = 'UTC'")
    return con


_TEMP_FILE = re.compile(r"^duckdb_temp_(\d+)_")


def sweep_temp(folder: str) -> None:
    """DuckDB's temp files left by processes that are gone. A notebook's kernel is stopped
    without closing its connection, and its spill stays: at 100M lines page 06 left 6 GB in
    .tmp. DuckDB names each file by its process (duckdb_temp_<pid>_…); a live one's are kept."""
    root = Path(folder)
    if not root.is_dir():
        return
    for path in root.iterdir():
        found = _TEMP_FILE.match(path.name)
        if found and int(found.group(1)) != os.getpid() and not process_alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                path.unlink()


SPARK_SUFFIX = ".spark.sql"  # the generated Spark SQL beside each model (engine.portable)


@functools.cache
def model_paths() -> dict[str, Path]:
    """Model name -> its file: sql/staging/, sql/intermediate/, sql/marts/<page>/. A name is one
    model wherever its file lies (two files of one name are an error)."""
    out: dict[str, Path] = {}
    for path in sorted(Path(str(SQL_DIR)).rglob("*.sql")):
        if path.name.endswith(SPARK_SUFFIX):
            continue
        name = path.name[:-4]
        if name in out:
            raise ModelError(f"two models named {name}: {out[name]} and {path}")
        out[name] = path
    return out


def sql_text(name: str) -> str:
    """The text of model `name`'s file (name comes from a fixed file name, never from user input)."""
    path = model_paths().get(name)
    if path is None:
        raise ModelError(f"no model {name!r} in sql/ (models: {', '.join(sorted(model_paths()))})")
    return path.read_text(encoding="utf-8")


class ModelError(ValueError):
    """A model that cannot be built as asked: a missing parameter, a broken grain."""


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)", re.IGNORECASE)
_UNIQUE = re.compile(r"^--\s*unique:\s*(.+)$", re.MULTILINE)
_PERSIST = re.compile(r"^--\s*persist:\s*beside its sources\s*$", re.MULTILINE)


def _code(text: str) -> str:
    """The SQL without comments and string literals (where names are not references)."""
    text = re.sub(r"--[^\n]*", " ", text)
    return re.sub(r"'(?:[^']|'')*'", "''", text)


def _reads(text: str) -> list[str]:
    """The tables a model reads, in order: every table of every scope of its statements that is
    not one of the file's CTEs, as SQLGlot's scopes resolve them (inside its own body a CTE's name
    still means the outer table: the import CTE `order_lines as (select * from order_lines)`
    reads the source)."""
    out = []
    for statement in sqlglot.parse(text, read="duckdb"):
        if statement is None:
            continue
        for scope in traverse_scope(statement):
            out += [source.name.lower() for source in scope.sources.values()
                    if isinstance(source, exp.Table)]
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Model:
    name: str
    text: str
    deps: tuple[str, ...]  # models it reads
    sources: tuple[str, ...]  # other tables it reads
    params: tuple[str, ...]  # $parameters it takes
    unique: tuple[str, ...]  # its grain, when stated
    # `-- persist: beside its sources`: built once for its sources' files and kept as Parquet
    # beside them, for every process that reads the same files (see _persisted)
    persist: bool = False

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@functools.cache
def model_names() -> frozenset[str]:
    return frozenset(model_paths())


@functools.cache
def model(name: str) -> Model:
    """A model's file, what it reads and what it takes."""
    if name not in model_names():
        raise ModelError(f"no model {name!r} in sql/ (models: {', '.join(sorted(model_names()))})")
    text = sql_text(name)
    code = _code(text)
    read = [r for r in _reads(text) if r != name]
    unique = _UNIQUE.search(text)
    return Model(
        name=name, text=text,
        deps=tuple(r for r in read if r in model_names()),
        sources=tuple(r for r in read if r not in model_names()),
        params=tuple(dict.fromkeys(p.lower() for p in _PARAM.findall(code))),
        unique=tuple(c.strip() for c in unique.group(1).split(",")) if unique else (),
        persist=bool(_PERSIST.search(text)),
    )


# connection -> {key: table, "source:<name>": (tag, oid), …}; gone with its connection (a new
# connection never inherits an old one's state, even at the same address)
_built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# connection -> the engine its models run on instead of DuckDB (helpers.spark_models.SparkEngine):
# a model runs there when every source it reads has been given to that engine too; its result
# comes back to this connection as a view over the Parquet the engine wrote
_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def use_engine(con: duckdb.DuckDBPyConnection, engine) -> None:
    """Models of `con` run on `engine` (engine.spark_models.SparkEngine) from now on, where every
    source they read has been given to it too; their results come back as views of `con`."""
    _engines[con] = engine
# built tables kept per model (least recently used dropped: rebuilt if asked again); at 10M lines
# every kept int_orders or rfm_customers is hundreds of MB, so a 12-month trend keeps only a few
KEEP = 4
# ... and a table of this many rows or more only while it is the latest of its model: at 100M lines
# one int_orders holds 60M orders, and four of every model per date spilled 25 GB to disk
# (WORKBOOK_KEEP_LARGE_ROWS sets it: the tests set it low, so that the small shops they run meet
# the rule as a large shop does, and a caller holding an older table's name fails there)
KEEP_LARGE_ROWS = int(os.environ.get("WORKBOOK_KEEP_LARGE_ROWS", 2_000_000))
# a persisted model's file for inputs no longer staged is removed after a day unused (_persisted)
PERSISTED_KEPT_SECONDS = 86400


def _catalog(con) -> dict[str, tuple[str, str, str]]:
    """name -> (TABLE or VIEW, schema, oid) of everything the connection holds, in one query."""
    rows = con.execute("""
        select table_name, 'TABLE', schema_name, table_oid::varchar from duckdb_tables()
        union all
        select view_name, 'VIEW', schema_name, view_oid::varchar from duckdb_views()
        where not internal
    """).fetchall()
    return {name: (kind, schema, oid) for name, kind, schema, oid in rows}


def _oid(con, table: str, catalog: dict | None = None) -> str:
    """Which table (or view) under this name is there now: recreated means another one."""
    entry = (catalog if catalog is not None else _catalog(con)).get(table)
    return entry[2] if entry else "none"


def _identity(con, table: str, catalog: dict | None = None) -> str:
    """A source's identity: the content of what `register`/`alias` put there (the same content
    registered again is the same source), else the object itself."""
    oid = _oid(con, table, catalog)
    tag = _built.get(con, {}).get(f"source:{table}")
    return tag[0] if tag and tag[1] == oid else f"oid:{oid}"


def make_room(con, name: str, kind: str, catalog: dict | None = None) -> None:
    """Drop what is named `name` unless it is of `kind` (TABLE or VIEW): DuckDB will not replace
    a view by a table or the other way round."""
    entry = (catalog if catalog is not None else _catalog(con)).get(name)
    if entry and entry[0] != kind:
        con.execute(f"drop {entry[0]} {entry[1]}.{name}")


def build(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyRelation:
    """The model `name` for these parameters, built (with what it reads) unless it already is."""
    return con.table(_build(con, name, params, _catalog(con)))


def table_name(con: duckdb.DuckDBPyConnection, name: str, **params) -> str:
    """The table holding model `name` for these parameters (built when it is not yet)."""
    return _build(con, name, params, _catalog(con))


def _build(con, name: str, params: dict, catalog: dict) -> str:
    engine = _engines.get(con)
    if engine is not None and engine.runs(name):
        table = engine.build(con, name, params)
        catalog[table] = ("VIEW", "temp", "new")
        _show(con, name, table, _built.setdefault(con, {}), catalog)
        return table
    m = model(name)
    used = used_params(name, params)
    deps = {d: _build(con, d, params, catalog) for d in m.deps}
    key = hashlib.sha256(json.dumps(
        {"model": m.sha, "params": used, "deps": deps,
         "sources": {s: _identity(con, s, catalog) for s in m.sources}},
        sort_keys=True, default=str).encode()).hexdigest()[:16]
    table = f"{name}__{key}"
    state = _built.setdefault(con, {})
    if state.get(key) != table or table not in catalog:
        sql = m.text
        for dep, dep_table in deps.items():
            sql = point_reads(sql, dep, dep_table)
        stored = _persisted(con, m, key, sql, used, catalog) if m.persist and not deps else None
        if stored is not None:
            make_room(con, table, "VIEW", catalog)
            literal = str(stored).replace("'", "''")  # a view takes no bound values
            con.execute(f"create or replace temp view {table} as "
                        f"select * from read_parquet('{literal}')")
        else:
            con.execute(f"create or replace temp table {table} as {sql}", used)
        if m.unique:
            _check_unique(con, table, name, m.unique)
        state[key] = table
        catalog[table] = ("VIEW" if stored is not None else "TABLE", "temp", "new")
    _show(con, name, table, state, catalog)
    _keep_recent(con, name, table, state, catalog)
    return table


def _persisted(con, m: Model, key: str, sql: str, used: dict, catalog: dict):
    """The Parquet file holding model `m` for these sources and parameters, written now if no
    process wrote it before; None when a source is not a Parquet file (register_parquet) or the
    folder cannot be written (then the model is a table, as any other).

    int_order_totals groups every line of the export by order: each notebook of the month built
    it again (4 s at 10M lines), and at 100M it was the largest table DuckDB held and spilled.
    The file lies in `models/` beside the first source's file (the staged export's cache folder,
    removed with it); its name carries the build key, which covers the model's text, the
    parameters and each source file's path, size and time, so a changed input is never read."""
    ids = [_identity(con, s, catalog) for s in m.sources]
    if not ids or not all(i.startswith("parquet:") for i in ids):
        return None
    first = Path(ids[0].split(":", 1)[1].rsplit(":", 2)[0])
    path = first.parent / "models" / f"{m.name}__{key}.parquet"
    if path.exists():
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: kept (see below)
        return path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        literal = str(tmp).replace("'", "''")
        con.execute(f"copy ({sql}) to '{literal}' (format parquet, compression zstd)", used)
        os.replace(tmp, path)  # another process writing the same file writes the same rows
    except (OSError, duckdb.IOException, duckdb.PermissionException):
        Path(tmp).unlink(missing_ok=True)
        return None
    # the same model for other files (last month's orders beside the same customers): gone when
    # unused for a day, so the folder does not grow month after month
    for old in path.parent.glob(f"{m.name}__*.parquet"):
        with contextlib.suppress(OSError):
            if old != path and time.time() - old.stat().st_mtime > PERSISTED_KEPT_SECONDS:
                old.unlink()
    return path


def _show(con, name: str, table: str, state: dict, catalog: dict) -> None:
    """The plain name shows the table last built, for queries written by hand."""
    if state.get(f"view:{name}") != table or catalog.get(name, ("",))[0] != "VIEW":
        make_room(con, name, "VIEW", catalog)
        con.execute(f"create or replace temp view {name} as select * from {table}")
        state[f"view:{name}"] = table
        catalog[name] = ("VIEW", "temp", "new")


def _keep_recent(con, name: str, table: str, state: dict, catalog: dict) -> None:
    """At most KEEP tables of a model (one when the table has KEEP_LARGE_ROWS rows or more): the
    least recently used goes (never one a view or an alias points at). A dropped table is built
    again if it is asked for again."""
    recent = [t for t in state.get(f"recent:{name}", []) if t != table] + [table]
    pinned = {v for k, v in state.items() if k.startswith("view:")} | {
        v[0][len("alias:"):] for k, v in state.items()
        if k.startswith("source:") and str(v[0]).startswith("alias:")}
    keep = KEEP
    if len(recent) > 1 and catalog.get(table, ("",))[0] == "TABLE":
        size = con.execute("select estimated_size from duckdb_tables() where table_name = ? "
                           "and temporary", [table]).fetchall()
        keep = 1 if size and size[0][0] >= KEEP_LARGE_ROWS else KEEP
    while len(recent) > keep:
        old = next((t for t in recent if t not in pinned), None)
        if old is None:
            break
        recent.remove(old)
        kind = "view" if catalog.get(old, ("",))[0] == "VIEW" else "table"
        con.execute(f"drop {kind} if exists temp.{old}")
        catalog.pop(old, None)
    state[f"recent:{name}"] = recent


_KEYWORDS = {"where", "group", "order", "cross", "inner", "left", "right", "full", "join", "on",
             "using", "limit", "union", "having", "window", "qualify", "natural", "positional",
             "asof", "anti", "semi", "except", "intersect", "select"}


def point_reads(sql: str, dep: str, table: str) -> str:
    """Every read of model `dep` in `sql` made a read of the built table, keeping `dep` as the
    name the query uses for it (`from contact_lists` -> `from contact_lists__<key> as
    contact_lists`, so `contact_lists.list_key` still resolves)."""
    def repl(m: re.Match) -> str:
        following = m.group(4).lower()
        aliased = following == "as" or (following and following not in _KEYWORDS)
        return f"{m.group(1)}{m.group(2)}{table}" + ("" if aliased else f" as {dep}")

    return re.sub(rf"\b(from|join)(\s+){dep}\b(?!\s*\()(?=(\s*([a-z_]*)))", repl, sql,
                  flags=re.IGNORECASE)


def _check_unique(con, table: str, name: str, columns: tuple[str, ...]) -> None:
    cols = ", ".join(columns)
    rows = con.execute(f"select {cols}, count(*) as n from {table} group by all having n > 1 "
                       f"order by n desc limit 3").fetchall()
    if rows:
        raise not_unique(name, cols, rows)


def not_unique(name: str, cols: str, rows: list[tuple]) -> ModelError:
    """The error for a broken grain, from up to three (key..., count) rows, most repeated first."""
    return ModelError(f"model {name}: ({cols}) should be unique, but {tuple(rows[0][:-1])} "
                      f"appears {rows[0][-1]} times (and {len(rows) - 1} more like it shown)")


def as_arrow(data) -> pa.Table:
    """A frame (or anything pandas takes) or an Arrow table, as Arrow."""
    return data if isinstance(data, pa.Table) else pa.Table.from_pandas(
        pd.DataFrame(data), preserve_index=False)


def content_tag(table: pa.Table) -> str:
    """A digest of a table's schema and bytes: the same content gives the same tag."""
    digest = hashlib.sha256()
    digest.update(str(table.schema).encode())
    for batch in table.to_batches():
        for column in batch.columns:
            for buffer in column.buffers():
                if buffer is not None:
                    digest.update(memoryview(buffer))
    return digest.hexdigest()


def register(con: duckdb.DuckDBPyConnection, name: str, data) -> None:
    """A frame or Arrow table as table `name` (a source models read). Registering the same
    content again keeps the table as it is, so what was built from it is still current."""
    table = as_arrow(data)
    if con in _engines:
        _engines[con].register(name, table)
    tag = content_tag(table)
    registered = _built.setdefault(con, {})
    if _identity(con, name) == tag:
        return
    view = f"{name}__incoming"
    con.register(view, table)
    try:
        make_room(con, name, "TABLE")
        con.execute(f"create or replace temp table {name} as select * from {view}")
    finally:
        con.unregister(view)
    registered[f"source:{name}"] = (tag, _oid(con, name))


def parquet_tag(path) -> str:
    """A Parquet file's identity as a source: its path, time and size (the same file unchanged
    is the same source; _persisted reads the path back from it)."""
    path = Path(path).resolve()
    stat = path.stat()
    return f"parquet:{path}:{stat.st_mtime_ns}:{stat.st_size}"


def register_parquet(con: duckdb.DuckDBPyConnection, name: str, path) -> None:
    """A Parquet file as source `name`: a view over the file, so nothing is copied into memory
    (a segment snapshot of 18.7M customers stays on disk). The same file unchanged is the same
    source; with Spark attached, Spark reads the file itself."""
    path = Path(path).resolve()
    tag = parquet_tag(path)
    if con in _engines:
        _engines[con].register_parquet(name, path)
    if _identity(con, name) == tag:
        return
    make_room(con, name, "VIEW")
    literal = str(path).replace("'", "''")  # a view takes no bound values
    con.execute(f"create or replace temp view {name} as select * from read_parquet('{literal}')")
    _built.setdefault(con, {})[f"source:{name}"] = (tag, _oid(con, name))


def alias(con: duckdb.DuckDBPyConnection, name: str, table: str) -> None:
    """A source named `name` that is the built table `table` (loyalty reads its three spends as
    tier_now, tier_previous, tier_reranking). Unchanged, it stays the same source."""
    if con in _engines:
        _engines[con].alias(name, table)
    if _identity(con, name) == f"alias:{table}":
        return
    make_room(con, name, "VIEW")
    con.execute(f"create or replace temp view {name} as select * from {table}")
    _built.setdefault(con, {})[f"source:{name}"] = (f"alias:{table}", _oid(con, name))


def stage(con: duckdb.DuckDBPyConnection, name: str, *, into: str, **params):
    """Staging only: run the staging model sql/<name>.sql over the raw rows just read and keep
    its result as the source table `into` (order_lines, customers, campaigns, ...) that the
    models then read. Staged sources are replaced when a file is read again, so `build` knows
    them by identity, not by key. The model gets the parameters it uses; a stated grain is checked.
    """
    if not into.replace("_", "").isalnum():
        raise ValueError(f"invalid table name {into!r}")
    make_room(con, into, "TABLE")
    con.execute(f"create or replace temp table {into} as {sql_text(name)}",
                used_params(name, params))
    if model(name).unique:
        _check_unique(con, into, name, model(name).unique)
    return con.table(into)


def stage_to(con: duckdb.DuckDBPyConnection, name: str, target, **params) -> None:
    """Staging only: stream the staging model sql/<name>.sql into the Parquet file `target` (a
    path the workbook made), without keeping its rows in DuckDB's memory or temp files."""
    path = str(target).replace("'", "''")
    con.execute(f"copy ({sql_text(name)}) to '{path}' (format parquet)", used_params(name, params))


def used_params(name: str, params: dict) -> dict:
    """The parameters model `name` takes, from `params`; a missing one is an error."""
    m = model(name)
    missing = [p for p in m.params if p not in params]
    if missing:
        raise ModelError(f"model {name} needs {', '.join('$' + p for p in missing)}")
    return {p: params[p] for p in m.params}


def one(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> tuple | None:
    """The first row of a query, with the result fully consumed.

    DuckDB 2.0 keeps a result open after fetchone(), which blocks later relation calls on the
    same connection; fetching everything closes it.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def drop_relation(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a staged table or view of that name, whichever it is (names are ours, fixed)."""
    rows = con.execute("select table_type from information_schema.tables where table_name = ?",
                       [name]).fetchall()
    for (kind,) in rows:
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists {name}")
