# One command builds the briefing, one runs the tests. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: briefing test dev benchmark validate system-build system-test clean-venv

briefing: $(STAMP) system-build
	$(BIN)/python -m analysis build --params $(or $(PARAMS),params/default.yaml)

test: $(DEV_STAMP) system-test
	$(BIN)/python -m pytest

dev: $(DEV_STAMP)

benchmark: $(STAMP) system-build
	$(BIN)/python -m analysis benchmark

validate: $(STAMP)
	$(BIN)/python -m analysis validate

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The test and dev extras (the test suite, JupyterLab) on top of what building needs.
$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock -c requirements.lock
	touch $(DEV_STAMP)

system-build:
	@scripts/system-deps.sh build

system-test:
	@scripts/system-deps.sh test

clean-venv:
	rm -rf $(VENV)
