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
