# CNN Study Questions: `make serve`, `make test`, `make build`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup serve build test lint outputs terms bench lock clean

setup: $(READY)

# Everything the site and the tests need, pinned: Python packages (requirements.lock),
# KaTeX (package-lock.json), a headless Chromium, and the reader's PyTorch for the copy test.
$(READY): pyproject.toml requirements.lock package.json package-lock.json tools/install-browser.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[figures,experiment,docs,test]"
	npm ci --no-audit --no-fund --loglevel=error
	tools/install-browser.sh $(BIN)/python
	$(BIN)/python -m sitekit.copy_blocks  # the copy test's cached PyTorch (~/.cache/cnn-study-questions/reader)
	touch $@

# --dirty: an edited page alone is rebuilt; any other change rebuilds every page (sitekit/quick_serve.py).
serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload --dirty

build: setup
	$(BIN)/mkdocs build --strict

test: setup
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: setup
	$(BIN)/ruff check snippets sitekit tests hooks tools conftest.py
	$(BIN)/ruff format --check snippets sitekit tests hooks tools conftest.py

# After changing code whose output a page shows: run every block on the pages (both languages)
# and in the snippets docstrings, and rewrite its `#>` lines with what it printed.
outputs: setup
	$(BIN)/python -m pytest -p no:cacheprovider -n 0 -q --update-outputs docs snippets

# After changing docs/terms.yml: the jieba user dictionary from the terms, then jieba's
# dictionary cut to the site's words (both are read by the search plugin).
terms: setup
	$(BIN)/python -m sitekit.terms
	$(BIN)/python tools/jieba_dict.py

# Build time against a bare-Material floor, rebuild time, test phases, page weight in the
# browser; prints a table and writes bench-results.json (not committed). See tools/bench.py.
bench: setup
	$(BIN)/python tools/bench.py

# Re-pin after changing a range in pyproject.toml or package.json.
lock: setup
	( echo "# Exact versions for every Python package the project installs (used as pip constraints by the Makefile)."; \
	  echo "# Regenerate: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^cnn-study-questions' | sed -E 's/^(torch==[0-9.]+)\+cpu$$/\1/' ) > requirements.lock
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf site .pytest_cache
