"""The campaign logs (campaigns, sends, holdout) typed into tables with exact columns."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.errors import IngestError
from helpers.core.paths import DATA_PROCESSED, resolve
from helpers.engine import db, spark_models, spark_staging
from helpers.ingest.readers import check_file, to_parquet, unique_headers
from helpers.ingest.staging import ensure_macros

CAMPAIGN_FILES = {
    "campaigns": ["campaign_id", "name", "channel", "target", "start_date", "attribution_days",
                  "cost_per_message"],
    "campaign_sends": ["campaign_id", "customer_id", "channel", "sent_at", "status", "cost",
                       "opened", "interacted"],
    "campaign_holdout": ["campaign_id", "customer_id"],
}


def read_raw(path: Path, *, encoding: str = "utf-8") -> pa.Table:
    """A small file (campaign logs) as text columns with `source_line`."""
    path = Path(path)
    check_file(path)
    with tempfile.TemporaryDirectory() as tmp:
        raw = to_parquet(path, path.name, Path(tmp) / "raw.parquet", encoding=encoding)
        table = pq.read_table(raw.parquet)
    names = unique_headers([h.strip() for h in raw.headers])
    return table.rename_columns(names + ["source_file", "source_line"]).drop(["source_file"])


def load_campaign_files(con, *, campaigns_path, sends_path, holdout_path,
                        spark=None) -> dict[str, int]:
    """Tables campaigns, campaign_sends, campaign_holdout from their CSV files (exact columns).
    With a SparkSession they are typed on Spark (the same rows; views of `con` over Spark's
    Parquet parts in a temporary folder that lives as long as `con`'s process)."""
    counts = {}
    raws = {}
    for table, path in (("campaigns", campaigns_path), ("campaign_sends", sends_path),
                        ("campaign_holdout", holdout_path)):
        path = resolve(path)
        raw = read_raw(path)
        missing = [c for c in CAMPAIGN_FILES[table] if c not in raw.column_names]
        if missing:
            raise IngestError(f"{path.name}: missing column(s) {missing}; {table}.csv needs "
                              f"exactly {CAMPAIGN_FILES[table]}")
        raws[table] = raw.select(CAMPAIGN_FILES[table] + ["source_line"])
        counts[table] = raw.num_rows
    if spark is not None:
        # a results folder of this process, as SparkEngine's: swept once the process is gone
        work = spark_models.run_folder(DATA_PROCESSED / "spark")
        work.mkdir(parents=True)
        with spark_staging.SparkStager(spark, work) as stager:
            for table, raw in raws.items():
                spark_models.register(spark, f"raw_{table}", raw)
            for table in raws:
                stager.stage(con, f"stg_{table}", table, {})
        return counts
    for table, raw in raws.items():
        con.register("raw_source", raw)
        con.execute(f"create or replace temp table raw_{table} as select * from raw_source")
        con.unregister("raw_source")
    ensure_macros(con)
    db.stage(con, "stg_campaigns", into="campaigns")
    db.stage(con, "stg_campaign_sends", into="campaign_sends")
    db.stage(con, "stg_campaign_holdout", into="campaign_holdout")
    return counts
