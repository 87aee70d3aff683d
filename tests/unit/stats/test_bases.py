"""Bases follow the skip logic; prefer-not-to-say is kept apart (worked by hand)."""

from __future__ import annotations

from sqlalchemy import event, select

from voice.models import Answer, Response
from voice.stats import percentage, question_results
from voice.stats.results import raw_counts
from voice.stats.suppression import BASE
from .helpers import SURVEY_ID, find


def webcam_answers(users: int, chatting: int, threatened: int, non_users: int):
    """`users` webcam users, of whom `chatting` chat to new people, of whom `threatened` were threatened."""
    out = []
    for i in range(users):
        a = {"uses_webcam": "yes", "webcam_chat_new_people": "yes" if i < chatting else "no"}
        if i < chatting:
            a["threatened_on_webcam"] = "yes" if i < threatened else "no"
        out.append(a)
    out += [{"uses_webcam": "no"}] * non_users
    return out


def test_of_these_base_is_those_shown_the_question(world, session):
    # 20 respondents, 14 use a webcam, 3 of these chat to new people -> base 14, 21.4%.
    world.add("w2016", webcam_answers(users=14, chatting=3, threatened=1, non_users=6))
    tables = raw_counts(session, SURVEY_ID, "w2016")
    chat = tables["webcam_chat_new_people"]
    base, yes = chat.values[0, chat.columns.index(BASE)], chat.values[0, chat.columns.index("yes")]
    assert (base, yes, percentage(yes, base)) == (14, 3, 21.4)
    webcam = tables["uses_webcam"]
    assert webcam.values[0, webcam.columns.index(BASE)] == 20

    # Published, 3 (and 6 non-users) are under 10; each is the only other option, so both options go.
    rows = question_results(session, SURVEY_ID, "w2016")
    for question in ("uses_webcam", "webcam_chat_new_people"):
        for option in ("yes", "no"):
            row = find(rows, question, option)
            # The count goes; the base stays (it is shown beside the row's other figures anyway).
            assert row.suppressed and (row.count, row.percent) == (None, None)
            assert row.base == {"uses_webcam": 20, "webcam_chat_new_people": 14}[question]
    # Nobody preferred not to say: 0 of 14 is safe to show.
    pnts = find(rows, "webcam_chat_new_people", "prefer_not_to_say")
    assert (pnts.count, pnts.base, pnts.suppressed) == (0, 14, False)
    # The third level has a base of 3: the whole question is hidden.
    assert all(r.suppressed for r in rows if r.question_id == "threatened_on_webcam")


def test_percent_of_these_when_big_enough(world, session):
    # Scaled up so nothing is small: 200 respondents, 140 webcam users, 30 of these chat to new people.
    world.add("w2016", webcam_answers(users=140, chatting=30, threatened=10, non_users=60))
    rows = question_results(session, SURVEY_ID, "w2016")
    chat_yes = find(rows, "webcam_chat_new_people", "yes")
    assert (chat_yes.count, chat_yes.base, chat_yes.percent, chat_yes.suppressed) == (30, 140, 21.4, False)
    threatened = find(rows, "threatened_on_webcam", "yes")
    assert (threatened.count, threatened.base, threatened.percent) == (10, 30, 33.3)


def test_prefer_not_to_say_kept_apart(world, session):
    world.add("w2016", [{"uses_webcam": "yes"}] * 30 + [{"uses_webcam": "no"}] * 10
              + [{"uses_webcam": "prefer_not_to_say"}] * 12)
    rows = question_results(session, SURVEY_ID, "w2016")
    yes = find(rows, "uses_webcam", "yes")
    assert (yes.count, yes.base, yes.percent) == (30, 40, 75.0)  # 12 who preferred not to say are not in the base
    pnts = find(rows, "uses_webcam", "prefer_not_to_say")
    assert (pnts.count, pnts.base, pnts.percent) == (12, 52, 23.1)  # out of everyone who answered


def test_answers_the_skip_logic_hid_do_not_count(world, session):
    world.add("w2016", webcam_answers(users=30, chatting=12, threatened=0, non_users=20))
    # A stale import: a non-user with an answer to the follow-up they were never shown.
    stray = session.scalars(select(Response.id).join(Answer).where(Answer.question_id == "uses_webcam",
                                                                   Answer.option_id == "no")).first()
    session.add(Answer(response_id=stray, question_id="webcam_chat_new_people", option_id="yes"))
    session.commit()
    rows = question_results(session, SURVEY_ID, "w2016")
    chat = find(rows, "webcam_chat_new_people", "yes")
    assert (chat.count, chat.base) == (12, 30)


def test_multi_is_percent_of_those_who_answered_it(world, session):
    # A base of 50: large enough for 100% and 0% to be shown (group disclosure applies below 50).
    world.add("w2016", [{"apps": ["instagram", "snapchat"]}] * 20 + [{"apps": ["snapchat"]}] * 30
              + [{"apps": ["prefer_not_to_say"]}] * 10 + [{"uses_webcam": "no"}] * 5)
    rows = question_results(session, SURVEY_ID, "w2016")
    snap = find(rows, "apps", "snapchat")
    assert (snap.count, snap.base, snap.percent) == (50, 50, 100.0)
    insta = find(rows, "apps", "instagram")
    assert (insta.count, insta.base, insta.percent) == (20, 50, 40.0)
    face = find(rows, "apps", "facebook")
    assert (face.count, face.base, face.percent) == (0, 50, 0.0)
    pnts = find(rows, "apps", "prefer_not_to_say")
    assert (pnts.count, pnts.base) == (10, 60)


def test_everyone_or_no_one_in_a_small_group_is_hidden(world, session):
    # 30 answered (under 50): 30 of 30 ticked Snapchat (100%) and 0 ticked Facebook (0%). Either would say
    # something about every one of them, so both go; 12 of 30 on Instagram stays. Prefer not to say 0 stays.
    world.add("w2016", [{"apps": ["instagram", "snapchat"]}] * 12 + [{"apps": ["snapchat"]}] * 18)
    rows = question_results(session, SURVEY_ID, "w2016")
    snap, face, insta = (find(rows, "apps", o) for o in ("snapchat", "facebook", "instagram"))
    assert snap.suppressed and face.suppressed and (snap.base, face.base) == (30, 30)
    assert (insta.count, insta.base, insta.percent, insta.suppressed) == (12, 30, 40.0, False)
    assert not find(rows, "apps", "prefer_not_to_say").suppressed
    # And in a yes/no question: 0 of 30 said yes, so 30 of 30 said no: both hidden, the base shown.
    world.add("w2017", [{"uses_webcam": "no"}] * 30)
    rows = question_results(session, SURVEY_ID, "w2017")
    assert all(find(rows, "uses_webcam", o).suppressed for o in ("yes", "no"))
    assert find(rows, "uses_webcam", "yes").base == 30


def test_text_and_number_questions_have_no_rows(world, session):
    world.add("w2016", [{"uses_webcam": "yes", "hours_online": 3}] * 12)
    rows = question_results(session, SURVEY_ID, "w2016")
    assert {r.question_id for r in rows} == {"year_group", "uses_webcam", "webcam_chat_new_people",
                                             "threatened_on_webcam", "apps"}


def test_whole_area_count_reads_the_covering_index_on_sqlite(world, session):
    # The < 2 s cold goal on SQLite rests on this hint (docs/results.md); other databases never see it.
    world.add("w2016", webcam_answers(users=14, chatting=3, threatened=1, non_users=6))
    engine = session.get_bind()
    statements: list[str] = []

    def keep(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        whole = raw_counts(session, SURVEY_ID, "w2016")
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert whole["uses_webcam"].values[0].sum() > 0
    hinted = [s for s in statements if "INDEXED BY ix_answers_question_option" in s]
    assert bool(hinted) == (engine.dialect.name == "sqlite")


def test_results_on_a_session_bound_to_a_connection(world, session):
    # The figures cache is keyed on the database address: a session bound to a Connection (not an Engine)
    # has none of its own, and looking it up there used to fail (found by mypy).
    from sqlalchemy.orm import Session

    world.add("w2016", webcam_answers(users=140, chatting=30, threatened=10, non_users=60))
    on_connection = Session(bind=session.connection())
    chat_yes = find(question_results(on_connection, SURVEY_ID, "w2016"), "webcam_chat_new_people", "yes")
    assert (chat_yes.count, chat_yes.base) == (30, 140)
