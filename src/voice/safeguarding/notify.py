"""Telling the safeguarding leads at once: e-mail over SMTP and/or a webhook (e.g. Microsoft Teams).

How a message travels:
1. `enqueue` writes one NotificationOutbox row in the SAME transaction as the items it is about (so a
   crash can never lose it, nor announce an item that was rolled back), and asks voice.db.after_commit
   to start the sender.
2. After the commit, a background thread (`kick`) sends what is waiting: the young person's submit never
   waits for a mail server, and never fails because of one. A failed send is retried with a growing
   wait (1, 5, 15, 60 minutes, then hourly) by the same thread while the app runs; `voice analyse` and
   the lead's pages also send what is waiting (a crash loses nothing: the rows are in the database).
3. A message holds counts, item numbers, categories and a link to /safeguarding: never a young person's
   words, never a group or school name (`compose` is the only place a message is written).

Settings (voice.config.NotifySettings, from VOICE_SMTP_* / VOICE_NOTIFY_WEBHOOK_URL / VOICE_BASE_URL):
with neither e-mail nor a webhook set, nothing is queued and the queue page is the only signal.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from voice.config import NotifySettings, notify_settings
from voice.db import after_commit, session_scope, utcnow
from voice.models import NotificationOutbox
from voice.safeguarding.categories import labels
from voice.safeguarding.records import Raised

log = logging.getLogger(__name__)

RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
CLAIM_FOR = timedelta(minutes=2)  # a sender that died mid-send frees its message after this
TIMEOUT_SECONDS = 15
EMAIL, WEBHOOK = "email", "webhook"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _numbers(item_ids: list[int], most: int = 20) -> str:
    """' (#12, #15)': item numbers let leads share out the work; they say nothing about anyone."""
    if not item_ids:
        return ""
    shown = ", ".join(f"#{i}" for i in item_ids[:most])
    return f" ({shown}{', …' if len(item_ids) > most else ''})"


def compose(raised: Raised, base_url: str) -> Message:
    """The words of a notification. Counts, categories and a link only (tested: no answer text gets in)."""
    parts = []
    if raised.new_items:
        parts.append(_plural(len(raised.new_items), "new item", "new items"))
    if raised.updated_items:
        parts.append(_plural(len(raised.updated_items), "item with something added", "items with something added"))
    summary = " and ".join(parts)
    link = f"{base_url.rstrip('/')}/safeguarding"
    body = "\n".join([
        "Young People's Voice: there is something new in the safeguarding queue.",
        "",
        f"New items: {len(raised.new_items)}{_numbers(raised.new_items)}",
        f"Items with something added: {len(raised.updated_items)}{_numbers(raised.updated_items)}",
        f"Categories: {labels(raised.categories)}",
        "",
        f"Please read them in the queue (sign in first): {link}",
        "",
        "This message holds no young person's words and no names: they are only in the queue.",
        "Replies to this message are not read.",
    ])
    return Message(f"Safeguarding queue: {summary}", body)


def enqueue(session: Session, raised: Raised, settings: NotifySettings | None = None,
            now: datetime | None = None) -> NotificationOutbox | None:
    """Queue one message about `raised` (in the caller's transaction); it is sent after the commit."""
    settings = settings or notify_settings()
    if not raised or not settings.configured:
        return None
    now = now or utcnow()
    message = compose(raised, settings.base_url)
    row = NotificationOutbox(created_at=now, subject=message.subject, body=message.body,
                             new_items=len(raised.new_items), updated_items=len(raised.updated_items),
                             categories=list(raised.categories),
                             item_ids=sorted(set(raised.new_items) | set(raised.updated_items)),
                             attempts=0, next_attempt_at=now, sent_to="", last_error="")
    session.add(row)
    session.flush()
    after_commit(session, "notify", kick)
    return row


# ------------------------------------------------------------------ sending

def send_email(message: Message, settings: NotifySettings) -> None:
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = ", ".join(settings.smtp_to)
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    mail.set_content(message.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(mail)


def send_webhook(message: Message, settings: NotifySettings) -> None:
    """POST a Microsoft Teams MessageCard; its `text` and `title` fields also suit most chat webhooks."""
    payload = {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": message.subject,
               "title": message.subject, "text": message.body.replace("\n", "  \n")}
    request = urllib.request.Request(settings.webhook_url, data=json.dumps(payload).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 - an operator's URL
        if answer.status >= 300:
            raise OSError(f"the webhook answered HTTP {answer.status}")


def _channels(settings: NotifySettings) -> list[str]:
    return ([EMAIL] if settings.email else []) + ([WEBHOOK] if settings.webhook_url else [])


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # still unsent afterwards (to retry later)
    next_try: datetime | None = None


def _claim(session: Session, row_id: int, now: datetime) -> bool:
    """Take one message for this sender; another sender (thread, process, `voice analyse`) gets rowcount 0."""
    claimed = session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        update(NotificationOutbox)
        .where(NotificationOutbox.id == row_id, NotificationOutbox.sent_at.is_(None),
               or_(NotificationOutbox.claimed_until.is_(None), NotificationOutbox.claimed_until < now))
        .values(claimed_until=now + CLAIM_FOR, attempts=NotificationOutbox.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    return claimed == 1


def drain(engine: Engine, settings: NotifySettings | None = None, now: datetime | None = None,
          limit: int = 50) -> DrainReport:
    """Send the messages that are due. Safe to call from several places at once (each message is claimed)."""
    settings = settings or notify_settings()
    report = DrainReport()
    channels = _channels(settings)
    if not channels:
        return report
    now = now or utcnow()
    with session_scope(engine) as session:
        due = list(session.scalars(select(NotificationOutbox.id).where(
            NotificationOutbox.sent_at.is_(None), NotificationOutbox.next_attempt_at <= now)
            .order_by(NotificationOutbox.id).limit(limit)))
    for row_id in due:
        with session_scope(engine) as session:
            if not _claim(session, row_id, now):
                continue
        with session_scope(engine) as session:
            row = session.get(NotificationOutbox, row_id)
            if row is None:  # removed since it was listed
                continue
            done = [c for c in (row.sent_to or "").split(",") if c]
            message = Message(row.subject, row.body)
        errors = []  # sent with no transaction open: a slow mail server holds up nobody's writes
        for channel in channels:
            if channel in done:
                continue  # sent by an earlier attempt: never twice
            try:
                (send_email if channel == EMAIL else send_webhook)(message, settings)
                done.append(channel)
            except Exception as exc:  # noqa: BLE001 - any failure is retried; the reason is kept
                errors.append(f"{channel}: {exc.__class__.__name__}: {str(exc)[:200]}")
        with session_scope(engine) as session:
            row = session.get(NotificationOutbox, row_id)
            if row is None:  # removed while sending: nothing left to record
                continue
            row.sent_to = ",".join(done)
            row.claimed_until = None
            if errors:
                wait = RETRY_AFTER[min(row.attempts, len(RETRY_AFTER)) - 1]
                row.last_error = "; ".join(errors)
                row.next_attempt_at = utcnow() + wait
                report.failed += 1
                log.warning("safeguarding notification %s not sent (attempt %s): %s", row.id, row.attempts,
                            row.last_error)
            else:
                row.sent_at, row.last_error = utcnow(), ""
                report.sent += 1
    with session_scope(engine) as session:
        report.waiting = session.scalar(select(func.count()).select_from(NotificationOutbox)
                                        .where(NotificationOutbox.sent_at.is_(None))) or 0
        report.next_try = session.scalar(select(func.min(NotificationOutbox.next_attempt_at))
                                         .where(NotificationOutbox.sent_at.is_(None)))
    return report


# ------------------------------------------------------------------ the background sender

_workers: dict[str, threading.Thread] = {}
_wake: dict[str, threading.Event] = {}
_workers_lock = threading.Lock()


def kick(engine: Engine) -> None:
    """Send what is waiting, in the background (one sender thread per database per process)."""
    if not notify_settings().configured:
        return
    key = engine.url.render_as_string(hide_password=True)
    with _workers_lock:
        wake = _wake.setdefault(key, threading.Event())
        wake.set()  # a running sender looks again (even if it is waiting to retry)
        if key in _workers:
            return
        worker = threading.Thread(target=_work, args=(engine, key, wake), name="voice-notify", daemon=True)
        _workers[key] = worker
        worker.start()


def _work(engine: Engine, key: str, wake: threading.Event) -> None:
    while True:
        wake.clear()
        try:
            report = drain(engine)
        except Exception:  # the database is busy or gone: the rows wait for the next kick
            log.exception("sending safeguarding notifications failed")
            report = DrainReport()
        with _workers_lock:
            if not wake.is_set() and (not report.waiting or report.next_try is None):
                _workers.pop(key, None)  # decided under the lock: a kick from now on starts a new sender
                return
        # Messages wait for a retry: sleep until the first is due (bounded), or until kicked.
        delay = (report.next_try - utcnow()).total_seconds() if report.next_try else 1.0
        wake.wait(max(1.0, min(delay, 3600.0)))


def wait_for_sender(engine: Engine, timeout: float = 10.0) -> None:
    """For tests and `voice analyse`: wait until this process's sender for `engine` has finished."""
    key = engine.url.render_as_string(hide_password=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _workers_lock:
            worker = _workers.get(key)
        if worker is None:
            return
        worker.join(min(0.2, max(0.0, deadline - time.monotonic())))


def send_waiting(engine: Engine) -> DrainReport | None:
    """For commands: let the background sender finish, then send anything still due, here and now."""
    if not notify_settings().configured:
        return None
    wait_for_sender(engine, timeout=TIMEOUT_SECONDS * 2)
    return drain(engine)


def report_line(report: DrainReport | None) -> str:
    """One line for a command's output ('' when notifications are not set up or nothing was waiting)."""
    if report is None or not (report.sent or report.failed or report.waiting):
        return ""
    line = f"Safeguarding notifications: {report.sent} sent, {report.waiting} waiting to be sent"
    if report.failed:
        line += f" ({report.failed} failed just now and will be tried again; see the log)"
    return line + "."


__all__ = ["DrainReport", "Message", "compose", "drain", "enqueue", "kick", "report_line", "send_email",
           "send_waiting", "send_webhook", "wait_for_sender"]
