"""Page 06's output files: customer value and the fading best customers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from helpers.engine import db
from helpers.kit.export import build_contact_lists, write_contact_lists, write_csv, write_query_csv
from helpers.kit.person_lists import EVIDENCE, PersonList, segment_labels
from helpers.pages.value import check

# ---------------------------------------------------------------- notebook 06's outputs

FADING_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                  "consent_email", "segment", "p_alive", "expected_revenue"]
FADING_BELOW = 0.5  # P(alive) under which a customer of the best segment is listed
FADING_SHEET = {"vi": "Khách tốt nhất đang nhạt dần", "en": "Best customers fading"}


def write_customer_value(con: duckdb.DuckDBPyConnection, *, output_dir: Path, values: Path,
                         model: pa.Table, fading_segment: str, as_of: date,
                         written_at: datetime | None = None, lang: str = "vi") -> dict:
    """customer_value.csv from `values` (customer_value.parquet, written by
    customer_value.write_values), customer_value_model.csv, and value/fading_champions.csv (with
    a list per channel, each with its manifest stating `as_of`): the customers of the best
    segment whose P(alive) is below 50%, with value/fading_champions.xlsx beside it for a person
    (in `lang`). The file is the source customer_value from here on
    (read where it lies)."""
    output_dir = Path(output_dir)
    written = [Path(values),
               write_query_csv(con, "select * from read_parquet($path)",
                               output_dir / "customer_value.csv", {"path": str(values)})[0],
               write_csv(model, output_dir / "customer_value_model.csv")]
    db.register_parquet(con, "customer_value", values)
    fading = db.table_name(con, "fading_customers", segment=fading_segment,
                           p_alive_below=FADING_BELOW)
    lists = build_contact_lists(con, fading, "fading_key")
    written += write_contact_lists(con, output_dir / "value", file_name="{key}.csv", table=lists.alias,
                                   keys=["fading_champions"], columns=FADING_COLUMNS,
                                   order_by="expected_revenue", as_of=as_of,
                                   written_at=written_at, person=PersonList(
                                       columns=FADING_COLUMNS + EVIDENCE, lang=lang,
                                       segments=segment_labels(con),
                                       sheets={"fading_champions": FADING_SHEET[lang]}))
    count = con.execute(f"select count(*) from {fading}").fetchall()[0][0]
    return {"files": written, "fading": count, "fading_segment": fading_segment}


def write_fit_check(con: duckdb.DuckDBPyConnection, fit, *, output_dir: Path, lost: str,
                    as_of: date) -> tuple[dict, dict]:
    """value/fit_check.json (check.write_fit_check: the verdict page 00 reads to drop the
    fading best customers' action) from source customer_value, written by write_customer_value;
    returns the verdict and the lost segment's figures (check.against_rfm)."""
    figures = check.against_rfm(con, lost)
    verdict = check.verdict(fit, figures)
    check.write_fit_check(verdict, Path(output_dir) / "value" / "fit_check.json", as_of=as_of)
    return verdict, figures
