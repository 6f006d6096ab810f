# The two commands of the README: `make run` (set up and start everything with demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOUSEHOLDS ?= 3000
SEED ?= 2026
export DEBUG ?= 1

.PHONY: run test bench install install-dev migrate demo schema messages clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --households $(HOUSEHOLDS) --seed $(SEED) --if-empty

## make run: install, migrate (reference data comes with it), seed demo data once, start web + worker + beat
run: demo
	PORT=$(PORT) $(PY) -m sondương.run

## make test: the whole suite (SQLite and the file-system broker unless DATABASE_URL / CELERY_BROKER_URL are set)
test: install-dev
	$(PY) -m pytest

## make bench: the benchmarks of bench/ (not part of the tests)
bench: install-dev
	$(PY) bench/run_all.py

## make messages: refresh locale/vi (our Vietnamese for Django, DRF and the other packages) and locale/en (the English
## interface: makemessages -l en, translations kept), and recompile the .mo files
messages: install
	$(PY) tools/build_locale.py

schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf data .test-data staticfiles .pytest_cache
