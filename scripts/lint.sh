#!/usr/bin/env bash
# Lint and types (CI runs this once, before the tests): ruff on every Python file, mypy on src/voice.
# Settings are in pyproject.toml ([tool.ruff], [tool.mypy]); both come with the test extras.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m ruff check .
python -m mypy
