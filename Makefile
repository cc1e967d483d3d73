# Tutti — the two commands that matter are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
export TUTTI_ENV ?= demo

.PHONY: run test lint bench install migrate demo worker serve clean

# Stamp files make a second `make run` quick: nothing is reinstalled unless its inputs changed.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py import_geography tutti/geography/data/sample --if-empty --no-progress --verbosity 0
	$(PY) manage.py import_boundaries tutti/geography/data/sample/lsoa21_boundaries_ew_simplified.geojson.gz --if-empty --no-progress --verbosity 0
	$(PY) manage.py seed_demo --if-empty

worker: install
	$(PY) manage.py db_worker

# Serve the demo with a background worker beside it; Ctrl-C stops both.
run: demo
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)
	@echo "The background worker's output (including the demo's emails) goes to var/worker.log"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py db_worker > var/worker.log 2>&1 & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	TUTTI_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	mkdir -p bench/results
	TUTTI_ENV=test $(PY) -m bench

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* staticfiles
