"""No notebook runs a minute without a word on the runner's console.

A kernel's stderr never reaches the runner (papermill runs it with log_output=False: its text
may quote a shop's rows), so a notebook waiting for the staging lock another process holds once
sat silent for hours. The runner gives its kernels a status file (core.locks writes every lock
message there as well as to stderr: a holder, a stale lock taken over) and, while a notebook
runs, repeats each new line of it on the console, and says every minute that the notebook is
still running.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from pathlib import Path

from helpers.core.locks import STATUS_FILE_ENV

EVERY_SECONDS = 60.0


@contextlib.contextmanager
def status_file():
    """A private status file for the run's kernels, named in the environment they inherit."""
    before = os.environ.get(STATUS_FILE_ENV)
    with tempfile.TemporaryDirectory(prefix="workbook-status-") as folder:
        path = Path(folder) / "status.txt"
        path.touch()
        os.environ[STATUS_FILE_ENV] = str(path)
        try:
            yield path
        finally:
            if before is None:
                os.environ.pop(STATUS_FILE_ENV, None)
            else:
                os.environ[STATUS_FILE_ENV] = before


class Status:
    """The run's status file, read from where the last reader stopped (one reader at a time:
    notebooks run from two threads). Each line starts with the process id of the kernel that
    wrote it (core.locks); a notebook's reader takes its own kernel's lines and those of no
    kernel of the run (the runner itself), and leaves the others to their own notebook: two
    notebooks side by side, one staging and one waiting for its lock, each says only its own."""

    def __init__(self, path: Path | None):
        self.path, self.offset, self.lock = path, 0, threading.Lock()
        self.pending: list[tuple[int | None, str]] = []

    def new_lines(self, pid: int | None = None, kernels=()) -> list[str]:
        if self.path is None:
            return []
        with self.lock:
            try:
                with open(self.path, encoding="utf-8", errors="replace") as f:
                    f.seek(self.offset)
                    text = f.read()
                    self.offset = f.tell()
            except OSError:
                text = ""
            for line in text.splitlines():
                writer, tab, said = line.partition("\t")
                if tab and writer.isdigit():
                    self.pending.append((int(writer), said))
                elif line.strip():
                    self.pending.append((None, line))
            known = set(kernels)
            mine = [(w, said) for w, said in self.pending if w == pid or w not in known]
            self.pending = [item for item in self.pending if item not in mine]
        return [said for _, said in mine if said.strip()]


@contextlib.contextmanager
def beating(step: str, echo, status: Status, *, every: float | None = None, kernel=None):
    """While the block runs: each new status line of its kernel (`kernel()`: the kernel's
    process id and those of every kernel of the run, from run/kernel_memory.py), and every
    `every` seconds (EVERY_SECONDS) that `step` is still running."""
    every = EVERY_SECONDS if every is None else every
    stop = threading.Event()
    t0 = time.monotonic()
    ids = kernel or (lambda: (None, ()))

    def beat():
        last = time.monotonic()
        while not stop.wait(min(1.0, every)):
            for line in status.new_lines(*ids()):
                echo(f"{step}: {line}", flush=True)
            if time.monotonic() - last >= every:
                last = time.monotonic()
                echo(f"{step} still running ({(last - t0) / 60:.0f} min)", flush=True)

    thread = threading.Thread(target=beat, daemon=True, name=f"heartbeat {step}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for line in status.new_lines(*ids()):
            echo(f"{step}: {line}", flush=True)
