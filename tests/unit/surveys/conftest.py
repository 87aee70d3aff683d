import pytest

from survey_test_helpers import minimal_survey


@pytest.fixture
def minimal() -> dict:
    """A fresh copy of a valid one-question survey, to break in one way per test."""
    return minimal_survey()
