"""Response headers that let browsers protect the app's pages, and the browser-id cookie on staff pages.

Pure ASGI middleware (it wraps `send`), so it adds headers to every HTTP response Streamlit sends (the
page, its scripts and styles, health checks, our /auth routes) without buffering anything; websocket
traffic passes through untouched.

Content-Security-Policy: everything from the app's own origin only. Streamlit needs inline styles (its
CSS-in-JS) and runs one inline script in its index.html, allowed by its hash, worked out at start-up from
the installed Streamlit, so an upgrade does not silently break the page. No eval, no other host for
scripts, images, fonts or connections; `frame-ancestors 'none'` (and X-Frame-Options: DENY for older
browsers) stops another site framing the app. HSTS is sent only on https responses (see docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voice.web import cookies
from voice.web.scripts import APP_INLINE_SCRIPTS

HSTS = "max-age=31536000"  # one year; no includeSubDomains: other sites of the domain are not ours to decide
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def _script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=1)
def streamlit_inline_script_hashes() -> tuple[str, ...]:
    """CSP hashes of the inline scripts in the installed Streamlit's index.html, and of the app's own fixed
    scripts (voice.web.scripts)."""
    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    try:
        bodies = _INLINE_SCRIPT.findall(index.read_text(encoding="utf-8"))
    except OSError:
        bodies = []
    return tuple(_script_hash(body) for body in (*bodies, *APP_INLINE_SCRIPTS))


def content_security_policy(https: bool) -> str:
    directives = [
        "default-src 'self'",
        # 'wasm-unsafe-eval' lets a bundled library compile its small WebAssembly helper (long.js, 64-bit
        # maths; it falls back to plain JavaScript without it). It does not allow eval of JavaScript.
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(streamlit_inline_script_hashes()),
        "style-src 'self' 'unsafe-inline'",  # Streamlit's components write their styles at run time
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",  # the websocket to the same host and port ('self' covers ws: and wss:)
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if https:
        directives.append("upgrade-insecure-requests")
    return "; ".join(d.strip() for d in directives)


def security_headers(https: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(https),
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",  # a young person's page address never reaches another site
        "X-Content-Type-Options": "nosniff",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """`staff_paths`: addresses of staff pages and sign-in (voice.ui.navigation.staff_paths, given by
    serve.py): the only pages that get the browser-id cookie, so young people's devices never carry it."""

    def __init__(self, app: ASGIApp, staff_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.staff_paths = frozenset(staff_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from voice.security.web_sessions import BROWSER_COOKIE

        request = HTTPConnection(scope)
        https = cookies.is_https(request.url.scheme)
        wants_browser_id = (scope.get("path", "").rstrip("/") in self.staff_paths
                            and BROWSER_COOKIE not in request.cookies)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(https).items():
                    headers[name] = value
                if wants_browser_id and headers.get("content-type", "").startswith("text/html"):
                    # A random id for this browser: one-time sign-in tickets are bound to it, so a ticket
                    # cannot be used from another browser (nor a stranger's sign-in pushed onto this one).
                    headers.append("set-cookie", f"{BROWSER_COOKIE}={cookies.new_browser_id()}; Path=/; HttpOnly; "
                                   f"SameSite=Lax" + ("; Secure" if https else ""))
            await send(message)

        await self.app(scope, receive, send_with_headers)
