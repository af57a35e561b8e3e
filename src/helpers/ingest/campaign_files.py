"""The campaign logs (campaigns, sends, holdout) typed into tables with exact columns."""

from __future__ import annotations

import math
import re
import tempfile
from datetime import date
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
# columns a file may leave out: read as empty (unknown), never as 0 or false. campaigns.csv:
# the holdout share the campaign planned (empty: the run's holdout_share), its margin on revenue
# (a share; empty: the run's margin) and the outcomes besides purchases measured against the
# holdout (column names of the send and holdout files, separated by ";"); the send file: opens
# and interactions it does not record
OPTIONAL_COLUMNS = {
    "campaigns": ["planned_holdout_share", "margin", "outcomes"],
    "campaign_sends": ["opened", "interacted"],
    "campaign_holdout": [],
}
# columns the campaign files and the measurement use themselves: never an outcome's name
RESERVED_OUTCOMES = frozenset(
    {c for cols in CAMPAIGN_FILES.values() for c in cols}
    | {c for cols in OPTIONAL_COLUMNS.values() for c in cols}
    | {"source_line", "source_file", "arm", "outcome", "value", "segment", "is_opened",
       "is_interacted", "is_delivered"})
MAX_ATTRIBUTION_DAYS = 365  # a window longer than a year measures the shop, not the campaign
TRUE_WORDS = {"1", "true", "yes", "y", "có", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "không", ""}


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
    full = {}
    for table, path in (("campaigns", campaigns_path), ("campaign_sends", sends_path),
                        ("campaign_holdout", holdout_path)):
        path = resolve(path)
        raw = read_raw(path)
        optional = OPTIONAL_COLUMNS[table]
        missing = [c for c in CAMPAIGN_FILES[table]
                   if c not in raw.column_names and c not in optional]
        if missing:
            raise IngestError(f"{path.name}: missing column(s) {missing}; {table}.csv needs "
                              f"exactly {CAMPAIGN_FILES[table]}")
        for column in optional:
            if column not in raw.column_names:
                raw = raw.append_column(column, pa.nulls(raw.num_rows, pa.string()))
        full[table] = raw
        columns = list(dict.fromkeys(CAMPAIGN_FILES[table] + optional))
        raws[table] = raw.select(columns + ["source_line"])
        counts[table] = raw.num_rows
    check_campaign_settings(raws["campaigns"], resolve(campaigns_path).name)
    outcome_values(con, full)
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


def _shares(raw: pa.Table, column: str, file: str, *, upper_open: bool) -> None:
    """A share column of campaigns.csv: empty, or a number in (0, 1) (or (0, 1] for a margin)."""
    for line, value in zip(raw.column("source_line").to_pylist(),
                           raw.column(column).to_pylist()):
        text = (value or "").strip()
        if not text:
            continue
        try:
            share = float(text)
        except ValueError:
            share = None
        if share is None or not (0 < share < 1 or (share == 1 and not upper_open)):
            raise IngestError(
                f"{file}, line {line}: {column} = {value!r} is not a share; write a number "
                f"between 0 and 1 with a point (0.1 for 10%), or leave it empty for the run's "
                f"value.")


def check_campaign_settings(campaigns: pa.Table, file: str) -> None:
    """Each campaign id once, attribution_days a whole number of days in [1, 365], a start_date
    that reads one way only, planned_holdout_share in (0, 1) and margin in (0, 1], or empty.
    (Campaign settings are not personal: their values are quoted in the messages.)"""
    _unique_ids(campaigns, file)
    _attribution_days(campaigns, file)
    _start_dates(campaigns, file)
    _shares(campaigns, "planned_holdout_share", file, upper_open=True)
    _shares(campaigns, "margin", file, upper_open=False)


def _unique_ids(campaigns: pa.Table, file: str) -> None:
    lines: dict[str, list] = {}
    for line, cid in zip(campaigns.column("source_line").to_pylist(),
                         campaigns.column("campaign_id").to_pylist()):
        key = (cid or "").strip()
        if not key:
            raise IngestError(f"{file}, line {line}: campaign_id is empty; give every campaign "
                              f"its own id.")
        lines.setdefault(key, []).append(line)
    for cid, where in lines.items():
        if len(where) > 1:
            raise IngestError(
                f"{file}, lines {', '.join(str(w) for w in where)}: the campaign id {cid!r} is "
                f"listed {len(where)} times; one line per campaign: keep one of them, or give "
                f"the other campaign its own id (in the send and holdout files too).")


def _attribution_days(campaigns: pa.Table, file: str) -> None:
    for line, value in zip(campaigns.column("source_line").to_pylist(),
                           campaigns.column("attribution_days").to_pylist()):
        text = (value or "").strip()
        days = int(text) if re.fullmatch(r"\+?\d+", text) else None
        if days is None or not 1 <= days <= MAX_ATTRIBUTION_DAYS:
            raise IngestError(
                f"{file}, line {line}: attribution_days = {value!r} cannot be used; write a whole "
                f"number of days from 1 to {MAX_ATTRIBUTION_DAYS} (7 counts purchases on the "
                f"send day and the 6 days after it).")


DAY_MONTH = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T].*)?")


def _start_dates(campaigns: pa.Table, file: str) -> None:
    """start_date as YYYY-MM-DD, or day first (read so) when the file's own dates prove it: a
    date such as 09/04/2026 that reads both ways in a file where none shows its order is an
    error, never a guess."""
    rows = list(zip(campaigns.column("source_line").to_pylist(),
                    campaigns.column("start_date").to_pylist()))
    parts = []
    for line, value in rows:
        text = (value or "").strip()
        match = DAY_MONTH.fullmatch(text)
        try:
            if ISO_DAY.fullmatch(text):
                date.fromisoformat(text[:10])
                continue
            if match:  # a real day either way round (31/02 is none)
                first, second, year = (int(g) for g in match.groups())
                date(year, *((second, first) if second <= 12 else (first, second)))
        except ValueError:
            match = None
        if not match:
            raise IngestError(f"{file}, line {line}: start_date = {value!r} is not a date; "
                              f"write it as YYYY-MM-DD (2026-04-09).")
        parts.append((line, value, int(match.group(1)), int(match.group(2))))
    month_first = [p for p in parts if p[3] > 12]
    if month_first:
        line, value = month_first[0][:2]
        raise IngestError(f"{file}, line {line}: start_date = {value!r} is written month first; "
                          f"campaign dates are read day first: write them as YYYY-MM-DD "
                          f"(2026-04-09).")
    if parts and not any(p[2] > 12 for p in parts):
        ambiguous = [p for p in parts if p[2] != p[3]]
        if ambiguous:
            line, value = ambiguous[0][:2]
            raise IngestError(
                f"{file}, line {line}: start_date = {value!r} reads as two different days (day "
                f"first or month first) and no date in the file shows which; write the dates "
                f"as YYYY-MM-DD (2026-04-09).")


def outcome_names(value) -> list[str]:
    """The outcomes a campaign names: "visits; clicked" -> ["visits", "clicked"]."""
    return [n.strip() for n in (value or "").split(";") if n.strip()]


def _outcome_number(text, *, file: str, column: str, line) -> float | None:
    """1/0 for yes/no, a finite number as it is, None for an empty cell. The messages name the
    file, the line and the column, never the cell's value (it is a customer's data)."""
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return 1.0
    if word in FALSE_WORDS:
        return None if word == "" else 0.0
    try:
        number = float(word)
    except ValueError:
        raise IngestError(
            f"{file}, line {line}: the outcome column {column!r} holds neither yes/no nor a "
            f"number; an outcome column holds 1/0 (true/false) or a number written with a "
            f"point.") from None
    if not math.isfinite(number) or abs(number) > MAX_OUTCOME:
        raise IngestError(
            f"{file}, line {line}: the outcome column {column!r} holds a value that is not a "
            f"finite number (nan, inf or beyond {MAX_OUTCOME:.0e}); write 1/0 or an ordinary "
            f"number, or leave the cell empty (unknown).")
    return number


MAX_OUTCOME = 1e15  # a count or an amount beyond this is an error in the file, not a measure


def outcome_values(con, raws: dict[str, pa.Table]) -> None:
    """Table campaign_outcome_values (campaign_id, customer_id, arm, outcome, value): each
    outcome a campaign names in campaigns.csv's `outcomes`, read from its send and holdout
    files (yes/no as 1/0, numbers as they are, an empty cell unknown and left out). An outcome
    missing from either file is an error: it could not be compared with the holdout."""
    rows = {"campaign_id": [], "customer_id": [], "arm": [], "outcome": [], "value": []}
    campaigns = raws["campaigns"]
    for campaign_id, names in zip(campaigns.column("campaign_id").to_pylist(),
                                  campaigns.column("outcomes").to_pylist()):
        for name in outcome_names(names):
            if name in RESERVED_OUTCOMES:
                raise IngestError(
                    f"campaigns.csv names {name!r} as an outcome of {campaign_id}, but "
                    f"{name!r} is a column the campaign files use themselves (ids, dates, "
                    f"costs, status), not an outcome; name a column of your own such as "
                    f"visits or clicked, or remove it from `outcomes`.")
            for table, arm in (("campaign_sends", "treated"), ("campaign_holdout", "holdout")):
                raw = raws[table]
                if name not in raw.column_names:
                    raise IngestError(
                        f"campaigns.csv names the outcome {name!r} for {campaign_id}, but "
                        f"{table}.csv has no such column; add it to both the send and the "
                        f"holdout files, or remove it from `outcomes`.")
                ids = raw.column("campaign_id").to_pylist()
                for cid, customer, text, line in zip(ids, raw.column("customer_id").to_pylist(),
                                                     raw.column(name).to_pylist(),
                                                     raw.column("source_line").to_pylist()):
                    if cid != campaign_id:
                        continue
                    value = _outcome_number(text, file=f"{table}.csv", column=name, line=line)
                    if value is None:
                        continue
                    for key, v in zip(rows, (cid, customer, arm, name, value)):
                        rows[key].append(v)
    table = pa.table({k: pa.array(v, pa.float64() if k == "value" else pa.string())
                      for k, v in rows.items()})
    con.register("outcome_source", table)
    con.execute("create or replace temp table campaign_outcome_values as "
                "select * from outcome_source")
    con.unregister("outcome_source")
