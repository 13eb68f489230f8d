# TastyDesk developer commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
QT_ENV := QT_QPA_PLATFORM=offscreen
# two pytest workers: the suite is mostly waiting on sockets and timers (15 min -> 7 min on 2 cores)
TEST_WORKERS ?= 2

.PHONY: run test bench lint installer clean sim

# a failed venv (Debian/Ubuntu without python3-venv) leaves bin/python behind: remove it, or the
# next run would take the venv as made and fail on a missing pip
$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "TastyDesk needs Python 3.11 or newer, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(PIP) install --quiet --upgrade pip

$(VENV)/.stamp-app: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-app
	$(PIP) install --quiet -e '.[test]'
	@touch $@

## run: create the venv if needed, install, open the app in Demo mode
run: $(VENV)/.stamp-app
	$(PY) -m desktop --env demo

## sim: run the embedded exchange alone (prints its URL)
sim: $(VENV)/.stamp-app
	$(PY) -m desktop.simulator.cli

## test: install the test extras and run the whole suite offscreen
test: $(VENV)/.stamp-test
	$(QT_ENV) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## bench: speed and memory figures, one `name: value` line each
bench: $(VENV)/.stamp-test
	$(QT_ENV) $(PY) tests/bench/run_all.py

## lint: ruff
lint: $(VENV)/.stamp-test
	$(PY) -m ruff check desktop tests installer
	$(PY) -m ruff format --check desktop tests installer

## installer: build what this platform can build (here: the Linux .deb and AppDir)
installer: $(VENV)/.stamp-test
	$(PY) installer/build.py

clean:
	rm -rf build dist installer/out .pytest_cache .ruff_cache
