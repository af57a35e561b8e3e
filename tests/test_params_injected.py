"""papermill's injected parameters, checked by the notebook itself."""

from __future__ import annotations

import pytest

from helpers.params import ParamError, check_injected

PARAMETERS = 'as_of = "2026-10-31"  # last day\nbins = 5  # levels\nlang = "vi"\n'


def test_an_injected_name_the_parameters_cell_does_not_assign_is_refused():
    history = ["", PARAMETERS, '# Parameters\nbin = 4\nlang = "en"\n']
    with pytest.raises(ParamError, match=r"unknown parameter 'bin' \(did you mean bins\?\)"):
        check_injected({"In": history})


def test_known_injected_names_and_runs_without_injection_pass():
    check_injected({"In": ["", PARAMETERS, '# Parameters\nbins = 4\nlang = "en"\n']})
    check_injected({"In": ["", PARAMETERS, "x = 1"]})  # JupyterLab, nbval: nothing injected
    check_injected({})  # plain Python
