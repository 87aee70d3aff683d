"""A real SMTP server for tests (aiosmtpd, in a thread of the test process), and a patient wait."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes
from email.policy import default


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the server received: (sender, recipients, message) per mail, and the logins tried."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list = []
        self.logins: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.original_content, policy=default)))
        return "250 Message accepted for delivery"


def start_smtp(password: bytes = b"letmein"):
    """(inbox, controller): stop the controller when done. Logins with `password` succeed (no TLS needed)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox(free_port())

    def authenticator(server, session, envelope, mechanism, auth_data):
        inbox.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == password)

    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    return inbox, controller


def wait_for(condition, timeout: float = 10.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False
