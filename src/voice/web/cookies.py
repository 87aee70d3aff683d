"""Cookie attributes in one place: HttpOnly, SameSite=Lax, Path=/, and Secure whenever served over https.

SameSite=Lax (not Strict): a lead who follows a link to /safeguarding from an e-mail or a chat message
must arrive signed in; Lax still keeps the cookie off cross-site POSTs and sub-requests.
Secure is set when the request came over https (uvicorn reads X-Forwarded-Proto from a trusted proxy) or
when VOICE_HTTPS=on. Plain http is only for a machine's own address while developing or testing.
"""

from __future__ import annotations

import secrets

from starlette.requests import HTTPConnection
from starlette.responses import Response

from voice.config import get_settings

STREAMLIT_IDENTITY_COOKIES = ("_streamlit_user", "_streamlit_user_tokens")  # st.login's signed identity


def is_https(scheme: str) -> bool:
    mode = get_settings().https
    return mode == "on" or (mode == "auto" and scheme in ("https", "wss"))


def set_cookie(response: Response, request: HTTPConnection, name: str, value: str,
               max_age: int | None = None) -> None:
    """A session cookie (gone when the browser closes) unless `max_age` is given."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=is_https(request.url.scheme))


def delete_cookie(response: Response, request: HTTPConnection, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=is_https(request.url.scheme))


def delete_streamlit_identity(response: Response, request: HTTPConnection) -> None:
    """Forget st.login's identity cookies (and their numbered chunks): once the organisation has vouched
    for someone, their staff session is the only thing that signs them in, so it can time out and end."""
    for name in request.cookies:
        base = name.rstrip("0123456789").rstrip("_") if name[-1:].isdigit() else name
        if base in STREAMLIT_IDENTITY_COOKIES:
            response.delete_cookie(name, path="/")


def new_browser_id() -> str:
    return secrets.token_urlsafe(24)
