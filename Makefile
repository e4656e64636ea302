# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint readme bench bench-quick clean lock

# Installs the versions pinned in the lock files (what CI tested), then the project itself.
# uv installs them (seconds on a fresh machine, where pip took minutes). The venv gets no
# pip of its own (ensurepip alone took 11 s): the system's pip puts uv in it, or, where that
# pip is older than 22.3, the venv's own pip does.
UV := $(PY) -m uv pip install --quiet --python $(PY)
$(VENV)/.run-deps: pyproject.toml requirements.lock
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(PY) install --quiet "uv>=0.13,<1" 2>/dev/null || \
	  { $(PY) -m ensurepip --default-pip >/dev/null && $(PY) -m pip install --quiet "uv>=0.13,<1"; }
	$(UV) -r requirements.lock
	$(UV) --no-deps -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml requirements-test.lock $(VENV)/.run-deps
	$(UV) -r requirements-test.lock
	$(UV) --no-deps -e .
	touch $@

## Install (first time only) and run the bot: long polling, SQLite in ./data unless .env says otherwise.
run: $(VENV)/.run-deps
	$(PY) -m bot

## Install what the tests need and run them (PostgreSQL too when TEST_DATABASE_URL is set).
test: $(VENV)/.test-deps
	$(PY) -m pytest

## Try it without Telegram: the real bot on a local Bot API, and a chat with it in the browser
## at http://127.0.0.1:8088 (DEMO_PORT). No token, no network; data in data/demo.sqlite3.
.PHONY: demo
demo: $(VENV)/.run-deps
	$(PY) -m bot demo

## Lint and type-check.
lint: $(VENV)/.test-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## Rewrite the README's tables that are made from the code (the red-flag rules).
readme: $(VENV)/.run-deps
	$(PY) -m bot.readme

## Benchmarks (figures, not tests): full sizes, median of 3 runs; JSON in bench/results/.
bench: $(VENV)/.test-deps
	$(PY) -m bench

## The same at small sizes, one run: proves the benchmarks still start.
bench-quick: $(VENV)/.test-deps
	$(PY) -m bench --quick

## Rewrite requirements.lock and requirements-test.lock from pyproject.toml after changing its
## dependencies; pins already there are kept. `make lock UPGRADE=1` takes the newest allowed.
LOCK := $(PY) -m uv pip compile pyproject.toml --universal --python-version 3.11 \
	--custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)
lock: $(VENV)/.run-deps
	$(LOCK) -o requirements.lock
	$(LOCK) --extra test -c requirements.lock -o requirements-test.lock

## Languages (bot/locales/, README "Languages"): extract every marked text into the template
## messages.pot, then bring each language's messages.po up to date with it (new texts empty,
## changed ones fuzzy: both show in English until translated, and a test lists them).
PYBABEL := $(VENV)/bin/pybabel
LOCALES := bot/locales
.PHONY: messages compile
messages: $(VENV)/.test-deps
	$(PYBABEL) -q extract -F babel.cfg -k N_ -k NP_:1,2 -c TRANSLATORS: -c 000 -c 003 \
		--sort-by-file -o $(LOCALES)/messages.pot .
	$(PYBABEL) -q update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --ignore-obsolete

## The bot reads the .po files themselves at start-up (bot/i18n.py says why): this only
## checks that each one reads, and prints how much of it is translated.
compile: $(VENV)/.run-deps
	$(PY) -m bot.i18n

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
