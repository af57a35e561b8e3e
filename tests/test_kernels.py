"""The runner's kernels (run/kernels.py): none starts once the run is stopping."""

from __future__ import annotations

import asyncio

import pytest

from helpers.run import kernels


def test_no_kernel_starts_while_the_run_is_stopping():
    # papermill calls start_kernel: the check must sit there (AsyncKernelManager binds
    # start_kernel to the base class's coroutine, so a check in _async_start_kernel never ran)
    manager = kernels.IpcKernelManager(kernel_name="python3")
    kernels.STOPPING.set()
    try:
        with pytest.raises(RuntimeError, match="stopping"):
            asyncio.run(manager.start_kernel())
    finally:
        kernels.STOPPING.clear()
    assert not manager.has_kernel
    assert kernels.kernel_pids() == []
