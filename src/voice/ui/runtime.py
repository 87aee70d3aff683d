"""The shared engine for every session thread, and the one way a page calls the services.

    actor = require_page(FACILITATOR)
    db = services(actor)
    answers = db(list_answers, limit=20)      # list_answers(session, actor, limit=20), in its own transaction

Each call opens a fresh Session (never shared across reruns or threads), commits or rolls back, and
retries a busy database (`voice.db.with_retry`). When the database stays busy, `services` shows the kind
"try again in a moment" warning and stops the run, so no page ever shows a traceback for it; a service
that refuses the actor (a role removed a moment ago) shows the same words as a refused page.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from voice.config import get_settings
from voice.db import DatabaseUnavailable, get_engine, session_scope, with_retry
from voice.security.access import AccessDenied, Actor
from voice.ui.refusal import refuse

T = TypeVar("T")

BUSY = "We couldn't reach the database just now. Nothing you typed is lost: please try again in a moment."


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    from voice.bootstrap import prepare_database

    settings = get_settings()
    eng = get_engine(settings.database_url)
    # Demo content only for the embedded default; a named DATABASE_URL gets it from `voice demo`.
    prepare_database(eng, settings, load_demo=settings.is_embedded_default)
    return eng


@contextmanager
def db_session() -> Iterator[Session]:
    """For voice.ui itself (sign-in checks, the audit of a refusal); pages use `services` or `call`."""
    with session_scope(engine()) as session:
        yield session


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one service call, `fn(session, *args)`, in its own session and transaction, retrying a busy
    database. DatabaseUnavailable is left to the caller (the young person's survey keeps their answers on
    screen and says so in its own words)."""

    def action() -> T:
        with db_session() as session:
            return fn(session, *args, **kwargs)

    return with_retry(action)


class Services:
    """A staff page's service caller: the actor is passed to every service, a busy database becomes the
    kind warning (and the run stops), a refusal becomes "Not found or not allowed"."""

    def __init__(self, actor: Actor):
        self.actor = actor

    def __call__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(session, actor, *args, **kwargs)`: a service that checks the actor itself."""
        return self._guarded(lambda: call(fn, self.actor, *args, **kwargs))

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(session, *args, **kwargs)`: a read with no actor (e.g. the list of surveys being served)."""
        return self._guarded(lambda: call(fn, *args, **kwargs))

    def _guarded(self, run: Callable[[], T]) -> T:
        try:
            return run()
        except DatabaseUnavailable:
            st.warning(BUSY)
            st.stop()
        except AccessDenied:
            refuse(self.actor)
        raise AssertionError("unreachable: st.stop() ends the run")


def services(actor: Actor) -> Services:
    return Services(actor)


__all__ = ["BUSY", "Services", "call", "db_session", "engine", "services"]
