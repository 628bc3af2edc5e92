# Keqiao — the single entry point. `make demo` runs the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: demo serve venv test lint check-migrations translations messages bench bench-load bench-full clean

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.lock
	mkdir -p var
	touch $@

venv: $(VENV)/.installed

translations: venv
	@$(PY) manage.py compile_translations

demo: venv translations
	@echo "== Keqiao demo. The first run takes a few minutes (database, demo data, search indexes);"
	@echo "   later runs reuse them and start in seconds."
	@echo "== 1/4 Preparing the database (applying migrations)..."
	@$(PY) manage.py migrate --noinput -v 0
	@echo "== 2/4 Loading the demo organisations, users, achievements, demands, deals, plans and reports"
	@echo "       (first run: several minutes on a small machine; later runs say it is already loaded)..."
	@$(PY) manage.py load_demo_data
	@echo "== 3/4 Building the search indexes and the matcher, saving their snapshots..."
	@$(PY) manage.py rebuild_search_index
	@echo "== 4/4 Demo accounts:"
	@$(PY) manage.py demo_accounts
	@echo "== Starting the server: it loads the indexes first, then answers at http://$(HOST):$(PORT)/"
	@echo "   (the platform's own error pages; KEQIAO_DEBUG=1 make demo shows Django's debug pages instead)"
	@KEQIAO_DEBUG=$${KEQIAO_DEBUG:-0} $(PY) manage.py runserver $(HOST):$(PORT)

serve: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet . || (echo "Run: $(VENV)/bin/ruff format ." && false)
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/bandit -q -c pyproject.toml -r keqiao config

check-migrations: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdef \
	  ALLOWED_HOSTS=keqiao.example $(PY) manage.py check --deploy --fail-level WARNING

# The whole suite. Browser and PostgreSQL runs are mandatory when CI=true and skipped (with a message)
# when Chromium or PostgreSQL is missing on a developer's machine.
test: venv lint check-migrations
	$(PY) manage.py compile_translations --check
	bash scripts/run-tests.sh

# Regenerate the zh_Hans catalogue from the sources (needs GNU gettext).
messages: venv
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=bench --ignore=staticfiles
	$(PY) manage.py compile_translations

bench: venv translations
	bash scripts/run-bench.sh

# Only the load benchmark (gunicorn + PostgreSQL + locust; BENCH_LOAD_SECONDS=30 for a short try).
bench-load: venv translations
	bash scripts/run-load-bench.sh

clean:
	rm -rf var staticfiles .pytest_cache
