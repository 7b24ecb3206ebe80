# genlab: `make run` serves the app, `make test` runs every test (the real-browser ones too).
# Everything installs into .venv; stamp files keep a second `make` from reinstalling.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# The tests keep their own store, so they never touch the user's cache; a second run reuses it.
TEST_STORE := $(CURDIR)/.genlab-store/test

.PHONY: run test lint bench warm chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first, pinned: pip then takes the CPU build that lies on disk. Asked for by another
# package first, pip would fetch the newest CUDA build (several GB).
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check "torch==2.13.0"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

# Debian's chromium drives the browser tests (Playwright's own browser download fails here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "make test needs Debian's chromium: run 'apt-get install -y chromium' as root."; exit 1; fi; \
		echo "installing chromium for the browser tests ..."; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

test: $(VENV)/.dev chromium
	GENLAB_STORE=$(TEST_STORE) $(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.dev
	$(BIN)/python -m bench

warm: $(VENV)/.runtime
	$(BIN)/python -m core warm

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts .genlab-store
