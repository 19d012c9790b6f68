# The two commands of the README: `make run` (the system with demo data, embedded SQLite) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,server]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/theodoi serve --demo

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n auto tests

bench: $(BIN)/.installed
	BENCH_FULL=1 $(BIN)/pytest -q -s tests/bench

lint: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
