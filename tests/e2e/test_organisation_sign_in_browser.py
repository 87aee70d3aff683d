"""Organisation sign-in (OIDC through st.login) against a real OpenID provider started here.

The provider is the certified `oidc-provider` package from npm (tests/e2e/oidc/provider.mjs), on
127.0.0.1: authorization code flow with PKCE and signed ID tokens, as Microsoft Entra ID does it. The app
takes roles from the ID token's `groups` claim through VOICE_OIDC_ROLE_MAP. Shown here: a bookmarked page
asks for sign-in and opens after it; a reload and a second tab stay signed in with the same role; signing
out ends the session; an account disabled in the app is refused; an identity with no role gets nothing and
is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import need_path, need_tool
from tests.e2e.conftest import ROOT, AppServer, _free_port, click_and_wait, screenshot, wait_idle

pytestmark = pytest.mark.e2e

PROVIDER = ROOT / "tests" / "e2e" / "oidc" / "provider.mjs"
PROVIDER_PASSWORD = "provider passphrase"
MAIN = "[data-testid='stMain']"
SIDEBAR = "[data-testid='stSidebar']"


class OpenIdProvider:
    def __init__(self, tmp: Path, redirect_uri: str):
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"oidc-{self.port}.log"
        self.redirect_uri = redirect_uri
        self.process: subprocess.Popen | None = None

    def start(self) -> "OpenIdProvider":
        node = need_tool("node", "the test OpenID provider runs on node")
        need_path(ROOT / "node_modules" / "oidc-provider", "run `npm ci` at the repository root")
        log = open(self.log_path, "w")
        self.process = subprocess.Popen([node, str(PROVIDER)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                        env={**os.environ, "OIDC_PORT": str(self.port),
                                             "OIDC_REDIRECT_URI": self.redirect_uri})
        deadline = time.time() + 30
        while time.time() < deadline:
            if "ready" in self.log_path.read_text():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"the OpenID provider stopped: {self.log_path.read_text()}")
            time.sleep(0.2)
        raise RuntimeError("the OpenID provider did not start within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture(scope="module")
def org(tmp_path_factory, engine):
    """The provider and an app configured for it (its own SQLite database)."""
    from voice.db import dispose_engine, get_engine, session_scope, upgrade
    from voice.security import accounts
    from voice.security.access import SYSTEM

    tmp = tmp_path_factory.mktemp("oidc")
    url = f"sqlite:///{tmp / 'voice.db'}"
    app = AppServer(tmp, url)
    provider = OpenIdProvider(tmp, f"{app.url}/oauth2callback").start()
    app.env.update({
        "VOICE_AUTH_SERVER_METADATA_URL": f"{provider.issuer}/.well-known/openid-configuration",
        "VOICE_AUTH_REDIRECT_URI": f"{app.url}/oauth2callback",
        "VOICE_AUTH_COOKIE_SECRET": "a test-only secret for st.login's identity cookie",
        "VOICE_AUTH_CLIENT_ID": "voice-app",
        "VOICE_AUTH_CLIENT_SECRET": "voice-app-secret",
        "VOICE_AUTH_PROMPT": "login",  # shared computers: the provider asks every time
        "VOICE_OIDC_ROLES_CLAIM": "groups",
        "VOICE_OIDC_ROLE_MAP": "voice-dsl=safeguarding_lead; voice-facilitators=facilitator",
    })
    db = get_engine(url)
    upgrade(db)
    with session_scope(db) as session:
        # Gus's organisation account is fine, but the partnership has disabled him here.
        accounts.create_user(session, SYSTEM, "gus", ["facilitator"], None, email="gus@council.example")
        accounts.deactivate_user(session, SYSTEM, "gus")
    try:
        app.start()
        yield app, provider, db
    finally:
        app.stop()
        provider.stop()
        dispose_engine(url)


def organisation_sign_in(page, app, email: str) -> None:
    page.get_by_role("button", name="Sign in with your organisation").click()  # leaves the app
    page.wait_for_url("**/interaction/**")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in to the council").click()
    page.wait_for_url(f"{app.url}/**")
    wait_idle(page)


def test_a_lead_signs_in_with_the_organisation_and_stays_signed_in(org, desktop, browser):
    app, _, db = org
    page = desktop
    page.goto(f"{app.url}/safeguarding")  # a bookmark, while signed out
    wait_idle(page)
    assert "Please sign in to open that page" in page.inner_text(MAIN)
    screenshot(page, "organisation-sign-in")
    organisation_sign_in(page, app, "dee@council.example")
    page.get_by_role("heading", name="Safeguarding queue").wait_for()
    assert "Signed in as dee@council.example" in page.inner_text(SIDEBAR)
    # st.login's own identity cookie is gone: the staff session alone signs her in, so it can end.
    names = {c["name"] for c in page.context.cookies()}
    assert "voice_staff" in names and not any(n.startswith("_streamlit_user") for n in names)

    page.reload()
    wait_idle(page)
    page.get_by_role("heading", name="Safeguarding queue").wait_for()

    second = page.context.new_page()
    second.goto(f"{app.url}/")
    wait_idle(second)
    second.get_by_role("heading", name="Home").wait_for()
    assert "Safeguarding lead" in second.inner_text(MAIN)
    nav = second.inner_text("[data-testid='stSidebarNav']")
    assert "Safeguarding queue" in nav and "Workspace" not in nav  # the role from the claim, nothing more

    click_and_wait(page, page.get_by_role("button", name="Sign out"))
    page.get_by_text("You have signed out").wait_for()
    assert "Signed in" not in page.inner_text("body")
    click_and_wait(second, second.locator("[data-testid='stSidebarNav'] a", has_text="Safeguarding queue"))
    second.get_by_text("signed out, in another tab or window").wait_for()
    assert "Signed in" not in second.inner_text("body")

    from voice.models import AuditEvent

    with db.connect() as connection:
        actions = [r.action for r in connection.execute(
            select(AuditEvent.action).where(AuditEvent.actor == "dee@council.example").order_by(AuditEvent.id))]
    assert actions[:1] == ["sign_in"] and "sign_out" in actions


def refused_sign_in(page, app, email: str) -> None:
    """Organisation sign-in from the sign-in page that must end signed out, with the kind message."""
    page.goto(f"{app.url}/sign_in")
    wait_idle(page)
    organisation_sign_in(page, app, email)
    page.get_by_text("isn't linked to an account here").wait_for()
    assert "Signed in" not in page.inner_text("body")


def test_an_account_disabled_here_is_refused(org, desktop):
    app, _, db = org
    page = desktop
    refused_sign_in(page, app, "gus@council.example")
    page.reload()
    wait_idle(page)
    assert "Signed in" not in page.inner_text("body")  # and nothing lingers for a reload to pick up

    from voice.models import AuditEvent

    with db.connect() as connection:
        refused = connection.execute(select(AuditEvent.target_id, AuditEvent.detail).where(
            AuditEvent.action == "sign_in_failed")).all()
    assert ("gus", {"method": "organisation", "reason": "disabled"}) in [(r.target_id, r.detail) for r in refused]


def test_an_identity_without_a_role_gets_nothing_and_is_audited(org, phone):
    from voice.models import AuditEvent

    app, _, db = org
    page = phone
    refused_sign_in(page, app, "sam@elsewhere.example")
    screenshot(page, "organisation-sign-in-refused-phone")
    with db.connect() as connection:
        refused = connection.execute(select(AuditEvent.target_id, AuditEvent.detail).where(
            AuditEvent.action == "sign_in_failed", AuditEvent.target_id.like("external:%"))).all()
    # A keyed hash of the identity (with the app's own key, made on its first start), never the address.
    assert refused and all("sam" not in r.target_id for r in refused)
    key = (app.tmp / "data" / "secret.key").read_bytes().strip()
    expected = "external:" + hmac.new(key, b"sam@elsewhere.example", hashlib.sha256).hexdigest()[:32]
    assert expected in [r.target_id for r in refused]
