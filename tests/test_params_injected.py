"""papermill's injected parameters, checked by the notebook itself."""

from __future__ import annotations

import pytest

from helpers.core.errors import ParamError
from helpers.core.params import bytes_in, check_injected

PARAMETERS = 'as_of = "2026-10-31"  # last day\nbins = 5  # levels\nlang = "vi"\n'


def test_an_injected_name_the_parameters_cell_does_not_assign_is_refused():
    history = ["", PARAMETERS, '# Parameters\nbin = 4\nlang = "en"\n']
    with pytest.raises(ParamError, match=r"unknown parameter 'bin' \(did you mean bins\?\)"):
        check_injected({"In": history})


def test_known_injected_names_and_runs_without_injection_pass():
    check_injected({"In": ["", PARAMETERS, '# Parameters\nbins = 4\nlang = "en"\n']})
    check_injected({"In": ["", PARAMETERS, "x = 1"]})  # JupyterLab, nbval: nothing injected
    check_injected({})  # plain Python


def test_sizes_of_memory_and_scratch_disk_are_checked_and_reach_duckdb(tmp_path):
    from datetime import date

    from helpers.core.params import RunParams
    from helpers.engine import db

    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,customer_id,order_date,amount\n", encoding="utf-8")
    base = {"as_of": date(2026, 10, 31), "orders_path": str(orders)}
    for name, value in (("memory_limit", "8 gigs"), ("temp_limit", "lots"), ("temp_limit", "0GB")):
        with pytest.raises(ParamError, match=rf"{name} = '{value}': write a size as DuckDB does"):
            RunParams.from_values(**base, **{name: value})
    run = RunParams.from_values(**base, memory_limit="600MB", temp_limit="3GB",
                                temp_directory=str(tmp_path / "spill"))
    con = db.connect(**run.duckdb_options())
    got = dict(con.execute("select name, value from duckdb_settings() where name in "
                           "('memory_limit', 'max_temp_directory_size', 'temp_directory')")
               .fetchall())
    assert got["temp_directory"] == str(tmp_path / "spill")
    assert bytes_in(got["max_temp_directory_size"]) == pytest.approx(3e9, rel=0.05)  # shown as 2.7 GiB
    assert bytes_in(got["memory_limit"]) == pytest.approx(600e6, rel=0.05)
