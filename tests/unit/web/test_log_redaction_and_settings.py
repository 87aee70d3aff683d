"""The server log never prints a session id or a ticket; the session and sign-in settings are read right."""

from __future__ import annotations

import io
import logging
import uuid

import pytest

from voice.config import auth_secrets, get_settings, parse_role_map
from voice.web import log_redaction


def test_streamlit_style_log_lines_lose_their_session_ids():
    log_redaction.install()
    log_redaction.install()  # idempotent
    stream = io.StringIO()
    logger = logging.getLogger("streamlit.runtime.websocket_session_manager.test")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    session_id = str(uuid.uuid4())
    try:
        logger.warning("Session with id %s is already connected! Reconnecting to existing session.", session_id)
        logger.warning("Ignoring reconnect to logged-out session id %s.", uuid.UUID(session_id))
        logger.warning(f"inline {session_id} and GET /auth/session?ticket=abcDEF123-_x HTTP/1.1")
        logger.warning("a count stays a count: %d sessions", 3)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert session_id not in text and "abcDEF123" not in text
    assert text.count("[redacted]") == 4 and "3 sessions" in text


def test_session_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("VOICE_SESSION_IDLE_SECONDS", "90")
    monkeypatch.setenv("VOICE_SESSION_MAX_SECONDS", "3600")
    settings = get_settings()
    assert (settings.session_idle_seconds, settings.session_max_seconds) == (90, 3600)
    monkeypatch.setenv("VOICE_SESSION_IDLE_SECONDS", "0")
    with pytest.raises(ValueError, match="positive"):
        get_settings()
    monkeypatch.delenv("VOICE_SESSION_IDLE_SECONDS")
    monkeypatch.setenv("VOICE_HTTPS", "sometimes")
    with pytest.raises(ValueError, match="auto, on or off"):
        get_settings()


def test_the_role_map_reads_claim_values_and_roles():
    assert parse_role_map("Voice.Lead=safeguarding_lead; 3f2a-99=facilitator\n3f2a-99=board_member") == (
        ("Voice.Lead", "safeguarding_lead"), ("3f2a-99", "facilitator"), ("3f2a-99", "board_member"))
    assert parse_role_map("") == ()
    with pytest.raises(ValueError, match="claim value=role"):
        parse_role_map("just-a-group")


def test_auth_secrets_from_the_environment(monkeypatch):
    monkeypatch.delenv("VOICE_AUTH_SERVER_METADATA_URL", raising=False)
    assert auth_secrets() is None
    values = {"SERVER_METADATA_URL": "https://login.example/.well-known/openid-configuration",
              "REDIRECT_URI": "https://voice.example.org/oauth2callback", "COOKIE_SECRET": "c",
              "CLIENT_ID": "id", "CLIENT_SECRET": "s"}
    for key, value in values.items():
        monkeypatch.setenv(f"VOICE_AUTH_{key}", value)
    assert auth_secrets() == {"auth": {k.lower(): v for k, v in values.items()}}
    monkeypatch.setenv("VOICE_AUTH_PROMPT", "login")
    assert auth_secrets()["auth"]["client_kwargs"] == {"prompt": "login"}
    monkeypatch.delenv("VOICE_AUTH_CLIENT_SECRET")
    with pytest.raises(ValueError, match="VOICE_AUTH_CLIENT_SECRET"):
        auth_secrets()
