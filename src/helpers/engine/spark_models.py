"""The same SQL models on Apache Spark (issue 18).

Each model in sql/ that stays inside the portable subset (helpers.portable) has its Spark SQL in
sql/**/<model>.spark.sql, transpiled by SQLGlot and committed, so that a change of SQLGlot that
changes what runs shows in review (`python -m helpers.portable --write` writes them again;
tests/test_portable_sql.py fails while they are stale).

`build(spark, name, **params)` runs a model by the walk `helpers.engine.db.build` runs on DuckDB
(helpers.engine.graph.walk, with SparkEngine as the engine): the models it reads first, each given
only the parameters it uses, kept as a temporary view named by the model and a key of everything
that made it, its grain checked by the same query. Sources (the staged exports, the scheme's tables) are
registered first, from Arrow tables (`register`) or Parquet files and folders (`read_parquet`).
Nothing per customer is collected to the driver here: results stay Spark DataFrames.
"""

from __future__ import annotations

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
from helpers.engine import db, graph
from helpers.engine.graph import Model, ModelError

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


# session -> {key: view, "source:<name>": identity}: the state of the models of one session,
# shared by every SparkEngine of it (gone with the session)
_built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _state(spark) -> dict:
    return _built.setdefault(spark, {})


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


class SparkEngine:
    """The models on one SparkSession (graph.Engine): the same walk, key and grain check as on
    DuckDB (graph.walk), each model's committed Spark SQL, results kept as temporary views.

    Given to a DuckDB connection's engine (`attach`, a notebook's `engine: spark`), it takes
    every model whose sources were all given to Spark (the staged exports, the scheme's tables,
    the segments at two dates, the loyalty spends): Spark writes the result as Parquet parts
    under `folder`, and the connection sees it as a view of the same name, so the checks, the
    charts' aggregates and the files for people read it as before. What reads a source Spark
    does not have (a contact list's candidates) stays on DuckDB. No result is collected through
    Spark; the driver's DuckDB streams what it reads from the Parquet parts.
    """

    def __init__(self, spark, folder: Path | None = None):
        self.spark, self.written = spark, set()
        self.folder = Path(folder) if folder is not None else None

    @property
    def state(self) -> dict:
        return _state(self.spark)

    @property
    def check_grain(self) -> bool:
        return CHECK_GRAIN

    # -- what the walk asks of an engine (graph.Engine) --

    def handoff(self, name: str, inputs: dict):
        return None  # Spark runs every model it is given, and what they read

    def receive(self, name: str, table: str, other) -> str:
        raise ModelError(f"model {name}: Spark takes no result of another engine")

    def text(self, name: str) -> str:
        return spark_sql(name)

    def identity(self, table: str) -> str:
        return self.state.get(f"source:{table}", "view")

    def has(self, key: str, table: str) -> bool:
        return self.state.get(key) == table

    def create(self, m: Model, table: str, sql: str, used: dict, deps: dict) -> None:
        frame = self.spark.sql(sql, args={p: sql_arg(v) for p, v in used.items()})
        # computed once and kept on the executors, its plan cut: a model read by several CTEs
        # of the next one is not inlined into each (the plans grew until the driver ran out of
        # memory on rfm_segments)
        frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(table)

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def keep(self, key: str, table: str) -> None:
        self.state[key] = table

    def done(self, name: str, table: str) -> None:
        self.spark.table(table).createOrReplaceTempView(name)

    # -- register, build, stage, read --

    def table(self, name: str, params: dict, inputs: dict | None = None) -> str:
        """The view holding model `name` for these parameters (built when it is not yet)."""
        return graph.walk(self, name, params, inputs)

    def build(self, name: str, *, inputs: dict | None = None, **params):
        return self.spark.table(self.table(name, params, inputs))

    def read(self, table: str):
        return self.spark.table(table)

    def register(self, name: str, data, *, replace: bool = False) -> None:
        """An Arrow table or a frame as source `name` (a temporary view). The same content
        again keeps what was built from it."""
        table = db.as_arrow(data)
        # pandas' strings arrive as large_string; Spark reads plain strings
        table = table.cast(pa.schema([f.with_type(pa.string()) if pa.types.is_large_string(f.type)
                                      else f for f in table.schema]))
        tag = db.content_tag(table)
        if self._unchanged(name, tag, replace):
            return
        # Arrow goes to the JVM whole; an empty table gets its schema on an RDD with no partitions
        # (a local list would start a Python worker on an executor, which needs the driver's Python)
        frame = self.spark.createDataFrame(table) if table.num_rows else self.spark.createDataFrame(
            self.spark.sparkContext.emptyRDD(), _spark_schema(table.schema))
        frame.createOrReplaceTempView(name)
        self.state[f"source:{name}"] = tag

    def register_parquet(self, name: str, path: Path, *, replace: bool = False) -> None:
        """Parquet file or folder of parts `path` as source `name` (the staged cache of an
        export)."""
        path = Path(path)
        tag = db.parquet_tag(path)
        if self._unchanged(name, tag, replace):
            return
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)
        self.state[f"source:{name}"] = tag

    def alias(self, name: str, table: str, *, replace: bool = False) -> None:
        """Source `name` is the view `table` when Spark built it (seg_from, seg_to; tier_now,
        …); a DuckDB table instead: what reads this name stays on DuckDB."""
        if table in self.state.values():
            if self._unchanged(name, f"alias:{table}", replace):
                return
            self.spark.table(table).createOrReplaceTempView(name)
            self.state[f"source:{name}"] = f"alias:{table}"
        else:
            self.spark.catalog.dropTempView(name)
            self.state.pop(f"source:{name}", None)

    def stage(self, name: str, *, into: str, **params):
        """Staging model `name` over the raw views, kept as the view `into`; its grain checked."""
        args = {p: sql_arg(v) for p, v in db.used_params(name, params).items()}
        frame = self.spark.sql(spark_sql(name), args=args)
        frame.createOrReplaceTempView(into)
        if db.model(name).unique:
            graph.check_grain(self, into, name, db.model(name).unique)
        return frame

    def _unchanged(self, name: str, tag: str, replace: bool) -> bool:
        """Source `name` already is `tag`. Another source replaces it here: a session outlives
        the connections it serves (a notebook's kernel opens several, the tests share one), so
        which names may change is said by each connection's engine (db.DuckDBEngine), which
        checks before it hands a source on; `replace` is taken for the same signature."""
        return self.state.get(f"source:{name}") == tag

    # -- as the engine of a DuckDB connection's models (db.DuckDBEngine.attach) --

    def runs(self, name: str, inputs: dict | None = None) -> bool:
        """Spark holds every source model `name` reads and every input given for it."""
        state = self.state
        given = [(inputs or {}).get(i) for i in graph.closure_inputs(name)]
        return (name not in DUCKDB_ONLY
                and all(f"source:{s}" in state for s in graph.closure_sources(name))
                and all(t and (f"source:{t}" in state or t in state.values()) for t in given))

    def to_duckdb(self, con, view: str) -> None:
        """The built view `view` as a view of `con` over the Parquet parts Spark writes (once;
        the view is made again if `con` dropped it: db.scratch)."""
        path = self.folder / view
        if view not in self.written:
            self.spark.table(view).write.mode("overwrite").parquet(str(path))
            self.written.add(view)
        parts = str(path / "*.parquet").replace("'", "''")
        con.execute(f"create or replace temp view {view} as select * from read_parquet('{parts}')")

    def remove_results(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        """The results' folder removed and the session stopped (the process's end)."""
        self.remove_results()
        self.spark.stop()


def register(spark, name: str, data, *, replace: bool = False) -> None:
    """An Arrow table or a frame as source `name` on `spark` (SparkEngine.register)."""
    SparkEngine(spark).register(name, data, replace=replace)


def read_parquet(spark, name: str, path: Path, *, replace: bool = False) -> None:
    """Parquet file or folder of parts `path` as source `name` (the staged cache of an export)."""
    SparkEngine(spark).register_parquet(name, path, replace=replace)


def alias(spark, name: str, view: str, *, replace: bool = False) -> None:
    """Source `name` is the built view `view` (seg_from, seg_to; tier_now, …)."""
    SparkEngine(spark).alias(name, view, replace=replace)


def build(spark, name: str, *, inputs: dict | None = None, **params):
    """The model `name` for these parameters as a Spark DataFrame (built unless it already is)."""
    return SparkEngine(spark).build(name, inputs=inputs, **params)


def table_name(spark, name: str, *, inputs: dict | None = None, **params) -> str:
    return SparkEngine(spark).table(name, params, inputs)


def check_unique(spark, view: str, name: str, columns: tuple[str, ...]) -> None:
    """Model `name`'s grain on `view` (graph.check_grain, the check of every engine)."""
    graph.check_grain(SparkEngine(spark), view, name, columns)


def closure_sources(name: str) -> set[str]:
    """Every source model `name` reads, through the models it reads."""
    return graph.closure_sources(name)


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
            engine.register_parquet(name, Path(path))
        else:
            engine.register(name, con.table(name).to_arrow_table())
    db.engine(con).attach(engine)
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
