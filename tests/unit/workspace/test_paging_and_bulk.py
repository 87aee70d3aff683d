"""The workspace and quotes at scale: filters, search and paging in SQL with totals; bulk accept with undo;
withdrawing a quote (and where it was used); cards that name things instead of showing ids."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from tests.unit.workspace.conftest import FACILITATOR
from voice.analysis.review import (
    AnswerFilter, accept_suggested, answer_page, list_answers, review_answer, review_counts, undo_accept,
)
from voice.analysis.store import analyse_new_answers
from voice.evidence import you_said_we_did as yswd
from voice.evidence.priorities import import_plan_file
from voice.evidence.quotes import (
    NOT_QUOTED, QuoteRefused, approve_quote, approved_quotes, discard_quote, make_quote, quote_candidates,
    quote_counts, quote_page, quote_usage, reinstate_quote, withdraw_quote,
)
from voice.models import AuditEvent, Quote, ThemeReview
from voice.paging import Page
from voice.security.access import SYSTEM

from tests.unit.evidence.conftest import DEFINITIONS

ONLINE = "people being mean on snapchat and my phone getting hacked"
MIND = "I worry about my mental health and anxiety before exams"
PLAIN = "the buses stop too early in the evening"


@pytest.fixture
def many(session, make):
    """45 answers: 20 about online safety, 15 about mental health, 10 about buses; every third with consent."""
    texts = [f"{ONLINE} ({i})" for i in range(20)] + [f"{MIND} ({i})" for i in range(15)] + \
            [f"{PLAIN} ({i})" for i in range(10)]
    for i, text in enumerate(texts):
        make.response({"esafety_help": text}, consent="yes" if i % 3 == 0 else None)
    make.response({"esafety_help": "100% sure_this matches literally"}, consent="yes")
    analyse_new_answers(session)
    session.commit()
    return texts


def test_a_page_has_its_total_and_knows_which_page_it_is(session, many):
    page = answer_page(session, FACILITATOR, AnswerFilter(), page=2, size=20)
    assert (page.total, page.number, page.pages, len(page.items)) == (46, 2, 3, 20)
    assert page.words() == "Page 2 of 3 · 46 answers (21–40 shown)"
    last = answer_page(session, FACILITATOR, AnswerFilter(), page=99, size=20)
    assert (last.number, len(last.items)) == (3, 6)  # a page past the end shows the last one
    assert Page([], 0, 1, 20).words() == "0 answers"
    ids = [a.answer_id for p in (1, 2, 3) for a in answer_page(session, FACILITATOR, page=p, size=20).items]
    assert len(ids) == len(set(ids)) == 46  # every answer once, newest first
    assert ids == sorted(ids, reverse=True)


def test_filters_and_search_run_in_sql(session, many):
    online = answer_page(session, FACILITATOR, AnswerFilter(theme_id="online_safety"), size=50)
    assert online.total == 20 and all("snapchat" in a.text for a in online.items)
    assert answer_page(session, FACILITATOR, AnswerFilter(search="EXAMS"), size=50).total == 15
    assert answer_page(session, FACILITATOR, AnswerFilter(search="100%"), size=50).total == 1
    assert answer_page(session, FACILITATOR, AnswerFilter(search="sure_this"), size=50).total == 1
    assert answer_page(session, FACILITATOR, AnswerFilter(search="sure%this"), size=50).total == 0  # typed literally
    negative = answer_page(session, FACILITATOR, AnswerFilter(sentiment="negative"), size=50)
    assert negative.total and all(a.sentiment == "negative" for a in negative.items)

    # The theme filter follows reviews: a rejected theme drops out, an added one comes in.
    first = online.items[0]
    review_answer(session, FACILITATOR, first.answer_id, [])
    bus = answer_page(session, FACILITATOR, AnswerFilter(search="buses"), size=1).items[0]
    review_answer(session, FACILITATOR, bus.answer_id, ["online_safety"])
    again = answer_page(session, FACILITATOR, AnswerFilter(theme_id="online_safety"), size=50)
    assert again.total == 20 and first.answer_id not in {a.answer_id for a in again.items}
    assert bus.answer_id in {a.answer_id for a in again.items}
    assert answer_page(session, FACILITATOR, AnswerFilter(reviewed=True)).total == 2


def test_one_page_is_read_without_loading_every_answer(session, many, engine):
    """The page query asks the database for one page (LIMIT), whatever the filter, themes included."""
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer_page(session, FACILITATOR, AnswerFilter(theme_id="online_safety"), page=2, size=5)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    answer_queries = [s for s in statements if "FROM answers" in s and "text_analyses" in s]
    assert answer_queries and all("LIMIT" in s or "count(" in s.lower() for s in answer_queries)


def test_cards_name_the_question_survey_and_campaign(session, many):
    card = answer_page(session, FACILITATOR, size=1).items[0]
    assert card.survey_title == "Staying safe online"
    assert card.question_text and card.question_text != "esafety_help"
    assert card.campaign_title  # the always-open campaign's title


def test_bulk_accept_reviews_a_page_and_undo_takes_back_only_that(session, many):
    page = answer_page(session, FACILITATOR, AnswerFilter(reviewed=False), size=20)
    with_themes = [a.answer_id for a in page.items if a.auto_themes]
    review_answer(session, FACILITATOR, with_themes[0], ["bullying"])  # decided by hand first
    batch = accept_suggested(session, FACILITATOR, [a.answer_id for a in page.items])
    assert batch.already_reviewed == 1
    assert len(batch.accepted) == len(with_themes) - 1
    assert batch.no_suggestion == len(page.items) - len(with_themes)
    assert review_counts(session, FACILITATOR)["reviewed"] == len(with_themes)

    again = accept_suggested(session, FACILITATOR, [a.answer_id for a in page.items])  # a second press
    assert again.accepted == () and again.already_reviewed == len(with_themes)

    # Change one of the batch by hand: undo leaves that decision alone.
    changed = batch.accepted[0]
    review_answer(session, FACILITATOR, changed, ["mental_health"])
    assert undo_accept(session, FACILITATOR, batch) == len(batch.accepted) - 1
    assert review_counts(session, FACILITATOR)["reviewed"] == 2  # the hand-made two stay
    decisions = {r.answer_id for r in session.scalars(select(ThemeReview))}
    assert decisions == {with_themes[0], changed}
    actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "fran")))
    assert {"themes_bulk_accepted", "themes_bulk_undone", "themes_reviewed"} <= set(actions)


def test_quote_candidates_are_paged_filtered_and_follow_what_was_done(session, many):
    page = quote_candidates(session, FACILITATOR, AnswerFilter(), size=5)
    assert page.total == 16 and len(page.items) == 5  # every third of 45, plus one
    assert page.items[0].survey_title == "Staying safe online" and page.items[0].quote_id is None
    online = quote_candidates(session, FACILITATOR, AnswerFilter(theme_id="online_safety"), size=50)
    assert online.total == 7
    quote = make_quote(session, FACILITATOR, online.items[0].answer_id)
    assert quote_candidates(session, FACILITATOR, AnswerFilter(theme_id="online_safety"), size=50).total == 6
    drafts = quote_candidates(session, FACILITATOR, AnswerFilter(), quoted="draft")
    assert [c.quote_id for c in drafts.items] == [quote.id]
    listed = quote_page(session, FACILITATOR, "draft")
    assert listed.total == 1 and listed.items[0].question_text and listed.items[0].survey_title
    assert quote_counts(session, FACILITATOR) == {"draft": 1, "approved": 0, "withdrawn": 0}
    with pytest.raises(ValueError):
        quote_candidates(session, FACILITATOR, AnswerFilter(), quoted="nonsense")
    assert NOT_QUOTED == "not_quoted"


def test_approving_or_discarding_twice_changes_nothing(session, many):
    first = quote_candidates(session, FACILITATOR, AnswerFilter(), size=2).items
    quote = make_quote(session, FACILITATOR, first[0].answer_id)
    approved = approve_quote(session, FACILITATOR, quote.id)
    assert approve_quote(session, FACILITATOR, quote.id) == approved
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "quote_approved")) == 1
    other = make_quote(session, FACILITATOR, first[1].answer_id)
    discard_quote(session, FACILITATOR, other.id)
    discard_quote(session, FACILITATOR, other.id)  # already gone: nothing to do, no error
    assert session.scalar(select(func.count()).select_from(Quote)) == 1


def test_withdrawing_a_quote_shows_where_it_was_used_and_takes_it_out_everywhere(session, many):
    import_plan_file(session, SYSTEM, DEFINITIONS / "priorities_2020-21.yaml")
    answer = quote_candidates(session, FACILITATOR, AnswerFilter(theme_id="online_safety")).items[0]
    quote = approve_quote(session, FACILITATOR, make_quote(session, FACILITATOR, answer.answer_id).id)
    item = yswd.create_item(session, FACILITATOR, you_said="You said being bullied on snapchat hurts",
                            raised_at=date(2020, 2, 1), we_did="Assemblies in every school", quote_ids=[quote.id],
                            priority_ids=["voice_of_child"])
    yswd.publish_item(session, FACILITATOR, item.id)
    usage = quote_usage(session, FACILITATOR, quote.id)
    assert [(i.id, i.published) for i in usage.items] == [(item.id, True)]
    assert usage.published_items == 1
    assert [key for key, _ in usage.priorities] == list(quote.priority_ids)

    with pytest.raises(QuoteRefused, match="approved"):
        withdraw_quote(session, FACILITATOR, make_quote(session, FACILITATOR, answer_of_another(session, answer)).id)
    withdrawn = withdraw_quote(session, FACILITATOR, quote.id, "the young person asked us to")
    assert withdrawn.status == "withdrawn"
    assert withdraw_quote(session, FACILITATOR, quote.id) == withdrawn  # twice: nothing more happens
    assert quote.id not in {q.id for q in approved_quotes(session)}
    assert yswd.published_items(session)[0].quotes == ()  # the item stays, without the quote
    event_row = session.scalars(select(AuditEvent).where(AuditEvent.action == "quote_withdrawn")).one()
    assert event_row.detail["published_items"] == 1 and event_row.detail["items"] == [item.id]
    assert "young person asked" not in str(event_row.detail)  # the reason stays with the quote, not the trail

    back = reinstate_quote(session, FACILITATOR, quote.id)
    assert back.status == "draft" and back.approved_by is None  # must be checked and approved again


def answer_of_another(session, taken) -> int:
    return next(c.answer_id for c in quote_candidates(session, FACILITATOR, AnswerFilter(), size=50).items
                if c.answer_id != taken.answer_id)


def test_list_answers_keeps_its_old_keywords(session, many):
    assert len(list_answers(session, FACILITATOR, theme_id="online_safety", limit=7)) == 7
    assert len(list_answers(session, FACILITATOR, search="buses", limit=50)) == 10
