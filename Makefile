# Konstruct: `make up` runs the whole stack, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
PY    := $(VENV)/bin/python
UV    := $(VENV)/bin/uv
SYNCED := $(VENV)/.synced-$(shell sha1sum requirements.lock | cut -c1-12)

# llama.cpp (inside llama-cpp-python) is compiled on install, for a portable x86-64 baseline
# (AVX2, FMA, F16C) rather than -march=native: on Xeons with AMX, GCC 12 (Debian 12) drops
# the tile configuration of llama.cpp's AMX kernels (its _tile_loadconfig claims to read 8
# bytes) and every answer segfaults; a native build also only suits the CPU that built it.
# The multimodal library (mtmd) is unused and not built.
LOCAL_MODEL_CMAKE := GGML_NATIVE=OFF LLAVA_BUILD=OFF
LOCAL_MODEL_BUILD := $(VENV)/.llama-cpp-$(shell echo '$(LOCAL_MODEL_CMAKE)' | sha1sum | cut -c1-12)
# uv keys its cache of built wheels on these settings: it never hands back another build.
LOCAL_MODEL_SETTINGS := $(foreach d,$(LOCAL_MODEL_CMAKE),--config-settings-package llama-cpp-python:cmake.define.$(d))

export LITELLM_LOCAL_MODEL_COST_MAP := True
export PYTHONPATH := $(CURDIR)

.PHONY: help install services migrate up proxy bridge worker portal test test-python test-portal lint bench lock openapi certs

help:
	@echo "make up     install what is missing, migrate, run proxy + bridge + worker + portal"
	@echo "make test   install what is missing and run every test (Python and portal)"
	@echo "make lint | migrate | bench | proxy | bridge | worker | portal | lock | openapi | certs"

# The build settings changed: `uv pip sync` keeps an installed package as it is, so the old
# build goes and the sync compiles it again (or takes uv's cached build with these settings).
$(LOCAL_MODEL_BUILD):
	@if [ -x $(UV) ]; then $(UV) pip uninstall --quiet --python $(PY) llama-cpp-python; fi
	@mkdir -p $(VENV) && rm -f $(VENV)/.llama-cpp-* && touch $@

# A virtualenv synced exactly to requirements.lock (uv comes from the lock too).
$(SYNCED): requirements.lock $(LOCAL_MODEL_BUILD)
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check "$$(grep -E '^uv==' requirements.lock)"
	@$(PY) -c "import llama_cpp" 2>/dev/null || echo "installing: compiling the local model server (llama-cpp-python) takes several minutes; later installs reuse the build"
	@$(UV) pip sync --quiet --python $(PY) $(LOCAL_MODEL_SETTINGS) requirements.lock
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
	@$(PY) -m proxy.migrate

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Parallel workers, each with its own databases, Redis databases and ports (tests/workers.py);
# a test file stays on one worker. The fault suite (servers crashed and restarted, deadlines
# measured) runs afterwards on its own, so the others' load does not move its timings.
# TEST_WORKERS=0 runs everything in this process, one test at a time.
TEST_WORKERS ?= 3
test-python: services
	@$(PY) -m scripts.ensure_docker_compose
ifeq ($(TEST_WORKERS),0)
	$(PY) -m pytest -q -p no:cacheprovider
else
	$(PY) -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile -m "not faults"
	$(PY) -m pytest -q -p no:cacheprovider -m faults
endif

test-portal:
	@if [ -f portal/package.json ]; then $(PY) -m scripts.portal test; else echo "portal: not built yet, skipped"; fi

test: lint test-python test-portal

# Procfile's `ready` creates the first admin, then prints the URLs once everything answers.
# The portal's npm install and build need only Node, so they run beside the Python install
# (which spends minutes compiling the local model server) instead of after it.
up: .env
	@mkdir -p .run
	@python3 -m scripts.portal prepare > .run/portal-prepare.log 2>&1 & portal=$$!; \
	  $(MAKE) --no-print-directory migrate || { kill $$portal 2>/dev/null; exit 1; }; \
	  wait $$portal || { echo "portal: install or build failed:"; tail -40 .run/portal-prepare.log; exit 1; }
	@$(VENV)/bin/honcho start -f Procfile

proxy: install
	$(PY) -m proxy.serve

bridge: install
	$(PY) -m bridge.web

worker: install
	$(PY) -m bridge.worker

portal: install
	$(PY) -m scripts.portal serve

bench: migrate
	$(PY) -m bench.run

# A local CA and server certificates in .run/certs: localhost/127.0.0.1, and one per compose
# service in .run/certs/compose (TLS 1.3 between every service of deploy/docker-compose.yml).
certs: install
	@$(PY) -m scripts.certs

openapi: install
	$(PY) -m proxy.openapi > portal/openapi.json
