# Customer tiering workbook. The two promised commands: `make report` and `make test`.
# Override on the command line: make monthly AS_OF=2026-10-31
# (no comment after a value: make would keep the spaces before the #)
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.PHONY: setup browser java lab sample-data ingest check-export report monthly test test-fast test-notebooks lint bench bench-months bench-large clean help

PYTHON_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
AS_OF ?=
PARAMS ?= params/monthly.yaml
# nbval runs only the notebooks the month fixture does not execute (tests/test_monthly.py runs
# 00-06 end to end through the monthly runner; running them again under nbval doubled the work),
# in the same pytest run as the tests, on whichever of the two workers is free
NBVAL_ONLY := notebooks/10_explore.ipynb
# two workers; each xdist_group runs whole on one worker, handed out in tests/conftest.py's order
# (the longest first), not re-sorted by xdist
XDIST := -n 2 --dist loadgroup --no-loadscope-reorder
# the tests' Java processes (Spark drivers, executors, a standalone cluster) compile with the
# quick JIT only and collect with one thread: about half their CPU time on jobs this small
TEST_JVM := JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
export UV_COMPILE_BYTECODE := 1
export PYTHONDONTWRITEBYTECODE :=

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock -e . --no-deps
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (workbook)" >/dev/null
	touch $(STAMP)

## Install pinned dependencies into .venv (instant once done)
setup: $(STAMP)

## Start JupyterLab at the project root with the project kernel
lab: setup
	$(VENV)/bin/jupyter lab --allow-root --notebook-dir=.

## Generate the deterministic sample shop into data/raw/
sample-data: setup
	$(PY) -m helpers.sample_data

## Load data/raw into DuckDB staging and print what was loaded and rejected
ingest: setup
	$(PY) -m helpers.ingest

## What the workbook detects in an export: make check-export FILE=path [MAPPING=auto] [RETURNS=path] [ARGS="--guest-keys KH000 --customer-key phone"]
check-export: setup
	@test -n "$(FILE)" || { echo "usage: make check-export FILE=data/raw/orders.csv [MAPPING=kiotviet] [RETURNS=…]"; exit 2; }
	$(PY) -m helpers.ingest check "$(FILE)" --mapping "$(or $(MAPPING),auto)" $(if $(RETURNS),--returns "$(RETURNS)",) $(ARGS)

## The main job: the monthly run on data/raw (sample data generated if empty)
report: setup
	$(PY) -m helpers.monthly --sample-if-empty --params $(PARAMS) $(if $(AS_OF),--as-of $(AS_OF),)

## The scheduled monthly run for AS_OF (default: last day of the previous month)
monthly: setup
	$(PY) -m helpers.monthly --params $(PARAMS) $(if $(AS_OF),--as-of $(AS_OF),--previous-month-end)

data/raw/orders.csv: | $(STAMP)
	$(PY) -m helpers.sample_data

## Install Debian's chromium for the browser check (never a downloaded browser build)
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for the browser test…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "Could not install chromium: run 'sudo apt-get install chromium'"; exit 1; }; }

## Install Debian's Java 17 for engine: spark (PySpark needs a JVM)
java:
	@command -v java >/dev/null 2>&1 || { echo "Installing Debian's Java 17 for Spark…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
	  || { echo "Could not install Java: run 'sudo apt-get install openjdk-17-jre-headless'"; exit 1; }; }

## All tests, on two workers (the month's tests on one: tests/conftest.py): import contracts, helpers, SQL models on both engines, the month's notebooks
## (papermill, in the month fixture), the explorer notebook (nbval), browser check
test: setup browser java data/raw/orders.csv
	$(VENV)/bin/lint-imports
	WORKBOOK_KEEP_LARGE_ROWS=50 $(TEST_JVM) $(PY) -m pytest -q $(XDIST) --durations=15 tests $(NBVAL_ONLY) --nbval-lax

## Fast loop: import contracts and every test but the month, the browser, Spark and slow ones
test-fast: setup
	$(VENV)/bin/lint-imports
	$(TEST_JVM) $(PY) -m pytest -q $(XDIST) --durations=10 -m "not notebooks and not browser and not spark and not slow"

## Lint Python (ruff) and SQL (sqlfluff, DuckDB dialect, the house style in .sqlfluff)
lint: setup
	$(VENV)/bin/ruff check src tests benchmarks notebooks/src
	$(VENV)/bin/sqlfluff lint --processes 2 src/helpers/sql
	$(VENV)/bin/lint-imports

## Benchmark on 1M and 10M generated order lines (prints a table, writes benchmarks/results.md)
bench: setup
	$(PY) -m benchmarks.run --sizes 1000000 10000000

## The month as a shop lives it at 10M lines (issue 34): 36 monthly CSV and XLSX files staged (the
## first month, a later one, the new file alone) and the whole first month and the month after,
## each notebook's seconds and peak memory; prints the rows (results.md keeps the last full run)
bench-months: setup
	$(PY) -m benchmarks.run --sizes 10000000 --repeat 1 --tasks months_csv_new_alone \
		months_csv_first months_csv_later months_csv_month months_xlsx_new_alone \
		months_xlsx_first months_xlsx_later months_xlsx_month

## Benchmark at 100M order lines under an 8 GB DuckDB memory limit: generate (in units), stage,
## RFM, the whole month; time and peak memory per step (needs ~40 GB of disk, about an hour)
bench-large: setup
	$(PY) -m benchmarks.run --sizes 100000000 --memory-limit 8GB --repeat 1 \
		--tasks stage_csv rfm_segments monthly

## Delete generated outputs (keeps data/raw and snapshots)
clean:
	rm -rf reports data/processed/cache data/processed/quarantine
	find . -name __pycache__ -prune -exec rm -rf {} +

## List targets
help:
	@awk '/^## /{d=substr($$0,4); next} /^[a-z-]+:/{if(d){split($$1,t,":"); printf "  %-16s %s\n", t[1], d}; d=""}' $(MAKEFILE_LIST)
