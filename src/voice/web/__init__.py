"""The app's own HTTP side, served by Streamlit's ASGI entry point (`st.App` in serve.py).

- routes.py: /auth/session (a one-time ticket becomes a cookie) and /auth/signed-out (cookies cleared);
- middleware.py: security headers on every response (CSP, frame-ancestors, Referrer-Policy, nosniff, HSTS
  over https) and the browser-id cookie on staff pages;
- log_redaction.py: Streamlit's own log lines never print a session id.

Nothing here imports Streamlit's script API (only voice.ui does); serve.py wires it all together.
"""

from __future__ import annotations

# Set by voice.web.routes.routes(), i.e. when serve.py builds the app. A script run checks it before
# sending the browser to a route that would not exist under a plain `streamlit run app.py`.
ROUTES_INSTALLED = False
