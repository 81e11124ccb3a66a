# CNN Study Questions: `make serve`, `make test`, `make build`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
export NO_MKDOCS_2_WARNING := 1
# Bytecode is kept (in __pycache__/, which git ignores): a test run starts many interpreters
# (the workers, the builds, the readers' Pythons) that import the same modules.
unexport PYTHONDONTWRITEBYTECODE

# Every Python file of the project; tests/site/test_lint.py runs the same two commands.
LINTED := snippets sitekit tests tools conftest.py

.PHONY: setup serve build test lint outputs terms bench lock clean

setup: $(READY)

# Everything the site and the tests need, pinned: Python packages (requirements.lock), that is
# the reader's package with its extras and the site's machinery (sitekit/pyproject.toml), both
# editable; KaTeX (package-lock.json), a headless Chromium, and the reader's PyTorch for the
# notebooks' kernels.
$(READY): pyproject.toml sitekit/pyproject.toml requirements.lock package.json package-lock.json tools/install-browser.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[figures,experiment]" -e "./sitekit[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	tools/install-browser.sh $(BIN)/python
	$(BIN)/python -m sitekit.testing.reader  # the reader's cached PyTorch (~/.cache/cnn-study-questions/reader)
	touch $@

# --dirty: an edited page alone is rebuilt; any other change rebuilds every page (sitekit-quick-serve).
serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload --dirty

build: setup
	$(BIN)/mkdocs build --strict

test: setup
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

# After changing code whose output a page shows: run every block on the pages (both languages)
# and in the snippets docstrings, and rewrite its `#>` lines with what it printed.
outputs: setup
	$(BIN)/python -m pytest -p no:cacheprovider -n 0 -q --update-outputs docs snippets

# After changing docs/terms.yml: the jieba user dictionary from the terms, then jieba's
# dictionary cut to the site's words (both are read by the search plugin).
terms: setup
	$(BIN)/python -m sitekit.plugins.terms
	$(BIN)/python tools/jieba_dict.py

# Build times (hyperfine) against a bare-Material floor, the rebuild after an edit under serve,
# Lighthouse CI on every page; writes bench-results.json (committed) and prints it beside the
# previous one. `make bench BENCH="--compare-plugins"` also measures each speed-only plugin on
# and off. Its tools are installed here, never by `make setup` or CI. See tools/bench.py.
bench: setup tools/lighthouse/node_modules/.package-lock.json
	command -v hyperfine >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq hyperfine; }
	$(BIN)/python tools/bench.py $(BENCH)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

tools/lighthouse/node_modules/.package-lock.json: tools/lighthouse/package.json tools/lighthouse/package-lock.json
	npm ci --prefix tools/lighthouse --no-audit --no-fund --loglevel=error

# Re-pin after changing a range in pyproject.toml, sitekit/pyproject.toml or package.json. Our
# own two distributions (cnn-study-questions, cnn-study-questions-sitekit) are editable: not pinned.
lock: setup
	( echo "# Exact versions for every Python package the project installs (used as pip constraints by the Makefile)."; \
	  echo "# Regenerate: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^cnn-study-questions' | sed -E 's/^(torch==[0-9.]+)\+cpu$$/\1/' ) > requirements.lock
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf site .pytest_cache
