# genlab: `make run` serves the app, `make test` runs every test (the real-browser ones too).
# Everything installs into .venv; stamp files keep a second `make` from reinstalling.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# The tests keep their own store, so they never touch the user's cache; a second run reuses it.
TEST_STORE := $(CURDIR)/.genlab-store/test
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

# Runs apt-get as root, through sudo, or not at all (then prints a hint and fails).
APT = if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	else echo "not root and no sudo: run 'apt-get install -y $(1)' as root" >&2; false; fi \
	&& command -v apt-get >/dev/null 2>&1 \
	&& $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1)

.PHONY: venv install install-dev run test lint bench warm chromium nginx clean

venv: $(BIN)/pip
install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Debian's python3 needs python3-venv for ensurepip; a half-made .venv is removed, not reused.
$(BIN)/pip:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "$(PYTHON) -m venv failed; installing python3-venv ..."; \
		{ $(call APT,python3-venv); } && $(PYTHON) -m venv $(VENV); } \
		|| { rm -rf $(VENV); echo "could not create $(VENV): install python3-venv" >&2; exit 1; }

# torch first, pinned: pip then takes the CPU build that lies on disk. Asked for by another
# package first, pip would fetch the newest CUDA build (several GB).
$(VENV)/.runtime: requirements.txt | $(BIN)/pip
	$(PIP) "torch==2.13.0"
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) -r requirements-dev.txt
	touch $@

# ui.launch: Streamlit's own command line, after the imports every page needs (the first
# students' views then do not wait for torch and scikit-learn to load).
run: install
	$(BIN)/python -m ui.launch run streamlit_app.py --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

.PHONY: serve replicas replicas-stop

# A class on one server: the hosting profile (.streamlit/hosting.toml: no file watcher, 5 MB
# uploads, XSRF and CORS on), one training worker process per core, each on one torch thread
# (deploy/serve.py prints the settings it chose; GENLAB_JOBS or GENLAB_TORCH_THREADS set by
# hand win).
serve: install
	$(BIN)/python deploy/serve.py --port $(PORT)

# Two servers behind nginx on PORT, one store, sticky sessions (deploy/replicas.sh).
replicas: install
	deploy/replicas.sh start $(PORT)

replicas-stop:
	deploy/replicas.sh stop

# Debian's chromium drives the browser tests (Playwright's own browser download fails here).
# In CI (CI set to anything but empty, 0 or false: "true", "1", "yes", ...) a chromium we
# cannot install fails the run; elsewhere the e2e tests skip.
chromium:
	@[ -x $(CHROMIUM) ] && exit 0; \
	echo "installing Debian's chromium for the browser tests ..."; \
	{ $(call APT,chromium); } && [ -x $(CHROMIUM) ] && exit 0; \
	case "$$(printf '%s' "$$CI" | tr '[:upper:]' '[:lower:]')" in \
		""|0|false) ;; \
		*) echo "CI: $(CHROMIUM) is missing and could not be installed" >&2; exit 1;; \
	esac; \
	echo "warning: no $(CHROMIUM); the browser (e2e) tests will be skipped" >&2

# Debian's nginx for the replica test (tests/deploy/test_replicas.py): as with chromium, a
# missing nginx fails the run in CI; elsewhere that test skips and says why.
nginx:
	@[ -x $(NGINX) ] && exit 0; \
	echo "installing Debian's nginx for the replica test ..."; \
	{ $(call APT,nginx); } && [ -x $(NGINX) ] && exit 0; \
	case "$$(printf '%s' "$$CI" | tr '[:upper:]' '[:lower:]')" in \
		""|0|false) ;; \
		*) echo "CI: $(NGINX) is missing and could not be installed" >&2; exit 1;; \
	esac; \
	echo "warning: no $(NGINX); the replica test (tests/deploy) will be skipped" >&2

# One worker per core: every model trains on one thread, so a 2-core machine runs two at once.
# A test file goes to one worker, except the promise checks, spread by preset (tests/conftest.py).
# GENLAB_TORCH_THREADS=1: the workers already fill the cores, and a batched job (the phase
# diagram) on every core beside another worker's training crawled, 3 min a seed instead of 1.
# The store is safe to share.
test: install-dev chromium nginx
	GENLAB_STORE=$(TEST_STORE) GENLAB_TORCH_THREADS=1 $(BIN)/python -m pytest -q -n auto --durations=25 \
		--dist loadgroup

lint: install-dev
	$(BIN)/ruff check .

bench: install-dev
	$(BIN)/python -m bench

warm: install
	$(BIN)/python -m core warm

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts .genlab-store
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
