"""The month bench's tools (issue 34): each kernel's peak memory, and the fast XLSX writer."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import nbformat
import pytest

from helpers.run import kernel_memory

linux = pytest.mark.skipif(not kernel_memory.PROC.is_dir(), reason="needs /proc (Linux)")
HOLD = "import time; x = b'\\1' * ({mb} * 2**20); {more}time.sleep(30)"


@linux
def test_watch_reads_a_process_peak_and_its_children():
    # 150 MB held by the process, 100 MB more by a child it starts: both counted by the tree
    more = (f"import subprocess, sys; c = subprocess.Popen([sys.executable, '-c', "
            f"{HOLD.format(mb=100, more='print(1, flush=True); ')!r}], stdout=subprocess.PIPE); "
            f"c.stdout.readline(); print('ready', flush=True); ")
    proc = subprocess.Popen([sys.executable, "-c", HOLD.format(mb=150, more=more)],
                            stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"ready"
        assert kernel_memory.own_peak_kb(proc.pid) >= 150 * 1024
        assert len(kernel_memory.descendants(proc.pid)) == 1
        assert kernel_memory.cpu_seconds(proc.pid) > 0
        watch = kernel_memory.Watch(proc.pid, every=0.05)
        peak = watch.finish()
        assert 250 * 1024 <= peak < 600 * 1024
    finally:
        for pid in kernel_memory.descendants(proc.pid):
            subprocess.run(["kill", str(pid)], check=False)
        proc.kill()
        proc.wait()
    assert kernel_memory.own_peak_kb(proc.pid) is None  # gone: nothing read, nothing guessed


@linux
def test_a_notebook_kernel_peak_is_recorded_by_name(tmp_path):
    import papermill as pm

    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell("x = b'\\1' * (300 * 2**20)\ndel x")]
    book.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                   "display_name": "Python 3"}
    source = tmp_path / "tiny.ipynb"
    nbformat.write(book, source)
    memory = kernel_memory.KernelMemory()
    pm.execute_notebook(str(source), str(tmp_path / "out.ipynb"), kernel_name="python3",
                        progress_bar=False, kernel_manager_class=memory.manager("tiny"))
    said = memory.manifest(["tiny", "never_ran"])
    peaks, cpu = said["peak_memory_gb"], said["kernel_cpu_seconds"]
    assert list(peaks) == list(cpu) == ["tiny", "never_ran"]
    assert 0.29 <= peaks["tiny"] < 1.5  # the 300 MB the cell held, freed before the end
    assert 0 < cpu["tiny"] < 60  # the kernel's start and the cell
    assert peaks["never_ran"] is None and cpu["never_ran"] is None


def test_xlsx_writer_cells_read_back_by_calamine_and_openpyxl(tmp_path):
    import openpyxl
    from python_calamine import CalamineWorkbook

    from benchmarks.xlsx_writer import write_xlsx

    source = tmp_path / "orders.csv"
    source.write_text(
        "order_id,customer_id,order_date,amount,status,channel\n"
        "DH1,KH1,2024-01-31 23:59:59,192000,completed,POS\n"
        "DH2,KH<2>&,31/02/2025,12.5,\" padded \",\n"
        "DH3,KH3,2024-02-29 00:00:00,-7,cancelled,Shopee\n", encoding="utf-8")
    target = tmp_path / "orders.xlsx"
    assert write_xlsx(source, target, dates=["order_date"], numbers=["amount"]) == 3
    rows = list(CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).iter_rows())
    assert rows == [
        ["order_id", "customer_id", "order_date", "amount", "status", "channel"],
        ["DH1", "KH1", datetime(2024, 1, 31, 23, 59, 59), 192000.0, "completed", "POS"],
        ["DH2", "KH<2>&", "31/02/2025", "12.5", " padded ", ""],  # text stays text
        ["DH3", "KH3", date(2024, 2, 29), -7.0, "cancelled", "Shopee"],  # calamine: midnight
    ]
    sheet = openpyxl.load_workbook(target, read_only=True)["Orders"]
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert [c.value for c in cells] == ["DH1", "KH1", datetime(2024, 1, 31, 23, 59, 59), 192000,
                                        "completed", "POS"]
    assert cells[2].number_format == "yyyy-mm-dd h:mm:ss"
