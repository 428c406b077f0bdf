# Two commands do all set-up on a fresh Debian 12 machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian's python: the pyenv one cannot load SQLite extensions (SpatiaLite).
SYSTEM_PYTHON := /usr/bin/python3

RUN_PACKAGES := python3-venv gettext gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data \
	libsqlite3-mod-spatialite
TEST_PACKAGES := $(RUN_PACKAGES) postgresql-15-postgis-3 postgresql-15-postgis-3-scripts \
	redis-server chromium docker-compose

PG_URL ?= postgis://postgres@127.0.0.1:5432/buurtkaart
# The streaming replica scripts/ensure-replica keeps on port 5433 (tests/test_replicas.py).
PG_REPLICA_URL ?= postgis://postgres@127.0.0.1:5433/buurtkaart
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
SPATIALITE_TEST_URL := spatialite:///$(CURDIR)/var/test.sqlite3

.PHONY: help run test test-fast lint format migrate messages makemessages services vendor-assets clean

help:
	@echo "make run    install what is missing, migrate, load demo data, serve on 127.0.0.1:$(PORT)"
	@echo "make test   install what is missing, start PostGIS (+ a streaming replica) + Redis, lint, run the suite twice"
	@echo "make test-fast   the suite on SpatiaLite only, without the browser, on every CPU"
	@echo "make lint   ruff check + format check, layer contract (import-linter), mypy (spatial, services, selectors)"

$(STAMP): pyproject.toml constraints.txt
	@scripts/ensure-debian-packages $(RUN_PACKAGES)
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

messages: $(STAMP)
	@DEBUG=1 $(PY) manage.py compilemessages --ignore='.venv/*' -v 0

makemessages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l nl -l fr -l en --ignore='.venv/*' --ignore='node_modules/*' \
		--ignore='static/vendor/*' --ignore='staticfiles/*'

run: $(STAMP) messages
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

services:
	@scripts/ensure-debian-packages $(TEST_PACKAGES)
	@scripts/ensure-services
	@scripts/ensure-replica

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	DEBUG=1 $(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: services $(STAMP) messages lint
	@echo "== pytest on PostGIS =="
	DEBUG=1 DATABASE_URL=$(PG_URL) DATABASE_REPLICA_URLS=$(PG_REPLICA_URL) \
		TEST_REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest
	@echo "== pytest on SpatiaLite =="
	DEBUG=1 DATABASE_URL=$(SPATIALITE_TEST_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest
	@echo "== docker-compose.yml =="
	@# docker-compose needs a .env with the required values: the test validates a copy in a tmp dir.
	DEBUG=1 $(VENV)/bin/pytest -q tests/test_compose.py

# Quick feedback while working; `make test` stays the gate. Each xdist worker has its own
# in-memory test database and its own redis-server (tests/conftest.py: redis_url).
test-fast: $(STAMP) messages
	@scripts/ensure-debian-packages $(RUN_PACKAGES) redis-server
	DEBUG=1 DATABASE_URL=$(SPATIALITE_TEST_URL) $(VENV)/bin/pytest -n auto --ignore=tests/e2e -q

# Refresh static/vendor/ from the npm packages pinned in package-lock.json.
vendor-assets:
	npm ci --no-audit --no-fund
	scripts/vendor-assets

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
