"""The library's shape: layers that import only downward (import-linter's contracts in
pyproject.toml), one folder per page, modules a person can read, no private name used from
another module, every helpers import at the top of its module (no cycle hidden inside a
function), and every model's dependencies form a graph without cycles."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from helpers import pages
from helpers.core.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.engine import db

HELPERS = Path(__file__).resolve().parents[1] / "src" / "helpers"
LAYERS = ["core", "engine", "ingest", "kit", "pages", "run"]
MAX_LINES = 600


def test_no_helpers_import_hides_inside_a_function():
    inner = [f"{p.name}:{i}" for p in sorted(HELPERS.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.match(r"^\s+(from helpers\b|import helpers\b)", line)]
    assert inner == [], f"imports inside functions (an import cycle to break): {inner}"


def test_the_import_contracts_hold():
    """run > pages > kit > ingest > engine > core, and no page imports another (but review)."""
    done = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_every_module_is_in_a_layer_and_short_enough_to_read():
    top = sorted(p.name for p in HELPERS.glob("*.py"))
    # at the top: the package and the thin entry modules of the documented commands only
    assert top == ["__init__.py", "monthly.py", "portable.py", "sample_data.py", "spark_run.py"]
    for entry in top[1:]:
        assert len((HELPERS / entry).read_text(encoding="utf-8").splitlines()) < 20, entry
    assert sorted(p.name for p in HELPERS.iterdir() if p.is_dir() and p.name != "__pycache__") \
        == sorted(LAYERS + ["sql", "templates"])
    long = {str(p.relative_to(HELPERS)): n for p in HELPERS.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines (cut them by concern): {long}"


def test_each_page_is_one_folder_with_its_notebook_and_its_models():
    folders = sorted(p.name for p in (HELPERS / "pages").iterdir()
                     if p.is_dir() and p.name != "__pycache__")
    assert folders == sorted(pages.ORDER), "every page folder is in pages.ORDER, and only those"
    for page in pages.ORDER:
        notebook = import_module(f"helpers.pages.{page}").NOTEBOOK
        folder = HELPERS / "pages" / page
        have = {p.name for p in folder.glob("*.py")}
        need = {"__init__.py", "compute.py", "sentences.py"}
        if page != "review":
            need |= {"charts.py", "files.py"}
        assert need <= have, f"pages/{page} lacks {sorted(need - have)}"
        assert (NOTEBOOKS_DIR / f"{notebook}.ipynb").exists()
        assert list((HELPERS / "sql" / "marts" / page).glob("*.sql")), f"no sql/marts/{page}/"


def test_no_private_name_is_used_from_another_module():
    """A name with a leading underscore is its module's own; what another module needs is
    public (named without the underscore)."""
    found = []
    for path in sorted(HELPERS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module \
                    and node.module.split(".")[0] == "helpers":
                for alias in node.names:
                    if alias.name.startswith("_"):
                        found.append(f"{path.name}: from {node.module} import {alias.name}")
                    full = HELPERS.parent.joinpath(*f"{node.module}.{alias.name}".split("."))
                    if full.with_suffix(".py").exists() or full.is_dir():
                        modules[alias.asname or alias.name] = node.module
        found += [f"{path.relative_to(HELPERS)}:{node.lineno}: {node.value.id}.{node.attr}"
                  for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id in modules and node.attr.startswith("_")
                  and not node.attr.startswith("__")]
    assert found == []


def test_models_lie_in_staging_intermediate_or_their_pages_marts():
    for name, path in db.model_paths().items():
        where = path.parent.relative_to(HELPERS / "sql").as_posix()
        if name.startswith("stg_"):
            assert where == "staging", (name, where)
        elif name.startswith("int_"):
            assert where == "intermediate", (name, where)
        else:
            assert where == "staging" or where.startswith("marts/"), (name, where)


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


def test_every_test_the_readme_names_as_proof_exists():
    """The guarantees table names the tests that prove each line: a renamed or deleted test
    would leave a guarantee without its proof."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## What the workbook guarantees", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(?:[\w/.]+\.py)?(?:::)?(test_\w+)", table))
    defined = {m for path in (PROJECT_ROOT / "tests").glob("test_*.py")
               for m in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)}
    assert len(named) > 30
    assert named <= defined, sorted(named - defined)
