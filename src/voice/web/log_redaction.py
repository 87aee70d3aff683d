"""Keep session ids and tickets out of the server log.

Streamlit logs a session id when a client reconnects to an existing session ("Session with id … is
already connected! Reconnecting to existing session.") and in a few other warnings. Whoever reads the
log could then attach to that session. Session ids are UUIDs, so every log record's message and
arguments are passed through `redact`, which replaces any UUID and any `ticket=` value. Installed once,
as a log-record factory, before Streamlit or uvicorn log anything (serve.py).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_TICKET = re.compile(r"(ticket=)[A-Za-z0-9_\-]+")
_installed = False


def redact(text: str) -> str:
    return _TICKET.sub(r"\1" + REDACTED, _UUID.sub(REDACTED, text))


def _clean(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return redact(str(value))


def install() -> None:
    """Wrap the log-record factory (idempotent): every record is redacted as it is made."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
