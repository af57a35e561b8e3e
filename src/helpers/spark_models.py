"""The same SQL models on Apache Spark (issue 18).

Each model in sql/ that stays inside the portable subset (helpers.portable) has its Spark SQL in
sql_spark/<model>.sql, transpiled by SQLGlot and committed, so that a change of SQLGlot that
changes what runs shows in review (`python -m helpers.portable --write` writes them again;
tests/test_portable_sql.py fails while they are stale).

`build(spark, name, **params)` runs a model the way `helpers.db.build` does on DuckDB: the models
it reads first, each given only the parameters it uses, kept as a temporary view named by the
model and a key of everything that made it. Sources (the staged exports, the scheme's tables) are
registered first, from Arrow tables (`register`) or Parquet files and folders (`read_parquet`).
Nothing per customer is collected to the driver here: results stay Spark DataFrames.
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from helpers import db, portable
from helpers.db import ModelError
from helpers.portable import SPARK_SQL_DIR

# What every session gets unless spark_conf says otherwise: dates never depend on the machine's
# zone (as on DuckDB), no web UI or progress bars in a notebook, few shuffle partitions (the
# default 200 is for clusters; a cluster's spark_conf sets its own).
DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.ansi.enabled": "true",
    "spark.driver.memory": "2g",
    # a task waits for a free slot on the node holding its data for 3 s by default: in local
    # mode and on small jobs that wait is most of the run
    "spark.locality.wait": "0s",
}


def session(master: str | None = "local[2]", conf: dict | None = None,
            app: str = "customer-tiering-workbook"):
    """A SparkSession on `master` (local[2], spark://host:7077, yarn, …) with `conf` on top of
    DEFAULT_CONF. master None: the one spark-submit was given, else local[2]."""
    try:
        from pyspark import SparkConf, SparkContext
        from pyspark.sql import SparkSession
    except ImportError:
        raise ModelError("engine: spark needs PySpark and Java 17: `make setup` installs PySpark "
                         "(the spark extra); Java comes from the system (Debian: "
                         "openjdk-17-jre-headless)") from None
    if master is None and os.environ.get("PYSPARK_GATEWAY_PORT"):
        # started by spark-submit: its JVM holds the master it was given
        SparkContext._ensure_initialized()
        master = SparkConf().get("spark.master", "local[2]")
    master = master or "local[2]"
    builder = SparkSession.builder.master(master).appName(app)
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, str(value))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_sql(name: str) -> str:
    """The committed Spark SQL of model `name`."""
    if name in portable.DUCKDB_ONLY:
        raise ModelError(f"model {name} runs on DuckDB only ({portable.DUCKDB_ONLY[name]})")
    path = SPARK_SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise ModelError(f"no Spark SQL for model {name}: run `python -m helpers.portable --write`")
    return path.read_text(encoding="utf-8")


# session -> {key: view, "source:<name>": identity}
_built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _state(spark) -> dict:
    return _built.setdefault(spark, {})


def register(spark, name: str, data) -> None:
    """An Arrow table or a frame as source `name` (a temporary view). The same content again
    keeps what was built from it."""
    table = db.as_arrow(data)
    # pandas' strings arrive as large_string; Spark reads plain strings
    table = table.cast(pa.schema([f.with_type(pa.string()) if pa.types.is_large_string(f.type)
                                  else f for f in table.schema]))
    tag = db.content_tag(table)
    if _state(spark).get(f"source:{name}") == tag:
        return
    frame = spark.createDataFrame(table) if table.num_rows else spark.createDataFrame(
        [], _spark_schema(table.schema))
    frame.createOrReplaceTempView(name)
    _state(spark)[f"source:{name}"] = tag


def read_parquet(spark, name: str, path: Path) -> None:
    """Parquet file or folder of parts `path` as source `name` (the staged cache of an export)."""
    path = Path(path)
    stat = path.stat()
    tag = f"parquet:{path.resolve()}:{stat.st_mtime_ns}:{stat.st_size}"
    if _state(spark).get(f"source:{name}") == tag:
        return
    spark.read.parquet(str(path)).createOrReplaceTempView(name)
    _state(spark)[f"source:{name}"] = tag


def alias(spark, name: str, view: str) -> None:
    """Source `name` is the built view `view` (seg_from, seg_to; tier_now, …)."""
    if _state(spark).get(f"source:{name}") == f"alias:{view}":
        return
    spark.table(view).createOrReplaceTempView(name)
    _state(spark)[f"source:{name}"] = f"alias:{view}"


def _spark_schema(schema: pa.Schema):
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _arg(value):
    """A parameter as Spark's named arguments take it (lists become arrays)."""
    if isinstance(value, (list, tuple)):
        return [_arg(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # a numpy scalar
    if isinstance(value, (str, int, float, bool, date, datetime, Decimal)) or value is None:
        return value
    raise ModelError(f"a parameter of type {type(value).__name__} cannot be passed to Spark")


def build(spark, name: str, **params):
    """The model `name` for these parameters as a Spark DataFrame (built unless it already is)."""
    return spark.table(table_name(spark, name, **params))


def table_name(spark, name: str, **params) -> str:
    return _build(spark, name, params)


def _build(spark, name: str, params: dict) -> str:
    m = db.model(name)
    missing = [p for p in m.params if p not in params]
    if missing:
        raise ModelError(f"model {name} needs {', '.join('$' + p for p in missing)}")
    deps = {d: _build(spark, d, params) for d in m.deps}
    used = {p: params[p] for p in m.params}
    text = spark_sql(name)
    state = _state(spark)
    key = hashlib.sha256(json.dumps(
        {"model": hashlib.sha256(text.encode()).hexdigest(), "params": used, "deps": deps,
         "sources": {s: state.get(f"source:{s}", "view") for s in m.sources}},
        sort_keys=True, default=str).encode()).hexdigest()[:16]
    view = f"{name}__{key}"
    if state.get(key) != view:
        sql = text
        for dep, dep_view in deps.items():
            sql = db._point(sql, dep, dep_view)
        frame = spark.sql(sql, args={p: _arg(v) for p, v in used.items()})
        # computed once and kept on the executors, its plan cut: a model read by several CTEs
        # of the next one is not inlined into each (the plans grew until the driver ran out of
        # memory on rfm_segments)
        frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(view)
        if m.unique:
            _check_unique(spark, view, name, m.unique)
        state[key] = view
    spark.table(view).createOrReplaceTempView(name)
    return view


def _check_unique(spark, view: str, name: str, columns: tuple[str, ...]) -> None:
    cols = ", ".join(columns)
    rows = spark.sql(f"select {cols}, count(*) as n from {view} group by {cols} "
                     f"having count(*) > 1 order by n desc limit 3").collect()
    if rows:
        raise db.not_unique(name, cols, [tuple(r) for r in rows])
