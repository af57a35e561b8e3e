"""DuckDB connection and its engine for the model graph (helpers.engine.graph).

`build(con, name, **params)` builds model `name` on the connection's engine (DuckDBEngine) by the
one walk of the graph (graph.walk): the dependencies first, each file given only the parameters
it uses, the result kept as a table named by the model and a key of everything that made it
(parameters used, the dependencies' keys, the sources' identities, the inputs given, the SQL
text): two as-of dates give two tables, nothing is overwritten, and each (model, parameters) is
built once per connection. `build` returns that table, `table_name` its name: library code reads
what they return. A view under the model's plain name still points at the table last built, for
queries written by hand in a notebook.

Sources are registered by name (`register`, `register_parquet`, `alias`): the same source again
is nothing new; another frame or file under a name that already holds one is an error unless the
caller says it replaces it (replace=True). An alias (a name its caller holds for a built table)
follows the table it is pointed at. A notebook's `engine: spark` gives the connection's
engine another engine (`DuckDBEngine.attach`: helpers.engine.spark_models.SparkEngine), which then
runs each model whose sources it holds too.
"""

import contextlib
import hashlib
import os
import re
import time
import weakref
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from helpers.core.safety import (
    process_alive,
)
from helpers.engine import graph
from helpers.engine.graph import (  # noqa: F401  (db's names, as they were before graph.py)
    SPARK_SUFFIX,
    SQL_DIR,
    Model,
    ModelError,
    model,
    model_names,
    model_paths,
    not_unique,
    point_reads,
    sql_text,
    used_params,
)


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


def make_room(con, name: str, kind: str, catalog: dict | None = None) -> None:
    """Drop what is named `name` unless it is of `kind` (TABLE or VIEW): DuckDB will not replace
    a view by a table or the other way round."""
    entry = (catalog if catalog is not None else _catalog(con)).get(name)
    if entry and entry[0] != kind:
        con.execute(f"drop {entry[0]} {entry[1]}.{name}")


def _describe(tag: str, rows: int | None = None) -> str:
    """A source in words, for an error: a file, a built table, or a table's content."""
    if tag.startswith("parquet:"):
        return f"the Parquet file {tag.split(':', 1)[1].rsplit(':', 2)[0]}"
    if tag.startswith("alias:"):
        return f"the built table {tag[len('alias:'):]}"
    shown = f"{rows:,} rows, " if rows is not None else ""
    return f"a registered table ({shown}content {tag[:12]})"


class DuckDBEngine:
    """The models of one DuckDB connection (graph.Engine): the tables built, the sources
    registered, and the engine given to it (`attach`) that runs each model whose sources it holds
    too (Spark, for a notebook's `engine: spark`), whose results come back as views.

    One per connection (`engine(con)`), gone with it: a new connection never inherits an old
    one's state, even at the same address."""

    check_grain = True

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = weakref.ref(con)
        # {key: table, "source:<name>": (tag, oid, description), "view:<model>": table,
        #  "recent:<model>": [table, …]}
        self.state: dict = {}
        self.attached = None  # another engine (spark_models.SparkEngine), given by `attach`
        self.catalog: dict = {}  # what the connection holds, read once per build

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        con = self._con()
        if con is None:
            raise ModelError("the connection of these models is closed")
        return con

    def attach(self, other) -> None:
        """Models of this connection run on `other` (spark_models.SparkEngine) from now on, where
        every source they read has been given to it too; their results come back as views."""
        self.attached = other

    # -- what the walk asks of an engine (graph.Engine) --

    def handoff(self, name: str, inputs: dict):
        other = self.attached
        return other if other is not None and other.runs(name, inputs) else None

    def receive(self, name: str, table: str, other) -> str:
        other.to_duckdb(self.con, table)
        self.catalog[table] = ("VIEW", "temp", "new")
        self._show(name, table)
        return table

    def text(self, name: str) -> str:
        return model(name).text

    def identity(self, table: str) -> str:
        return self._identity(table, self.catalog)

    def has(self, key: str, table: str) -> bool:
        return self.state.get(key) == table and table in self.catalog

    def create(self, m: Model, table: str, sql: str, used: dict, deps: dict) -> None:
        con, catalog = self.con, self.catalog
        stored = None
        if m.persist and not deps:
            stored = _persisted(con, m, table.rsplit("__", 1)[1], sql, used,
                                [self.identity(s) for s in m.sources])
        if stored is not None:
            make_room(con, table, "VIEW", catalog)
            literal = str(stored).replace("'", "''")  # a view takes no bound values
            con.execute(f"create or replace temp view {table} as "
                        f"select * from read_parquet('{literal}')")
        else:
            con.execute(f"create or replace temp table {table} as {sql}", used)
        catalog[table] = ("VIEW" if stored is not None else "TABLE", "temp", "new")

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def keep(self, key: str, table: str) -> None:
        self.state[key] = table

    def done(self, name: str, table: str) -> None:
        self._show(name, table)
        self._keep_recent(name, table)

    # -- register, build, stage, read --

    def table(self, name: str, params: dict, inputs: dict | None = None) -> str:
        """The table holding model `name` for these parameters (built when it is not yet)."""
        self.catalog = _catalog(self.con)
        return graph.walk(self, name, params, inputs)

    def build(self, name: str, *, inputs: dict | None = None,
              **params) -> duckdb.DuckDBPyRelation:
        return self.con.table(self.table(name, params, inputs))

    def read(self, table: str) -> duckdb.DuckDBPyRelation:
        return self.con.table(table)

    # the connection's names are this engine's: what it lets through, the attached engine follows
    # (replace=True there), so both hold the same sources

    def register(self, name: str, data, *, replace: bool = False) -> None:
        """A frame or Arrow table as source `name` (see `register`)."""
        table = as_arrow(data)
        tag = content_tag(table)
        new = _describe(tag, table.num_rows)
        unchanged = self._unchanged(name, tag, replace, new)
        if self.attached is not None:
            self.attached.register(name, table, replace=True)
        if unchanged:
            return
        con = self.con
        view = f"{name}__incoming"
        con.register(view, table)
        try:
            make_room(con, name, "TABLE")
            con.execute(f"create or replace temp table {name} as select * from {view}")
        finally:
            con.unregister(view)
        self._record(name, tag, new)

    def register_parquet(self, name: str, path, *, replace: bool = False) -> None:
        """A Parquet file as source `name` (see `register_parquet`)."""
        path = Path(path).resolve()
        tag = parquet_tag(path)
        new = _describe(tag)
        unchanged = self._unchanged(name, tag, replace, new)
        if self.attached is not None:
            self.attached.register_parquet(name, path, replace=True)
        if unchanged:
            return
        make_room(self.con, name, "VIEW")
        literal = str(path).replace("'", "''")  # a view takes no bound values
        self.con.execute(f"create or replace temp view {name} as "
                         f"select * from read_parquet('{literal}')")
        self._record(name, tag, new)

    def alias(self, name: str, table: str, *, replace: bool = False) -> None:
        """Source `name` is the built table `table` (see `alias`)."""
        tag = f"alias:{table}"
        new = _describe(tag)
        # an alias is a name its caller holds for a built table (the explorer's selection, the
        # spends loyalty reads): the caller points it again; a registered frame or file is not
        # silently made one
        held = str(self.state.get(f"source:{name}", ("",))[0]).startswith("alias:")
        unchanged = self._unchanged(name, tag, replace or held, new)
        if self.attached is not None:
            self.attached.alias(name, table, replace=True)
        if unchanged:
            return
        make_room(self.con, name, "VIEW")
        self.con.execute(f"create or replace temp view {name} as select * from {table}")
        self._record(name, tag, new)

    def stage(self, name: str, *, into: str, **params) -> duckdb.DuckDBPyRelation:
        """Staging model `name` over the raw rows just read, kept as source table `into`."""
        if not into.replace("_", "").isalnum():
            raise ValueError(f"invalid table name {into!r}")
        con = self.con
        make_room(con, into, "TABLE")
        con.execute(f"create or replace temp table {into} as {sql_text(name)}",
                    used_params(name, params))
        if model(name).unique:
            graph.check_grain(self, into, name, model(name).unique)
        return con.table(into)

    # -- the connection's state --

    def _identity(self, table: str, catalog: dict | None) -> str:
        """A source's identity: the content of what `register`/`alias` put there (the same
        content registered again is the same source), else the object itself."""
        oid = _oid(self.con, table, catalog)
        tag = self.state.get(f"source:{table}")
        return tag[0] if tag and tag[1] == oid else f"oid:{oid}"

    def _unchanged(self, name: str, tag: str, replace: bool, new: str) -> bool:
        """True when source `name` already is `tag`; an error when it is another source that
        `register`, `register_parquet` or `alias` put there, unless `replace`."""
        catalog = _catalog(self.con)
        current = self._identity(name, catalog)
        if current == tag:
            return True
        if not replace and not current.startswith("oid:"):
            old = self.state[f"source:{name}"][2]
            raise ModelError(
                f"source {name} is already {old}; registering {new} under the "
                f"same name would silently change what the tables built from it hold. Give it "
                f"another name, or say that it replaces the old one (replace=True)")
        return False

    def _record(self, name: str, tag: str, description: str) -> None:
        self.state[f"source:{name}"] = (tag, _oid(self.con, name), description)

    def _show(self, name: str, table: str) -> None:
        """The plain name shows the table last built, for queries written by hand."""
        state, catalog = self.state, self.catalog
        if state.get(f"view:{name}") != table or catalog.get(name, ("",))[0] != "VIEW":
            make_room(self.con, name, "VIEW", catalog)
            self.con.execute(f"create or replace temp view {name} as select * from {table}")
            state[f"view:{name}"] = table
            catalog[name] = ("VIEW", "temp", "new")

    def _keep_recent(self, name: str, table: str) -> None:
        """At most KEEP tables of a model (one when the table has KEEP_LARGE_ROWS rows or more):
        the least recently used goes (never one a view or an alias points at). A dropped table
        is built again if it is asked for again."""
        state, catalog, con = self.state, self.catalog, self.con
        recent = [t for t in state.get(f"recent:{name}", []) if t != table] + [table]
        pinned = {v for k, v in state.items() if k.startswith("view:")} | self._aliased()
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
            self._drop(old)
        state[f"recent:{name}"] = recent

    def _aliased(self) -> set[str]:  # the built tables an alias points at: never dropped
        return {v[0][len("alias:"):] for k, v in self.state.items()
                if k.startswith("source:") and str(v[0]).startswith("alias:")}

    def _drop(self, table: str) -> None:  # a kept table, or the view over a persisted file
        kind = "view" if self.catalog.get(table, ("",))[0] == "VIEW" else "table"
        self.con.execute(f"drop {kind} if exists temp.{table}")
        self.catalog.pop(table, None)

    def drop_built_since(self, before: dict) -> None:
        """Drop the tables of models built since `before` (the state's recent: and view: keys
        then), but one an alias points at; a plain name shows again the table it showed then."""
        state, con = self.state, self.con
        self.catalog = catalog = _catalog(con)
        aliased, dropped = self._aliased(), set()
        for key in [k for k in state if k.startswith("recent:")]:
            new = [t for t in state[key] if t not in before.get(key, []) and t not in aliased]
            for table in new:
                self._drop(table)
            dropped.update(new)
            state[key] = [t for t in state[key] if t not in new]
        for key in [k for k in state if k.startswith("view:") and state[k] in dropped]:
            name, previous = key[len("view:"):], before.get(key)
            if catalog.get(name, ("",))[0] != "VIEW":
                state.pop(key)  # the name is not the model's view (a table made by hand)
            elif previous is not None and previous in catalog:
                con.execute(f"create or replace temp view {name} as select * from {previous}")
                state[key] = previous
            else:
                con.execute(f"drop view if exists temp.{name}")
                catalog.pop(name, None)
                state.pop(key)


# connection -> its DuckDBEngine (the connection's own state, weakly held: gone with it)
_connections: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def engine(con: duckdb.DuckDBPyConnection) -> DuckDBEngine:
    """The engine of connection `con` (made at its first use)."""
    found = _connections.get(con)
    if found is None:
        found = _connections[con] = DuckDBEngine(con)
    return found


def build(con: duckdb.DuckDBPyConnection, name: str, *, inputs: dict | None = None,
          **params) -> duckdb.DuckDBPyRelation:
    """The model `name` for these parameters, built (with what it reads) unless it already is.
    `inputs` gives a table for each input the model declares (`-- inputs:` in its file)."""
    return engine(con).build(name, inputs=inputs, **params)


def table_name(con: duckdb.DuckDBPyConnection, name: str, *, inputs: dict | None = None,
               **params) -> str:
    """The table holding model `name` for these parameters (built when it is not yet)."""
    return engine(con).table(name, params, inputs)


def latest(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The table of model `name` built last on `con` (or a table of that plain name made by
    hand), for a caller that was not given the one it should read: library code takes the
    table `build` or `table_name` returns, and uses this only when its caller gave none. An
    error when there is neither."""
    table = engine(con).state.get(f"view:{name}")
    if table is not None:
        return table
    if name in _catalog(con):
        return name
    raise ModelError(f"model {name} has not been built on this connection: build it first "
                     f"(db.build) and read the table it returns")


@contextlib.contextmanager
def scratch(con: duckdb.DuckDBPyConnection):
    """The tables of models built inside the block are dropped when it ends without error (a
    result already written where it is read from: page 02's trend, a group of month ends at a
    time); what was held before stays; a dropped model is built again if asked for. On Spark
    the results stay Spark's (DuckDB holds views over their Parquet)."""
    found = engine(con)
    before = {k: (list(v) if k.startswith("recent:") else v) for k, v in found.state.items()
              if k.startswith(("recent:", "view:"))}
    yield
    found.drop_built_since(before)


def _identity(con, table: str, catalog: dict | None = None) -> str:
    """Source `table`'s identity on connection `con` (DuckDBEngine._identity)."""
    return engine(con)._identity(table, catalog)


def source_identity(con, table: str) -> str:
    """What source `table` is on `con` ("parquet:<path>:<time or digest>:<size>" for a staged
    file or folder of parts): the same file unchanged is the same identity."""
    return _identity(con, table)


def _check_unique(con, table: str, name: str, columns: tuple[str, ...]) -> None:
    """Model `name`'s grain on `table` (graph.check_grain, the check of every engine)."""
    graph.check_grain(engine(con), table, name, columns)

def _persisted(con, m: Model, key: str, sql: str, used: dict, ids: list[str]):
    """The Parquet file holding model `m` for these sources and parameters, written now if no
    process wrote it before; None when a source is not a Parquet file (register_parquet) or the
    folder cannot be written (then the model is a table, as any other).

    int_order_totals groups every line of the export by order: each notebook of the month built
    it again (4 s at 10M lines), and at 100M it was the largest table DuckDB held and spilled.
    The file lies in `models/` beside the first source's file (the staged export's cache folder,
    removed with it); its name carries the build key, which covers the model's text, the
    parameters and each source file's path, size and time, so a changed input is never read.
    `ids`: the identities of m's sources."""
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
        _keep_first(tmp, path)
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


def _keep_first(tmp: Path, path: Path) -> None:
    """`tmp` becomes `path` unless another process wrote `path` first: then that file stays and
    `tmp` is dropped. Never replaced: two notebooks of the month build the same model at once,
    and DuckDB's COPY writes the same rows in another order each time; a process reading the
    first file by its path while the second replaced it read the second's bytes through the
    first's footer ("don't know what type", the month stopped in page 01 or 03)."""
    try:
        os.link(tmp, path)  # creates path only if it does not exist (atomic)
    except FileExistsError:
        pass
    except OSError:  # no hard links here (some network or FAT drives): replaced, as before
        if not path.exists():
            os.replace(tmp, path)
    Path(tmp).unlink(missing_ok=True)


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


def parquet_tag(path) -> str:
    """A Parquet file's (or folder of parts') identity as a source: its path, time and size (the
    same file unchanged is the same source; _persisted reads the path back from it)."""
    path = Path(path).resolve()
    if path.is_dir():
        # a folder of parts (a staged export, one part per input file): each part's name, time
        # and size (a part is replaced, never rewritten in place)
        parts = sorted(path.glob("*.parquet"))
        stats = [(p.name, p.stat()) for p in parts]
        digest = hashlib.sha256(repr([(n, s.st_mtime_ns, s.st_size) for n, s in stats]).encode())
        return (f"parquet:{path}:{digest.hexdigest()[:24]}:"
                f"{sum(s.st_size for _, s in stats)}")
    stat = path.stat()
    return f"parquet:{path}:{stat.st_mtime_ns}:{stat.st_size}"


def register(con: duckdb.DuckDBPyConnection, name: str, data, *, replace: bool = False) -> None:
    """A frame or Arrow table as table `name` (a source models read). Registering the same
    content again keeps the table as it is, so what was built from it is still current; other
    content under a name that already holds a source is an error unless `replace`."""
    engine(con).register(name, data, replace=replace)


def register_parquet(con: duckdb.DuckDBPyConnection, name: str, path, *,
                     replace: bool = False) -> None:
    """A Parquet file as source `name`: a view over the file, so nothing is copied into memory
    (a segment snapshot of 18.7M customers stays on disk). The same file unchanged is the same
    source; with Spark attached, Spark reads the file itself. Another file under a name that
    already holds a source is an error unless `replace`."""
    engine(con).register_parquet(name, path, replace=replace)


def alias(con: duckdb.DuckDBPyConnection, name: str, table: str, *,
          replace: bool = False) -> None:
    """A source named `name` that is the built table `table` (loyalty reads its three spends as
    tier_now, tier_previous, tier_reranking). Unchanged, it stays the same source. An alias is
    the caller's name for a built table: pointed at another built table, it follows (what was
    built from it keeps its key); a name that holds a registered frame or file is not made an
    alias unless `replace`."""
    engine(con).alias(name, table, replace=replace)


def stage(con: duckdb.DuckDBPyConnection, name: str, *, into: str, **params):
    """Staging only: run the staging model sql/<name>.sql over the raw rows just read and keep
    its result as the source table `into` (order_lines, customers, campaigns, ...) that the
    models then read. Staged sources are replaced when a file is read again, so `build` knows
    them by identity, not by key. The model gets the parameters it uses; a stated grain is checked.
    """
    return engine(con).stage(name, into=into, **params)


def stage_to(con: duckdb.DuckDBPyConnection, name: str, target, **params) -> None:
    """Staging only: stream the staging model sql/<name>.sql into the Parquet file `target` (a
    path the workbook made), without keeping its rows in DuckDB's memory or temp files."""
    path = str(target).replace("'", "''")
    con.execute(f"copy ({sql_text(name)}) to '{path}' (format parquet)", used_params(name, params))

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
