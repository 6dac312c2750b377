# EIG impact working paper — appendices, reproducibly.
# `make help` lists the targets. Parameters: make report DATA=data/raw OUT=outputs-real PROMOTIONS="1 2"

.DEFAULT_GOAL := report
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

# ---- parameters (make variables → papermill parameters) -------------------
# Declared once, in src/helpers/params.py (RunParams); params.mk is generated from it
# (`make sync-params`) and gives each variable its default. Checked before any work.
include params.mk
STRICT ?= 0

# ---- environment -----------------------------------------------------------
PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# ---- inputs and outputs ----------------------------------------------------
# Per-OUT bookkeeping lives outside OUT, so a refused data set writes nothing under OUT.
STATE := .make-state/$(shell printf '%s' '$(abspath $(OUT))' | sha1sum | cut -c1-12)
PARAMS := $(STATE)/params.txt
# Results one step computes and the others reuse (the indicator tables: helpers.cache).
export EIG_CACHE_DIR := $(abspath .make-state/cache)
CHECKED := $(STATE)/params-checked
VALIDATED := $(STATE)/validated
SRC := $(shell find src/helpers -name '*.py' -o -name '*.j2' -o -name '*.css' -o -name '*.json' | sort)
DATA_FILES := $(sort $(wildcard $(DATA)/*.csv $(DATA)/*.tsv $(DATA)/*.txt $(DATA)/*.xlsx $(DATA)/*.sav $(DATA)/*.yaml))
CODEBOOK := $(sort $(wildcard data/codebook/*))
REFERENCE := $(sort $(wildcard data/published/* data/programme/*))
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
NAMES := $(notdir $(basename $(NOTEBOOKS)))
EXECUTED := $(NAMES:%=$(OUT)/notebooks/%.ipynb)
PAGES := $(NAMES:%=$(OUT)/report/%.html)
CODE_PAGES := $(NAMES:%=$(OUT)/report/code/%.html)
TABLES := $(OUT)/tables/indicators.csv $(OUT)/tables/claims.csv $(OUT)/tables/granularity.csv
PDF := $(OUT)/report/appendices.pdf
INDEX := $(OUT)/report/index.html

.PHONY: help report test test-fast test-fuzz validate check-params sync-params claims lab sample-data bench bench-pipeline verify lock clean distclean env

help: ## list the targets and the parameters
	@grep -E '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/' | expand -t 18
	@echo; echo "parameters (make report VARIABLE=value):"; sed -n 's/^## /  /p' params.mk

report: $(PDF) $(INDEX) $(TABLES) ## (default) validate DATA, execute every notebook, render HTML, PDF and index into OUT

env: $(ENV_STAMP) ## create .venv and install the locked dependencies

# uv (pinned in the lock, installed by pip into the venv) syncs the locked environment an order
# of magnitude faster than pip; if it cannot (no uv wheel, registry refused), pip does it.
UV_PIN := $(shell grep -i -m1 '^uv==' requirements.lock)
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
$(ENV_STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	if $(PIP) $(UV_PIN) && $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock; \
	then echo "environment synced with $(UV_PIN)"; \
	else echo "uv unavailable: installing with pip"; $(PIP) -r requirements.lock; fi
	$(PIP) --no-deps --no-build-isolation -e .
	$(PY) -m helpers execute --install-kernel
	touch $@

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# The parameters file (one VARIABLE=value per line) is rewritten (at parse time) only when
# a parameter changes, so notebooks depend on it and a second `make report` has nothing to do.
define newline


endef
PARAMS_TEXT := $(foreach v,$(PARAMETER_VARIABLES),$(newline)$(v)=$(strip $($(v))))
ifneq ($(file < $(PARAMS)),$(PARAMS_TEXT))
$(shell mkdir -p $(STATE))
$(file > $(PARAMS),$(PARAMS_TEXT))
endif

# Every parameter checked (one line each if refused) before the data is validated or OUT written.
$(CHECKED): $(PARAMS) src/helpers/params.py data/programme/programme.csv | $(ENV_STAMP)
	$(PY) -m helpers params check $(PARAMS)
	@touch $@

check-params: $(ENV_STAMP) ## check the run parameters (one line per refused parameter)
	$(PY) -m helpers params check $(PARAMS)

sync-params: $(ENV_STAMP) ## rewrite params.mk and the notebooks' parameters cells from src/helpers/params.py
	$(PY) -m helpers params sync

$(VALIDATED): $(DATA_FILES) $(CODEBOOK) $(SRC) | $(ENV_STAMP) $(CHECKED)
	@mkdir -p $(STATE)
	$(PY) -m helpers validate $(DATA)
	@touch $@

validate: $(ENV_STAMP) $(CHECKED) ## check DATA against the codebook (one line per problem)
	$(PY) -m helpers validate $(DATA)

$(OUT)/notebooks/%.ipynb: notebooks/%.ipynb $(SRC) $(DATA_FILES) $(CODEBOOK) $(REFERENCE) $(CHECKED) $(VALIDATED)
	$(PY) -m helpers execute $< $@ --params $(PARAMS)

# The pages print the git commit (and whether the tree is modified): re-render when it changes.
GIT_STATE := $(STATE)/git-state.txt
GIT_TEXT := $(shell git describe --always --dirty --abbrev=40 2>/dev/null || echo none)
ifneq ($(file < $(GIT_STATE)),$(GIT_TEXT))
$(shell mkdir -p $(STATE))
$(file > $(GIT_STATE),$(GIT_TEXT))
endif

# Both HTML views; also the notebook's chapter laid out as its own PDF (OUT/.chapters/<name>.pdf
# and its outline <name>.json), in parallel and only for the notebooks that changed. A side
# output: the PDF step lays a chapter out itself if it is missing or older than its notebook.
$(OUT)/report/%.html $(OUT)/report/code/%.html: $(OUT)/notebooks/%.ipynb $(GIT_STATE)
	$(PY) -m helpers render render-notebook $< --out-dir $(OUT)/report --chapter-dir $(OUT)/.chapters --data $(DATA)

# Appendix F cites the paper's charts with the number the other appendices give them
# (helpers.numbering reads the executed notebooks beside it): rendered once they have all run.
CLAIMS_NAMES := $(filter %_verification_affirmations,$(NAMES))
$(CLAIMS_NAMES:%=$(OUT)/report/%.html) $(CLAIMS_NAMES:%=$(OUT)/report/code/%.html): $(filter-out $(CLAIMS_NAMES:%=$(OUT)/notebooks/%.ipynb),$(EXECUTED))

$(OUT)/tables/indicators.csv: $(SRC) $(DATA_FILES) $(CODEBOOK) $(REFERENCE) $(CHECKED) $(VALIDATED)
	$(PY) -m helpers tables --params $(PARAMS)
	$(PY) -m helpers audit --tables $(OUT)/tables --min-cell $(MIN_CELL)

$(OUT)/tables/claims.csv: $(SRC) $(DATA_FILES) $(CODEBOOK) $(REFERENCE) $(CHECKED) $(VALIDATED)
	$(PY) -m helpers claims --params $(PARAMS) --csv $@ --quiet

# Needs no data (published numbers only), but waits for validation: a refused data set writes nothing.
$(OUT)/tables/granularity.csv: $(SRC) $(REFERENCE) $(VALIDATED)
	$(PY) -m helpers granularity --csv $@

# The book: title page, contents, provenance and folios laid out, the chapters merged (helpers.book).
$(PDF): $(EXECUTED) $(PAGES) $(GIT_STATE)
	$(PY) -m helpers render pdf $(EXECUTED) --chapter-dir $(OUT)/.chapters --out $@ --data $(DATA)

# The index links to the PDF and to every table the data package describes (it reads the package).
$(INDEX): $(PAGES) $(CODE_PAGES)
	$(PY) -m helpers render index $(EXECUTED) --out $@ --data $(DATA) --package $(DATAPACKAGE)

# Every published table described (Frictionless Data Package), validated before it is written.
DATAPACKAGE := $(OUT)/datapackage.json
report: $(DATAPACKAGE)
$(INDEX): $(DATAPACKAGE)
$(DATAPACKAGE): $(TABLES) $(SRC) $(CODEBOOK) $(REFERENCE) $(DATA_FILES) $(PARAMS) $(GIT_STATE)
	$(PY) -m helpers datapackage --out $(OUT) --data $(DATA) --confidence $(CONFIDENCE) --min-cell $(MIN_CELL) --promotions "$(PROMOTIONS)"

claims: $(ENV_STAMP) $(CHECKED) ## print the claims check summary and mismatches (STRICT=1 fails on a mismatch)
	$(PY) -m helpers claims --params $(PARAMS) $(if $(filter 1,$(STRICT)),--strict,)

# Tests in parallel (pytest-xdist), one test file per worker at a time so that a file's own builds
# (module fixtures) are made once. The whole reports (the sample's, the contrasting data set's) are
# built once per run and shared by the workers behind file locks (tests/conftest.py, SharedBuild).
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadfile

test: $(ENV_STAMP) $(NODE_STAMP) ## run the whole test suite (TEST_WORKERS=2 processes)
	$(PY) -m pytest $(XDIST)

test-fast: $(ENV_STAMP) ## the quick loop: no notebook run, browser or property-based fuzzing (all in `make test`)
	$(PY) -m pytest $(XDIST) -m "not slow and not browser and not fuzz"

test-fuzz: $(ENV_STAMP) ## the property-based tests with many more examples (Hypothesis profile "fuzz")
	$(PY) -m pytest tests/test_fuzz_*.py tests/test_params.py --hypothesis-profile=fuzz -m "not browser"

# LAB_ARGS go to `jupyter lab` last (so they win): LAB_ARGS="--port=8890 --no-browser --ServerApp.ip=0.0.0.0";
# LAB_DIR is the folder it serves. As root (a container), --allow-root is added, or JupyterLab exits at once.
LAB_ARGS ?=
LAB_DIR ?= $(CURDIR)
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(ENV_STAMP) ## open JupyterLab on the project's kernel (LAB_ARGS: port, --no-browser, … passed on)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(LAB_DIR) --LabApp.default_url=/lab/tree/notebooks $(LAB_ROOT) $(LAB_ARGS)

sample-data: $(ENV_STAMP) ## regenerate the synthetic sample (byte for byte)
	$(PY) -m helpers sample-data

bench: $(ENV_STAMP) ## benchmark the indicator table on 100,000 synthetic respondents
	$(PY) benchmarks/bench_indicators.py

bench-pipeline: $(ENV_STAMP) ## benchmark the whole pipeline (full, -j2, no-op, one notebook, bare nbconvert)
	$(PY) benchmarks/bench_pipeline.py

verify: $(ENV_STAMP) ## rebuild OUT twice from scratch and compare against OUT/MANIFEST.sha256
	$(PY) tools/verify.py --out $(OUT) --data $(DATA)

lock: ## refresh requirements.lock and environment.yml from pyproject.toml (needs the registry)
	rm -rf .lock-venv && $(PYTHON_BOOT) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	.lock-venv/bin/pip freeze --all --exclude-editable | grep -v -E '^(pip|helpers)==' | sort -f > requirements.lock
	.lock-venv/bin/python tools/sync_environment.py
	rm -rf .lock-venv

clean: ## remove generated outputs (OUT and the make state)
	rm -rf $(OUT) .make-state
	mkdir -p outputs && touch outputs/.gitkeep

distclean: clean ## also remove .venv and node_modules
	rm -rf $(VENV) node_modules

