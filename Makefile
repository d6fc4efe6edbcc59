# The two commands a newcomer needs: `make demo` and `make test`. Each creates .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
# When make started (read once, as the Makefile is parsed): `make test` reports its whole wall time.
MAKE_START := $(shell date +%s)
BIN := $(VENV)/bin
# The suite on every core, a file's tests on one worker; `make test PYTEST_ARGS='-p no:xdist -x'` runs it in one process.
PYTEST_ARGS ?= -n auto --dist loadfile

.PHONY: demo test soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools says "Editable installation." (a note that a folder named like a package may shadow
# it) as a warning on every editable install: nothing to act on, so not shown.
QUIET_BUILD := PYTHONWARNINGS="ignore:Editable installation"

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(QUIET_BUILD) $(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(QUIET_BUILD) $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/govflow demo

# Says how long it took, pass or fail: pytest alone, and the whole `make test` (venv, installs, tools).
test: $(VENV)/.installed-test
	bash scripts/install-test-tools
	@echo "$(BIN)/python -m pytest $(PYTEST_ARGS)"; \
	pytest_start=$$(date +%s); status=0; \
	$(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	end=$$(date +%s); \
	echo "make test: $$((end - $(MAKE_START))) s wall in all, of which pytest $$((end - pytest_start)) s (exit status $$status)"; \
	exit $$status

# Not part of `make test`: kill -9 and concurrent senders and loads against PostgreSQL
# (GOVFLOW_SOAK_DATABASE_URL, a schema of its own) and a slow SMTP relay; exits 1 if a digest is lost.
soak: $(VENV)/.installed-test
	$(BIN)/python scripts/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .govflow .pytest_cache
