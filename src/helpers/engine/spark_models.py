"""The same SQL models on Apache Spark (issue 18).

Each model in sql/ that stays inside the portable subset (helpers.portable) has its Spark SQL in
sql/**/<model>.spark.sql, transpiled by SQLGlot and committed, so that a change of SQLGlot that
changes what runs shows in review (`python -m helpers.portable --write` writes them again;
tests/test_portable_sql.py fails while they are stale).

`build(spark, name, **params)` runs a model the way `helpers.engine.db.build` does on DuckDB: the models
it reads first, each given only the parameters it uses, kept as a temporary view named by the
model and a key of everything that made it. Sources (the staged exports, the scheme's tables) are
registered first, from Arrow tables (`register`) or Parquet files and folders (`read_parquet`).
Nothing per customer is collected to the driver here: results stay Spark DataFrames.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import uuid
import warnings
import weakref
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from helpers.core.paths import DATA_PROCESSED
from helpers.core.safety import process_alive
from helpers.engine import db
from helpers.engine.db import ModelError

# Models that are still DuckDB's own, and why. The lint skips them; the list only shrinks.
DUCKDB_ONLY = {
    "macros": "not a model: the parsing rules, expanded into each staging model (helpers."
              "portable.expand_macros) before it is written in Spark SQL",
}

# Staging models that run on Spark through helpers.engine.portable.staging_to_spark: the macros of
# macros.sql expanded into them and DuckDB's parsing functions rewritten one by one, each
# rewrite checked value for value on both engines (tests/test_spark_staging.py).
STAGING_ON_SPARK = ("stg_order_lines_parsed", "stg_order_structure", "stg_order_repeats",
                    "stg_order_lines", "stg_return_lines", "stg_customers", "stg_campaigns",
                    "stg_campaign_sends", "stg_campaign_holdout",
                    "export_date_evidence", "export_decimal_evidence", "export_order_amounts")

# PySpark 4.3 warns on every conversion that pandas 3 is newer than it has tested; the workbook
# hands Spark Arrow tables, and the two-engine tests compare every result
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                        category=FutureWarning)

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
    # results written for the driver's DuckDB: timestamps as Parquet's own type, not INT96
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
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
    if not os.environ.get("PYSPARK_GATEWAY_PORT") and not (
            shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise ModelError("engine: spark needs Java 17 and none is installed: `make java` installs "
                         "Debian's openjdk-17-jre-headless (or set JAVA_HOME), or run with "
                         "engine: duckdb")
    if master is None and os.environ.get("PYSPARK_GATEWAY_PORT"):
        # started by spark-submit: its JVM holds the master it was given
        SparkContext._ensure_initialized()
        master = SparkConf().get("spark.master", "local[2]")
    master = master or "local[2]"
    if master.startswith("local"):
        # Python workers run this interpreter (with the project's packages), not the first
        # python3 on the PATH; a cluster's executors use the Python its own settings name
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app)
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, str(value))
    spark = _started_quietly(builder.getOrCreate)
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _started_quietly(start):
    """`start()` with the Java process it launches writing its console to a log file: the JVM
    inherits this process's output, and a notebook would show its start-up warnings (Spark's
    errors still reach Python as exceptions). The log: data/processed/spark/logs/driver-<pid>."""
    from pyspark import SparkContext

    if SparkContext._gateway is not None or os.environ.get("PYSPARK_GATEWAY_PORT"):
        return start()  # the JVM runs already (a second session, or spark-submit's)
    log = DATA_PROCESSED / "spark" / "logs" / f"driver-{os.getpid()}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        with open(log, "ab") as out:
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            try:
                return start()
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
    finally:
        os.close(saved[0])
        os.close(saved[1])


# every stated grain is checked as on DuckDB (a job per model); the two-engine tests turn it off
# where each Spark result is compared row for row with a DuckDB result whose grain was checked
CHECK_GRAIN = True


def spark_sql_path(name: str) -> Path:
    """Where model `name`'s committed Spark SQL lies: beside the model, <name>.spark.sql."""
    return db.model_paths()[name].with_name(f"{name}{db.SPARK_SUFFIX}")


def spark_sql(name: str) -> str:
    """The committed Spark SQL of model `name`."""
    if name in DUCKDB_ONLY:
        raise ModelError(f"model {name} runs on DuckDB only ({DUCKDB_ONLY[name]})")
    path = spark_sql_path(name)
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
    # Arrow goes to the JVM whole; an empty table gets its schema on an RDD with no partitions
    # (a local list would start a Python worker on an executor, which needs the driver's Python)
    frame = spark.createDataFrame(table) if table.num_rows else spark.createDataFrame(
        spark.sparkContext.emptyRDD(), _spark_schema(table.schema))
    frame.createOrReplaceTempView(name)
    _state(spark)[f"source:{name}"] = tag


def read_parquet(spark, name: str, path: Path) -> None:
    """Parquet file or folder of parts `path` as source `name` (the staged cache of an export)."""
    path = Path(path)
    tag = db.parquet_tag(path)
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


def sql_arg(value):
    """A parameter as Spark's named arguments take it (lists become arrays)."""
    if isinstance(value, (list, tuple)):
        return [sql_arg(v) for v in value]
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
    used = db.used_params(name, params)
    deps = {d: _build(spark, d, params) for d in m.deps}
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
            sql = db.point_reads(sql, dep, dep_view)
        frame = spark.sql(sql, args={p: sql_arg(v) for p, v in used.items()})
        # computed once and kept on the executors, its plan cut: a model read by several CTEs
        # of the next one is not inlined into each (the plans grew until the driver ran out of
        # memory on rfm_segments)
        frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(view)
        if m.unique and CHECK_GRAIN:
            check_unique(spark, view, name, m.unique)
        state[key] = view
    spark.table(view).createOrReplaceTempView(name)
    return view


def check_unique(spark, view: str, name: str, columns: tuple[str, ...]) -> None:
    cols = ", ".join(columns)
    rows = spark.sql(f"select {cols}, count(*) as n from {view} group by {cols} "
                     f"having count(*) > 1 order by n desc limit 3").collect()
    if rows:
        raise db.not_unique(name, cols, [tuple(r) for r in rows])


def closure_sources(name: str) -> set[str]:
    """Every source model `name` reads, through the models it reads."""
    m = db.model(name)
    return set(m.sources).union(*[closure_sources(d) for d in m.deps])


class SparkEngine:
    """The models of one DuckDB connection run on Spark (a notebook's `engine: spark`).

    Attached to the connection (`attach`), it takes every model whose sources were all given to
    Spark (the staged exports, the scheme's tables, the segments at two dates, the loyalty
    spends): `db.build` then runs the model on Spark, Spark writes the result as Parquet parts
    under `folder`, and the connection sees it as a view of the same name, so the checks, the
    charts' aggregates and the files for people read it as before. What reads a source Spark does
    not have (a contact list's candidates) stays on DuckDB. No result is collected through Spark;
    the driver's DuckDB streams what it reads from the Parquet parts.
    """

    def __init__(self, spark, folder: Path):
        self.spark, self.folder, self.written = spark, Path(folder), set()

    def runs(self, name: str) -> bool:
        state = _state(self.spark)
        return name not in DUCKDB_ONLY and all(f"source:{s}" in state
                                               for s in closure_sources(name))

    def register(self, name: str, table: pa.Table) -> None:
        register(self.spark, name, table)

    def register_parquet(self, name: str, path: Path) -> None:
        read_parquet(self.spark, name, path)

    def alias(self, name: str, table: str) -> None:
        if table in _state(self.spark).values():  # a view built on Spark
            alias(self.spark, name, table)
        else:  # a DuckDB table: what reads this name stays on DuckDB
            self.spark.catalog.dropTempView(name)
            _state(self.spark).pop(f"source:{name}", None)

    def remove_results(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        """The results' folder removed and the session stopped (the process's end)."""
        self.remove_results()
        self.spark.stop()

    def build(self, con, name: str, params: dict) -> str:
        view = _build(self.spark, name, params)
        if view not in self.written:
            path = self.folder / view
            self.spark.table(view).write.mode("overwrite").parquet(str(path))
            parts = str(path / "*.parquet").replace("'", "''")
            con.execute(f"create or replace temp view {view} as "
                        f"select * from read_parquet('{parts}')")
            self.written.add(view)
        return view


# spark_conf's one setting of the workbook's own: where Spark writes the models' results (a folder
# that the driver and every executor see: the project's disk in local mode, a shared mount such
# as /dbfs/... on a cluster)
WORK_DIR_CONF = "spark.workbook.dir"


LOGS_KEPT_DAYS = 7


def _sweep(root: Path) -> None:
    """Results left by runs of this host whose process is gone (a kernel killed before its
    end), and driver logs older than LOGS_KEPT_DAYS."""
    host = socket.gethostname()
    for folder in root.glob(f"run-{host}-*"):
        pid = folder.name[len(f"run-{host}-"):].split("-")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    for log in (root / "logs").glob("driver-*.log"):
        if time.time() - log.stat().st_mtime > LOGS_KEPT_DAYS * 86400:
            log.unlink(missing_ok=True)


def run_folder(root: Path) -> Path:
    """A folder for this process's results under `root`, named so that _sweep removes it once
    the process is gone."""
    return Path(root) / f"run-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def session_conf(conf: dict) -> dict:
    """spark_conf without the workbook's own setting (WORK_DIR_CONF), as Spark takes it."""
    return {k: v for k, v in (conf or {}).items() if k != WORK_DIR_CONF}


def attach(con, *, master: str | None, conf: dict, staged: dict[str, str | None]) -> SparkEngine:
    """Spark takes the models of `con` from here on (see SparkEngine). `staged` gives the staged
    Parquet of order_lines and customers (None: the connection's own customers table, empty)."""
    root = Path((conf or {}).get(WORK_DIR_CONF) or DATA_PROCESSED / "spark")
    spark = session(master, session_conf(conf))
    _sweep(root)
    engine = SparkEngine(spark, run_folder(root))
    for name, path in staged.items():
        if path:
            read_parquet(spark, name, Path(path))
        else:
            register(spark, name, con.table(name).to_arrow_table())
    db.use_engine(con, engine)
    # the results go with the process: at the interpreter's end (before it waits for threads),
    # or when a notebook's kernel manager ends the kernel, which it does with SIGTERM once Spark
    # runs in it (its atexit handlers never run then); a killed process's are swept next time
    threading._register_atexit(engine.close)
    if threading.current_thread() is threading.main_thread():
        _on_sigterm(engine.remove_results)
    return engine


def _on_sigterm(cleanup) -> None:
    """`cleanup()` before the process ends on SIGTERM (then ended as it would have been)."""
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum, frame):
        cleanup()
        if callable(previous):
            previous(signum, frame)
        else:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, handler)
