"""Exports staged on Apache Spark (issue 18, `engine: spark`): orders, returns, customers.

The export is read as on DuckDB: each file becomes text Parquet with its line numbers
(helpers.ingest, on the machine that runs the notebook, one streaming pass). From there every
line is parsed and checked on Spark by the same staging models (stg_order_lines_parsed.sql,
stg_order_structure, stg_order_repeats, stg_order_lines) and the same checks of the export's
shape (export_date_evidence, export_decimal_evidence, export_order_amounts), in the Spark SQL
that helpers.engine.portable.staging_to_spark writes (<model>.spark.sql beside each model,
committed). Spark writes the checked
lines as Parquet parts in the staging's work folder; the counts per file, the quarantine file
and the staged cache in file order are then written from those parts as on DuckDB
(ingest.ledger.account_rows), so that both engines stage an export into the same files.

The returns export (stg_return_lines.sql) and the customers export (stg_customers.sql) are
staged on Spark alike. What stays DuckDB's: the campaign files (notebook 05), listed in
spark_models.DUCKDB_ONLY.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import sqlglot

from helpers.engine import db, spark_models

# the models of an orders export's staging, in order, and where each result is kept
ORDER_STEPS = (("stg_order_lines_parsed", "parsed_order_lines"),
               ("stg_order_structure", "order_structure"),
               ("stg_order_repeats", "order_repeats"))

# Spark's settings while an export is staged: products of two amounts (Quantity * UnitPrice) are
# exact as DuckDB's (decimal(38, 20)); Spark would otherwise round them to 6 decimals. Times are
# the shop's wall-clock time without a zone (DuckDB's timestamp), parsed as such, and a time
# written with a zone is converted through UTC.
STAGING_CONF = {"spark.sql.decimalOperations.allowPrecisionLoss": "false",
                "spark.sql.timestampType": "TIMESTAMP_NTZ",
                "spark.sql.session.timeZone": "UTC"}

NULL_TEXT = "cast(null as string)"


def row_hash_sql(columns: list[str]) -> str:
    """A row's hash over every column of the export (the repeat check's first filter). Spark's
    xxhash64 skips nulls, so ('a', null) and (null, 'a') would hash alike: which columns are null
    is hashed too."""
    if not columns:
        return "xxhash64(0)"
    nulls = " || ".join(f"case when {c} is null then '1' else '0' end" for c in columns)
    return f"xxhash64({', '.join(columns)}, {nulls})"


class SparkStager:
    """The Spark side of one staging: views over the text Parquet, the checks, the four steps."""

    def __init__(self, spark, work: Path):
        self.spark, self.work = spark, Path(work)
        self._saved = {}

    def __enter__(self):
        for key, value in STAGING_CONF.items():
            self._saved[key] = self.spark.conf.get(key, None)
            self.spark.conf.set(key, value)
        return self

    def __exit__(self, *exc):
        for key, value in self._saved.items():
            if value is None:
                self.spark.conf.unset(key)
            else:
                self.spark.conf.set(key, value)
        return False

    def raw_view(self, name: str, parts: list[tuple[Path, list[str]]]) -> None:
        """View `name`: the union of each text Parquet file read through its select list."""
        frames = [self.spark.read.parquet(str(path)).selectExpr(*select)
                  for path, select in parts]
        frame = frames[0]
        for other in frames[1:]:
            frame = frame.union(other)
        frame.createOrReplaceTempView(name)

    def register(self, name: str, table) -> None:
        """A small table made in Python (phone_keys) as a Spark view of the same name: each
        staging makes it again (on DuckDB it is dropped after each, so a new one is no change
        of what was built from the old)."""
        spark_models.register(self.spark, name, table, replace=True)

    def amount_function(self, body_duckdb: str) -> None:
        """mapped_amount(a1..a6): the mapping's amount expression over the parsed amounts."""
        body = sqlglot.transpile(body_duckdb, read="duckdb", write="spark")[0]
        params = ", ".join(f"a{i} DECIMAL(38, 10)" for i in range(1, 7))
        self.spark.sql(f"CREATE OR REPLACE TEMPORARY FUNCTION mapped_amount({params}) "
                       f"RETURNS DECIMAL(38, 10) RETURN CAST({body} AS DECIMAL(38, 10))")

    def evidence(self, model: str, view: str, column_sql: str) -> tuple:
        """The one row of an export check (export_date_evidence, …) over `column_sql`."""
        self.spark.sql(column_sql).createOrReplaceTempView(view)
        try:
            row = self.spark.sql(spark_models.spark_sql(model)).collect()[0]
        finally:
            self.spark.catalog.dropTempView(view)
        return tuple(row)

    def nfc_pairs(self, view: str, column: str) -> dict:
        """nfc_from / nfc_to: the column's distinct texts and their NFC form (Spark has no NFC
        function; statuses are a few distinct texts). One pair at least: an empty array has no
        type."""
        texts = [r[0] for r in self.spark.sql(
            f"select distinct {column} from {view} where {column} is not null").collect()]
        texts = texts or [""]
        return {"nfc_from": texts, "nfc_to": [unicodedata.normalize("NFC", t) for t in texts]}

    def _run(self, model: str, params: dict, extra: dict | None = None):
        args = {p: spark_models.sql_arg(v) for p, v in db.used_params(model, params).items()}
        return self.spark.sql(spark_models.spark_sql(model), args={**args, **(extra or {})})

    def _keep(self, frame, name: str) -> Path:
        path = self.work / f"{name}.spark"
        frame.write.mode("overwrite").parquet(str(path))
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)
        return path

    def order_lines(self, con, checked_name: str, params: dict) -> None:
        """Steps 1 to 4 of stg_order_lines_parsed.sql … stg_order_lines.sql on Spark over
        raw_orders; the checked lines as Parquet parts, seen by `con` as view `checked_name`."""
        nfc = self.nfc_pairs("raw_orders", "status")
        for model, name in ORDER_STEPS:
            self._keep(self._run(model, params, nfc if model == "stg_order_lines_parsed"
                                 else None), name)
            self._check(model, name)
        self.stage(con, "stg_order_lines", checked_name, params)

    def stage(self, con, model: str, into: str, params: dict, nfc: dict | None = None) -> None:
        """Staging model `model` on Spark, kept as Parquet parts in the work folder: a Spark view
        and a view of `con` named `into`."""
        path = self._keep(self._run(model, params, nfc), into)
        self._check(model, into)
        parts = str(path / "*.parquet").replace("'", "''")
        con.execute(f"create or replace temp view {into} as "
                    f"select * from read_parquet('{parts}')")

    def _check(self, model: str, name: str) -> None:
        unique = db.model(model).unique
        if unique:
            spark_models.check_unique(self.spark, name, model, unique)

    def order_customers(self) -> None:
        """View order_customers (the returns' orders) from the checked orders, as ingest makes
        it on DuckDB."""
        self.spark.sql("""
            select order_id, any_value(customer_id) as customer_id, bool_and(is_guest) as is_guest
            from stg_orders_checked where order_id is not null group by all
        """).createOrReplaceTempView("order_customers")

    def one_row(self, model: str) -> tuple:
        return tuple(self.spark.sql(spark_models.spark_sql(model)).collect()[0])
