# Two commands on a fresh machine with Python >= 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

## The main job, as far as it exists: validate the built-in catalogue, export it in both
## languages to build/demo/, score COINr's ASEM example and the OECD Better Life Index.
demo: setup
	$(BIN)/smartcity catalogue check indicators --strict
	$(BIN)/python examples/catalogue_demo.py build/demo
	$(BIN)/python examples/oecd_bli.py
	-$(BIN)/smartcity validate examples/ascn-2025 --report build/demo/ascn-2025-problems.html

lint: setup
	$(BIN)/ruff check assessment tests benchmarks examples
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

docs: setup
	$(BIN)/smartcity catalogue docs docs

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
