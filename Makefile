# The targets CI and the README use. `make run` and `make test` each set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= out

.PHONY: run test test-fast lint format bench clean browser

# One lane of tests (tests/support/lanes.py says which folders each holds). pytest's exit
# code 5 means it collected no test: a lane that runs nothing has lost its tests, and says so.
# Tests run in TEST_WORKERS processes (pytest-xdist), a file's tests together in one, so a
# module's fixtures are built once: most tests wait on a subprocess or a server, and two
# workers halve the suite's time on two cores. TEST_WORKERS=0 runs them in this process.
# PYTEST_ARGS passes more options, e.g. PYTEST_ARGS="-x".
TEST_WORKERS ?= 2
lane = $(BIN)/python -m pytest --lane $(1) -n $(TEST_WORKERS) --dist loadfile --durations=25 \
	$(PYTEST_ARGS) || { status=$$?; \
	if [ $$status -eq 5 ]; then echo "make: the $(1) lane collected no test" >&2; fi; \
	exit $$status; }

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsbeam run --input samples --output $(OUT)

# Debian's chromium, for the tests that open `newsbeam report`'s page in a real browser
# (tests/support/browser.py). Installed as root from Debian's packages where none is on
# the PATH; elsewhere a note, and those tests fail saying what to install.
browser:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq chromium >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; \
	else echo "make: the report tests need chromium on the PATH (Debian: apt-get install chromium)" >&2; \
	fi

# The whole suite, as CI runs it: under 20 minutes on two idle cores.
test: $(STAMP) browser
	$(BIN)/ruff check .
	$(call lane,all)

# Unit and Beam tests only, while changing code: under 3 minutes on two cores.
test-fast: $(STAMP)
	$(call lane,fast)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench --size $(or $(SIZE),500) --rounds $(or $(ROUNDS),1)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
