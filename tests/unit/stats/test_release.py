"""Release in steps: an open campaign's figures change only once at least 10 new answers have arrived (or when
it closes), so no two views can be subtracted down to one young person's answers (voice.stats.release)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from voice.db import utcnow
from voice.stats import question_results, respondent_counts
from voice.stats.release import RELEASE_STEP, has_waiting, release_due

from .helpers import find


def _view(session, by=None):
    rows = question_results(session, "stats_test", "open-wave", by=by)
    counted = respondent_counts(session, "stats_test", "open-wave").get(None, 0)
    return counted, tuple((r.option_id, r.by, r.value, r.count, r.base) for r in rows if r.question_id == "uses_webcam")


@pytest.mark.parametrize("seed", range(4))
def test_views_of_an_open_campaign_differ_by_ten_or_more(world, session, seed):
    rng = random.Random(seed)
    world.group("oak", area="North")
    world.group("elm", area="South")
    views = []
    for _ in range(25):
        batch = rng.randint(1, 4)
        world.add("open-wave", [{"uses_webcam": rng.choice(["yes", "no"])} for _ in range(batch)],
                  group=rng.choice(["oak", "elm"]))
        views.append(_view(session))
        views.append(_view(session, by="group"))
    counted = sorted({v[0] for v in views})
    # Every pair of views: the same answers, or at least RELEASE_STEP apart (never one young person).
    assert all(b - a >= RELEASE_STEP for a, b in zip(counted, counted[1:])), counted
    # A view is one released set: the figures only change when the count does.
    by_count = {}
    for n, figures in views[::2]:
        assert by_count.setdefault(n, figures) == figures


def test_nothing_is_shown_until_ten_have_answered_and_everything_at_close(world, session):
    wave = world.campaign("open-wave")
    world.add("open-wave", [{"uses_webcam": "yes"}] * 9)
    assert respondent_counts(session, "stats_test", "open-wave") == {None: 0}
    assert has_waiting(session, [wave])
    world.add("open-wave", [{"uses_webcam": "no"}] * 1)
    assert respondent_counts(session, "stats_test", "open-wave") == {None: 10}
    assert not has_waiting(session, [wave])
    world.add("open-wave", [{"uses_webcam": "no"}] * 3)
    assert respondent_counts(session, "stats_test", "open-wave") == {None: 10}
    # Closed: the last 3 are released with it (the one step that may be under 10; documented).
    wave.closes_at = utcnow() - timedelta(minutes=1)
    session.commit()
    assert respondent_counts(session, "stats_test", "open-wave") == {None: 13}
    yes = find(question_results(session, "stats_test", "open-wave"), "uses_webcam", "yes")
    assert (yes.base, yes.suppressed) == (13, True)


def test_a_release_is_stored_and_the_same_for_everyone(world, session):
    wave = world.campaign("open-wave")
    world.add("open-wave", [{"uses_webcam": "yes"}] * 12)
    assert release_due(session, [wave]) == [wave.id]
    session.commit()
    assert release_due(session, [wave]) == []  # nothing left to release: a second process finds nothing
    from voice.models import Response

    released = {r.released_at for r in session.query(Response).filter_by(campaign_id=wave.id)}
    assert len(released) == 1 and None not in released


def test_a_closed_campaign_needs_no_release(world, session):
    wave = world.campaign("w2016")
    wave.closes_at = datetime(2016, 3, 25)
    session.commit()
    world.add("w2016", [{"uses_webcam": "yes"}] * 3)
    assert respondent_counts(session, "stats_test", "w2016") == {None: 3}
    assert release_due(session, [wave]) == []
