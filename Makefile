# Wellspring: `make run` sets up and serves the sample community; `make test` runs every check.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SUM := $(shell cat pyproject.toml scripts/setup.sh tests/oidc/package-lock.json | cksum | cut -d' ' -f1)
STAMP := $(VENV)/.installed-$(SUM)
# what `make run` needs only: no dev or ray extras, no Debian packages for the tests (issue #32)
RUN_STAMP := $(VENV)/.installed-run-$(SUM)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# the sample community's charter and taxonomy, for the knowledge map (`make run`, `make demo`)
SAMPLE_MAP := WELLSPRING_MAP_CHARTER=data/charter.json WELLSPRING_MAP_TAXONOMY=data/taxonomy.json

.PHONY: setup run demo test lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh tests/oidc/package-lock.json
	bash scripts/setup.sh $(PY) $(VENV) test
	touch $@ $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh $(PY) $(VENV) run
	touch $@

# Set up, load data/ into the store, index it, and serve the API and page on :8000.
run: $(RUN_STAMP)
	$(BIN)/wellspring ingest data/
	$(BIN)/wellspring index
	$(BIN)/wellspring keys ensure-admin
	$(SAMPLE_MAP) $(BIN)/wellspring serve --host 127.0.0.1 --port 8000

# Same as run but answers one query instead of serving.
demo: $(RUN_STAMP)
	$(BIN)/wellspring ingest data/
	$(BIN)/wellspring index
	$(BIN)/wellspring search "reducing non-revenue water in intermittent supply systems"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff check --select SLF001 api matcher
	$(BIN)/mypy

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff check --select SLF001 api matcher
	$(BIN)/mypy
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var test-artifacts
