# Two commands on a fresh machine with Python >= 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint docs bench clean browser pdf-libs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,pdf]"
	touch $(STAMP)

setup: $(STAMP)

## The main job: scorecards for the 26-city example cohort (site/, English; site/vi/, Vietnamese).
## Also checks the catalogue and reproduces COINr's ASEM example and the OECD Better Life Index.
demo: setup pdf-libs
	$(BIN)/smartcity catalogue check indicators --strict
	$(BIN)/python examples/catalogue_demo.py build/demo
	$(BIN)/python examples/oecd_bli.py
	$(BIN)/smartcity validate examples/ascn-2025 --report build/demo/ascn-2025-problems.html; \
	  test $$? -eq 1 && echo "(exit code 1, as it should be: zz-broken-1 and zz-broken-2 are broken on purpose)"
	$(BIN)/smartcity report examples/ascn-2025 -o site/vi --lang vi --robustness examples/robustness/ascn-demo.yaml \
	  --compare "Da Nang,Ha Noi,Ho Chi Minh City" > /dev/null
	@echo "Example cohort scorecards (rank intervals: site/robustness.html; comparison: site/compare/):"
	@$(BIN)/smartcity report examples/ascn-2025 -o site --robustness examples/robustness/ascn-demo.yaml \
	  --compare "Da Nang,Ha Noi,Ho Chi Minh City"

## A live demo round of the service (needs the 'server' extra, part of dev): the 26 example cities invited,
## three with uploads (one broken); the demo accounts' one-time sign-in links are printed. Ctrl-C stops it.
.PHONY: serve
serve: setup
	rm -rf build/serve-demo
	$(BIN)/smartcity serve demo build/serve-demo

## Headless Chromium for the browser tests (Debian package; installed only when absent).
browser: pdf-libs
	@command -v chromium > /dev/null || (apt-get update -q && apt-get install -y -q chromium) \
	  || (sudo apt-get update -q && sudo apt-get install -y -q chromium)

## Pango, which WeasyPrint (the `pdf` extra, for `smartcity report --pdf`) draws text with, and the Noto fonts the
## languages' font lists name (templates/locale/*/locale.toml: Noto Sans, Noto Sans Thai …); installed only when absent.
pdf-libs:
	@/sbin/ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -q && apt-get install -y -q libpangoft2-1.0-0) \
	  || (sudo apt-get update -q && sudo apt-get install -y -q libpangoft2-1.0-0)
	@fc-list 2> /dev/null | grep -q "Noto Sans Thai" || (apt-get update -q && apt-get install -y -q fonts-noto-core) \
	  || (sudo apt-get update -q && sudo apt-get install -y -q fonts-noto-core)

lint: setup
	$(BIN)/ruff check assessment tests benchmarks examples vulture_whitelist.py
	$(BIN)/mypy
	$(BIN)/vulture

## The suite on every core; a test file stays on one worker, so its module fixtures are built once.
test: lint browser
	$(BIN)/pytest -n auto --dist loadfile

docs: setup
	$(BIN)/smartcity catalogue docs docs
	$(BIN)/python -c "from assessment.scoring.specs import update_reference; update_reference()"

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
