"""The month's notebooks saved when it matters, not twice per cell.

papermill writes the whole executed notebook to its output path when each cell starts and again
when it ends. A page's notebook holds about 5 MB (plotly.js is embedded once, so that the HTML
page renders offline), so a month of seven notebooks serialised and wrote about 300 notebooks,
some 1.5 GB of JSON and 13 CPU-seconds in the runner (measured at 10M lines on 6 December 2026:
0.045 CPU-s a save, 42 saves a notebook), on the two cores the kernels need.

The `workbook` engine (papermill's own nbclient engine, registered under another name) saves
- when the notebook starts (the parameters injected: what ran is on disk from the first second),
- during a long cell, every `autosave_cell_every` seconds (papermill's own rule, 30 s),
- and when the notebook ends, however it ends: papermill saves in a `finally`, so a failed cell,
  a timeout or a kernel that died leaves the executed notebook with every output up to there
  (the failed month keeps it: run/failed.py).
What is lost against papermill's default is only the state between two cells if the runner
process itself is killed, when nothing reads it.
"""

from __future__ import annotations

from contextlib import contextmanager

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE = "workbook"


class FewSaves(NotebookExecutionManager):
    """papermill's execution manager without the save at each cell's start and end."""

    @contextmanager
    def _unsaved(self):
        path, self.output_path = self.output_path, None
        try:
            yield
        finally:
            self.output_path = path

    def cell_start(self, cell, cell_index=None, **kwargs):
        with self._unsaved():
            return super().cell_start(cell, cell_index, **kwargs)

    def cell_complete(self, cell, cell_index=None, **kwargs):
        with self._unsaved():
            return super().cell_complete(cell, cell_index, **kwargs)


class WorkbookEngine(NBClientEngine):
    """NBClientEngine whose manager is FewSaves (the rest is papermill's Engine.execute_notebook)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                         log_output=False, autosave_cell_every=30, **kwargs):
        nb_man = FewSaves(nb, output_path=output_path, progress_bar=progress_bar,
                          log_output=log_output, autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE, WorkbookEngine)
