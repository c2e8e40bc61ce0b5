# The two commands: `make run` (the product with demo data) and `make test` (the whole suite).
# Both set up everything they need on a fresh machine and are safe to repeat.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test check lint format typecheck pytest system-runtime system-test venv vendor clean-data

run: system-runtime venv vendor
	$(BIN)/propintel run

test: system-test venv vendor check pytest

venv: $(STAMP)

# The virtualenv holds exactly what uv.lock pins (the `dev` extra included) and our own package,
# editable. uv itself is pinned here and installed into the virtualenv by its pip. `--locked` stops
# with a hint when pyproject.toml's dependencies changed but uv.lock was not updated (`uv lock`).
# Done again only when pyproject.toml or uv.lock changes, so a repeated `make test` skips it.
UV_VERSION := 0.13.9

$(STAMP): pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'
	UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(BIN)/uv sync --quiet --locked --extra dev
	touch $(STAMP)

# Leaflet and its plugins, Swagger UI and ReDoc (the API docs), from the npm registry
# (package-lock.json pins them), served by the app itself from static/vendor (not committed): pages
# never load code from another site. The same install brings axe-core (a dev dependency), which the
# browser tests inject to check pages.
VENDOR       := src/propintel/web/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed-stamp
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css \
	favicon-32x32.png LICENSE
REDOC_FILES  := bundles/redoc.standalone.js bundles/redoc.standalone.js.LICENSE.txt LICENSE

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
	touch $(VENDOR_STAMP)

system-runtime:
	scripts/setup-system.sh runtime

system-test:
	scripts/setup-system.sh test

check: lint typecheck

lint: venv
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

format: venv
	$(BIN)/ruff format src tests $(wildcard bench)
	$(BIN)/ruff check --fix src tests $(wildcard bench)

typecheck: venv
	$(BIN)/mypy src

# pytest with the database up: the embedded PostgreSQL is stopped afterwards only if this started it
# (one already running, say under `make run`, keeps running); the exit code is pytest's.
pytest: venv
	$(BIN)/propintel db with -- $(BIN)/pytest

clean-data:
	-$(BIN)/propintel db down
	rm -rf .data
