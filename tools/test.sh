#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run them all:
# ruff, unit + doctests, AppTest page tests, and browser tests in real Chromium.
# Idempotent: a second run reuses the virtualenv and the installed browser.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's chromium for the browser tests, nginx for the scale-out test
# (tests/e2e/test_replicas.py runs two replicas behind it, from a temporary prefix),
# and Node.js for the animator's caption test (tests/unit/test_animator_caption.py
# runs the animation's own JavaScript) and the animator's `node --test` tests
# (tests/js/, run by tests/unit/test_js.py).
MISSING=""
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  MISSING="chromium fonts-dejavu-core"
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  MISSING="$MISSING nginx"
fi
# redis-server for the class store's contract tests (tests/unit/test_rooms_store.py) and
# the class-mode replica test.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  MISSING="$MISSING redis-server"
fi
if ! command -v node >/dev/null 2>&1; then
  MISSING="$MISSING nodejs"
fi
if [ -n "$MISSING" ]; then
  echo "== installing Debian packages:$MISSING"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== installing requirements-dev.txt"
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

echo "== ruff"
.venv/bin/ruff check .

echo "== mypy (strict on cnnviz/core and cnnviz/data; pyproject.toml [tool.mypy])"
.venv/bin/mypy

echo "== pytest"
exec .venv/bin/python -m pytest "$@"
