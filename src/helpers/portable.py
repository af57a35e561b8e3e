"""The portable subset of SQL: what the models may say so that DuckDB and Spark read it alike.

The models are written in DuckDB's SQL and run on Spark after SQLGlot turns them into Spark SQL
(issue 18). Transpiling keeps the syntax, not always the meaning, so every model is linted
against the subset below. Each rule names a trap that was checked:

- `date_diff('month', …)` counts month boundaries in DuckDB and whole months in Spark: months
  are counted as year × 12 + month, days with `date_diff('day', …)` only;
- `list(x order by t)` becomes `collect_list(x)` and loses its order;
- day-of-week numbering differs (SQLGlot's own `isodow` for Spark is off by one on Sundays);
- `date - date` is days in DuckDB and an interval in Spark; `to_days(n)` does not exist in Spark;
- `hash()` differs between engines and versions: md5 of a salt and the id is the same everywhere;
- a function SQLGlot does not know passes through unchanged, without a warning;
- dividing DECIMALs gives a DOUBLE in DuckDB and a rounded DECIMAL in Spark: one side of every
  division is cast to double, so both engines divide doubles;
- a `strftime` format SQLGlot cannot map reaches Spark as it is (`%G-W%V`).

`lint_text` returns the problems of one file; `lint_models` of every model in sql/ that is not
listed in DUCKDB_ONLY, where the reason it still is is written beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp

from helpers import db
from helpers.spark_models import DUCKDB_ONLY, SPARK_SQL_DIR  # noqa: F401 (named here too)

# Functions whose meaning is the same in DuckDB and Spark for the types the models give them
# (checked on both engines by tests/test_two_engines.py where the models use them).
ALLOWED = {
    exp.Abs, exp.And, exp.AnyValue, exp.Case, exp.Cast, exp.Ceil, exp.Coalesce,
    exp.Count, exp.DateDiff, exp.Explode, exp.Floor, exp.Greatest, exp.If, exp.Least,
    exp.Length, exp.Lower, exp.Max, exp.MD5, exp.Min, exp.Month, exp.Nullif, exp.Or,
    exp.RowNumber, exp.Substring, exp.Sum, exp.Trim, exp.Upper, exp.Year, exp.ArrayContains,
    exp.LogicalOr, exp.LogicalAnd, exp.Lag, exp.Lead, exp.Sqrt, exp.Grouping, exp.Round,
    exp.TimestampTrunc, exp.DateTrunc, exp.Concat, exp.ConcatWs, exp.Pow, exp.Ln, exp.Log,
    exp.Filter, exp.Struct, exp.Array, exp.Pad, exp.DayOfYear, exp.DPipe,
    exp.ArraySize,
}

# Regular expressions RE2 (DuckDB) and java.util.regex (Spark) read alike: literals of plain
# characters, classes, anchors and repeats; no flags, look-arounds, Unicode classes or
# back-references.
PORTABLE_REGEX = re.compile(r"[\w\s^$\[\]().+*?{}|@,:/\\-]*")
PORTABLE_REGEX_NOT = ("(?", "\\p", "\\P", "\\k", "\\1")

T = exp.DataType.Type
# DuckDB's hugeint parses as INT128; the unsigned types and uuid have no Spark type either
NOT_IN_SPARK = {T.INT128, T.UINT128, T.UBIGINT, T.UINT, T.USMALLINT, T.UTINYINT, T.UUID}

# Formats of strftime that SQLGlot maps to Spark's patterns exactly.
PORTABLE_FORMATS = {"%Y-%m", "%Y-%m-%d", "%Y"}

@dataclass(frozen=True)
class Problem:
    model: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.model}.sql:{self.line}: {self.rule}: {self.message}"


def parse(text: str) -> list[exp.Expression]:
    """The statements of a model file, parsed as DuckDB's SQL."""
    return [t for t in sqlglot.parse(text, read="duckdb") if t is not None]


def _line(text: str, node: exp.Expression) -> int:
    """The line of a node: that of its first identifier (SQLGlot keeps positions on identifiers
    only); 0 when it has none."""
    for ident in node.find_all(exp.Identifier):
        meta = ident.meta or {}
        if "line" in meta:
            return int(meta["line"])
    return 0


def _is_dateish(node: exp.Expression) -> bool:
    """An expression that is a date by its name or its form: a cast to date, a date_trunc, a
    column or parameter named *_date or as_of."""
    if isinstance(node, exp.Paren):
        return _is_dateish(node.this)
    if isinstance(node, exp.Cast):
        return node.to.this in (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP)
    if isinstance(node, (exp.DateTrunc, exp.TimestampTrunc, exp.CurrentDate)):
        return True
    if isinstance(node, (exp.Column, exp.Parameter, exp.Placeholder)):
        name = node.name.lower()
        return name.endswith(("_date", "date", "_at")) or name.startswith("as_of")
    return False


def lint_text(text: str, model: str = "query") -> list[Problem]:
    problems: list[Problem] = []

    def flag(node, rule, message):
        problems.append(Problem(model, _line(text, node), rule, message))

    for tree in parse(text):
        for node in tree.walk():
            if isinstance(node, exp.Lambda):
                flag(node, "lambda", "a list lambda is DuckDB's own")
            elif isinstance(node, exp.Sub) and _is_dateish(node.left) and _is_dateish(node.right):
                flag(node, "date-minus-date", "date - date is days in DuckDB and an interval in "
                     "Spark: use date_diff('day', a, b)")
            elif isinstance(node, exp.Union) and node.args.get("by_name"):
                flag(node, "union-by-name", "union by name is DuckDB's own: list the columns in "
                     "the same order on both sides")
            elif isinstance(node, exp.Div):
                sides = (node.left, node.right)
                if not any(isinstance(s, exp.Cast) and s.to.this in (
                        exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT) for s in sides):
                    flag(node, "decimal-division", "cast one side of the division to double: "
                         "DECIMAL division is DOUBLE in DuckDB and a rounded DECIMAL in Spark")
            if isinstance(node, exp.DataType) and node.this in NOT_IN_SPARK:
                flag(node, "type", f"{node.sql('duckdb')} has no Spark type: use bigint or "
                     f"decimal(38, 0)")
            if not isinstance(node, exp.Func):
                continue
            if isinstance(node, exp.Anonymous) and node.name.lower() == "hash":
                flag(node, "hash", "hash() differs between engines and versions: use md5 of a "
                     "salt and the id (sql/holdout_split.sql)")
            elif isinstance(node, exp.Anonymous):
                flag(node, "unknown-function", f"{node.name}() is not known to SQLGlot and would "
                     f"reach Spark unchanged")
            elif isinstance(node, exp.DateDiff):
                unit = (node.unit.name if node.unit is not None else "day").lower()
                if unit != "day":
                    flag(node, "date-diff-unit", f"date_diff('{unit}', …) counts boundaries in "
                         f"DuckDB and whole units in Spark: count months as year * 12 + month")
            elif isinstance(node, exp.Length) and (
                    isinstance(node.this, (exp.Parameter, exp.Placeholder, exp.Array))
                    or (isinstance(node.this, exp.Cast) and node.this.to.is_type("array"))):
                flag(node, "list-length", "len() of a list becomes Spark's length() of a string: "
                     "use array_length()")
            elif isinstance(node, exp.Avg):
                flag(node, "avg", "avg() of a DECIMAL is DOUBLE in DuckDB and DECIMAL in Spark: "
                     "write cast(sum(x) as double) / count(x)")
            elif isinstance(node, exp.ArrayAgg):
                flag(node, "ordered-list", "list()/array_agg() loses its order on Spark")
            elif isinstance(node, (exp.DayOfWeek, exp.DayOfWeekIso)):
                flag(node, "day-of-week", "day-of-week numbering differs between engines")
            elif isinstance(node, exp.ToDays):
                flag(node, "to-days", "to_days() does not exist in Spark: compare day counts "
                     "with date_diff('day', …)")
            elif isinstance(node, exp.RegexpLike):
                pattern = node.expression
                if not (isinstance(pattern, exp.Literal) and pattern.is_string
                        and PORTABLE_REGEX.fullmatch(pattern.name)
                        and not any(x in pattern.name for x in PORTABLE_REGEX_NOT)):
                    flag(node, "regex", "a regular expression is read by RE2 in DuckDB and by "
                         "Java in Spark: only a literal of plain classes, anchors and repeats")
            elif isinstance(node, exp.TimeToStr):
                fmt = node.args.get("format")
                if fmt is None or fmt.name not in PORTABLE_FORMATS:
                    flag(node, "strftime-format", f"strftime format {fmt.name if fmt else None!r} "
                         f"has no exact Spark pattern (portable: {sorted(PORTABLE_FORMATS)})")
            elif type(node) not in ALLOWED:
                flag(node, "function-not-allowed", f"{node.sql_name().lower()}() is outside the "
                     f"portable subset (helpers.portable.ALLOWED)")
    return problems


def lint_models(names=None) -> list[Problem]:
    names = sorted(db.model_names() - set(DUCKDB_ONLY)) if names is None else names
    return [p for name in names for p in lint_text(db.sql_text(name), name)]




def _spark_meaning(node: exp.Expression) -> exp.Expression:
    """Where SQLGlot's Spark SQL says something else than the DuckDB model: log10(x) becomes
    LOG(10, x), which is ln(x) / ln(10) in Spark (2.9999999999999996 for 1000, so floor() of it
    puts 1,000 in the wrong bucket); Spark's own LOG10 is exact on powers of ten, as DuckDB's."""
    if (isinstance(node, exp.Log) and isinstance(node.this, exp.Literal)
            and node.this.name == "10" and node.expression is not None):
        return exp.Anonymous(this="LOG10", expressions=[node.expression])
    return node


def to_spark(text: str) -> str:
    """A model in Spark SQL: `$name` parameters become Spark's `:name`."""
    return ";\n".join(t.transform(_spark_meaning).sql(dialect="spark", pretty=True)
                       for t in parse(text))


def spark_files() -> dict[str, str]:
    """file name -> Spark SQL, for every model of the portable subset."""
    header = ("-- Generated from sql/{name}.sql by SQLGlot {version} (python -m helpers.portable "
              "--write).\n-- Do not edit: edit the DuckDB model and write this again.\n")
    return {f"{name}.sql": header.format(name=name, version=sqlglot.__version__)
            + to_spark(db.sql_text(name)) + "\n"
            for name in sorted(db.model_names() - set(DUCKDB_ONLY))}


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Lint the models against the portable subset; "
                                     "with --write, write their Spark SQL to sql_spark/.")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    problems = lint_models()
    for p in problems:
        print(p)
    if problems:
        raise SystemExit(1)
    if args.write:
        folder = Path(str(SPARK_SQL_DIR))
        folder.mkdir(exist_ok=True)
        wanted = spark_files()
        for stale in set(p.name for p in folder.glob("*.sql")) - set(wanted):
            (folder / stale).unlink()
        for name, text in wanted.items():
            (folder / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(wanted)} models' Spark SQL to {folder}")


if __name__ == "__main__":
    main()
