#!/usr/bin/env bash
# The README's test command: install the project with its test extras (and axe-core), then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[test]"
# axe-core for the accessibility checks and oidc-provider (the OpenID provider the organisation sign-in
# tests start), from the npm registry at the versions package-lock.json pins (without them those checks
# skip, or fail when CI=true).
if { [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/oidc-provider/package.json ]; } \
    && command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
fi
python -m pytest -q "$@"
