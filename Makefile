# Quartieri Connessi — the two commands: `make run` and `make test`.
# Everything else here is what those two need, in order.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app qc_platform
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Each open live (Socket.IO websocket) connection holds one gthread thread for as long as
# it is open; QC_LIVE_MAX_CONNECTIONS (default 80) keeps them below THREADS so that HTTP
# keeps the rest: raise both together.
THREADS ?= 100
# The production server's flags; bench/ starts it with the same ones.
GUNICORN_FLAGS := -k gthread -w 1 --threads $(THREADS) --no-control-socket

FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json qc_platform/webapp/pages.json

.PHONY: run test setup db lint api-types pytest pytest-postgres bench bench-feedback bench-live bench-timebank bench-catalogue bench-activities clean

## make run: set everything up and serve on http://127.0.0.1:5000 (SQLite in instance/)
run: setup db
	$(BIN)/gunicorn $(GUNICORN_FLAGS) -b $(HOST):$(PORT) wsgi:app

## make test: set up, lint, and run the whole suite (SQLite; PostgreSQL and the browser
## tests too when QC_TEST_DATABASE_URL is set and Chromium is found)
test: setup lint pytest pytest-postgres

setup: $(VENV)/.installed frontend/dist/index.html

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[postgres,redis,test,e2e]'
	touch $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json frontend/package.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

db: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) qc seed --demo

# ruff; the web app's API types are current; the import layers of docs/architecture.md
# ([tool.importlinter] in pyproject.toml) hold.
lint: $(VENV)/.installed frontend/node_modules/.package-lock.json
	$(BIN)/ruff check qc_platform tests bench frontend/tools
	$(BIN)/ruff format --check qc_platform tests bench frontend/tools
	$(BIN)/python frontend/tools/api-types/generate.py --check
	$(BIN)/lint-imports

## make api-types: rewrite frontend/src/api-schema.d.ts, the web app's API types, from the
## API's OpenAPI document (after changing a route or schema; `make lint` checks it is current)
api-types: $(VENV)/.installed frontend/node_modules/.package-lock.json
	$(BIN)/python frontend/tools/api-types/generate.py

# Both cores: pytest-xdist, one database per worker (tests/conftest.py). PYTEST_WORKERS=0
# runs in one process. The browser tests run after, one at a time: each drives Chromium
# against a live server, and two at once on two cores miss their live-connection timeouts.
# test_account.py runs on a server of its own: after its password reset, live notifications
# stopped reaching the tests that followed on the same server (cause not found yet).
PYTEST_WORKERS ?= auto
PYTEST_FLAGS := -n $(PYTEST_WORKERS) --dist loadfile

pytest: $(VENV)/.installed
	env -u QC_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_FLAGS) -m "not e2e"
	env -u QC_TEST_DATABASE_URL $(BIN)/pytest -m e2e -p no:cacheprovider --ignore=tests/e2e/test_account.py
	env -u QC_TEST_DATABASE_URL $(BIN)/pytest -m e2e -p no:cacheprovider tests/e2e/test_account.py

# The same suite on PostgreSQL (the browser tests already ran above).
pytest-postgres: $(VENV)/.installed
	@if [ -n "$$QC_TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest $(PYTEST_FLAGS) -m "not e2e" -p no:cacheprovider; \
	elif [ "$$QC_REQUIRE_POSTGRES" = "1" ]; then \
		echo "QC_REQUIRE_POSTGRES=1 but QC_TEST_DATABASE_URL is not set" >&2; exit 1; \
	else \
		echo "PostgreSQL run skipped: set QC_TEST_DATABASE_URL to run the suite on PostgreSQL."; \
	fi

# The benchmarks' own extra (aiohttp, for the Socket.IO clients of bench_live.py).
$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

## make bench: the benchmarks of bench/ (see bench/README.md)
bench: setup $(VENV)/.bench-installed
	$(BIN)/python bench/bench_spaces.py

## make bench-feedback: staff inbox and report list at 1,000 vs 100,000 reports (p50 ratio,
## SQL statements per page size); SQLite, and PostgreSQL too when QC_BENCH_DATABASE_URL is set
bench-feedback: setup
	$(BIN)/python bench/bench_feedback.py

## make bench-timebank: time-bank transfers/s with 8 clients vs a bare JSON POST on the same
## server (ratio), then the ledger's invariants; PostgreSQL (QC_BENCH_DATABASE_URL or
## postgresql://postgres@127.0.0.1:5432/postgres: a fresh database, dropped after), needs wrk
bench-timebank: setup
	$(BIN)/python bench/bench_timebank.py

## make bench-catalogue: catalogue search at 200 vs 20,000 services (p50 ratio, SQL statements
## per page size); SQLite, and PostgreSQL too when QC_BENCH_DATABASE_URL is set
bench-catalogue: setup
	$(BIN)/python bench/bench_catalogue.py

## make bench-activities: the week's agenda at 2,000 vs 200,000 sessions (p50 ratio, SQL
## statements per page size); SQLite, and PostgreSQL too when QC_BENCH_DATABASE_URL is set
bench-activities: setup
	$(BIN)/python bench/bench_activities.py

## make bench-live: live notifications, N clients in one room, same vs cross process
## (needs Redis, QC_BENCH_REDIS_URL or redis://127.0.0.1:6379/14)
bench-live: setup $(VENV)/.bench-installed
	$(BIN)/python bench/bench_live.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pytest_cache .ruff_cache .hypothesis
