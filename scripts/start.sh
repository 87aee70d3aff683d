#!/usr/bin/env bash
# The README's start command: install, then run the app on the embedded SQLite default (demo content on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e .
exec python -m streamlit run app.py --browser.gatherUsageStats false "$@"
