# Two commands for a newcomer: `make build` (the sample month into build/) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: build test check benchmark clean

$(BIN)/bulletin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/bulletin
	$(BIN)/bulletin build --lang all

test: $(BIN)/bulletin
	$(BIN)/python -m pytest -q

check: $(BIN)/bulletin
	$(BIN)/bulletin check --strict

benchmark: $(BIN)/bulletin
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build dist
