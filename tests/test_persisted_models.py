"""A model persisted beside the staged export (db._persisted) is written once: a second process
that built the same model at the same time keeps the first file, never replaces it under a
reader (the month stopped in page 01 or 03 at 10M lines: "don't know what type")."""

from __future__ import annotations

import os

import duckdb

from helpers.engine import db


def test_the_first_file_written_stays_and_the_second_is_dropped(tmp_path):
    path = tmp_path / "int_order_totals__k.parquet"
    con = duckdb.connect()
    first, second = tmp_path / ".a.tmp", tmp_path / ".b.tmp"
    con.execute(f"copy (select 1 as x) to '{first}' (format parquet)")
    con.execute(f"copy (select 2 as x, 'y' as y) to '{second}' (format parquet)")
    db._keep_first(first, path)
    inode = os.stat(path).st_ino
    reading = con.sql(f"select * from read_parquet('{path}')")  # a reader holds the first
    db._keep_first(second, path)
    assert os.stat(path).st_ino == inode
    assert reading.fetchall() == [(1,)]
    assert not first.exists() and not second.exists()


def test_a_persisted_model_built_twice_keeps_one_file(tmp_path):
    staged = tmp_path / "cache" / "staged.parquet"
    staged.parent.mkdir()
    duckdb.connect().execute(f"copy (select range as n from range(1000)) to '{staged}' "
                             f"(format parquet)")
    paths = []
    for _ in range(2):
        con = db.connect()
        db.register_parquet(con, "order_lines", staged)
        ids = [db._identity(con, "order_lines")]
        model = db.graph.model("int_order_totals")
        path = db._persisted(con, model, "k", "select n from order_lines", {}, ids)
        paths.append((path, os.stat(path).st_ino))
        con.close()
    assert paths[0] == paths[1]
    assert list((staged.parent / "models").iterdir()) == [paths[0][0]]
