"""The month's notebooks are saved when they start, during a long cell and when they end
(run/saves.py), not twice per cell; a notebook whose kernel died keeps its outputs up to there."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest
from papermill import engines

from helpers.run import saves


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)
    return path


@pytest.mark.notebooks
def test_few_saves_and_a_dead_kernel_keeps_its_outputs(tmp_path, monkeypatch):
    written = []
    real = engines.write_ipynb
    monkeypatch.setattr(engines, "write_ipynb", lambda nb, path: (written.append(path),
                                                                  real(nb, path)))
    ok = _notebook(tmp_path / "ok.ipynb", "x = 1", "print(x + 1)", "y = 3", "print('z')",
                   "print(y)")
    out = tmp_path / "ok.out.ipynb"
    pm.execute_notebook(str(ok), str(out), parameters={"x": 41}, kernel_name="python3",
                        progress_bar=False, engine_name=saves.ENGINE)
    # the engine saves twice (start, end) for 6 cells (papermill's default: 2 + 2 per cell);
    # papermill's own last write is not the engine's
    assert len(written) == 2
    executed = nbformat.read(out, as_version=4)
    assert "42" in executed.cells[2].outputs[0]["text"]  # the injected parameters ran

    written.clear()
    dying = _notebook(tmp_path / "dies.ipynb", "x = 1", "print('before', x)",
                      "import os; os._exit(3)", "print('never')")
    out = tmp_path / "dies.out.ipynb"
    with pytest.raises(Exception):  # noqa: B017 (papermill's or nbclient's DeadKernelError)
        pm.execute_notebook(str(dying), str(out), kernel_name="python3", progress_bar=False,
                            engine_name=saves.ENGINE)
    kept = nbformat.read(out, as_version=4)
    assert any("before 1" in o.get("text", "") for c in kept.cells for o in c.get("outputs", []))
    assert written  # saved at the end although the kernel died
