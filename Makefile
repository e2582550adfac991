# One command to set up and run the service (embedded default: SQLite, jobs in-process), one to run the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test demo worker lint bench clean coverage mutation mutation-sample mutation-bounded audit-deps

$(BIN)/mash: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/mash

run: $(BIN)/mash
	$(BIN)/mash db upgrade
	$(BIN)/mash run --host $(HOST) --port $(PORT)

# Compiled first, so that the workers and servers the tests start read bytecode even where
# PYTHONDONTWRITEBYTECODE is set, instead of compiling the service's sources each time.
test: $(BIN)/mash
	$(BIN)/python -m compileall -q mash workers integrations
	$(BIN)/pytest -n 2 -q

demo: $(BIN)/mash
	$(BIN)/mash db upgrade
	$(BIN)/mash demo

worker: $(BIN)/mash
	$(BIN)/mash worker

# The whole suite under coverage, the `mash worker` and CLI subprocesses included; fails under 95% of lines.
coverage: $(BIN)/mash
	rm -f .coverage .coverage.*
	$(BIN)/python -m compileall -q mash workers integrations
	$(BIN)/coverage run -m pytest -n 2 -q
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

# Mutation testing of the safety core (docs/testing.md): every area, one after another; AREAS= picks some.
mutation: $(BIN)/mash
	$(BIN)/python tools/mutation.py $(AREAS)

# An evenly spread sample of the safety core's mutants (about 5.5 minutes: mutmut's statistics over the whole core).
mutation-sample: $(BIN)/mash
	$(BIN)/python tools/mutation.py --sample 30 --fail-under 75

# The bounded run CI makes: every mutant of the matching thresholds against their unit tests, in a scratch copy;
# fails when one that is not known to be equivalent survives.
mutation-bounded: $(BIN)/mash
	$(BIN)/python tools/mutation.py --bounded

lint: $(BIN)/mash
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy mash schemas workers integrations

# Known vulnerabilities in the installed dependencies, from PyPI's data (pip-audit); accepted ones, each with its
# reason, in tools/pip-audit-ignore.txt (docs/operations.md).
audit-deps: $(BIN)/mash
	$(BIN)/python tools/audit_deps.py

bench: $(BIN)/mash
	$(BIN)/python benchmarks/intake.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
