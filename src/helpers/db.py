"""DuckDB connection and the one way SQL files are run."""

from importlib.resources import files

import duckdb

SQL_DIR = files("helpers") / "sql"


def connect(
    *, threads: int | None = None, memory_limit: str | None = None, temp_directory: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A private in-memory database for one run (never duckdb's module-global one).

    Extensions are never downloaded: everything the workbook needs is built in.
    """
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = duckdb.connect(":memory:", config=config)
    if threads:
        con.execute("set threads = ?", [int(threads)])
    if memory_limit:
        con.execute("set memory_limit = ?", [str(memory_limit)])
    if temp_directory:
        con.execute("set temp_directory = ?", [str(temp_directory)])
    # date boundaries never depend on the machine's zone: local dates are computed explicitly
    con.execute("set TimeZone = 'UTC'")
    return con


def sql_text(name: str) -> str:
    """The text of sql/<name>.sql (name comes from a fixed file name, never from user input)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def materialize(con: duckdb.DuckDBPyConnection, name: str, *, as_name: str | None = None, **params):
    """Run sql/<name>.sql and keep its result as table <as_name or name>.

    Tables, not views: DuckDB cannot keep prepared parameters in a view.
    """
    target = as_name or name
    if not target.replace("_", "").isalnum():
        raise ValueError(f"invalid table name {target!r}")
    con.execute(f"create or replace temp table {target} as {sql_text(name)}", params)
    return con.table(target)


def query(con: duckdb.DuckDBPyConnection, name: str, **params):
    """Run sql/<name>.sql and return the result as a DataFrame (for small results)."""
    return con.execute(sql_text(name), params).df()


def one(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> tuple | None:
    """The first row of a query, with the result fully consumed.

    DuckDB 2.0 keeps a result open after fetchone(), which blocks later relation calls on the
    same connection; fetching everything closes it.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None
