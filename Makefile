# Konstruct: `make up` runs the whole stack, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
PY    := $(VENV)/bin/python
UV    := $(VENV)/bin/uv
SYNCED := $(VENV)/.synced-$(shell sha1sum requirements.lock | cut -c1-12)

export LITELLM_LOCAL_MODEL_COST_MAP := True
export PYTHONPATH := $(CURDIR)

.PHONY: help install services migrate up proxy bridge worker portal test test-python test-portal lint bench lock openapi certs

help:
	@echo "make up     install what is missing, migrate, run proxy + bridge + worker + portal"
	@echo "make test   install what is missing and run every test (Python and portal)"
	@echo "make lint | migrate | bench | proxy | bridge | worker | portal | lock | openapi | certs"

# A virtualenv synced exactly to requirements.lock (uv comes from the lock too).
$(SYNCED): requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check "$$(grep -E '^uv==' requirements.lock)"
	@$(PY) -c "import llama_cpp" 2>/dev/null || echo "installing: the first install compiles the local model server (llama-cpp-python), which takes several minutes; later installs reuse it"
	@$(UV) pip sync --quiet --python $(PY) requirements.lock
	@$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@rm -f $(VENV)/.synced-* && touch $@

install: $(SYNCED)

# Local defaults for every component (the portal's Auth.js secret included); edit freely.
.env:
	@cp .env.example .env && echo "created .env from .env.example (local defaults)"

lock:
	$(UV) pip compile --universal --no-header requirements.in -o requirements.lock

services: install
	@$(PY) -m scripts.check_services

migrate: services
	@$(PY) -m proxy.db.migrate

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test-python: services
	@$(PY) -m scripts.ensure_docker_compose
	$(PY) -m pytest -q -p no:cacheprovider

test-portal:
	@if [ -f portal/package.json ]; then $(PY) -m scripts.portal test; else echo "portal: not built yet, skipped"; fi

test: lint test-python test-portal

# Procfile's `ready` creates the first admin, then prints the URLs once everything answers.
up: .env migrate
	@$(VENV)/bin/honcho start -f Procfile

proxy: install
	$(PY) -m proxy.serve

bridge: install
	$(PY) -m bridge.web

worker: install
	$(PY) -m bridge.worker

portal:
	@$(MAKE) --no-print-directory -C portal serve

bench: migrate
	$(PY) -m bench.run

# A local CA and a server certificate for localhost/127.0.0.1 in .run/certs (TLS 1.3 settings).
certs: install
	@$(PY) -m scripts.certs

openapi: install
	$(PY) -m proxy.openapi > portal/openapi.json
