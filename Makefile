# o2o: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo serve test fuzz lint format install lock clean screenshots bench bench-ingest bench-onboarding bench-availability bench-storm bench-reservations bench-http bench-celery bench-oscar bench-feeds bench-catalogue bench-launch bench-profile-reservation bench-profile-availability bench-profile-launch bench-db messages

# requirements.txt and requirements-dev.txt are locks (every package pinned, with hashes)
# compiled from requirements.in and requirements-dev.in by `make lock`.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# after editing requirements*.in: the locks again, keeping every pin that still fits
LOCK = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: install
	$(LOCK) -o requirements.txt requirements.in
	$(LOCK) -o requirements-dev.txt requirements-dev.in

demo: install
	mkdir -p var
	rm -rf var/prometheus  # the figures of processes from an earlier run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/honcho -f Procfile.demo start

serve: install
	@test -n "$$DATABASE_URL" || (echo "serve: set DATABASE_URL (and REDIS_URL, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS)"; exit 2)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	rm -rf "$${PROMETHEUS_MULTIPROC_DIR:-var/prometheus}"  # figures of an earlier run
	DJANGO_DEBUG=false DJANGO_LOG_FORMAT=json $(BIN)/honcho -f Procfile.prod start

test: install
	rm -rf var/test-prometheus
	PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/var/test-prometheus $(BIN)/python -m pytest $(PYTEST_ARGS)

# schemathesis with every check, 200 examples per operation, mode and identity (~10 min)
fuzz: install
	FUZZ_EXAMPLES=200 $(BIN)/python -m pytest tests/security/test_fuzz.py $(PYTEST_ARGS)

# the README's pictures, taken by the browser tests (Devanagari needs fonts-noto-core)
SCREENSHOTS = product-1280 reservation-360 reservation-hindi-360 counter-390 dashboard-hindi-1280 stock-list-1280
screenshots: install
	$(BIN)/python -m pytest -m e2e -q $(PYTEST_ARGS)
	for name in $(SCREENSHOTS); do cp var/test-artifacts/$$name.png docs/screenshots/; done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/o2o_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
BENCH_ARGS ?=
# make bench: the full scale of TARGETS.md (about half an hour here);
# make bench SCALE=reduced: the same benchmarks on smaller data (9.6 minutes on a fast day).
# BENCH_ARGS, given to one bench-* target, replaces its scale arguments.
SCALE ?= full
ifeq ($(SCALE),reduced)
INGEST_ARGS = --rows 200000 --outlets 1000
ONBOARDING_ARGS = --outlets 5000
AVAILABILITY_ARGS = --outlets 20000 --queries 200
HTTP_ARGS = --outlets 20000 --duration 3s
RESERVATIONS_ARGS = --duration 3s
OSCAR_ARGS = --duration 3s --skus 1000
CELERY_ARGS = --tasks 3000
FEEDS_ARGS = --outlets 20000
LAUNCH_ARGS = --shoppers 1000 --window 20 --outlets 100
else
INGEST_ARGS = --rows 1000000 --outlets 5000
ONBOARDING_ARGS = --outlets 5000
AVAILABILITY_ARGS = --outlets 100000 --queries 300
HTTP_ARGS = --outlets 100000
RESERVATIONS_ARGS = --duration 8s
OSCAR_ARGS = --duration 8s
CELERY_ARGS = --tasks 20000
FEEDS_ARGS = --outlets 100000
endif
BENCH_ENV = BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL)

bench: bench-ingest bench-onboarding bench-availability bench-storm bench-reservations bench-http bench-celery bench-oscar bench-feeds bench-catalogue bench-launch
	@echo "bench: every figure above was appended to bench/RESULTS.md"

bench-db: install
	@command -v wrk >/dev/null || (echo "bench: installing Debian's wrk" && apt-get install -y -qq wrk >/dev/null)
	psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_DATABASE_URL))'" | grep -q 1 || createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL))

bench-ingest: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.ingest $(or $(BENCH_ARGS),$(INGEST_ARGS))

OSCAR_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/o2o_bench_oscar

.venv-oscar/.installed: bench/requirements-oscar.txt
	$(PYTHON) -m venv .venv-oscar
	.venv-oscar/bin/pip install --quiet -r bench/requirements-oscar.txt
	touch $@

bench-oscar: bench-db .venv-oscar/.installed
	psql "$(dir $(OSCAR_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(OSCAR_DATABASE_URL))'" | grep -q 1 || createdb -h 127.0.0.1 -U postgres $(notdir $(OSCAR_DATABASE_URL))
	$(BENCH_ENV) OSCAR_DATABASE_URL=$(OSCAR_DATABASE_URL) $(BIN)/python -m bench.oscar $(or $(BENCH_ARGS),$(OSCAR_ARGS))

bench-onboarding: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.onboarding $(or $(BENCH_ARGS),$(ONBOARDING_ARGS))

bench-availability: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.availability $(or $(BENCH_ARGS),$(AVAILABILITY_ARGS))

bench-storm: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.storm $(BENCH_ARGS)

bench-reservations: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.reservations $(or $(BENCH_ARGS),$(RESERVATIONS_ARGS))

bench-profile-reservation: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.profile_reservation $(BENCH_ARGS)

bench-http: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.http $(or $(BENCH_ARGS),$(HTTP_ARGS))

bench-catalogue: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.catalogue_import $(BENCH_ARGS)

bench-launch: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.launch $(or $(BENCH_ARGS),$(LAUNCH_ARGS))

bench-profile-availability: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.profile_availability $(BENCH_ARGS)

bench-profile-launch: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.profile_launch $(BENCH_ARGS)

bench-feeds: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.feeds $(or $(BENCH_ARGS),$(FEEDS_ARGS))

bench-celery: bench-db
	$(BENCH_ENV) $(BIN)/python -m bench.celery_acks $(or $(BENCH_ARGS),$(CELERY_ARGS))

messages: install
	$(BIN)/python manage.py makemessages -l hi -l zh_Hans --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
