"""The workspace, codebook, quotes and safeguarding pages, run by AppTest with a signed-in member of staff."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from tests.app.conftest import texts
from tests.unit.workspace.conftest import Maker
from voice.models import AuditEvent, CodebookVersion, Quote, SafeguardingItem, TextAnalysis, ThemeReview, User

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
    at.button(key="staff_sg_open").click().run()
    assert DISCLOSURE in [t.value for t in at.text]
    at.button(key="FormSubmitter:staff_sg_review-Mark as reviewed").click().run()
    item = session.scalars(select(SafeguardingItem)).one()
    session.refresh(item)
    assert (item.status, item.reviewed_by) == ("reviewed", "dee")
    at.text_area(key="staff_sg_outcome_note").input("Passed to the school's DSL")
    at.button(key="FormSubmitter:staff_sg_outcome-Record outcome").click().run()
    session.refresh(item)
    assert (item.status, item.outcome_by) == ("action_taken", "dee")
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"safeguarding_queue_viewed", "safeguarding_item_viewed", "safeguarding_outcome_recorded"} <= actions


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
