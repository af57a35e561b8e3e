"""The model graph, and the one walk of it that every engine runs.

Each file in sql/ is a model. What it reads is what its SQL says: a `from`/`join` of another
model's name is a dependency, any other table it reads is a source (a staged export, a registered
frame). What it takes is its `$parameters`. A `-- unique: a, b` line states its grain, checked
when it is built. A `-- inputs: a, b` line names tables it reads that the caller gives at each
build (`inputs={"a": table}`): the segments at two dates, say, which are not one source of the
connection but whichever two tables the caller built or read.

`walk(engine, name, params, inputs)` builds a model on an engine, the models it reads first:
each gets only the parameters it uses, and its result is kept under the model's name and a key
of everything that made it (parameters used, the dependencies' tables, the sources' identities,
the inputs given, the engine's SQL text). Two as-of dates give two tables, nothing is overwritten,
and each (model, parameters) is built once. The engine is passed: DuckDB (helpers.engine.db.
DuckDBEngine) and Spark (helpers.engine.spark_models.SparkEngine) each implement the few steps
below (`Engine`), the way Splink keeps one DatabaseAPI with a DuckDB and a Spark implementation;
the walk, the key and the grain check are the same for both.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Protocol

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

SQL_DIR = files("helpers") / "sql"
SPARK_SUFFIX = ".spark.sql"  # the generated Spark SQL beside each model (engine.portable)


class ModelError(ValueError):
    """A model that cannot be built as asked: a missing parameter, a broken grain."""


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


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)", re.IGNORECASE)
_UNIQUE = re.compile(r"^--\s*unique:\s*(.+)$", re.MULTILINE)
_INPUTS = re.compile(r"^--\s*inputs:\s*([a-z0-9_]+(?:\s*,\s*[a-z0-9_]+)*)", re.MULTILINE)
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
    sources: tuple[str, ...]  # other tables it reads, sources of the connection
    params: tuple[str, ...]  # $parameters it takes
    unique: tuple[str, ...]  # its grain, when stated
    # `-- persist: beside its sources`: built once for its sources' files and kept as Parquet
    # beside them, for every process that reads the same files (db._persisted)
    persist: bool = False
    # `-- inputs: a, b`: tables it reads that the caller gives at each build (inputs={...})
    inputs: tuple[str, ...] = ()

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
    declared = _INPUTS.search(text)
    inputs = tuple(c.strip().lower() for c in declared.group(1).split(",")) if declared else ()
    unread = [i for i in inputs if i not in read]
    if unread:
        raise ModelError(f"model {name} declares input(s) {', '.join(unread)} it never reads")
    return Model(
        name=name, text=text,
        deps=tuple(r for r in read if r in model_names() and r not in inputs),
        sources=tuple(r for r in read if r not in model_names() and r not in inputs),
        params=tuple(dict.fromkeys(p.lower() for p in _PARAM.findall(code))),
        unique=tuple(c.strip() for c in unique.group(1).split(",")) if unique else (),
        persist=bool(_PERSIST.search(text)),
        inputs=inputs,
    )


def used_params(name: str, params: dict) -> dict:
    """The parameters model `name` takes, from `params`; a missing one is an error."""
    m = model(name)
    missing = [p for p in m.params if p not in params]
    if missing:
        raise ModelError(f"model {name} needs {', '.join('$' + p for p in missing)}")
    return {p: params[p] for p in m.params}


def used_inputs(name: str, inputs: dict | None) -> dict[str, str]:
    """The tables given for model `name`'s declared inputs; a missing one is an error."""
    m = model(name)
    given = inputs or {}
    missing = [i for i in m.inputs if not given.get(i)]
    if missing:
        example = ", ".join(f"{i!r}: <table>" for i in missing)
        raise ModelError(f"model {name} reads {', '.join(missing)}, given by the caller at each "
                         f"build: pass inputs={{{example}}}")
    for i in m.inputs:
        if not str(given[i]).replace("_", "").isalnum():
            raise ModelError(f"model {name}: input {i} = {given[i]!r} is not a table name")
    return {i: str(given[i]) for i in m.inputs}


def closure_sources(name: str) -> set[str]:
    """Every source model `name` reads, through the models it reads."""
    m = model(name)
    return set(m.sources).union(*[closure_sources(d) for d in m.deps])


def closure_inputs(name: str) -> set[str]:
    """Every declared input model `name` reads, through the models it reads."""
    m = model(name)
    return set(m.inputs).union(*[closure_inputs(d) for d in m.deps])


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


def not_unique(name: str, cols: str, rows: list[tuple]) -> ModelError:
    """The error for a broken grain, from up to three (key..., count) rows, most repeated first."""
    return ModelError(f"model {name}: ({cols}) should be unique, but {tuple(rows[0][:-1])} "
                      f"appears {rows[0][-1]} times (and {len(rows) - 1} more like it shown)")


def check_grain(engine: Engine, table: str, name: str, columns: tuple[str, ...]) -> None:
    """The one grain check: model `name`'s result `table` has one row per `columns`, on any
    engine (the query is in the SQL both engines read)."""
    cols = ", ".join(columns)
    rows = engine.rows(f"select {cols}, count(*) as n from {table} group by {cols} "
                       f"having count(*) > 1 order by n desc limit 3")
    if rows:
        raise not_unique(name, cols, rows)


class Engine(Protocol):
    """What the walk needs of an engine. Each also offers register (a table as a source),
    build (a model's result), stage (a staging model into a source) and read (a table's rows)."""

    check_grain: bool  # stated grains are checked (the two-engine tests turn Spark's off)

    def handoff(self, name: str, inputs: dict) -> Engine | None:
        """Another engine that runs model `name` and all it reads, or None."""

    def receive(self, name: str, table: str, other: Engine) -> str:
        """Table `table` that engine `other` built, as a table of this engine."""

    def text(self, name: str) -> str:
        """Model `name`'s SQL as this engine runs it."""

    def identity(self, table: str) -> str:
        """What a source (or a given input) holds now: the same identity, the same content."""

    def has(self, key: str, table: str) -> bool:
        """Table `table` was built for `key` and is still there."""

    def create(self, m: Model, table: str, sql: str, used: dict, deps: dict) -> None:
        """Model `m`'s result, `sql` with these parameters, kept as `table`."""

    def rows(self, sql: str) -> list[tuple]:
        """A small query's rows (the grain check)."""

    def keep(self, key: str, table: str) -> None:
        """`table` is the result for `key` (checked)."""

    def done(self, name: str, table: str) -> None:
        """`table` was asked for as model `name` (built now or before)."""


def model_key(m: Model, text: str, used: dict, deps: dict, sources: dict, given: dict) -> str:
    """The key of everything that made a model's table (its inputs only when it declares any,
    so the other models' keys are what they were)."""
    material = {"model": hashlib.sha256(text.encode()).hexdigest(), "params": used,
                "deps": deps, "sources": sources}
    if given:
        material["inputs"] = given
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()
                          ).hexdigest()[:16]


def walk(engine: Engine, name: str, params: dict, inputs: dict | None = None) -> str:
    """Model `name` for these parameters (and inputs) on `engine`, built with what it reads
    unless it already is; the table (or view) that holds it."""
    other = engine.handoff(name, inputs or {})
    if other is not None:
        return engine.receive(name, walk(other, name, params, inputs), other)
    m = model(name)
    used = used_params(name, params)
    given = used_inputs(name, inputs)
    deps = {d: walk(engine, d, params, inputs) for d in m.deps}
    text = engine.text(name)
    key = model_key(m, text, used, deps, {s: engine.identity(s) for s in m.sources},
                    {i: [t, engine.identity(t)] for i, t in given.items()})
    table = f"{name}__{key}"
    if not engine.has(key, table):
        sql = text
        for read, read_table in {**deps, **given}.items():
            sql = point_reads(sql, read, read_table)
        engine.create(m, table, sql, used, deps)
        if m.unique and engine.check_grain:
            check_grain(engine, table, name, m.unique)
        engine.keep(key, table)
    engine.done(name, table)
    return table
