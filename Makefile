# One command to set up and run the service (embedded default: SQLite, jobs in-process), one to run the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test demo worker lint bench clean

$(BIN)/mash: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/mash

run: $(BIN)/mash
	$(BIN)/mash db upgrade
	$(BIN)/mash run --host $(HOST) --port $(PORT)

test: $(BIN)/mash
	$(BIN)/pytest -n 2 -q

demo: $(BIN)/mash
	$(BIN)/mash db upgrade
	$(BIN)/mash demo

worker: $(BIN)/mash
	$(BIN)/mash worker

lint: $(BIN)/mash
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy mash schemas workers integrations

bench: $(BIN)/mash
	$(BIN)/python benchmarks/intake.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
