# pnp-sim: every target installs into .venv on first use.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
CHROMIUM := /usr/bin/chromium

.PHONY: install run app test coverage lint typecheck bench browser clean validate screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,dask]'
	touch $(STAMP)

install: $(STAMP)

# Benchmark-only extras (Ciw for the M/M/3 same-work comparison). Ciw's wheel also installs
# its own top-level `tests` package, which would hide this project's `tests` (the back test
# imports `tests.backtest_data`), so that stray package is removed again.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,dask,bench]'
	$(BIN)/python -c "import ciw, pathlib, shutil; t = pathlib.Path(ciw.__file__).parents[1] / 'tests'; \
	  (t / 'test_network.py').exists() and shutil.rmtree(t)"
	touch $(BENCH_STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
# pdftoppm (poppler-utils) turns the app's PDF report into page images in the browser test.
browser:
	@{ test -x $(CHROMIUM) && command -v pdftoppm >/dev/null; } || { command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null); }

run: install
	$(BIN)/pnp-sim run scenarios/baseline.yaml --reps 20

app: install
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501 \
	  --server.headless true --browser.gatherUsageStats false

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

# Long statistical validations (marked slow) run in `make validate`, not here. Test files run
# side by side, one per core (at most 4), each file whole in one worker (its browser server and
# module fixtures are set up once): PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto
TEST_ARGS = -q -rfER --rerun-show-tracebacks -p no:cacheprovider --benchmark-disable -m "not slow" \
	  -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadfile --no-loadscope-reorder
test: install browser lint typecheck
	$(BIN)/python -m pytest $(TEST_ARGS)

# The same suite with line coverage of sim/. Coverage's tracer (Python 3.11) makes the model's
# hot loop about three times slower, so `make test` leaves it out.
coverage: install browser
	$(BIN)/python -m pytest $(TEST_ARGS) --cov=sim --cov-report=term:skip-covered

bench: install $(BENCH_STAMP)
	$(BIN)/python -m pytest -q benchmarks --benchmark-only --benchmark-columns=min,median,mean,max,rounds

# The guide's screenshots (docs/img/) retaken by the browser journeys; `make test` leaves them.
screenshots: install browser
	PNP_SCREENSHOTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider --benchmark-disable \
	  tests/app/test_browser.py::test_planner_in_a_real_browser tests/app/test_browser_uncertainty.py

clean:
	rm -rf $(VENV) test-output .pytest_cache .mypy_cache .ruff_cache .coverage

# Model against queueing theory and Little's law: the table quoted in the README, and the
# long statistical tests (pytest marker `slow`) that `make test` leaves out.
validate: install
	$(BIN)/python -m pytest -q -p no:cacheprovider --benchmark-disable -m slow
	$(BIN)/python validation/theory_table.py
