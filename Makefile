# Two commands for a new user (see README): `make run` and `make test`; `make lint` checks the code.
# Everything the app needs is installed from here: Python packages into .venv,
# front-end packages into node_modules, and the few system packages
# (WeasyPrint's Pango, fonts, Chromium for browser tests) through apt-get.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation
TEST_SYSTEM_PACKAGES := chromium poppler-utils

.PHONY: run test lint install install-dev system-deps test-system-deps migrate load demo serve clean

run: install system-deps migrate load demo serve

# One pytest-xdist worker per core; worksteal hands queued tests to a worker that runs out, so the
# long browser and server tests do not leave a core idle at the end (README "Tests").
test: install-dev system-deps test-system-deps
	DEBUG=0 $(BIN)/pytest -n auto --dist worksteal

# ruff (lint, then the formatting check) and mypy with django-stubs; settings in pyproject.toml.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(VENV)/.installed node_modules/.installed

install-dev: $(VENV)/.installed-dev node_modules/.installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Installs only what is missing; needs root (or sudo) the first time.
system-deps:
	@./scripts/apt-ensure $(SYSTEM_PACKAGES)

test-system-deps:
	@./scripts/apt-ensure $(TEST_SYSTEM_PACKAGES)

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input

load: install
	$(BIN)/python manage.py load_questionnaire questionnaires/*.yaml

demo: install
	$(BIN)/python manage.py seed_demo

# One report worker (PDFs, see docs/pdf-reports.md) runs beside the web server
# and is stopped with it.
serve: install
	@echo "Log in at http://$(HOST):$(PORT)/login/"
	@$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
