"""The web entry point: `streamlit run serve.py` (scripts/start.sh, the browser tests, the load harness).

Streamlit finds the module-level `app = st.App(...)` below and serves it with uvicorn. The app's pages
are still the Streamlit script `app.py` (AppTest and the tests load that file directly); this module adds
what a script cannot do itself: the routes that turn a one-time sign-in ticket into a cookie and clear it
again (voice.web.routes), security headers on every response (voice.web.middleware), and a log that
never prints a session id (voice.web.log_redaction). Organisation sign-in (st.login) is configured in
`.streamlit/secrets.toml` or by VOICE_AUTH_* variables (docs/security.md).
"""

import streamlit as st
from starlette.middleware import Middleware

import voice.ui  # noqa: F401  (switches Streamlit's old pages/-folder mode off before the first run)
from voice.config import auth_secrets
from voice.ui.navigation import staff_paths
from voice.web import log_redaction
from voice.web.middleware import SecurityHeadersMiddleware
from voice.web.routes import routes

log_redaction.install()

app = st.App("app.py", routes=routes(), secrets=auth_secrets(),
             middleware=[Middleware(SecurityHeadersMiddleware, staff_paths=staff_paths())])
