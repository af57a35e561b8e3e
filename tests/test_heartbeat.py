"""The runner says each kernel's lock message under that kernel's notebook (run/heartbeat.py):
two notebooks side by side, one staging and one waiting for its lock, each says only its own."""

from __future__ import annotations

import os

from helpers.core import locks
from helpers.run import heartbeat


def test_each_notebook_says_its_own_kernels_lines(tmp_path, monkeypatch):
    path = tmp_path / "status.txt"
    path.write_text("101\tWaiting for .lock-orders-x: held by process 202\n"
                    "202\tStaging 35 files\n"
                    "an old line without a writer\n", encoding="utf-8")
    status = heartbeat.Status(path)
    kernels = [101, 202]
    assert status.new_lines(202, kernels) == ["Staging 35 files", "an old line without a writer"]
    assert status.new_lines(202, kernels) == []
    # the runner's own lines (no kernel of the run wrote them) go to the first reader
    monkeypatch.setenv(locks.STATUS_FILE_ENV, str(path))
    locks._stderr("the runner waits")
    assert status.new_lines(101, kernels) == ["Waiting for .lock-orders-x: held by process 202",
                                              "the runner waits"]
    assert path.read_text(encoding="utf-8").splitlines()[-1] == f"{os.getpid()}\tthe runner waits"


def test_a_notebook_before_its_kernel_started_takes_no_other_kernels_line(tmp_path):
    path = tmp_path / "status.txt"
    path.write_text("303\tWaiting for .lock-orders-y\n", encoding="utf-8")
    status = heartbeat.Status(path)
    assert status.new_lines(None, [303]) == []
    assert status.new_lines(303, [303]) == ["Waiting for .lock-orders-y"]
