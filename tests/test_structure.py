"""The library's shape: every helpers import at the top of its module (no cycle hidden inside a
function), and every model's dependencies form a graph without cycles."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.engine import db

HELPERS = Path(__file__).resolve().parents[1] / "src" / "helpers"


def test_no_helpers_import_hides_inside_a_function():
    inner = [f"{p.name}:{i}" for p in sorted(HELPERS.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.match(r"^\s+(from helpers\b|import helpers\b)", line)]
    assert inner == [], f"imports inside functions (an import cycle to break): {inner}"


def test_the_models_form_a_graph_without_cycles():
    done, visiting = set(), set()

    def visit(name, path):
        assert name not in visiting, f"cycle: {' -> '.join(path + [name])}"
        if name in done:
            return
        visiting.add(name)
        for dep in db.model(name).deps:
            visit(dep, path + [name])
        visiting.discard(name)
        done.add(name)

    for name in sorted(db.model_names()):
        visit(name, [])
    assert len(done) == len(db.model_names())
