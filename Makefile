# Tupa — the commands. The only prerequisite on a fresh clone is Python ≥ 3.11.
#
#   make demo      build the demo database, serve it with its task worker at http://127.0.0.1:8000/ (PORT=…)
#   make test      lint, type checks and the whole test suite (SQLite, PostgreSQL, browser)
#   make lint      only the lint stage: ruff, mypy, import layers (lint-imports), architecture rules
#   make messages  extract translatable strings into locale/{fi,sv,en}/LC_MESSAGES/django.po
#   make lock      regenerate requirements/*.txt from pyproject.toml (needs uv)
#   make clean     remove .venv and var/ (the demo database!)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8000
# The demo runs without the second factor so a newcomer can log in with the documented password;
# the login page then says that 2FA is off. `make demo TUPA_REQUIRE_2FA=true` switches it on.
TUPA_REQUIRE_2FA ?= false

VENV := .venv
VPY := $(VENV)/bin/python
MANAGE := $(VPY) manage.py
PIP_INSTALL := $(VPY) -m pip install --disable-pip-version-check --require-hashes
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help demo test lint messages lock clean

help:
	@sed -n '1,9s/^# \{0,1\}//p' Makefile

$(VPY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: '$(PYTHON)' not found. Tupa needs Python 3.11 or newer (make PYTHON=/path/to/python3.11)." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "error: Tupa needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) -V 2>&1)." >&2; \
	  echo "       Run e.g. 'make $(or $(MAKECMDGOALS),help) PYTHON=python3.11'." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock file changes (the stamp is older than the lock).
$(RUNTIME_STAMP): requirements/runtime.txt | $(VPY)
	$(PIP_INSTALL) -r requirements/runtime.txt
	@touch $@

# The test run installs without compiling every package's bytecode (15 of 37 s on a fresh clone,
# for scipy's and matplotlib's thousands of modules): scripts/test_all.py lets its children
# write the bytecode of what they import (ADR 0035).
$(DEV_STAMP): requirements/dev.txt | $(VPY)
	$(PIP_INSTALL) --no-compile -r requirements/dev.txt
	@touch $@ $(RUNTIME_STAMP)

demo: export TUPA_DEMO := true
demo: export TUPA_REQUIRE_2FA := $(TUPA_REQUIRE_2FA)
demo: $(RUNTIME_STAMP)
	$(MANAGE) compiletranslations
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) build_demo
	@echo "Tupa demo: http://127.0.0.1:$(PORT)/ (two-factor authentication required: $(TUPA_REQUIRE_2FA))"
	@# The task worker runs the background exports (PDF, Excel) beside the server and stops with it.
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(DEV_STAMP)
	$(VPY) scripts/test_all.py

lint: $(DEV_STAMP)
	$(VPY) scripts/test_all.py lint

messages: $(RUNTIME_STAMP)
	$(MANAGE) makemessages -l fi -l sv -l en --no-obsolete \
	  --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore '*/tests/*'

lock:
	@command -v uv >/dev/null 2>&1 || { echo "error: 'make lock' needs uv (https://docs.astral.sh/uv/)." >&2; exit 1; }
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-strip-extras -o requirements/runtime.txt
	uv pip compile pyproject.toml --group dev --python-version 3.11 --generate-hashes --no-strip-extras -o requirements/dev.txt

clean:
	rm -rf $(VENV) var/
