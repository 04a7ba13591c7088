# Two commands for a newcomer: `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

demo: $(VENV)/.installed
	$(BIN)/storyscope demo

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# the tests run the Ray engine on a local Ray: the ray extra is part of the test setup
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev,ray]"
	touch $@

clean:
	rm -rf $(VENV) storyscope.db storyscope.db-wal storyscope.db-shm storyscope.db.lock
