# Two commands for a newcomer: `make run` and `make test`. Both are idempotent: the environment is only
# (re)installed when pyproject.toml or package-lock.json change.
PYTHON ?= python3
VENV := .venv
# The independent OGC API conformance suite pins its own httpx/pytest/pyarrow: it gets an environment of its own.
OGC_VENV := .venv-ogctests
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test lint build validate derive install chromium nginx bench mutation clean

run: build
	$(PY) -m web serve --host $(HOST) --port $(PORT)

build: install
	$(PY) -m geo build --out build

validate: install
	$(PY) -m geo validate

# Re-derive traced geometry from layers/derivation/ and the reference datasets.
derive: install $(VENV)/.test-installed
	$(PY) -m geo derive

# Three processes on two cores: part of the suite waits (on browsers, servers, builds in subprocesses), so one more
# keeps the cores busy; measured on this 2-core machine, `make test` took 395 s of tests with 3, 402 s with 2 and
# 404 s with 4. Each test file stays on one process, so the fixtures a file shares (the reference datasets, a module's
# server) are made once; each process has its own session app and Chromium; the built site, the release folder and
# the served app process are made once per run (tests/conftest.py). TEST_WORKERS=2 on a machine short of memory.
TEST_WORKERS ?= 3
test: install $(VENV)/.test-installed $(OGC_VENV)/.installed chromium nginx
	$(VENV)/bin/lint-imports
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The map page's scripts (ES modules), checked by ESLint (pinned in package.json, settings in eslint.config.js).
lint: node_modules/.installed
	node_modules/.bin/eslint geo/map/static

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

# Tests also need the reference datasets the geometry is derived from (large; `make run` does without them).
$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,reference]'
	touch $@

$(OGC_VENV)/.installed: Makefile
	test -x $(OGC_VENV)/bin/python || $(PYTHON) -m venv $(OGC_VENV)
	$(OGC_VENV)/bin/python -m pip install --quiet ogctests==0.1.15
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

# The release folder is tested as a static host serves it: Debian's nginx (run unprivileged by the tests).
nginx:
	@test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends nginx; }

# The load generator (wrk) and the machine's limit the downloads are measured against (nginx) come from Debian.
bench: install $(VENV)/.test-installed $(VENV)/.bench-installed chromium
	@command -v wrk >/dev/null && test -x /usr/sbin/nginx || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends wrk nginx; }
	$(PY) bench/run.py $(BENCH_ARGS)

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

# Mutation testing of the core modules with mutmut (slow: not part of `make test`); settings in pyproject.toml
# [tool.mutmut], results in mutants/, scores per area printed at the end (see MUTATION.md).
mutation: install $(VENV)/.test-installed $(VENV)/.mutation-installed
	CQATLAS_NODE_MODULES=$(CURDIR)/node_modules $(PY) -m mutmut run --max-children 2
	$(PY) bench/mutation_scores.py

$(VENV)/.mutation-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[mutation]'
	touch $@

clean:
	rm -rf build .pytest_cache tests/artifacts mutants node_modules/.cache/cqatlas
