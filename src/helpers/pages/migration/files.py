"""Page 02's output files: the migration matrix and summary, movers lists, the trend."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from helpers.engine import db
from helpers.kit.export import (
    arrow,
    build_contact_lists,
    contact_list_counts,
    write_contact_lists,
    write_csv,
)
from helpers.kit.person_lists import CONSENTS, EVIDENCE, PersonList, check_lang, segment_labels

# ---------------------------------------------------------------- notebook 02's outputs

MOVERS_COLUMNS = ["customer_id", "name", "phone", "email", "consent_sms", "consent_zalo",
                  "consent_email", "from_segment", "to_segment", "r_score_from", "f_score_from",
                  "m_score_from", "r_score_to", "f_score_to", "m_score_to", "recency_days_from",
                  "recency_days_to", "frequency_from", "frequency_to", "monetary_from",
                  "monetary_to"]
# the movers list a person opens (movers/<name>.xlsx): where the customer moved in words, how
# recently and how often they bought, what they spent then and now
MOVERS_PERSON_COLUMNS = ["customer_id", "name", "phone", "email", *CONSENTS, "move",
                         "recency_days_to", "frequency_to", "monetary_from", "monetary_to", *EVIDENCE]


def write_migration_outputs(con: duckdb.DuckDBPyConnection, *, output_dir: Path,
                            movers: dict[str, str], trend, headline: dict,
                            as_of: date, lang: str = "vi",
                            list_labels: dict[str, str] | None = None,
                            written_at: datetime | None = None,
                            matrix: str | None = None) -> dict:
    """migration_matrix.csv, migration_summary.csv (the headline: up, same, down, revenue at
    stake, new; page 00 reads it), movers/<name>.csv (+ per channel) and movers/<name>.xlsx
    (the list for a person, in `lang`, its sheet named by `list_labels`: the scheme's
    movers_label), segment_trend.csv; `movers` maps each list's name to the table holding it
    (migration.build_movers_lists); each send list has its manifest stating `as_of`."""
    output_dir = Path(output_dir)
    check_lang(lang)
    labels = segment_labels(con)
    # `matrix`: the segment_migration table migration.build_segment_migration returned (its
    # relation's `alias`); without it, the one built last (db.latest): callers should pass it
    matrix = matrix or db.latest(con, "segment_migration")
    if not matrix.replace("_", "").isalnum():
        raise ValueError(f"invalid table name {matrix!r}")
    files = [write_csv(arrow(con, f"select from_segment, to_segment, customers, share_of_from "
                                  f"from {matrix} order by from_rank, to_rank"),
                       output_dir / "migration_matrix.csv"),
             write_csv(pa.Table.from_pylist([headline]), output_dir / "migration_summary.csv")]
    sizes, counts = {}, []
    for name, table in movers.items():
        sizes[name] = db.one(con, f"select count(*) from {table}")[0]
        built = build_contact_lists(con, table, "list_name").alias
        counts.append(contact_list_counts(con, built).df())
        # the most valuable movers first: the win-back list is worked from the top
        # the scheme's name for the list (movers_label); without one, words, never the key
        sheet = (list_labels or {}).get(name) or ("Khách chuyển nhóm" if lang == "vi"
                                                  else "Customers who moved")
        person = PersonList(columns=MOVERS_PERSON_COLUMNS, lang=lang, segments=labels,
                            sheets={name: sheet})
        files += write_contact_lists(con, output_dir / "movers", file_name="{key}.csv",
                                     keys=[name], columns=MOVERS_COLUMNS,
                                     order_by="monetary_from", as_of=as_of, person=person,
                                     table=built, written_at=written_at)
    trend_table = pa.Table.from_pandas(trend[["month_end", "segment", "customers", "share"]],
                                       preserve_index=False)
    files.append(write_csv(trend_table, output_dir / "segment_trend.csv"))
    return {"files": files, "sizes": sizes,
            "send_list_counts": pd.concat(counts) if counts else pd.DataFrame()}
