"""The leads are told at once: e-mail to a real SMTP server the test starts (aiosmtpd), a webhook to a real
local HTTP server; after the commit, never holding up or failing a young person's submit; nothing lost
when the mail server is down; and no young person's words in any message."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from tests.unit.safeguarding.conftest import WEBCAM_THREAT, submitted_and_analysed
from tests.unit.safeguarding.mail import free_port, start_smtp, wait_for
from voice.models import NotificationOutbox, SafeguardingItem
from voice.safeguarding import notify
from voice.safeguarding.records import Raised

WORDS = "my stepdad hits me and I am scared to go home"


@pytest.fixture
def smtp(monkeypatch):
    inbox, controller = start_smtp()
    for name, value in {"VOICE_SMTP_HOST": "127.0.0.1", "VOICE_SMTP_PORT": str(inbox.port),
                        "VOICE_SMTP_FROM": "voice@partnership.example",
                        "VOICE_SMTP_TO": "dsl1@partnership.example, dsl2@partnership.example",
                        "VOICE_BASE_URL": "https://voice.partnership.example/"}.items():
        monkeypatch.setenv(name, value)
    yield inbox
    controller.stop()


def _submit(session, words=WORDS, extra=None) -> str:
    from voice.responses import service

    code = service.start_response(session, "esafety_year9").resume_code
    answers = {"esafety_worries": words, **(extra or {})}
    service.save_step(session, code, answers, list(answers), 1)
    return service.submit(session, code)


def _everything(message) -> str:
    return str(message["Subject"]) + "\n" + message.get_content()


def test_a_submitted_disclosure_sends_one_e_mail_after_the_commit_without_the_words(session, published_surveys,
                                                                                    smtp, make):
    make.group("HILL01", "Demo Hill Academy")
    _submit(session, extra=WEBCAM_THREAT)
    assert smtp.messages == []  # nothing leaves before the commit
    session.commit()
    notify.wait_for_sender(session.get_bind())
    assert wait_for(lambda: len(smtp.messages) == 1)
    sender, recipients, message = smtp.messages[0]
    assert sender == "voice@partnership.example"
    assert recipients == ["dsl1@partnership.example", "dsl2@partnership.example"]
    text = _everything(message)
    assert message["Subject"] == "Safeguarding queue: 1 new item"
    assert "https://voice.partnership.example/safeguarding" in text
    assert "Abuse at home" in text and "Threats or blackmail" in text and "New items: 1" in text
    for secret in (WORDS, "stepdad", "scared", "Hill"):
        assert secret not in text
    row = session.scalars(select(NotificationOutbox)).one()
    assert row.sent_at is not None and row.sent_to == "email" and row.attempts == 1


def test_an_addition_to_an_open_item_is_announced_too(session, published_surveys, smtp, make):
    from voice.models import Answer
    from voice.safeguarding.records import NewIndicator, raise_indicators

    response = make.response({"esafety_worries": WORDS})
    from voice.analysis.store import analyse_new_answers

    analyse_new_answers(session)
    session.commit()
    answer = Answer(response_id=response.id, question_id="sent_self_image", option_id="yes")
    session.add(answer)
    session.flush()
    notify.enqueue(session, raise_indicators(session, [NewIndicator(response.id, answer.id, "closed",
                                                                   ("sexual_abuse",))]))
    session.commit()
    notify.wait_for_sender(session.get_bind())
    assert wait_for(lambda: len(smtp.messages) == 2)
    assert smtp.messages[1][2]["Subject"] == "Safeguarding queue: 1 item with something added"


def test_credentials_are_used_when_set(session, published_surveys, smtp, monkeypatch):
    monkeypatch.setenv("VOICE_SMTP_USERNAME", "voice-app")
    monkeypatch.setenv("VOICE_SMTP_PASSWORD", "letmein")
    _submit(session)
    session.commit()
    notify.wait_for_sender(session.get_bind())
    assert wait_for(lambda: len(smtp.messages) == 1)
    assert smtp.logins == [("voice-app", "letmein")]


def test_a_mail_server_that_is_down_never_holds_up_the_submit_and_nothing_is_lost(session, published_surveys,
                                                                                  monkeypatch, smtp):
    port = free_port()  # nothing listens here
    monkeypatch.setenv("VOICE_SMTP_PORT", str(port))
    started = time.perf_counter()
    receipt = _submit(session)
    session.commit()
    elapsed = time.perf_counter() - started
    submitted_and_analysed(session)
    assert receipt and elapsed < 3.0  # the submit does not wait for the mail server
    assert session.scalar(select(func.count()).select_from(SafeguardingItem)) == 1

    def failed_once() -> bool:
        session.rollback()  # a fresh look each time (a read transaction keeps seeing its snapshot)
        return bool(session.scalar(select(NotificationOutbox.last_error)))

    assert wait_for(failed_once)
    row = session.scalars(select(NotificationOutbox)).one()
    assert row.attempts == 1
    assert row.sent_at is None and "email" in row.last_error and row.next_attempt_at > row.created_at
    # The server is back: the next send (here `voice analyse`'s, once the retry is due) delivers it.
    monkeypatch.setenv("VOICE_SMTP_PORT", str(smtp.port))
    report = notify.drain(session.get_bind(), now=row.next_attempt_at)
    assert report.sent == 1 and len(smtp.messages) == 1


def test_a_message_written_before_a_crash_is_sent_later(session, published_surveys, smtp, monkeypatch):
    monkeypatch.setattr(notify, "kick", lambda engine: None)  # the app stopped right after the commit
    _submit(session)
    submitted_and_analysed(session)
    assert smtp.messages == [] and session.scalar(select(func.count()).select_from(NotificationOutbox)) == 1
    report = notify.drain(session.get_bind())  # the next start, `voice analyse`, or the lead's page
    assert (report.sent, report.waiting) == (1, 0) and len(smtp.messages) == 1
    assert notify.drain(session.get_bind()).sent == 0  # never twice


def test_a_rolled_back_submit_announces_nothing(session, published_surveys, smtp):
    _submit(session)
    session.rollback()
    time.sleep(0.3)
    assert smtp.messages == [] and session.scalar(select(func.count()).select_from(NotificationOutbox)) == 0


def test_without_settings_nothing_is_queued(session, published_surveys, monkeypatch):
    for name in ("VOICE_SMTP_HOST", "VOICE_NOTIFY_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    _submit(session)
    submitted_and_analysed(session)
    assert session.scalar(select(func.count()).select_from(SafeguardingItem)) == 1
    assert session.scalar(select(func.count()).select_from(NotificationOutbox)) == 0


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"1")

    def log_message(self, *args):
        pass


def test_a_teams_style_webhook_is_posted_without_the_words(session, published_surveys, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Hook.received = []
    try:
        monkeypatch.delenv("VOICE_SMTP_HOST", raising=False)
        monkeypatch.setenv("VOICE_NOTIFY_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook?key=abc")
        _submit(session)
        session.commit()
        notify.wait_for_sender(session.get_bind())
        assert wait_for(lambda: len(Hook.received) == 1)
    finally:
        server.shutdown()
    kind, payload = Hook.received[0]
    assert kind == "application/json" and payload["@type"] == "MessageCard"
    assert payload["title"] == "Safeguarding queue: 1 new item" and "/safeguarding" in payload["text"]
    assert "stepdad" not in json.dumps(payload)


def test_the_words_of_a_message_come_only_from_counts_and_categories():
    message = notify.compose(Raised(new_items=[4, 5], updated_items=[2], categories=["self_harm_suicide", "x_y"]),
                             "http://localhost:8501/")
    assert message.subject == "Safeguarding queue: 2 new items and 1 item with something added"
    assert "Self-harm or suicide, X y" in message.body and "http://localhost:8501/safeguarding" in message.body
    assert "New items: 2 (#4, #5)" in message.body and "Items with something added: 1 (#2)" in message.body


def test_secrets_stay_out_of_the_settings_repr(monkeypatch):
    from voice.config import notify_settings

    monkeypatch.setenv("VOICE_SMTP_PASSWORD", "hunter2")
    monkeypatch.setenv("VOICE_NOTIFY_WEBHOOK_URL", "https://example.webhook.office.com/secret-key")
    assert "hunter2" not in repr(notify_settings()) and "secret-key" not in repr(notify_settings())


def test_after_commit_work_waits_for_the_real_commit_not_a_savepoint(session, published_surveys):
    from voice.db import after_commit

    ran = []
    with session.begin_nested():
        after_commit(session, "probe", lambda engine: ran.append(engine))
    assert ran == []  # the savepoint was released, the transaction is still open
    session.commit()
    assert ran == [session.get_bind()]
    session.scalar(select(func.count()).select_from(SafeguardingItem))  # a transaction is open again
    after_commit(session, "probe", lambda engine: ran.append("again"))
    session.rollback()
    session.commit()
    assert ran == [session.get_bind()]  # rolled back: never run
