"""The shared engine for every session thread, prepared once per process."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from voice.config import get_settings
from voice.db import get_engine, session_scope, with_retry

T = TypeVar("T")


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
    with session_scope(engine()) as session:
        yield session


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one service call in its own session and transaction, retrying a busy database.

    Every page reaches the database through this (a fresh Session per action, never shared
    across reruns or threads); DatabaseUnavailable is left for the page to turn into a kind message.
    """

    def action() -> T:
        with db_session() as session:
            return fn(session, *args, **kwargs)

    return with_retry(action)
