# `make demo` installs mailpulse and runs the demo; `make test` installs what the tests need and runs them.
PYTHON ?= python3

.PHONY: install demo test browser lint

install:
	$(PYTHON) -m pip install -q -e .

demo: install
	$(PYTHON) -m mailpulse demo

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: browser
	$(PYTHON) -m pip install -q -e '.[test]'
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check . && $(PYTHON) -m ruff format --check .
