# newsdesk: `make demo` sets everything up and serves the demo; `make test` runs the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: install dev demo test lint lock bench clean

# Runtime install: a venv with the locked dependencies and newsdesk itself (editable).
$(BIN)/.installed: pyproject.toml setup.py requirements.lock src/newsdesk/annotate/_blas.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@# Compile once: with PYTHONDONTWRITEBYTECODE set, every command would recompile its imports.
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib src > /dev/null || true
	touch $@

# Development install: the above plus test and lint tools.
$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed
dev: $(BIN)/.installed-dev

demo: install
	$(BIN)/newsdesk demo

test: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q

lint: dev
	$(BIN)/ruff check src tests bench

# Re-resolve the lock files after changing dependencies in pyproject.toml.
lock: dev
	$(BIN)/uv pip compile -q pyproject.toml --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock

bench: install
	@ls bench/*.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
