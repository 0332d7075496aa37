# Rapport — the two commands: `make up` runs everything, `make test` passes the tests.
# Both start from a fresh clone: they create .venv, install, and fetch Kafka with Maven (cached).

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)

.PHONY: help up down status test lint bench venv kafka-fetch postgres schemas clean

help:
	@echo "make up       set up and run the whole system with sample traffic (logs in .run/)"
	@echo "make down     stop everything make up started"
	@echo "make test     set up and run the whole test suite against a real Kafka broker"
	@echo "make lint     ruff and mypy"
	@echo "make bench    run the benchmarks in bench/ and print their figures"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required; set PYTHON=...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "==> installing Rapport and its dependencies into $(VENV) (torch is large; cached after the first time)"
	@$(PY) -m pip install -q --upgrade pip uv
	@$(VENV)/bin/uv pip install --python $(PY) -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

kafka-fetch: venv
	@if [ -z "$$KAFKA_BOOTSTRAP_SERVERS" ]; then $(PY) -m deploy.kafka.launcher fetch >/dev/null; fi

up: venv kafka-fetch
	@$(PY) -m deploy.local.stack up

down:
	@if [ -x $(PY) ]; then $(PY) -m deploy.local.stack down; fi

status: venv
	@$(PY) -m deploy.local.stack status

# PostgreSQL for the database tests: started from the machine's packages when none is configured.
test: venv kafka-fetch
	@if [ -z "$$RAPPORT_TEST_POSTGRES_URL" ]; then \
	  url=$$(bash deploy/postgres/start-local.sh) && export RAPPORT_TEST_POSTGRES_URL=$$url; \
	fi; \
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy shared services deploy bench lab

bench: venv kafka-fetch
	$(PY) -m bench.ingest
	$(PY) -m bench.scorer
	$(PY) -m bench.coach

schemas: venv
	$(PY) -m shared.events.schemas

clean: down
	rm -rf .run .data
