"""Fixtures for the stats tests: the test survey published, with campaigns and groups made on demand."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from .helpers import World


@pytest.fixture
def world(session: Session) -> World:
    w = World(session)
    session.commit()
    return w


@pytest.fixture(autouse=True)
def fresh_figures_cache():
    # SQLite reuses ids after the tables are emptied, so two tests can share a data version: start clean.
    from voice.stats.results import clear_cache

    clear_cache()
    yield
    clear_cache()
