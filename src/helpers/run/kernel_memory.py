"""Each notebook's peak memory in a monthly run (issue 34): the manifest's `peak_memory_gb`, and
the CPU seconds its kernel used (`kernel_cpu_seconds`: on a shared machine the seconds of a
notebook say how busy the machine was; its CPU seconds say what the notebook cost).

A notebook runs in a kernel process of its own (papermill). Its peak resident memory is read
from Linux's own record of it, /proc/<pid>/status `VmHWM` (the most the process ever held),
just before the runner asks the kernel to shut down: exact, however short the peak was. What
the kernel starts (a compiler, a Spark JVM) is not in that figure, so the kernel's process tree
is also sampled twice a second while it runs, and the larger of the two is kept: the tree's
total at its largest sample, or the kernel's own peak.

The CPU seconds are the kernel's user and system time and those of the processes it started
and waited for (/proc/<pid>/stat), read at the same moment.

On a system without /proc (macOS, Windows) nothing is measured and the manifest says null.

    memory = KernelMemory()
    pm.execute_notebook(..., kernel_manager_class=memory.manager("01_rfm_segments"))
    memory.manifest(["01_rfm_segments", ...])
      ->  {"peak_memory_gb": {"01_rfm_segments": 0.61, ...},
           "kernel_cpu_seconds": {"01_rfm_segments": 9.8, ...}}
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from helpers.run.kernels import IpcKernelManager

PROC = Path("/proc")
EVERY_SECONDS = 0.5


def _status_kb(pid: int, field: str) -> int | None:
    """A `field:  N kB` line of /proc/<pid>/status, or None (no such process, no /proc)."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def own_peak_kb(pid: int) -> int | None:
    """The most resident memory process `pid` has held since it started (VmHWM), in kB."""
    return _status_kb(pid, "VmHWM")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of `pid` and of the children it waited for (/proc/<pid>/stat
    utime, stime, cutime, cstime), or None."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after the command name, which may hold spaces
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process `pid` started that still runs, and theirs (from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list((PROC / str(parent) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def tree_kb(pid: int) -> int:
    """Resident memory of `pid` and every process under it now, in kB."""
    return sum(_status_kb(p, "VmRSS") or 0 for p in [pid, *descendants(pid)])


class Watch:
    """The peak of one process tree: sampled in a thread while it runs, then read at its end."""

    def __init__(self, pid: int, every: float = EVERY_SECONDS):
        self.pid = pid
        self.peak_kb = 0
        self.cpu = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every,), daemon=True,
                                        name=f"kernel-memory-{pid}")
        self._thread.start()

    def _sample(self, every: float) -> None:
        while not self._stop.is_set():
            self._take()
            self._stop.wait(every)

    def _take(self) -> None:
        self.peak_kb = max(self.peak_kb, tree_kb(self.pid), own_peak_kb(self.pid) or 0)

    def finish(self) -> int:
        """The peak in kB: taken once more while the process still runs (with its CPU seconds),
        then sampling stops."""
        self._take()
        self.cpu = cpu_seconds(self.pid)
        self._stop.set()
        return self.peak_kb


def _pid(manager) -> int | None:
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


class KernelMemory:
    """The peak resident memory of each notebook's kernel in a run, by notebook (GB)."""

    def __init__(self):
        self.kb: dict[str, int] = {}
        self.cpu: dict[str, float] = {}
        self.pids: dict[str, int] = {}  # notebook -> its kernel's process id, while it runs
        self._lock = threading.Lock()

    def record(self, name: str, kb: int, cpu: float | None = None) -> None:
        with self._lock:
            self.kb[name] = max(self.kb.get(name, 0), kb)
            if cpu is not None:
                self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    def manager(self, name: str) -> type[IpcKernelManager]:
        """The kernel manager class for notebook `name`: the run's own (kernels.py), watched."""
        memory = self

        class Watched(IpcKernelManager):
            async def start_kernel(self, **kw) -> None:
                await super().start_kernel(**kw)
                pid = _pid(self)
                if pid:
                    memory.pids[name] = pid
                self._memory_watch = Watch(pid) if pid and PROC.is_dir() else None

            async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
                watch = getattr(self, "_memory_watch", None)
                if watch is not None:  # read while the kernel still runs (its VmHWM goes with it)
                    memory.record(name, watch.finish(), watch.cpu)
                    self._memory_watch = None
                await super().shutdown_kernel(now=now, restart=restart)

        Watched.__name__ = Watched.__qualname__ = "WatchedKernelManager"
        return Watched

    def kernel(self, name: str) -> tuple[int | None, list[int]]:
        """Notebook `name`'s kernel process id (None before it starts) and every kernel's of the
        run: what heartbeat.beating says a status line under."""
        return self.pids.get(name), list(self.pids.values())

    def gb(self, name: str) -> float | None:
        kb = self.kb.get(name)
        return round(kb / 1024 / 1024, 3) if kb else None

    def manifest(self, names) -> dict[str, dict[str, float | None]]:
        """The manifest's two keys: name -> peak GB (GiB: kB / 1024²) and name -> the kernel's CPU
        seconds, in the order of `names`; None where not measured."""
        names = list(names)
        return {"peak_memory_gb": {name: self.gb(name) for name in names},
                "kernel_cpu_seconds": {name: round(self.cpu[name], 2) if name in self.cpu
                                       else None for name in names}}
