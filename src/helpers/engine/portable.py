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

from helpers.engine import db
from helpers.engine.spark_models import DUCKDB_ONLY, STAGING_ON_SPARK, spark_sql_path

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
    exp.ArraySize, exp.StrPosition, exp.MD5,
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


# What the staging models may say besides the subset above: each is rewritten for Spark by
# staging_to_spark (or means the same there) and checked value for value on both engines by
# tests/test_spark_staging.py. A lambda only in the bind-once form list_transform([x], …)[1].
STAGING_ALLOWED = {exp.RegexpFullMatch, exp.RegexpReplace, exp.RegexpExtract, exp.Transform,
                   exp.TryCast, exp.Replace, exp.ArgMin, exp.Map, exp.StructExtract, exp.Contains}
STAGING_FUNCTIONS = {"try_strptime", "timezone", "map_extract_value", "nfc_normalize",
                     "mapped_amount"}


def _binds_once(node: exp.Lambda) -> bool:
    """list_transform([x], lambda v: …)[1]: a value bound to a name, once."""
    transform = node.parent
    return (isinstance(transform, exp.Transform) and isinstance(transform.this, exp.Array)
            and len(transform.this.expressions) == 1 and isinstance(transform.parent, exp.Bracket)
            and len(transform.parent.expressions) == 1
            and transform.parent.sql("duckdb").endswith(")[1]"))


def lint_staging(text: str, model: str) -> list[Problem]:
    """A staging model, its macros expanded, against the subset and STAGING_ALLOWED."""
    expanded = ";\n".join(expand_macros(t).sql("duckdb") for t in parse(text))
    return lint_text(expanded, model, staging=True)


def lint_text(text: str, model: str = "query", *, staging: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    allowed = ALLOWED | STAGING_ALLOWED if staging else ALLOWED

    def flag(node, rule, message):
        problems.append(Problem(model, _line(text, node), rule, message))

    for tree in parse(text):
        for node in tree.walk():
            if isinstance(node, exp.Lambda) and not (staging and _binds_once(node)):
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
                     "salt and the id (holdout_split.sql)")
            elif isinstance(node, exp.Anonymous) and not (
                    staging and node.name.lower() in STAGING_FUNCTIONS):
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
            elif staging and isinstance(node, (exp.RegexpLike, exp.RegexpFullMatch,
                                               exp.RegexpReplace, exp.RegexpExtract)):
                try:
                    _pattern(node.expression)
                except db.ModelError as exc:
                    flag(node, "regex", str(exc))
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
            elif isinstance(node, exp.Anonymous):
                pass  # a staging function, rewritten by staging_to_spark
            elif type(node) not in allowed:
                flag(node, "function-not-allowed", f"{node.sql_name().lower()}() is outside the "
                     f"portable subset (helpers.portable.ALLOWED)")
    return problems


def lint_models(names=None) -> list[Problem]:
    names = sorted(db.model_names() - set(DUCKDB_ONLY)) if names is None else names
    return [p for name in names for p in (
        lint_staging(db.sql_text(name), name) if name in STAGING_ON_SPARK
        else lint_text(db.sql_text(name), name))]




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
    """model name -> its Spark SQL, for every model of the portable subset."""
    header = ("-- Generated from {name}.sql by SQLGlot {version} (python -m helpers.portable "
              "--write).\n-- Do not edit: edit the DuckDB model and write this again.\n")
    return {name: header.format(name=name, version=sqlglot.__version__)
            + (staging_to_spark if name in STAGING_ON_SPARK else to_spark)(db.sql_text(name))
            + "\n"
            for name in sorted(db.model_names() - set(DUCKDB_ONLY))}


# ---------------------------------------------------------------- staging on Spark
#
# The staging models parse what shops write (dates in any order, money in any notation) through
# the macros of macros.sql, which use DuckDB's own functions: list lambdas, regular
# expressions into structs, strptime with a list of formats. They are not inside the portable
# subset; instead each DuckDB-only function is rewritten here into the Spark expression that
# means the same, checked on both engines value for value (tests/test_spark_staging.py):
#
# - the macros are expanded into the model (Spark has no macros), argument for argument;
# - `list_transform([x], lambda v: …)[1]`, which binds a value once, is Spark's
#   `transform(array(x), v -> …)[0]` (SQLGlot moves the index);
# - `regexp_extract(s, p, ['a', 'b'])` is a struct of one `regexp_extract(s, p, i)` per group;
# - `regexp_full_match` is `rlike` anchored at both ends;
# - every pattern is read by Java as RE2 reads it: `$` is the end of the text (`\z`: Java's `$`
#   also matches before a final line break), `.` is anything but a line break (Java stops at
#   \r and U+2028 too), `\s` is RE2's five spaces (Java adds \x0B);
# - `regexp_replace`'s group references `\1` are Java's `$1`; only 'g' (every match) or a
#   pattern anchored at either end (one match at most) is allowed, since Spark replaces every
#   match;
# - `trim(x)` removes Unicode's space separators in DuckDB (U+00A0 too), the space only in Spark:
#   it is a regexp_replace of them;
# - `try_strptime(v, formats)` is a coalesce of `try_to_timestamp(v, pattern)`, one per format,
#   over v with its spaces as strptime reads them (none around it, a run of them as one);
# - `timezone(zone, try_cast(v as timestamptz))` is `from_utc_timestamp(try_cast(v as
#   timestamp_ltz), zone)` as a timestamp_ntz (staging runs with the session's zone UTC and
#   timestamps without zone, as DuckDB's; helpers.spark_staging.STAGING_CONF);
# - `map_extract_value(map(k, v), x)` is `try_element_at(map_from_arrays(k, v), x)`;
# - `nfc_normalize(x)` has no Spark function: the distinct texts of the column are normalised by
#   Python first and passed as the parameters nfc_from and nfc_to (`nfc_pairs`), looked up here.

_MACRO = re.compile(r"create or replace temp macro (\w+)\(([^)]*)\) as\s*(.*?);\s*(?=create or "
                    r"replace temp macro|\Z)", re.S)

# strptime's formats as Java's patterns (what the macros use; another one is an error)
STRPTIME_TO_JAVA = {"%Y": "yyyy", "%m": "M", "%d": "d", "%H": "H", "%M": "m", "%S": "s",
                    "%f": "SSSSSS", "%I": "h", "%p": "a"}

# the functions the rewritten staging SQL may call that SQLGlot does not know
SPARK_STAGING_FUNCTIONS = {"TRY_TO_TIMESTAMP", "FROM_UTC_TIMESTAMP", "TRY_ELEMENT_AT",
                           "MAPPED_AMOUNT", "MAP_FROM_ARRAYS"}


def macros(text: str | None = None) -> dict[str, tuple[list[str], exp.Expression]]:
    """name -> (parameters, body) of every macro in macros.sql."""
    text = text if text is not None else db.sql_text("macros")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    found = {}
    for name, params, body in _MACRO.findall(text):
        found[name.lower()] = ([p.strip().lower() for p in params.split(",") if p.strip()],
                               sqlglot.parse_one(body, read="duckdb"))
    return found


def expand_macros(tree: exp.Expression, defs: dict | None = None) -> exp.Expression:
    """`tree` with every call of a macro replaced by its body (argument for argument), as DuckDB
    expands them."""
    defs = macros() if defs is None else defs

    def expand(node):
        if not (isinstance(node, exp.Anonymous) and node.name.lower() in defs):
            return node
        params, body = defs[node.name.lower()]
        args = [expand_macros(a, defs) for a in node.expressions]
        if len(args) != len(params):
            raise db.ModelError(f"macro {node.name} takes {len(params)} arguments, given "
                                f"{len(args)}")
        given = dict(zip(params, args))

        def put(n):
            if isinstance(n, exp.Column) and not n.table and n.name.lower() in given:
                return exp.Paren(this=given[n.name.lower()].copy())
            if (isinstance(n, exp.Identifier) and isinstance(n.parent, (exp.Anonymous, exp.Func))
                    and n.name.lower() in given):  # a parameter passed on to another macro
                return exp.Paren(this=given[n.name.lower()].copy())
            if isinstance(n, exp.Column) and n.table and n.table.lower() in given:
                arg = given[n.table.lower()]
                if isinstance(arg, exp.Identifier):  # a lambda's variable
                    return exp.column(n.name, table=arg.name)
                if not (isinstance(arg, exp.Column) and not arg.table):
                    raise db.ModelError(f"macro {node.name}: {n.table}.{n.name} needs a plain "
                                        f"name as argument")
                return exp.column(n.name, table=arg.name)
            return n

        return expand_macros(body.copy().transform(put), defs)

    return tree.transform(expand)


def java_regex(pattern: str) -> str:
    """An RE2 pattern (DuckDB) as Java reads it alike (see above)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            if pair == "\\s":
                out.append("\\t\\n\\f\\r " if in_class else "[\\t\\n\\f\\r ]")
            elif pair in ("\\p", "\\P", "\\Q", "\\E", "\\z", "\\Z", "\\A", "\\b", "\\B"):
                raise db.ModelError(f"pattern {pattern!r}: {pair} is not rewritten for Spark")
            else:
                out.append(pair)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            # a ']' or '^]' first in a class is a literal
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
        elif c == "$":
            out.append("\\z")
        elif c == ".":
            out.append("[^\\n]")
        elif c == "(" and pattern[i + 1:i + 2] == "?" and pattern[i + 2:i + 3] != ":":
            raise db.ModelError(f"pattern {pattern!r}: only (?: groups are rewritten for Spark")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _pattern(node: exp.Expression) -> exp.Literal:
    if not (isinstance(node, exp.Literal) and node.is_string):
        raise db.ModelError(f"a regular expression must be a literal to run on Spark: {node.sql()}")
    return exp.Literal.string(java_regex(node.name))


def _java_replacement(text: str) -> str:
    """`\\1` (RE2) -> `$1` (Java); a literal `$` escaped."""
    return re.sub(r"\\(\d)", r"$\1", text.replace("$", "\\$"))


def _java_time_pattern(fmt: str) -> str:
    """A strptime format as Java's pattern: each %X by STRPTIME_TO_JAVA, letters written in the
    format (the T between date and time) quoted, other characters as they are."""
    out = []
    for token in re.findall(r"%.|[a-zA-Z]+|[^%a-zA-Z]+", fmt):
        if token.startswith("%"):
            out.append(STRPTIME_TO_JAVA.get(token) or _no_format(fmt))
        elif token[0].isalpha():
            out.append(f"'{token}'")
        else:
            out.append(token.replace("'", "''"))
    return "".join(out)


def _no_format(fmt: str):
    raise db.ModelError(f"strptime format {fmt!r} has no Java pattern in STRPTIME_TO_JAVA")


# What DuckDB's trim() removes: the space and Unicode's other space separators (Zs), as the
# no-break space U+00A0 that spreadsheets write; Spark's trim() removes the space only
_TRIMMED = r"[ \x{00A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"

# DuckDB's strptime skips spaces before and after the text and reads a space of the format as
# any run of spaces (a line break, a tab); Java's patterns read one space as one space
_SPACES = r"[\t\n\x0B\f\r ]+"


def _strptime_spaces(value: exp.Expression) -> exp.Expression:
    trimmed = exp.RegexpReplace(this=value, expression=exp.Literal.string(
        f"^{_SPACES}|{_SPACES}\\z"), replacement=exp.Literal.string(""))
    return exp.RegexpReplace(this=trimmed, expression=exp.Literal.string(_SPACES),
                             replacement=exp.Literal.string(" "))


def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _rw(node: exp.Expression | None) -> exp.Expression | None:
    """What a rewritten node keeps, rewritten in turn (transform does not enter a new node)."""
    return None if node is None else node.transform(_staging_rewrite)


def _staging_rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
        return node
    if isinstance(node, exp.RegexpExtract):
        group = node.args.get("group")
        pattern = _pattern(node.expression)
        if isinstance(group, exp.Array):
            return exp.Struct(expressions=[
                exp.PropertyEQ(this=exp.to_identifier(name.name), expression=exp.RegexpExtract(
                    this=_rw(node.this.copy()), expression=pattern.copy(),
                    group=exp.Literal.number(i + 1)))
                for i, name in enumerate(group.expressions)])
        node.set("expression", pattern)
        return node
    if isinstance(node, exp.RegexpLike):
        node.set("expression", _pattern(node.expression))
        return node
    if isinstance(node, exp.Trim) and not node.args.get("expression") and not node.args.get(
            "position"):
        return exp.RegexpReplace(this=_rw(node.this), expression=exp.Literal.string(
            f"^{_TRIMMED}+|{_TRIMMED}+\\z"), replacement=exp.Literal.string(""))
    if isinstance(node, exp.RegexpFullMatch):
        inner = _pattern(node.expression).name
        return exp.RegexpLike(this=_rw(node.this),
                              expression=exp.Literal.string(f"^(?:{inner})\\z"))
    if isinstance(node, exp.RegexpReplace):
        modifiers = node.args.get("modifiers")
        raw = node.expression.name if isinstance(node.expression, exp.Literal) else ""
        anchored = raw.startswith("^") or (raw.endswith("$") and not raw.endswith("\\$"))
        if (modifiers is None or modifiers.name != "g") and not anchored:
            raise db.ModelError(f"regexp_replace({raw!r}) without 'g' replaces the first "
                                f"match, Spark every one: add 'g' or anchor it with ^ or $")
        replacement = node.args.get("replacement")
        return exp.RegexpReplace(this=_rw(node.this), expression=_pattern(node.expression),
                                 replacement=exp.Literal.string(
                                     _java_replacement(replacement.name)))
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        args = node.expressions
        if name == "try_strptime":
            value, formats = args
            formats = formats.expressions if isinstance(formats, exp.Array) else [formats]
            value = _strptime_spaces(_rw(value))
            tries = [_fn("TRY_TO_TIMESTAMP", value.copy(),
                         exp.Literal.string(_java_time_pattern(f.name))) for f in formats]
            return tries[0] if len(tries) == 1 else exp.Coalesce(this=tries[0],
                                                                 expressions=tries[1:])
        if name == "timezone":
            zone, value = args
            if isinstance(value, exp.TryCast) and value.to.this == exp.DataType.Type.TIMESTAMPTZ:
                value = exp.TryCast(this=_rw(value.this),
                                    to=exp.DataType.build("timestamp_ltz", dialect="spark"),
                                    safe=True)
            else:
                raise db.ModelError("timezone() runs on Spark only on try_cast(… as timestamptz)")
            return exp.Cast(this=_fn("FROM_UTC_TIMESTAMP", value, _rw(zone)),
                            to=exp.DataType.build("timestamp_ntz", dialect="spark"))
        if name == "map_extract_value":
            mapping, key = args
            if not isinstance(mapping, exp.Map):
                raise db.ModelError("map_extract_value() runs on Spark only on map(keys, values)")
            return _fn("TRY_ELEMENT_AT", exp.Anonymous(
                this="MAP_FROM_ARRAYS", expressions=[_rw(mapping.args["keys"]),
                                                     _rw(mapping.args["values"])]), _rw(key))
        if name == "nfc_normalize":
            return _fn("TRY_ELEMENT_AT", _fn("MAP_FROM_ARRAYS", exp.Placeholder(this="nfc_from"),
                                             exp.Placeholder(this="nfc_to")), _rw(args[0]))
    return node


def staging_to_spark(text: str) -> str:
    """A staging model (or an export check) in Spark SQL: its macros expanded, then every
    DuckDB-only function rewritten (see above). mapped_amount() stays a call: the mapping's
    expression is a Spark SQL function made when an export is staged."""
    defs = macros()
    out = []
    for tree in parse(text):
        tree = expand_macros(tree, defs).transform(_staging_rewrite)
        for node in tree.walk():
            if isinstance(node, exp.Anonymous) and node.name.upper() not in (
                    SPARK_STAGING_FUNCTIONS):
                raise db.ModelError(f"{node.name}() has no Spark rewrite in helpers.portable")
        out.append(tree.sql(dialect="spark", pretty=True))
    return ";\n".join(out)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Lint the models against the portable subset; "
                                     "with --write, write their Spark SQL beside each model "
                                     "(<name>.spark.sql).")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    problems = lint_models()
    for p in problems:
        print(p)
    if problems:
        raise SystemExit(1)
    if args.write:
        wanted = spark_files()
        for stale in Path(str(db.SQL_DIR)).rglob(f"*{db.SPARK_SUFFIX}"):
            if stale.name[:-len(db.SPARK_SUFFIX)] not in wanted:
                stale.unlink()
        for name, text in wanted.items():
            spark_sql_path(name).write_text(text, encoding="utf-8")
        print(f"wrote {len(wanted)} models' Spark SQL beside them (<name>{db.SPARK_SUFFIX})")


if __name__ == "__main__":
    main()
