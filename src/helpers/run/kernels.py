"""The notebooks' kernels: on local sockets, known to the runner, and stopped with it.

SIGTERM (a scheduler stopping the job) or SIGINT (Ctrl-C) during a monthly run must not leave
`reports/.staging-<month>/` (it holds full contact lists) nor the month's lock behind, and no
kernel may keep running. The runner installs stop_on_signals(): the signal stops every kernel
it started (each runs in a process group of its own, so a terminal's Ctrl-C never reaches it)
and raises Interrupted in the runner's main thread; the runner's `finally` blocks then remove
the staging folder and release the locks, as for any failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
import weakref
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum

_STARTED: weakref.WeakSet = weakref.WeakSet()
_GUARD = threading.Lock()
# set by a signal: a kernel that was still starting then is stopped as soon as it has started
STOPPING = threading.Event()


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `signum` says which."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


class IpcKernelManager(AsyncKernelManager):
    """Kernels talk over local IPC sockets, not TCP: nothing is exposed on the network (and the
    kernel does not warn about unencrypted TCP in the middle of the run's progress lines)."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with _GUARD:
            _STARTED.add(self)

    # start_kernel, not _async_start_kernel: AsyncKernelManager binds start_kernel to
    # KernelManager._async_start_kernel itself, so an override of the latter is never called
    async def start_kernel(self, **kw) -> None:
        if STOPPING.is_set():
            raise RuntimeError("the run is stopping: no kernel starts")
        await super().start_kernel(**kw)
        if STOPPING.is_set():  # the signal came while this kernel was starting
            stop_kernels()

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts a kernel before it asks it to shut down; a kernel that has
        # finished its notebook then logs "KeyboardInterrupt caught in kernel" into the run's
        # output. Papermill never interrupts otherwise; a busy kernel still gets SIGTERM.
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    def _ip_default(self) -> str:
        # The socket files go to a private temporary folder, never the working directory
        # (jupyter_client's default is ./kernel-ipc-<port>, left behind when a kernel is killed).
        return str(Path(tempfile.mkdtemp(prefix="workbook-kernel-")) / "ipc")


def kernel_pids() -> list[int]:
    """Process ids of the kernels this process started that still run."""
    with _GUARD:
        managers = list(_STARTED)
    pids = []
    for km in managers:
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            pids.append(process.pid)
    return pids


def stop_kernels() -> list[int]:
    """Kill every kernel this process started, with what it started (its process group)."""
    stopped = kernel_pids()
    for pid in stopped:
        with contextlib.suppress(OSError):
            if hasattr(os, "killpg"):
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own group
            else:
                os.kill(pid, signal.SIGTERM)
    return stopped


@contextlib.contextmanager
def stop_on_signals(echo=print):
    """While the block runs, SIGTERM and SIGINT stop the kernels and raise Interrupted in this
    (the main) thread, so the caller's clean-up runs; a second signal during the clean-up only
    stops kernels again. Outside the main thread (a test, a library call) nothing is changed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def handler(signum, frame):
        STOPPING.set()
        stop_kernels()
        if fired:
            return
        fired.append(signum)
        echo(f"Stopping ({signal.Signals(signum).name}): the kernels are stopped, the staging "
             f"folder removed and the lock released; nothing is published.", flush=True)
        raise Interrupted(signum)

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        STOPPING.clear()
