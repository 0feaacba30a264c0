# `make demo` installs mailpulse into a virtual environment and runs the live demo;
# `make test` installs what the tests need there and runs them.
# The environment is the active one ($VIRTUAL_ENV) or `.venv/` in the checkout.
PYTHON ?= python3
VENV := $(or $(VIRTUAL_ENV),.venv)
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q -c constraints.txt

.PHONY: install demo test browser lint

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
		|| { echo "make: mailpulse needs Python 3.11 or newer as $(PYTHON) (make PYTHON=python3.12 ...)." >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) \
		|| { echo "make: $(PYTHON) cannot create a virtual environment: install venv (Debian, Ubuntu: apt install python3-venv)." >&2; exit 1; }

$(VENV)/.mailpulse: pyproject.toml constraints.txt | $(PY)
	$(PIP) -e .
	@touch $@

$(VENV)/.mailpulse-test: pyproject.toml constraints.txt | $(PY)
	$(PIP) -e '.[test]'
	@touch $@ $(VENV)/.mailpulse

install: $(VENV)/.mailpulse

demo: install
	$(PY) -m mailpulse demo

# Debian's Chromium for the browser tests: installed when we are root, else the tests say they skip.
browser:
	@command -v chromium >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else echo "make: Chromium is not installed and we are not root: the browser tests will be skipped."; fi

test: browser $(VENV)/.mailpulse-test
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.mailpulse-test
	$(PY) -m ruff check . && $(PY) -m ruff format --check .
