# OIC training compliance: `make run` serves the service, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
ASSETS := static/govuk/.copied
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test install assets lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json
	rm -rf static/govuk static/vendor static/moj static/autocomplete
	mkdir -p static/govuk static/vendor
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets static/govuk/assets
	cp node_modules/axe-core/axe.min.js static/vendor/
	mkdir -p static/moj static/autocomplete
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css node_modules/@ministryofjustice/frontend/moj/all.bundle.mjs static/moj/
	cp -r node_modules/@ministryofjustice/frontend/moj/assets static/moj/assets
	cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js static/autocomplete/
	touch $@

install: $(STAMP)

assets: $(ASSETS)

## Create the database, load demo data when it is empty, and serve with the scheduler beside the web server.
run: $(STAMP) $(ASSETS)
	$(BIN)/lms init-db
	$(BIN)/lms demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT) (scheduler running beside it; Ctrl-C stops both)"
	@$(BIN)/lms run-scheduler & sched=$$!; \
	  trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

## The whole suite (set LMS_TEST_DATABASE_URL to run it against PostgreSQL).
test: $(STAMP) $(ASSETS)
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check lms importers tests bench

bench: $(STAMP)
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/league_bench.py

clean:
	rm -rf $(VENV) node_modules static/govuk static/vendor
