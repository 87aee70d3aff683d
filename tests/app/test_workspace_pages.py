"""The workspace, codebook, quotes and safeguarding pages, run by AppTest with a signed-in member of staff."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from tests.app.conftest import texts
from tests.unit.workspace.conftest import Maker
from voice.models import (AnalysisExample, AuditEvent, CodebookVersion, Quote, SafeguardingItem, TextAnalysis,
                          ThemeReview, User)

DISCLOSURE = "my stepdad hits me and I am scared to go home"
MARKDOWN = "**bold** [click](http://x.example) :red[alarm] <b>hi</b> more lessons about staying safe online"


@pytest.fixture
def staff(session):
    for name, roles in (("fran", ["facilitator"]), ("dee", ["safeguarding_lead"]), ("bob", ["board_member"])):
        session.add(User(username=name, roles=roles, password_hash="", active=True))
    session.commit()


@pytest.fixture
def answers(session, published_surveys, staff):
    make = Maker(session)
    make.response({"esafety_help": MARKDOWN}, consent="yes")
    make.response({"esafety_worries": DISCLOSURE}, consent="yes")
    session.commit()


def notices(at) -> str:
    return "\n".join(str(e.value) for e in at.success)


def open_page(app: str, username: str, roles: list[str], page: str) -> AppTest:
    at = AppTest.from_file(app, default_timeout=60)
    at.session_state["user"] = {"username": username, "roles": roles}
    at.run()
    at.switch_page(page)
    return at.run()


def test_the_workspace_codes_on_load_and_saves_a_review(app_env, session, answers):
    at = open_page(app_env, "fran", ["facilitator"], "pages/workspace.py")
    assert not at.exception, at.exception
    assert session.scalar(select(func.count()).select_from(TextAnalysis)) == 2  # caught up on page load
    shown = [t.value for t in at.text]
    assert MARKDOWN in shown  # shown exactly as typed, through st.text
    assert DISCLOSURE not in shown and DISCLOSURE not in texts(at)  # the flagged answer is for the DSL only
    themes = next(m for m in at.multiselect if m.key and m.key.startswith("staff_ws_themes_"))
    themes.set_value(["online_safety", "bullying"])
    save = next(b for b in at.button if b.key and b.key.startswith("staff_ws_save_"))
    save.click().run()
    assert not at.exception
    decisions = {r.theme_id: r.decision for r in session.scalars(select(ThemeReview))}
    assert decisions.get("bullying") == "added" and decisions.get("online_safety") == "accepted"
    assert "Saved the themes" in notices(at)


def test_a_facilitator_corrects_the_tone_and_it_is_kept_as_an_example(app_env, session, answers):
    at = open_page(app_env, "fran", ["facilitator"], "pages/workspace.py")
    tone = next(t for t in at.segmented_control if t.key and t.key.startswith("staff_ws_tone_"))
    answer_id = int(tone.key.rsplit("_", 1)[1])
    automatic = session.scalars(select(TextAnalysis.sentiment).where(TextAnalysis.answer_id == answer_id)).one()
    other = next(label for label in ("negative", "neutral", "positive") if label != automatic)
    tone.set_value(other)
    next(b for b in at.button if b.key == f"staff_ws_save_{answer_id}").click().run()
    assert not at.exception
    example = session.scalars(select(AnalysisExample).where(AnalysisExample.answer_id == answer_id)).one()
    assert (example.kind, example.sentiment, example.decided_by) == ("sentiment", other, "fran")
    assert f"tone {other}" in notices(at)


def test_a_board_member_and_a_facilitator_cannot_open_the_safeguarding_page(app_env, session, answers):
    for user, roles in (("bob", ["board_member"]), ("fran", ["facilitator"])):
        at = AppTest.from_file(app_env, default_timeout=60)
        at.session_state["user"] = {"username": user, "roles": roles}
        at.run()
        with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in their menu at all
            at.switch_page("pages/safeguarding.py").run()
    # Run on its own (bypassing the menu), the page's own guard still refuses.
    at = AppTest.from_file(str(__import__("pathlib").Path(app_env).parent / "pages" / "safeguarding.py"),
                           default_timeout=60)
    at.session_state["user"] = {"username": "fran", "roles": ["facilitator"]}
    at.run()
    assert "Not found or not allowed" in texts(at)
    assert DISCLOSURE not in [t.value for t in at.text]


def test_the_safeguarding_lead_reviews_and_closes_an_item(app_env, session, answers):
    open_page(app_env, "fran", ["facilitator"], "pages/workspace.py")  # the pipeline runs, flagging one answer
    at = open_page(app_env, "dee", ["safeguarding_lead"], "pages/safeguarding.py")
    assert not at.exception, at.exception
    item = session.scalars(select(SafeguardingItem)).one()
    assert DISCLOSURE in [t.value for t in at.text]  # the words are in the list, as typed
    at.button(key=f"staff_sg_open_{item.id}").click().run()
    assert not at.exception, at.exception
    assert DISCLOSURE in [t.value for t in at.text] and "What raised it" in texts(at)
    at.button(key="FormSubmitter:staff_sg_review-Mark as reviewed").click().run()
    session.refresh(item)
    assert (item.status, item.reviewed_by) == ("reviewed", "dee")
    at.text_area(key="staff_sg_outcome_note").input("Passed to the school's DSL")
    at.button(key="FormSubmitter:staff_sg_outcome-Record outcome").click().run()
    session.refresh(item)
    assert (item.status, item.outcome_by) == ("action_taken", "dee")
    at.text_area(key="staff_sg_note_text").input("School confirmed support is in place")
    at.button(key="FormSubmitter:staff_sg_add_note-Add note").click().run()
    session.refresh(item)
    assert item.history[-1]["note"] == "School confirmed support is in place"
    assert "School confirmed support is in place" in [t.value for t in at.text]
    actions = [a for a in session.scalars(select(AuditEvent.action)) if a.startswith("safeguarding")]
    # One look at the item, however many times the page redraws it after a decision or a note.
    assert actions.count("safeguarding_item_viewed") == 1
    assert {"safeguarding_queue_viewed", "safeguarding_outcome_recorded", "safeguarding_note_added"} <= set(actions)


def test_the_queue_filters_by_status_and_finds_an_item_by_number(app_env, session, answers):
    from voice.analysis.safeguarding import mark_reviewed, record_outcome
    from voice.security.access import Actor

    open_page(app_env, "fran", ["facilitator"], "pages/workspace.py")  # flags the disclosure
    item = session.scalars(select(SafeguardingItem)).one()
    lead = Actor("dee", frozenset({"safeguarding_lead"}))
    mark_reviewed(session, lead, item.id)
    record_outcome(session, lead, item.id, "no_action", note="a song lyric")
    session.commit()
    at = open_page(app_env, "dee", ["safeguarding_lead"], "pages/safeguarding.py")
    assert "Nothing in the queue." in [i.value for i in at.info]
    at.selectbox(key="staff_sg_status").set_value("no_action").run()
    assert not at.exception, at.exception
    assert DISCLOSURE in [t.value for t in at.text]
    at.selectbox(key="staff_sg_status").set_value("open").run()
    at.number_input(key="staff_sg_find_number").set_value(item.id)
    at.button(key="FormSubmitter:staff_sg_find-Open this item").click().run()
    assert f"Item #{item.id}" in [s.value for s in at.subheader]
    assert "a song lyric" in [t.value for t in at.text]


def test_quotes_page_makes_and_approves_a_quote(app_env, session, answers):
    open_page(app_env, "fran", ["facilitator"], "pages/workspace.py")
    at = open_page(app_env, "fran", ["facilitator"], "pages/quotes.py")
    assert not at.exception, at.exception
    make = next(b for b in at.button if b.key and b.key.startswith("staff_q_make_"))
    make.click().run()
    quote = session.scalars(select(Quote)).one()
    assert "Draft quote made" in notices(at)
    at.button(key=f"FormSubmitter:staff_q_form_{quote.id}-Approve").click().run()
    session.refresh(quote)
    assert quote.status == "approved" and quote.approved_by == "fran"


def test_codebook_page_refuses_a_broken_edit_and_saves_a_good_one(app_env, session, answers):
    at = open_page(app_env, "fran", ["facilitator"], "pages/codebook.py")
    assert not at.exception, at.exception
    area = next(a for a in at.text_area if a.key and a.key.startswith("staff_cb_text_"))
    original = area.value
    area.input(original.replace("themes:", "themez:", 1))
    at.button(key="FormSubmitter:staff_cb_form-Save new version").click().run()
    assert "Not saved" in texts(at) and "line" in texts(at)
    assert session.scalar(select(func.count()).select_from(CodebookVersion)) == 1
    area = next(a for a in at.text_area if a.key and a.key.startswith("staff_cb_text_"))
    area.input(original.replace("name: Online safety", "name: Staying safe online", 1))
    next(t for t in at.text_input if t.key and t.key.startswith("staff_cb_note_")).input("clearer name")
    at.button(key="FormSubmitter:staff_cb_form-Save new version").click().run()
    assert not at.exception
    assert session.scalar(select(func.count()).select_from(CodebookVersion)) == 2
    assert "Saved as version" in notices(at)
