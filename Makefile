# Notedesk: `make run` sets up and opens the app; `make test` sets up and runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := build/linux/system-packages.sh

.PHONY: run test system-run system-test clean

run: system-run $(VENV)/.installed-run bytecode
	$(BIN)/python launcher.py

test: system-test $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

system-run:
	@$(SYSTEM_PACKAGES) run

system-test:
	@$(SYSTEM_PACKAGES) run test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# A stamp per extra: pip runs again only when a pyproject.toml changes. The desktop shell is
# installed from its own project (editable here, so a change to it is live; `make shell-wheel`
# builds the wheel other projects install).
# (compat mode: a plain path on sys.path, which PyInstaller follows; the default finder hook it does not)
DESKTOP_SHELL := --config-settings editable_mode=compat -e ./desktop_shell
# With its optional `updates` extra (signed updates, docs/updates.md): the tests, the builds and
# `make keys` / `make release` need it; `make run` does not.
DESKTOP_SHELL_UPDATES := --config-settings editable_mode=compat -e "./desktop_shell[updates]"
PROJECTS := pyproject.toml desktop_shell/pyproject.toml

# The checkout's own modules compiled ahead (compileall skips those up to date): with
# PYTHONDONTWRITEBYTECODE set, each launch would compile them again (docs/performance.md).
.PHONY: bytecode
bytecode: | $(VENV)/bin/python
	$(BIN)/python -m compileall -q launcher.py desktop_shell/django_desktop_shell embedded_site

$(VENV)/.installed-run: $(PROJECTS) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet $(DESKTOP_SHELL) -e .
	touch $@

$(VENV)/.installed-test: $(PROJECTS) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet $(DESKTOP_SHELL_UPDATES) -e ".[test]"
	touch $@ $(VENV)/.installed-run

# The shell's wheel, for any Django project: dist/django_desktop_shell-VERSION-py3-none-any.whl.
.PHONY: shell-wheel
shell-wheel: $(VENV)/bin/python
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist ./desktop_shell

clean:
	rm -rf $(VENV) dist collected_static

# Installers (Linux: the one-file binary, the one-folder bundle, its .tar.gz and the .deb, in dist/).
# test-package builds them again in a temporary folder and tests them: too slow for `make test`.
.PHONY: package test-package system-package

package: system-package $(VENV)/.installed-package
	PYTHON=$(BIN)/python build/linux/build.sh dist

test-package: system-test system-package $(VENV)/.installed-test $(VENV)/.installed-package
	$(BIN)/python -m pytest -m packaging tests/packaging $(PYTEST_ARGS)

system-package:
	@$(SYSTEM_PACKAGES) run package

$(VENV)/.installed-package: $(PROJECTS) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet $(DESKTOP_SHELL_UPDATES) -e ".[package]"
	touch $@ $(VENV)/.installed-run

# Signed updates (docs/updates.md). `make keys` once: the signing keys go to a keystore outside
# the repository ($$DESKTOP_SHELL_UPDATE_KEYS, else ~/.config/notedesk-update-keys) and the trusted
# root to update-root.json (commit it). `make release` after `make package`: the update repository
# in dist/notedesk-updates/, beside the installers (upload it to the identity's update-url).
.PHONY: keys release

keys: $(VENV)/.installed-package
	$(BIN)/python -m django_desktop_shell.updates.keys .

release: package
	$(BIN)/python -m django_desktop_shell.updates.release . dist

# The long reliability runs (docs/reliability.md); `make test` runs short versions of both.
# soak: 20,000 mixed API requests from 8 clients, and 20 kill -9 rounds; fuzz: 1,000 examples an endpoint.
.PHONY: soak soak-sync fuzz

soak: system-test $(VENV)/.installed-test
	NOTEDESK_SOAK_REQUESTS=20000 NOTEDESK_CRASH_ROUNDS=20 $(BIN)/python -m pytest -s tests/reliability/test_soak.py tests/reliability/test_crash.py $(PYTEST_ARGS)

# Two devices and a server through many rounds of random changes (tests/sync/test_soak.py; docs/sync.md).
soak-sync: system-test system-server-tests $(VENV)/.installed-test $(VENV)/.installed-server
	NOTEDESK_SYNC_SOAK_ROUNDS=40 $(BIN)/python -m pytest -s tests/sync/test_soak.py $(PYTEST_ARGS)

fuzz: system-test $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -p no:logging --hypothesis-show-statistics tests/reliability/test_fuzz.py $(PYTEST_ARGS)

# The real-window and lifecycle runs, repeated until a rare failure shows itself (tests/shell/stress.py):
# STRESS_ARGS="--cycles 100 --suites 20 --load" by default; every failure is reported with its signal.
.PHONY: stress
STRESS_ARGS ?= --cycles 100 --suites 20 --load

stress: system-test $(VENV)/.installed-test
	$(BIN)/python -m tests.shell.stress $(STRESS_ARGS)

# Benchmarks (bench/, results in bench/results/, write-up in docs/performance.md). The installers
# are built first: start-up and sizes measure them. BENCH_ARGS go to bench/run_all.py.
.PHONY: bench system-bench

bench: system-bench $(VENV)/.installed-bench package
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

system-bench:
	@$(SYSTEM_PACKAGES) run test bench

$(VENV)/.installed-bench: $(PROJECTS) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet $(DESKTOP_SHELL) -e ".[bench]"
	touch $@ $(VENV)/.installed-run

# Notedesk as a server on PostgreSQL (docs/server.md). `make serve` starts a throwaway cluster in a
# temporary folder (build/linux/postgres.sh: Debian's postgresql, initdb and pg_ctl, as `nobody`
# when run as root), migrates, creates the user SERVE_USER if given (SERVE_PASSWORD, or it asks),
# and serves on http://127.0.0.1:$(SERVE_PORT) over plain HTTP (NOTEDESK_HTTPS=0: a local trial
# only). Ctrl+C stops the server and the cluster, and deletes the folder.
# `make test-server`: the notes API suite and tests/server/ (isolation, login limit, devices, HTTPS,
# and the hostile requests of tests/shell/security that apply to a server) against a PostgreSQL
# the tests start; then tests/sync/ (two desktops syncing with a server, docs/sync.md).
.PHONY: serve test-server system-server system-server-tests
SERVE_PORT ?= 8000
SERVE_USER ?=
SERVER_ENV = DJANGO_SETTINGS_MODULE=embedded_site.server_settings NOTEDESK_HTTPS=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$(SERVE_PORT),http://localhost:$(SERVE_PORT)

serve: system-server $(VENV)/.installed-server
	@folder=$$(mktemp -d /tmp/notedesk-serve.XXXXXX) && chmod 755 "$$folder" && \
	trap 'build/linux/postgres.sh stop "$$folder/cluster"; rm -rf "$$folder"' EXIT && \
	export $(SERVER_ENV) NOTEDESK_DATA_DIR="$$folder/data" \
		SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		DATABASE_URL=$$(build/linux/postgres.sh start "$$folder/cluster") && \
	$(BIN)/python -m django migrate --no-input && \
	if [ -n "$(SERVE_USER)" ]; then \
		if [ -n "$$SERVE_PASSWORD" ]; then DJANGO_SUPERUSER_PASSWORD="$$SERVE_PASSWORD" $(BIN)/python -m django createsuperuser --no-input --username "$(SERVE_USER)" --email ""; \
		else $(BIN)/python -m django createsuperuser --username "$(SERVE_USER)" --email ""; fi; \
	fi && \
	PORT=$(SERVE_PORT) $(BIN)/python -m embedded_site.serve

test-server: system-test system-server-tests $(VENV)/.installed-test $(VENV)/.installed-server
	$(BIN)/python -m pytest --ds=tests.server_settings tests/notes tests/server $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/sync $(PYTEST_ARGS)

system-server:
	@$(SYSTEM_PACKAGES) run server

# The server's tests also put it behind nginx (tests/sync/test_nginx.py), which `make serve` does not.
system-server-tests:
	@$(SYSTEM_PACKAGES) run server proxy

$(VENV)/.installed-server: $(PROJECTS) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet $(DESKTOP_SHELL) -e ".[server]"
	touch $@ $(VENV)/.installed-run
