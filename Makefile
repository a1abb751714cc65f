# The two commands: `make demo` and `make test`. Both set themselves up from this repository's
# own files: a Python 3.11 virtualenv in .venv, the pinned dependencies, and the two s3a jars.
SHELL := /bin/bash
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JARS   := .cache/jars/.complete
# The notebook tier runs with the wall clock moved to this instant (it crosses midnight and the
# year during the run): the committed outputs must not depend on the date (notebooks/README.md).
# `make notebooks NOTEBOOK_CLOCK=` runs it on the real clock.
NOTEBOOK_CLOCK ?= 2027-12-31T23:58:30Z

.PHONY: demo test setup lint unit integration notebooks reliability audit bench synth clean

setup: $(STAMP) $(JARS)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	@bash scripts/bootstrap.sh $(VENV)
	@touch $(STAMP)

$(JARS): scripts/fetch_spark_jars.sh
	@bash scripts/fetch_spark_jars.sh .cache/jars

demo: setup
	@$(VENV)/bin/datalake demo

test: setup lint unit integration notebooks reliability

lint: $(STAMP)
	@$(VENV)/bin/ruff check src infra_gen lambdas glue_jobs tests bench
	@$(VENV)/bin/datalake synth --out build/template.json >/dev/null
	@$(VENV)/bin/cfn-lint build/template.json && echo "cfn-lint: no errors, no warnings"
	@$(VENV)/bin/datalake lint-iam build/template.json
	@$(VENV)/bin/datalake lint-checkov build/template.json

unit: $(STAMP)
	@bash scripts/pytest_tier.sh unit

integration: setup
	@bash scripts/pytest_tier.sh integration

notebooks: setup
	@# package first, on the real clock: it downloads the Lambda and Glue dependency wheels over
	@# TLS, whose certificates are checked against the clock the tier then moves (then cached)
	@$(PY) -c "from datalake.deploy import package_all; package_all()" >/dev/null
ifeq ($(strip $(NOTEBOOK_CLOCK)),)
	@bash scripts/pytest_tier.sh notebooks
else
	@$(PY) scripts/shifted_clock.py $(NOTEBOOK_CLOCK) -- bash scripts/pytest_tier.sh notebooks
endif

reliability: setup
	@bash scripts/pytest_tier.sh reliability

bench: setup
	@$(PY) -m bench

synth: $(STAMP)
	@$(VENV)/bin/datalake synth --out build/template.json

clean:
	rm -rf build .datalake .pytest_cache
