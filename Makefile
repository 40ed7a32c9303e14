# Two entry points for a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := samples/pinghu-front-page.txt

.PHONY: demo test bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

# The report tests drive Debian's chromium through chromium-driver: installed here when missing
# (with sudo unless root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	fi

demo: install
	$(BIN)/newsmine split $(SAMPLE) | $(BIN)/newsmine stats --passthrough | $(BIN)/newsmine show --no-pager

test: install-test
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
