# The two commands a new user runs: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 0.05
SEED ?= 42
STAMP := $(VENV)/.installed
DASHBOARD_PORT ?= 8501
DAGSTER_PORT ?= 3000
TEST_WORKERS ?= 2

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export PYTHONUNBUFFERED := 1

.PHONY: help venv run data land onboard set-aside report-kpi build validate publish report dev dashboard test lint evaluate bench spark-check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	@echo "==> creating $(VENV) and installing pinned dependencies (about a minute the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]' || { echo "error: dependency install failed (step: venv)"; exit 1; }
	@touch $(STAMP)

venv: $(STAMP) ## create .venv with the pinned dependencies

run: $(STAMP) ## generate data (once), land it, dbt build, validate, publish, print the summary (HISTORICAL=1: an old export)
	@$(BIN)/python -m orchestration.pipeline --scale $(SCALE) --seed $(SEED) $(if $(HISTORICAL),--historical)

data: $(STAMP) ## generate a fresh default dataset (SCALE=, SEED=)
	@$(BIN)/python -m orchestration.pipeline --steps generate --regenerate --scale $(SCALE) --seed $(SEED)

land: $(STAMP) ## land new landing files into raw
	@$(BIN)/python -m orchestration.pipeline --steps land

onboard: $(STAMP) ## propose source mappings for an export: DIR=<folder of CSV files> (OUT=mappings-proposed, FORCE=1 overwrites)
	@test -n "$(DIR)" || { echo "error: set DIR=<folder of CSV files> (step: onboard)"; exit 1; }
	@$(BIN)/python -m orchestration.onboard profile "$(DIR)" --out "$(or $(OUT),mappings-proposed)" $(if $(FORCE),--force)
	@echo "==> after the review: $(BIN)/python -m orchestration.onboard check \"$(DIR)\" --mappings $(or $(OUT),mappings-proposed)"

set-aside: $(STAMP) ## accept that a refused landing file stays out: FILE=<path in the landing dir> REASON="why" (BY= defaults to you)
	@$(BIN)/python -m orchestration.landing.set_aside "$(FILE)" --reason "$(REASON)" $(if $(BY),--by "$(BY)")

report-kpi: $(STAMP) ## report a manual KPI value: KPI= PERIOD= VALUE= BY= SOURCE= VERIFIED_BY= (alone: lists the manual KPIs)
	@if [ -z "$(KPI)" ]; then $(BIN)/python -m orchestration.manual_kpis list; else \
	$(BIN)/python -m orchestration.manual_kpis add --kpi "$(KPI)" --period "$(PERIOD)" --value "$(VALUE)" \
		--reported-by "$(BY)" --source "$(SOURCE)" --verified-by "$(VERIFIED_BY)" $(if $(NOTE),--note "$(NOTE)"); fi

build: $(STAMP) ## dbt build (the scorecard after the rest) and the summary
	@$(BIN)/python -m orchestration.pipeline --steps build,score,summary --force-build

validate: $(STAMP) ## Great Expectations: validate the warehouse, record audit.dq_results, build Data Docs
	@$(BIN)/python -m orchestration.quality validate

publish: $(STAMP) ## publish the validated marts to the serving file (SERVING_PATH) and Parquet (EXPORT_DIR)
	@$(BIN)/python -m orchestration.serving publish

report: $(STAMP) ## executive KPI report: FREQUENCY=day|week|month|quarter (month), PERIOD= (latest complete), ALL=1 backfills
	@$(BIN)/python -m orchestration.reports --frequency $(or $(FREQUENCY),month) $(if $(PERIOD),--period $(PERIOD)) $(if $(ALL),--all)

dev: $(STAMP) ## the Dagster UI on http://127.0.0.1:$(DAGSTER_PORT) with everything loaded (DAGSTER_PORT=)
	@$(BIN)/python -m orchestration.pipeline --steps generate --scale $(SCALE) --seed $(SEED)
	@mkdir -p $(DAGSTER_HOME)
	@# one run at a time: the schedules, the sensor and a click all write the one DuckDB warehouse
	@test -f $(DAGSTER_HOME)/dagster.yaml || printf 'telemetry:\n  enabled: false\nrun_queue:\n  max_concurrent_runs: 1\n' > $(DAGSTER_HOME)/dagster.yaml
	@echo "==> Dagster UI on http://127.0.0.1:$(DAGSTER_PORT) (Ctrl-C stops it)"
	@# the venv's bin on PATH: dagster-dbt's prepare_if_dev runs `dbt parse` with the dbt it finds there
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dg dev --host 127.0.0.1 --port $(DAGSTER_PORT)

dashboard: $(STAMP) ## the KPI dashboards on http://127.0.0.1:$(DASHBOARD_PORT) (reads SERVING_PATH, read-only)
	@test -f "$${SERVING_PATH:-data/serving.duckdb}" || { echo "error: no serving file at $${SERVING_PATH:-data/serving.duckdb}: run make run first (step: dashboard)"; exit 1; }
	@$(BIN)/streamlit run dashboards/app.py --server.address 127.0.0.1 --server.port $(DASHBOARD_PORT) --server.headless true --browser.gatherUsageStats false

test: $(STAMP) ## the whole test suite (pytest in TEST_WORKERS=2 processes, incl. dbt, sqlfluff, Dagster, browser tests)
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: $(STAMP) ## ruff on the Python, sqlfluff on models, snapshots, dbt tests and the SQL inside the macros
	@$(BIN)/ruff check orchestration dashboards tests
	@WAREHOUSE_PATH=$${WAREHOUSE_PATH:-/tmp/sqlfluff-lint.duckdb} $(BIN)/sqlfluff lint models snapshots tests/dbt
	@# sqlfluff skips macro files: lint_macros lints each macro's body (macros/.sqlfluff says how)
	@$(BIN)/python -m orchestration.lint_macros macros

evaluate: $(STAMP) ## dbt-project-evaluator's rules on the project (offline: EVALUATOR_DIR= and DBT_UTILS_DIR= checkouts)
	@$(BIN)/python -m orchestration.evaluate $(if $(EVALUATOR_DIR),--evaluator-dir "$(EVALUATOR_DIR)") $(if $(DBT_UTILS_DIR),--dbt-utils-dir "$(DBT_UTILS_DIR)")

bench: $(STAMP) ## time and memory of every step and the side-by-side ratios: SCALES=0.05,0.25 (SKIP=dbt_run,direct_sql; data/bench/results.json)
	@$(BIN)/python -m orchestration.bench --scales $(or $(SCALES),$(SCALE)) $(if $(SKIP),--skip $(SKIP))

SPARK_STAMP := $(VENV)/.spark-installed
comma := ,

$(SPARK_STAMP): $(STAMP)
	@echo "==> installing pyspark and dbt-spark into $(VENV) (about 450 MB the first time)"
	@$(BIN)/python -m pip install --quiet -e '.[spark]' || { echo "error: pyspark/dbt-spark install failed (step: spark-check)"; exit 1; }
	@touch $(SPARK_STAMP)

spark-check: $(SPARK_STAMP) ## the project built on DuckDB and on Spark, every mart compared (slow; DATASETS=golden,small; a JRE via apt when missing)
	@command -v java >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "==> installing a Java runtime for Spark (apt: default-jre-headless)"; \
			apt-get update -qq >/dev/null && apt-get install -y -qq default-jre-headless >/dev/null; \
		fi; }
	@# the pytest behind it (tests/test_spark_check.py); `python -m orchestration.spark.check` prints the same report
	@$(BIN)/python -m pytest -m spark -s tests/test_spark_check.py $(if $(DATASETS),-k "$(subst $(comma), or ,$(DATASETS))")

clean: ## remove generated data, the warehouse and dbt artifacts (keeps .venv)
	rm -rf data target logs .dagster_home artifacts
