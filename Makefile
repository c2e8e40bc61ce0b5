# The two commands: `make run` (the product with demo data) and `make test` (the whole suite).
# Both set up everything they need on a fresh machine and are safe to repeat.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test check lint format typecheck architecture pytest system-runtime system-test venv lock vendor clean-data messages audit

run: system-runtime venv vendor
	$(BIN)/propintel run

test: system-test venv vendor check pytest

venv: $(STAMP)

# The virtualenv holds exactly what uv.lock pins (the `dev` extra included) and our own package,
# editable. uv itself is pinned here and installed into the virtualenv by its pip. `--locked` stops
# with a hint when pyproject.toml's dependencies changed but uv.lock was not updated (`make lock`).
# Done again only when pyproject.toml, uv.lock or UV_VERSION changes: a repeated `make test` skips
# it. uv reads the system's CA certificates, like pip (a TLS-inspecting proxy's CA works too).
UV_VERSION := 0.13.9
UV_STAMP   := $(VENV)/.uv-$(UV_VERSION)
UV         := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS=1 $(BIN)/uv

$(UV_STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'
	touch $(UV_STAMP)

$(STAMP): pyproject.toml uv.lock $(UV_STAMP)
	$(UV) sync --quiet --locked --extra dev
	touch $(STAMP)

# After changing the dependencies in pyproject.toml: resolve them again into uv.lock (the versions
# already locked stay unless they no longer fit; `make lock UPGRADE=1` takes the newest that fit).
lock: $(UV_STAMP)
	$(UV) lock $(if $(UPGRADE),--upgrade)

# Supply chain (CI runs it before the tests): every pin of uv.lock, exported with its hashes,
# against the known vulnerabilities (pip-audit; scripts/audit.py fails on any finding). An ignore
# needs its reason here and in docs/reliability.md: AUDIT_IGNORE := --ignore-vuln ID  # why.
AUDIT_IGNORE :=
audit: venv
	$(UV) export --frozen --all-extras --no-emit-project --quiet -o $(VENV)/audit-requirements.txt
	$(BIN)/python scripts/audit.py $(VENV)/audit-requirements.txt $(AUDIT_IGNORE)

# Leaflet and its plugins, Swagger UI and ReDoc (the API docs), from the npm registry
# (package-lock.json pins them), served by the app itself from static/vendor (not committed): pages
# never load code from another site. The same install brings axe-core (a dev dependency), which the
# browser tests inject to check pages.
VENDOR       := src/propintel/web/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed-stamp
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css \
	favicon-32x32.png LICENSE
REDOC_FILES  := bundles/redoc.standalone.js bundles/redoc.standalone.js.LICENSE.txt LICENSE
# Firebase sign-in: the self-contained compat builds (the ESM ones import from gstatic.com).
FIREBASE_FILES := firebase-app-compat.js firebase-app-compat.js.map firebase-auth-compat.js \
	firebase-auth-compat.js.map

vendor: $(VENDOR_STAMP)

$(VENDOR_STAMP): package.json package-lock.json Makefile
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r node_modules/leaflet/dist $(VENDOR)/leaflet
	cp -r node_modules/leaflet.markercluster/dist $(VENDOR)/leaflet.markercluster
	cp -r node_modules/leaflet-draw/dist $(VENDOR)/leaflet-draw
	mkdir -p $(VENDOR)/swagger-ui $(VENDOR)/redoc
	cp $(addprefix node_modules/swagger-ui-dist/,$(SWAGGER_UI_FILES)) $(VENDOR)/swagger-ui/
	cp $(addprefix node_modules/redoc/,$(REDOC_FILES)) $(VENDOR)/redoc/
	mkdir -p $(VENDOR)/firebase
	cp $(addprefix node_modules/firebase/,$(FIREBASE_FILES)) $(VENDOR)/firebase/
	touch $(VENDOR_STAMP)

system-runtime:
	scripts/setup-system.sh runtime

system-test:
	scripts/setup-system.sh test

check: lint typecheck architecture

lint: venv
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

# The layers and contracts of .importlinter (docs/architecture.md): no package imports a higher
# layer, no two packages import each other, no package reaches another's repositories or tables.
architecture: venv
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format src tests $(wildcard bench)
	$(BIN)/ruff check --fix src tests $(wildcard bench)

typecheck: venv
	$(BIN)/mypy src

# pytest with the database up: the embedded PostgreSQL is stopped afterwards only if this started it
# (one already running, say under `make run`, keeps running); the exit code is pytest's.
# Tests run in parallel (pytest-xdist), one worker per core up to 4, each with its own databases;
# a test file's tests stay on one worker (module fixtures, the e2e live server). PYTEST_ARGS adds
# options (PYTEST_ARGS='-n 0' runs them in one process).
PYTEST_ARGS ?=
pytest: venv
	$(BIN)/propintel db with -- $(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

# The catalog template of every translatable text (src/propintel/locales/messages.pot), from the
# templates and the code, by the same extraction as tests/kit/test_translations.py.
messages: venv
	$(BIN)/python scripts/extract_messages.py

clean-data:
	-$(BIN)/propintel db down
	rm -rf .data
