"""The SQL models follow the house style (.sqlfluff, DuckDB dialect), as `make lint` checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers.core.paths import PROJECT_ROOT


def test_every_sql_model_passes_sqlfluff():
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    done = subprocess.run([str(sqlfluff), "lint", "--processes", "2", "--nocolor",
                           "src/helpers/sql"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=600)
    failing = [line for line in done.stdout.splitlines() if "FAIL" in line or "|" in line]
    assert done.returncode == 0, "sqlfluff found:\n" + "\n".join(failing[:40])
