# make run: install, migrate, load the catalogue and demo data, serve on http://127.0.0.1:8000
# make test: install, lint, type-check, the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.install-stamp

.PHONY: install run test lint typecheck pytest browser messages migrate clean bench wrk

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: install
	$(MANAGE) migrate --noinput

run: migrate
	$(MANAGE) load_catalogue seeds/
	$(MANAGE) seed_demo seeds/demo_enterprises.yaml
	$(MANAGE) create_staff_groups
	$(MANAGE) ensure_dev_superuser
	DJANGO_DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

# Debian's chromium for the browser tests (Playwright's own download does not work here), and
# Noto CJK so that Chinese pages render as text, not boxes, in the screenshots.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } || { \
	  echo "chromium or a CJK font not found: installing Debian's chromium and fonts-noto-cjk (needs root and apt)"; \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } || \
	  { echo "ERROR: could not install them. Run: sudo apt-get install -y chromium fonts-noto-cjk"; exit 1; }; }

# wrk (Debian) loads the API from a second process; without it the benchmark falls back to its
# own Python client, which shares the cores with the server (its figures are marked so).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "wrk not found: installing Debian's wrk (needs root and apt)"; \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "ERROR: could not install it. Run: sudo apt-get install -y wrk"; exit 1; }; }

# The figures of design §10 and §15 on a scratch database (PostgreSQL + Redis when DATABASE_URL
# and CELERY_BROKER_URL are set): BENCH_ENTERPRISES=600000 for the district's scale.
BENCH_ENTERPRISES ?= 100000
bench: install wrk
	$(MANAGE) benchmark --enterprises $(BENCH_ENTERPRISES)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: install
	$(BIN)/python -m pytest

test: install browser lint typecheck pytest

messages: install
	$(MANAGE) makemessages -l en --ignore '.venv/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts .pytest_cache .mypy_cache .ruff_cache
