#!/usr/bin/env bash
# The README's start command: install, then run the app on the embedded SQLite default (demo content on first start).
# serve.py is the web entry point: the Streamlit script app.py inside st.App, with the sign-in routes and headers.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e .
exec python -m streamlit run serve.py --browser.gatherUsageStats false "$@"
