"""The portable subset (issue 18): what the models may say so that DuckDB and Spark agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.engine import db, portable


def test_every_model_outside_staging_stays_inside_the_portable_subset():
    problems = portable.lint_models()
    assert not problems, "\n".join(map(str, problems))


def test_the_models_left_to_duckdb_are_models_and_say_why():
    assert set(portable.DUCKDB_ONLY) <= db.model_names()
    assert all(len(reason) > 20 for reason in portable.DUCKDB_ONLY.values())


@pytest.mark.parametrize(("sql", "rule"), [
    ("select date_diff('month', a, b) from t", "date-diff-unit"),
    ("select list(x order by t) from t", "ordered-list"),
    ("select isodow(order_date) from t", "day-of-week"),
    ("select dayofweek(order_date) from t", "day-of-week"),
    ("select order_date - first_date from t", "date-minus-date"),
    ("select cast($as_of as date) - cast(d as date) from t", "date-minus-date"),
    ("select hash(customer_id) from t", "hash"),
    ("select nfc_normalize(name) from t", "unknown-function"),
    ("select sum(amount) / count(*) from t", "decimal-division"),
    ("select avg(amount) from t", "avg"),
    ("select $as_of - to_days(30) from t", "to-days"),
    ("select strftime(d, '%G-W%V') from t", "strftime-format"),
    ("select list_transform(xs, lambda x: x + 1) from t", "lambda"),
    ("select regexp_matches(email, '(?i)^a') from t", "regex"),
    ("select regexp_matches(email, pattern) from t", "regex"),
    ("select len(cast($segments as varchar[])) from t", "list-length"),
    ("select cast(x as hugeint) from t", "type"),
    ("select * from a union all by name select * from b", "union-by-name"),
    ("select levenshtein(a, b) from t", "function-not-allowed"),
])
def test_each_known_trap_is_caught(sql, rule):
    assert rule in {p.rule for p in portable.lint_text(sql)}, portable.lint_text(sql)


@pytest.mark.parametrize("sql", [
    "select date_diff('day', first_date, $as_of) from t",
    "select cast(sum(amount) as double) / count(*) from t",
    "select year(d) * 12 + month(d) as month_index from t",
    "select regexp_matches(email, '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$') from t",
    "select md5($salt || '|' || customer_id) from t",
    "select array_length(cast($segments as varchar[])) from t",
])
def test_the_portable_way_of_saying_it_passes(sql):
    assert portable.lint_text(sql) == []


def test_the_committed_spark_sql_is_what_sqlglot_writes_now():
    """An upgrade of SQLGlot that changes the Spark SQL shows as a diff of the <model>.spark.sql
    files in review: `python -m helpers.portable --write` writes them again."""
    wanted = portable.spark_files()
    have = {p.name[:-len(db.SPARK_SUFFIX)]: p.read_text(encoding="utf-8")
            for p in Path(str(db.SQL_DIR)).rglob(f"*{db.SPARK_SUFFIX}")}
    assert sorted(have) == sorted(wanted)
    stale = [name for name in wanted if have[name] != wanted[name]]
    assert not stale, f"stale Spark SQL: {stale}; run python -m helpers.portable --write"


def test_transpiling_keeps_parameters_and_the_meaning_of_log10():
    spark = portable.to_spark("select floor(4 * log10(cast(m as double))) from t where d <= $as_of")
    assert ":as_of" in spark and "LOG10(" in spark and "LOG(10" not in spark
