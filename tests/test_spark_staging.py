"""An export staged on Spark gives DuckDB's staging, file for file (issue 18).

The tests of real exports and of tricky values that stage exports are collected here a second
time (imported below; the value-by-value ones are covered by files of tricky texts here), with
every load (orders, their returns, customers) made on Spark (`ingest.load(spark=…)`, the
parsing and checks of helpers.spark_staging) and, beside it, on DuckDB: the staged lines, the
guest lines, the quarantine (its Parquet parts and the published CSV), the report (counts per
file, reasons, what was detected) and any error must be the same. The tests' own assertions
then check the Spark-staged rows against the answers known by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from test_exports_round_two import (  # noqa: F401 (collected here again, staged on Spark)
    test_every_spelling_of_a_phone_key_is_one_customer,
    test_the_later_export_wins_and_the_summary_says_so,
)
from test_ingest import (  # noqa: F401 (collected here again, staged on Spark)
    test_every_quarantine_reason_is_recorded_with_its_line,
)
from test_real_exports import (  # noqa: F401
    load,
    test_ambiguous_dates_stop_with_examples_and_the_key_to_set,
    test_amount_expression_is_computed_exactly,
    test_an_order_total_on_every_line_without_amount_level_stops_the_run,
    test_kiotviet_return_reduces_monetary_on_its_date,
    test_order_totals_that_disagree_quarantine_the_whole_order,
    test_shopee_nfd_cancelled_orders_are_cancelled,
    test_shopify_refunds_count_net_and_voided_orders_are_excluded,
    test_tiktok_shop_order_amount_net_of_refund_once_per_order,
)

from helpers import ingest
from helpers.engine import db, portable, spark_models, spark_staging
from helpers.ingest import staging as ingest_staging
from tests.test_two_engines import golden_customers, golden_orders

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    # tiny files: two partitions, and expressions evaluated without compiling them to Java first
    # (the parsing rules compile to large classes: seconds per staging, for a few rows)
    session = spark_models.session("local[2]", conf={"spark.sql.shuffle.partitions": "2",
                                                     "spark.default.parallelism": "2",
                                                     "spark.sql.codegen.wholeStage": "false",
                                                     "spark.sql.codegen.factoryMode": "NO_CODEGEN"})
    yield session
    session.stop()


def _files(report: ingest.LoadReport) -> dict[str, tuple]:
    """Every Parquet file of a staging's cache (staged, guests, quarantine parts): schema, rows."""
    cache = Path(report.staged).parent
    return {str(p.relative_to(cache)): (pq.read_schema(p), pq.read_table(p).to_pylist())
            for p in sorted(cache.rglob("*.parquet")) if "models" not in p.parts}


SKIP = {"seconds", "staged", "quarantine_path", "quarantine_paths", "from_cache", "work"}


def _said(report: ingest.LoadReport) -> dict:
    """The report without what differs by where it was written or how long it took."""
    said = {k: v for k, v in vars(report).items() if k not in SKIP}
    said["facts"] = {k: v for k, v in (report.facts or {}).items() if k != "engine"}
    if said.get("returns"):
        said["returns"] = {k: v for k, v in said["returns"].items() if k not in SKIP}
    return said


def _published(report: ingest.LoadReport) -> list[bytes]:
    return [Path(p).read_bytes() for p in report.quarantine_paths or []]


@pytest.fixture(autouse=True)
def staged_on_spark(spark, monkeypatch, tmp_path):
    """Every orders load of the test made on Spark, and made on DuckDB beside it: the same."""
    original = ingest.load
    made = []

    def both(con, kind, path, **kwargs):
        side = tmp_path / f"duckdb-{len(made)}"
        shutil.rmtree(side, ignore_errors=True)
        duck_con = db.connect()
        try:
            expected = original(duck_con, kind, path,
                                **{**kwargs, "cache_dir": side / "cache",
                                   "quarantine_dir": side / "quarantine", "use_cache": False})
            expected_error = None
        except ingest.IngestError as exc:
            expected, expected_error = None, str(exc)
        finally:
            duck_con.close()
        try:
            report = original(con, kind, path, spark=spark, **kwargs)
        except ingest.IngestError as exc:
            assert str(exc) == expected_error, "Spark stopped where DuckDB did not, or otherwise"
            made.append(path)
            raise
        assert expected_error is None, f"DuckDB stopped ({expected_error}), Spark did not"
        assert report.facts.get("engine") == "spark" or report.from_cache
        assert _said(report) == _said(expected)
        assert _files(report) == _files(expected)
        assert _published(report) == _published(expected)
        made.append(path)
        return report

    monkeypatch.setattr(ingest, "load", both)
    yield made


# ---------------------------------------------------------------- the rewrites, one by one


@pytest.mark.parametrize("re2, java", [
    (r"^\d{4}-\d{2}$", r"^\d{4}-\d{2}\z"),
    (r"\s*([+-]\d{2})$", r"[\t\n\f\r ]*([+-]\d{2})\z"),
    (r"[^\s\x{00A0}]", r"[^\t\n\f\r \x{00A0}]"),
    (r"(?:[ T].*)?$", r"(?:[ T][^\n]*)?\z"),
    (r"[.,]\$", r"[.,]\$"),
])
def test_patterns_are_written_as_java_reads_re2(re2, java):
    assert portable.java_regex(re2) == java


def test_a_pattern_that_cannot_be_rewritten_stops():
    with pytest.raises(db.ModelError, match="rewritten for Spark"):
        portable.java_regex(r"(?i)abc")
    with pytest.raises(db.ModelError, match="first match"):
        portable.staging_to_spark("select regexp_replace(x, 'a', 'b') from t")


@pytest.mark.parametrize("fmt, pattern", [
    ("%Y-%m-%d %H:%M:%S", "yyyy-M-d H:m:s"),
    ("%Y-%m-%dT%H:%M:%S.%f", "yyyy-M-d'T'H:m:s.SSSSSS"),
    ("%Y-%m-%d %I:%M %p", "yyyy-M-d h:m a"),
])
def test_strptime_formats_are_java_patterns(fmt, pattern):
    assert portable._java_time_pattern(fmt) == pattern


def test_macros_expand_argument_for_argument_as_duckdb_does(con):
    """A macro call and its expansion give the same on DuckDB, for every kind of text."""
    ingest_staging.ensure_macros(con)
    sql = ("select t, parse_amount(t, ','), parse_amount(t, '.'), integer_text_id(t), "
           "is_blank_text(t), decimal_evidence(t), "
           "parse_local_timestamp(t, 'Asia/Ho_Chi_Minh', 'dmy', 2030) from texts")
    expanded = portable.expand_macros(sqlglot.parse_one(sql, read="duckdb")).sql("duckdb")
    assert "parse_amount" not in expanded.lower() and "transform" in expanded.lower()
    con.execute("create temp table texts as select unnest(?) as t",
                [["150.000", "(1.500,5)", "-3", "1,234.5", " 7 ", "17850.0", "\u200b", None, "",
                  "15/03/2024 10:00", "2024-01-05T10:00:00+07:00", "05/01/24 10:00 PM"]])
    assert con.execute(expanded).fetchall() == con.execute(sql).fetchall()


def test_row_hash_tells_where_the_nulls_are(spark):
    """Spark's xxhash64 skips nulls: ('a', null) and (null, 'a') would repeat each other."""
    sql = spark_staging.row_hash_sql(["a", "b"])
    rows = spark.sql(f"select {sql} as h from values ('a', null), (null, 'a'), ('a', null) "
                     f"as t(a, b)").collect()
    assert rows[0].h != rows[1].h and rows[0].h == rows[2].h


# ---------------------------------------------------------------- texts as shops write them

TRICKY = [
    ("A1", "C1", "15/03/2024 10:00", "150.000", "Hoàn thành"),
    ("A1", "C1", "15/03/2024 10:00", "150.000", "Hoàn thành"),
    ("A2", "C2", "29/02/2024 23:30", "(1.500,5)", "Đã hủy"),
    ("A3", "C3", "31/12/2023", "1.234.567,89", "Hoàn thành"),
    ("A4", "", "01/01/2024 9:05", "2.000", ""),
    ("A5", "C5", "2024-01-05T10:00:00+07:00", "-3.000", "x"),
    ("A6", "C6", "2024-01-05 10:00:00Z", "3.000 ₫", "x"),
    ("A7", "C7", "05/01/24 10:00 PM", "3.000đ", "x"),
    ("A8", "C8", "bad", "3.000", "x"),
    ("A9", "C9", "05/01/2024", "abc", "x"),
    ("A10", "C10", "05/01/2024 10:00:00.123", "0,5", "x"),
    ("A11", "C11", "2024-01-05 10:00:00.5+0700", "1,00001", "x"),
    ("A12", "C12", "30/02/2024", "7", "x"),
    ("", "C13", "13/01/2024", "7", "x"),
    ("A14", "C14", "13/01/2024", "", "x"),
    ("A15", "C15", "2024-1-5", "7", "x"),
    ("A16", "\u200b", "13/01/2024", "7", "x"),
    ("A17", "C17", " 13/01/2024 ", "+7", "x"),
    ("A18", "C18", "13.01.2024 07:05:09", "7,12345", "x"),
    ("A19", "C19", "2024-01-13 07:05:09 PM", "7", "x"),
    ("A20", "C20", "2024-01-13 07:05 AM", "7", "x"),
    ("A21", "C21", "2024-01-13 07:05:09", "7", "x"),
    ("A22", "C22", "2024-01-13 7:5:9", "7", "x"),
    ("A23", "C23", "2024-01-13T07:05", "7", "x"),
    ("A24", "C24", "2024-01-13 23:30:00-05:00", "1.000.000", "x"),
    ("A25", "C25", "2024-01-13 10:00:00 +07", "1 000", "x"),
    ("A26", "C26", "13/1/2024 10:00:00 +0700", "\u00a01.000\u00a0", "x"),
    ("A27", "C27", "2024-01-13\n10:00", "1.000\n", "x"),
    ("A28", "C28", "13/01/2024 10:00:00.1234567", "1.000", "x"),
    ("A29", "C29", "13/01/2024 25:00", "1.000", "x"),
    ("A30", "C30", "31/04/2024", "(1.000", "x"),
    ("A31", "C31", "13/01/2024", "1.000)", "x"),
    ("A32", "C32", "13/01/2024", "0,125", "Hoa\u0300n tha\u0300nh"),
    ("A33", "C33", "13/01/2024", "999999999999999999", "x"),
    ("A34", "C34", "13/01/2024", "12.345.678.901,1234", "x"),
    ("A35", "C35", "13/01/2024", "0.125", "x"),
    ("A36", "C36", "13/01/2024", "1,5e3", "x"),
    ("A37", "C37", "2024-01-13  10:00", "1", "x"),
    ("A38", "C38", "2024-01-13\t10:00 pm", "1", "x"),
    ("A39", "C39", "2024-01-13 00:30 AM", "1", "x"),
    ("A40", "C40", "2024-01-13 12:00 AM", "1", "x"),
    ("A41", "C41", "2024-01-13 24:00", "1", "x"),
    ("A42", "C42", "2024-01-13 10:00:60", "1", "x"),
    ("A43", "C43", "2024-01-13 10:00\u00a0", "1", "x"),
    ("A44", "C44", "2024-01-13 10:00PM", "1", "x"),
    ("A45", "C45", "13-01-2024 10:00 +07:00", "1", "x"),
    ("A46", "C46", "2024-01-13 10:00:00.123456+07:00", "1", "x"),
    ("A47", "C47", "2024-01-13T10:00:00.1234567Z", "1", "x"),
    ("A48", "C48", "2024-01-13 10:00 UTC", "1", "x"),
    ("A49", "\u00a0C49\u00a0", "\u3000 13/01/2024", "\u2000 7", "\u00a0x"),
    ("A50", "C50", "2024-01-13 10:00:00 Z", "1", "x"),
    ("A51", "C51", "2024-01-13T10:00Z", "1", "x"),
    ("A52", "C52", "2024-01-13 10:00:00+19:00", "1", "x"),
    ("A53", "C53", "2024-01-13 24:00:00+00:00", "1", "x"),
    ("A54", "C54", "2024-01-13 10:00:00.5 +0700", "1", "x"),
    ("A55", "C55", "\t13/01/2024\t", "\t1\t", "\tx"),
    ("A56", "C56", "13/01/2024 10:00", "1.000", "x"),
    ("A56", "C56", "13/01/2024 10:00", "1.000", "x"),  # an exact repeat of a usable row
    ("A56", "C56", "13/01/2024 10:00", "2.000", "y"),  # the same order, another line
    ("", "C57", "13/01/2024 10:00", "1.000", "x"),
    ("", "C57", "13/01/2024 10:00", "1.000", "x"),  # a repeat without an order id
    ("A1", "C1b", "15/03/2024 10:00", "150.000", "Hoàn thành"),
    ("", "", "", "", ""),
]


def test_texts_as_shops_write_them_stage_alike(write_csv, stage, staged_on_spark):
    """Dates, amounts, ids and statuses as shops write them, repeated rows kept and dropped."""
    header = ["order_id", "customer_id", "order_date", "amount", "status", "channel"]
    # a channel on some lines, the same on repeated rows
    rows = [dict(zip(header, (*r, "web" if r[0][-1:] in tuple("13579") else "")))
            for r in TRICKY]
    path = write_csv(rows, header=header)
    report = stage("orders", path, use_cache=False, decimal_mark=",")
    assert report.reconciles and report.rows_read == len(TRICKY)
    assert report.duplicates == 2 and report.duplicates_dropped == 0
    assert stage("orders", path, use_cache=False, decimal_mark=",",
                 drop_duplicates=True).duplicates_dropped == 2
    assert staged_on_spark  # compared with DuckDB's, file for file
    assert report.reasons["unparseable_date"] >= 4 and report.reasons["unparseable_amount"] >= 3


def test_the_same_texts_with_a_decimal_point_and_month_first_dates_stage_alike(
        write_csv, stage, staged_on_spark):
    header = ["order_id", "customer_id", "order_date", "amount", "status"]
    texts = ["1,234.5", "0.125", "(12.5)", "1,234,567", "19.99", "7", "-0.5", "1.2.3"]
    dates = ["01/13/2024 10:00 AM", "1/2/2024", "12/31/23 11:59 PM", "02/29/2024", "2/30/2024",
             "2024-02-29 12:00", "13/01/2024", "01/15/2024 10:30:15 AM"]
    rows = [dict(zip(header, (f"O{i}", f"C{i % 3}", d, a, "paid")))
            for i, (d, a) in enumerate(zip(dates, texts))]
    report = stage("orders", write_csv(rows, header=header), use_cache=False,
                   date_order="mdy", decimal_mark=".")
    assert report.rows_read == len(rows) and report.reconciles
    assert staged_on_spark


def test_an_amount_expression_of_two_columns_is_as_exact_on_spark(write_csv, stage, con,
                                                                  staged_on_spark):
    """Quantity * UnitPrice: Spark would round a product of two decimal(38, 10) to 6 decimals."""
    header = ["InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice", "Country"]
    rows = [dict(zip(header, r)) for r in [
        ("1", "17850", "12/1/2010 8:26", "6", "2.55", "UK"),
        ("2", "17850", "12/1/2010 8:28", "3", "0.0001", "UK"),
        ("3", "13047", "12/1/2010 8:34", "0.001", "0.0001", "UK"),  # 1e-7: beyond 4 decimals
        ("4", "13047", "12/1/2010 8:34", "-2", "1.25", "UK"),
    ]]
    report = stage("orders", write_csv(rows, header=header), mapping="online_retail",
                   use_cache=False, date_order="mdy")
    assert report.reasons == {"amount_beyond_4_decimals": 1}
    assert staged_on_spark


def test_customers_as_shops_write_them_stage_alike(given_customers, staged_on_spark):
    people = [
        {"customer_id": "a", "name": " An ", "phone": "0912 345 678", "email": "A@Shop.vn",
         "signup_date": "15/03/2024", "birthday": "15/09/79", "consent_sms": "Có",
         "consent_zalo": "x", "consent_email": "TRUE", "province": "\u00a0Hà Nội"},
        {"customer_id": "b", "phone": "(+84) 912-345-678", "email": "=1+2@evil.com",
         "signup_date": "2024-03-01 10:00:00+07:00", "birthday": "31/02/1990"},
        {"customer_id": "a", "phone": "0241234567", "email": "b@shop"},
        {"customer_id": "\u200b", "phone": "84912345678"},
        {"customer_id": "17850.0", "signup_date": "13/1/24", "consent_sms": "no"},
        {"customer_id": "", "name": ""},
        {"customer_id": "c", "email": "x'y@shop.vn", "birthday": "01/01/05",
         "signup_date": "bad"},
    ]
    report = given_customers(people)
    assert report.rows_read == len(people) and report.reconciles
    assert report.reasons == {"duplicate_customer_id": 1, "empty_customer_id": 1,
                              "empty_row": 1}
    assert staged_on_spark


def test_the_golden_shop_and_the_sample_shop_stage_alike(con, write_csv, stage, shop,
                                                          staged_on_spark):
    """The two-engine fixture (ties, same-day orders, refunds, multi-line orders, 23:30, Feb 29,
    a refund-only customer) and the generated sample shop, orders and customers."""
    header = list(ingest.CUSTOMER_COLUMNS)
    golden = [write_csv(golden_orders(), "orders.csv"),
              write_csv([{k: c.get(k, "") for k in header} for c in golden_customers()],
                        "customers.csv", header=header)]
    root, _ = shop
    sample = [root / "raw" / "orders.csv", root / "raw" / "customers.csv"]
    for orders, customers in (golden, sample):
        assert stage("orders", orders, use_cache=False).reconciles
        assert stage("customers", customers, use_cache=False).reconciles
    assert len(staged_on_spark) == 4


def test_campaign_files_are_typed_alike(con, shop, spark):
    """The campaign logs (notebook 05's inputs) typed on Spark: the same rows as on DuckDB."""
    root, _ = shop
    files = {"campaigns_path": root / "raw" / "campaigns.csv",
             "sends_path": root / "raw" / "campaign_sends.csv",
             "holdout_path": root / "raw" / "campaign_holdout.csv"}
    on_duckdb = db.connect()
    counts = ingest.load_campaign_files(on_duckdb, **files)
    assert ingest.load_campaign_files(con, spark=spark, **files) == counts
    for table in ("campaigns", "campaign_sends", "campaign_holdout"):
        want = on_duckdb.table(table).order("all").to_arrow_table()
        have = con.table(table).order("all").to_arrow_table()
        assert have.schema.equals(want.schema) and have.to_pylist() == want.to_pylist(), table
        assert have.num_rows > 0


def test_the_holdout_split_is_the_same_on_spark(con, spark):
    """md5's first 8 hex digits read digit by digit: the same people held out on both engines
    (and the same as DuckDB's former '0x' cast, checked on 200,000 ids when it was changed)."""
    people = pa.table({"customer_id": [f"KH{i:07d}" for i in range(5000)],
                       "segment": ["x"] * 5000})
    db.register(con, "people", people)
    want = con.table(db.table_name(con, "holdout_split", inputs={"campaign_list": "people"},
                                   campaign_key="CP-1", holdout_share=0.1)
                     ).order("customer_id").to_arrow_table()
    spark_models.register(spark, "people", people)
    have = spark_models.build(spark, "holdout_split", inputs={"campaign_list": "people"},
                              campaign_key="CP-1", holdout_share=0.1)
    have = pa.Table.from_pylist(sorted((r.asDict() for r in have.collect()),
                                       key=lambda r: r["customer_id"]))
    assert have.column_names == want.column_names == ["customer_id", "segment", "is_holdout"]
    assert have.to_pylist() == want.to_pylist()
    assert 400 < sum(r["is_holdout"] for r in want.to_pylist()) < 600
