"""The app's own HTTP side without Streamlit: a ticket becomes a cookie once, sign-out clears it, every
response carries the security headers, and the browser-id cookie goes only to staff pages."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from voice.db import session_scope
from voice.security import accounts, web_sessions
from voice.security.access import SYSTEM
from voice.ui.navigation import staff_paths
from voice.web.middleware import SecurityHeadersMiddleware, content_security_policy, streamlit_inline_script_hashes
from voice.web.routes import routes, safe_next

BROWSER = "a browser id"


def _page(request):
    return HTMLResponse("<html><body>the app</body></html>")


def _asset(request):
    return PlainTextResponse("console.log(1)", media_type="text/javascript")


@pytest.fixture
def app(clean_db, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("VOICE_HTTPS", raising=False)
    with session_scope(clean_db) as session:
        accounts.create_user(session, SYSTEM, "fran", ["facilitator"], None)
    return Starlette(routes=[*routes(), Route("/", _page), Route("/workspace", _page), Route("/sign_in", _page),
                             Route("/static/app.js", _asset)],
                     middleware=[Middleware(SecurityHeadersMiddleware, staff_paths=staff_paths())])


def _ticket(engine, value=None, next_path="/workspace", browser=BROWSER, purpose="staff"):
    with session_scope(engine) as session:
        return web_sessions.issue_ticket(session, purpose, value or {"username": "fran", "method": "password"},
                                         browser, next_path)


def _set_cookie_headers(response) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_a_ticket_becomes_an_httponly_samesite_cookie_once(app, clean_db):
    client = TestClient(app, base_url="http://127.0.0.1")
    ticket = _ticket(clean_db)
    client.cookies.set(web_sessions.BROWSER_COOKIE, BROWSER)
    response = client.get(f"/auth/session?ticket={ticket}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/workspace"
    assert response.headers["cache-control"] == "no-store"
    cookie = next(c for c in _set_cookie_headers(response) if c.startswith("voice_staff="))
    attributes = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes
    assert "secure" not in attributes  # plain http (a developer's own machine): see the https test
    assert not any(a.startswith(("max-age", "expires")) for a in attributes)  # ends with the browser
    token = cookie.split(";")[0].split("=", 1)[1]
    with session_scope(clean_db) as session:
        assert web_sessions.look_up(session, "staff", token).active
    # The same ticket again: refused, and the person is asked to sign in again.
    again = client.get(f"/auth/session?ticket={ticket}", follow_redirects=False)
    assert again.headers["location"] == "/sign_in?notice=link_expired"
    assert not any(c.startswith("voice_staff=") for c in _set_cookie_headers(again))


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(app, clean_db):
    client = TestClient(app, base_url="https://voice.example.org")
    client.cookies.set(web_sessions.BROWSER_COOKIE, BROWSER)
    response = client.get(f"/auth/session?ticket={_ticket(clean_db)}", follow_redirects=False)
    cookie = next(c for c in _set_cookie_headers(response) if c.startswith("voice_staff="))
    assert "secure" in [a.strip().lower() for a in cookie.split(";")]
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    assert "upgrade-insecure-requests" in response.headers["content-security-policy"]


def test_behind_a_tls_proxy_that_does_not_say_so_https_can_be_forced(app, clean_db, monkeypatch):
    monkeypatch.setenv("VOICE_HTTPS", "on")
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set(web_sessions.BROWSER_COOKIE, BROWSER)
    response = client.get(f"/auth/session?ticket={_ticket(clean_db)}", follow_redirects=False)
    assert "Secure" in next(c for c in _set_cookie_headers(response) if c.startswith("voice_staff="))
    assert "strict-transport-security" in response.headers


def test_a_ticket_from_another_browser_or_for_a_disabled_account_gives_no_cookie(app, clean_db):
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set(web_sessions.BROWSER_COOKIE, "somebody else's browser")
    response = client.get(f"/auth/session?ticket={_ticket(clean_db)}", follow_redirects=False)
    assert response.headers["location"] == "/sign_in?notice=link_expired"
    assert not any(c.startswith("voice_staff=") for c in _set_cookie_headers(response))
    with session_scope(clean_db) as session:
        accounts.deactivate_user(session, SYSTEM, "fran")
    client.cookies.set(web_sessions.BROWSER_COOKIE, BROWSER)
    response = client.get(f"/auth/session?ticket={_ticket(clean_db)}", follow_redirects=False)
    assert response.headers["location"] == "/sign_in?notice=link_expired"


def test_next_is_always_a_page_of_this_app(app, clean_db):
    for evil in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
                 "/auth/session?ticket=x", "/_stcore/health", "/workspace?x=1", "", "workspace"):
        assert safe_next(evil) == "/", evil
    assert safe_next("/safeguarding") == "/safeguarding"
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set(web_sessions.BROWSER_COOKIE, BROWSER)
    response = client.get(f"/auth/session?ticket={_ticket(clean_db, next_path='https://evil.example/')}",
                          follow_redirects=False)
    assert response.headers["location"] == "/"


def test_signing_out_clears_the_staff_cookie_and_st_logins_identity(app):
    client = TestClient(app, base_url="http://127.0.0.1")
    for name in ("voice_staff", "_streamlit_user", "_streamlit_user__1", "_streamlit_user_tokens"):
        client.cookies.set(name, "x")
    response = client.get("/auth/signed-out?reason=timed_out&next=/workspace", follow_redirects=False)
    assert response.headers["location"] == "/workspace?notice=timed_out"
    cleared = {c.split("=", 1)[0] for c in _set_cookie_headers(response) if "max-age=0" in c.lower()}
    assert {"voice_staff", "_streamlit_user", "_streamlit_user__1", "_streamlit_user_tokens"} <= cleared
    odd = client.get("/auth/signed-out?reason=<script>&next=https://evil.example", follow_redirects=False)
    assert odd.headers["location"] == "/sign_in"  # an unknown reason shows nothing; never another site


def test_every_response_carries_the_security_headers(app):
    client = TestClient(app, base_url="http://127.0.0.1")
    for path in ("/", "/workspace", "/static/app.js", "/auth/signed-out"):
        headers = client.get(path, follow_redirects=False).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "'unsafe-eval'" not in csp and "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in csp
        assert "strict-transport-security" not in headers  # plain http: HSTS would mean nothing


def test_the_csp_allows_exactly_streamlits_own_inline_script():
    hashes = streamlit_inline_script_hashes()
    assert len(hashes) >= 1 and all(h.startswith("'sha256-") for h in hashes)
    assert all(h in content_security_policy(https=False) for h in hashes)


def test_the_browser_id_cookie_goes_only_to_staff_pages(app):
    client = TestClient(app, base_url="http://127.0.0.1")
    young = client.get("/")
    assert not _set_cookie_headers(young)  # a young person's device gets no id
    assert not _set_cookie_headers(client.get("/static/app.js"))
    staff = client.get("/workspace")
    cookie = next(c for c in _set_cookie_headers(staff) if c.startswith("voice_browser="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    client.cookies.set("voice_browser", "kept")
    assert not _set_cookie_headers(client.get("/sign_in"))  # set once, then left alone


def test_another_use_keeps_a_value_for_this_browser(app, clean_db):
    """voice.ui.browser_store's round trip (issue 17's survey): a value behind a voice_<purpose> cookie."""
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set(web_sessions.BROWSER_COOKIE, BROWSER)
    ticket = _ticket(clean_db, {"value": "K7QF-M2XD", "max_seconds": 600, "idle_seconds": None,
                                "cookie_max_age": 1200}, next_path="/", purpose="survey")
    response = client.get(f"/auth/session?ticket={ticket}", follow_redirects=False)
    cookie = next(c for c in _set_cookie_headers(response) if c.startswith("voice_survey="))
    assert "Max-Age=1200" in cookie and "HttpOnly" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    with session_scope(clean_db) as session:
        found = web_sessions.look_up(session, "survey", token)
        assert found.active and found.subject == "K7QF-M2XD"
        assert web_sessions.look_up(session, "staff", token).status == web_sessions.UNKNOWN  # no staff access
        web_sessions.end(session, "survey", token, "forgotten")
        assert not web_sessions.look_up(session, "survey", token).active

