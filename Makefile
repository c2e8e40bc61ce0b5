# The two commands: `make run` (the product with demo data) and `make test` (the whole suite).
# Both set up everything they need on a fresh machine and are safe to repeat.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test check lint format typecheck pytest system-runtime system-test venv db-up clean-data

run: system-runtime venv
	$(BIN)/propintel run

test: system-test venv check db-up pytest

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-runtime:
	scripts/setup-system.sh runtime

system-test:
	scripts/setup-system.sh test

db-up: venv
	$(BIN)/propintel db up

check: lint typecheck

lint: venv
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

format: venv
	$(BIN)/ruff format src tests $(wildcard bench)
	$(BIN)/ruff check --fix src tests $(wildcard bench)

typecheck: venv
	$(BIN)/mypy src

pytest: venv
	$(BIN)/pytest

clean-data:
	-$(BIN)/propintel db down
	rm -rf .data
