# FFP Case: `make run` starts everything with embedded defaults; `make test` runs the tests.
# Needs Python 3.11+, uv (pip install uv) and Node.js with npm. See README.md.
.DEFAULT_GOAL := help
PYTHON := .venv/bin/python
UV ?= uv

.PHONY: help install run test stop reset lint check bench dataset validate-census backup restore basebackup \
	restore-pitr

help:
	@echo "make run    start FFP Case (PostgreSQL, Redis, web, worker, beat, demo data) on PORT (default 8000)"
	@echo "make test   run the test suite on real PostgreSQL and Redis, one worker per CPU (TEST_WORKERS=N)"
	@echo "make stop   stop a database or Redis left running by an interrupted make run"
	@echo "make reset  stop and delete the embedded database (demo data is seeded again next run)"
	@echo "make lint   ruff (lint and format check), Django's checks and the missing-migrations check"
	@echo "make backup  pg_dump -Fc of the embedded database (DB=ffp) to backups/<db>-<UTC time>.dump"
	@echo "make restore FILE=backups/....dump  that backup into the embedded database (DB=ffp), replacing it"
	@echo "make basebackup  pg_basebackup of the embedded cluster to backups/base-<UTC time>/ (WAL: backups/wal/)"
	@echo "make restore-pitr BASE=backups/base-... TARGET='2026-12-06 15:04:05+00'  the cluster as it was at TARGET"
	@echo "make bench  generate SCALE (small; large-la) into its own embedded database and benchmark it"
	@echo "make validate-census FILE=census.xml  DfE's CIN validator (csc-validator-be-cin) and the module 5 checks"
	@echo "make deps-check  every locked package at its series' newest patch, Django on a supported LTS (asks PyPI, npm)"
	@echo "make sbom   CycloneDX SBOMs of uv.lock and package-lock.json into build/sbom/ (python.cdx.json, npm.cdx.json)"

# Python dependencies from the committed lock file.
.venv/.synced: pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

# Front-end dependencies from the committed package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# GOV.UK Frontend compiled with Sass, with its fonts, images and JavaScript, into static/build/.
static/build/.built: node_modules/.installed assets/build.mjs $(wildcard assets/scss/*.scss assets/js/*)
	npm run --silent build
	@touch $@

install: .venv/.synced static/build/.built

# DfE's CIN census validator (csc-validator-be-cin) in a venv of its own: it needs Python 3.11 and pandas 1.x
# (numpy<2), which the application's dependencies must not be held to. Versions and hashes locked in
# reporting/quality/requirements-cin.txt; reporting.quality.validator runs reporting/quality/cin_runner.py in it.
CIN_VENV := .venv-cin
CIN_REQUIREMENTS := reporting/quality/requirements-cin.txt
$(CIN_VENV)/.synced: $(CIN_REQUIREMENTS)
	UV_PYTHON_DOWNLOADS=never $(UV) venv --quiet --allow-existing --python 3.11 $(CIN_VENV)
	$(UV) pip install --quiet --python $(CIN_VENV)/bin/python --require-hashes -r $(CIN_REQUIREMENTS)
	@touch $@

# `make validate-census FILE=census.xml`: every ERROR and QUERY row, by rule, and the file's status (1 on an ERROR).
validate-census: $(CIN_VENV)/.synced
	@test -n "$(FILE)" || { echo "usage: make validate-census FILE=census.xml"; exit 2; }
	$(CIN_VENV)/bin/python reporting/quality/cin_runner.py --summary "$(FILE)"

run: install $(CIN_VENV)/.synced
	$(PYTHON) -m ffp.devstack run

# In parallel (pytest-xdist, a file's tests together on one worker): TEST_WORKERS=auto is one worker per CPU (at
# most 8); `make test TEST_WORKERS=0` runs in one process, as `pytest` alone does.
TEST_WORKERS ?= auto
test: install $(CIN_VENV)/.synced
	$(PYTHON) -m pytest -n $(TEST_WORKERS)

stop:
	$(PYTHON) -m ffp.devstack stop

reset:
	$(PYTHON) -m ffp.devstack reset

lint: install
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) manage.py check
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(PYTHON) -m bandit -c pyproject.toml -r . --severity-level medium -q

# The benchmark runs against its own database (ffp_bench_<scale>) in the embedded cluster, generated on
# first use: `make bench SCALE=large-la`. Results go to bench/results/.
SCALE ?= small
bench: install
	$(PYTHON) -m ffp.devstack bench --scale $(SCALE)

# Backups of the embedded stack (ffp.backup; README "Backups and restore", with the production equivalent).
# `make backup` (DB=ffp): pg_dump -Fc to backups/<db>-<UTC time>.dump; `make restore FILE=... [DB=ffp]` replaces the
# database with the backup (refused while make run is connected to it).
DB ?= ffp
backup: install
	$(PYTHON) -m ffp.backup backup --database $(DB)

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/ffp-YYYYMMDDTHHMMSSZ.dump [DB=ffp]"; exit 2; }
	$(PYTHON) -m ffp.backup restore "$(FILE)" --database $(DB)

# Point-in-time recovery: make run's cluster archives its WAL to backups/wal/ (archive_timeout 300 s: the RPO).
# `make restore-pitr` recovers the base backup to TARGET (no TARGET: to the end of the archive) and puts it in place
# of .pgdata, kept as backups/pgdata-before-pitr-<UTC time> (refused while make run is up).
basebackup: install
	$(PYTHON) -m ffp.backup basebackup

restore-pitr: install
	@test -n "$(BASE)" || { echo "usage: make restore-pitr BASE=backups/base-YYYYMMDDTHHMMSSZ TARGET='YYYY-MM-DD HH:MM:SS+00'"; exit 2; }
	$(PYTHON) -m ffp.backup restore-pitr "$(BASE)" --target "$(TARGET)"

# Dependency freshness (B20; ffp/deps.py, README "Dependencies"): fails on a locked package behind the newest patch of
# its series (a patch younger than DEPS_GRACE_DAYS=7 days is only reported), Django off a supported LTS, or an
# expired exception in deps-exceptions.toml. Needs PyPI and the npm registry.
.PHONY: deps-check sbom
deps-check: .venv/.synced
	$(PYTHON) -m ffp.deps check

# CycloneDX 1.6 SBOMs, schema-validated: build/sbom/python.cdx.json (every package in uv.lock, with hashes) and
# build/sbom/npm.cdx.json (every package in package-lock.json). CI makes them after the tests.
sbom: .venv/.synced
	$(PYTHON) -m ffp.deps sbom --uv "$(UV)"
