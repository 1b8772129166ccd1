#!/usr/bin/env bash
# The test command (README): sets up everything on a fresh machine, then lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# System components the tests start themselves (installed when missing and we may).
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || need+=(chromium)  # the browser tests
command -v jq >/dev/null 2>&1 || need+=(jq)              # the README tutorial's test
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -c constraints.txt -e '.[test]'
npm ci --prefix tests/federation --ignore-scripts --no-audit --no-fund --loglevel=error

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest "$@"
