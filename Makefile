# Two commands for a newcomer: `make build` (the sample month into build/) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: build test check catalogs benchmark benchmark-archive clean

$(BIN)/bulletin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/bulletin
	$(BIN)/bulletin build --lang all

# The HTML checkers (vnu-jar, axe-core, playwright-core driving the system's Chromium) come from npm;
# without npm, Java or Chromium those few tests are skipped with the reason.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the HTML checker tests will be skipped"; fi

# Two workers (pytest-xdist), each taking whole test files: a module's shared build is made once, and the
# suite, mostly one process at a time, uses both cores.
test: $(BIN)/bulletin node_modules/.installed
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

check: $(BIN)/bulletin
	$(BIN)/bulletin check --strict

# Interface strings: extract, merge into every language's catalog, list what is untranslated or fuzzy.
catalogs: $(BIN)/bulletin
	$(BIN)/bulletin catalogs

benchmark: $(BIN)/bulletin
	$(BIN)/python benchmarks/run.py

# The archive's index and offline search page for a synthetic year: sizes and query times.
benchmark-archive: $(BIN)/bulletin node_modules/.installed
	$(BIN)/python benchmarks/archive.py

clean:
	rm -rf build dist
