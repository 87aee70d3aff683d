"""The young person's survey page, run by AppTest: links, steps, skip logic, resume, submit once."""

from __future__ import annotations

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from tests.app.conftest import texts
from voice.models import Answer, Group, Response


def start(app, params: dict) -> AppTest:
    at = AppTest.from_file(app, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def radio(at, question_id: str):
    return next(r for r in at.radio if r.key and r.key.endswith(f"_{question_id}"))


def test_a_link_opens_the_notice_and_start_begins_step_one(app_env, session):
    at = start(app_env, {"survey": "esafety_year9"})
    assert not at.exception
    page = texts(at)
    assert "Before you start" in page
    assert "Need help now?" in page and "tel:08001111" in page
    at.button(key="yp_start").click().run()
    assert not at.exception
    assert "Step 1 of" in texts(at) or any("Step 1 of" in str(p.text) for p in at.get("progress"))
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_skip_logic_and_saving_each_step(app_env, session):
    at = start(app_env, {"survey": "esafety_year9"})
    at.button(key="yp_start").click().run()
    keys = [r.key for r in at.radio]
    assert any(k.endswith("_uses_webcam") for k in keys)
    assert not any(k.endswith("_webcam_chat_new_people") for k in keys)  # hidden until uses_webcam = yes
    radio(at, "uses_webcam").set_value("yes").run()
    assert any(r.key.endswith("_webcam_chat_new_people") for r in at.radio)
    radio(at, "webcam_chat_new_people").set_value("no").run()
    at.button(key="yp_next").click().run()
    assert not at.exception
    saved = {(a.question_id, a.option_id) for a in session.scalars(select(Answer))}
    assert ("uses_webcam", "yes") in saved and ("webcam_chat_new_people", "no") in saved


def test_unknown_survey_and_group_get_friendly_pages(app_env, session):
    at = start(app_env, {"survey": "no_such_survey"})
    assert not at.exception
    assert "We couldn't find that survey" in texts(at)
    at = start(app_env, {"survey": "esafety_year9", "group": "NOPE"})
    at.button(key="yp_start").click().run()
    assert not at.exception
    assert "couldn't find the group code" in texts(at)


def test_unknown_resume_code_gets_a_friendly_page(app_env, session):
    at = start(app_env, {"resume": "ZZZZ-ZZZZ"})
    assert not at.exception
    assert "We couldn't find your answers" in texts(at)


def test_a_whole_survey_is_submitted_once_with_a_receipt(app_env, session):
    session.add(Group(code="HILL", name="Hill Academy", area="Charnwood", type="school"))
    session.commit()
    at = start(app_env, {"survey": "esafety_year6", "group": "HILL"})
    at.button(key="yp_start").click().run()
    for _ in range(20):
        if "Thank you!" in texts(at):
            break
        at.button(key="yp_next").click().run()
        assert not at.exception
    assert "Thank you!" in texts(at) and "receipt code" in texts(at)
    response = session.scalars(select(Response)).one()
    assert response.status == "submitted" and response.receipt_code
    assert session.get(Group, response.group_id).code == "HILL"


def test_text_over_the_limit_is_refused_and_kept_on_screen(app_env, session):
    at = start(app_env, {"survey": "ypag_priorities"})
    at.button(key="yp_start").click().run()
    long_text = "x" * 5001
    for _ in range(10):
        areas = [t for t in at.text_area]
        if areas:
            break
        at.button(key="yp_next").click().run()
    area = areas[0]
    area.input(long_text).run()
    at.button(key="yp_next").click().run()
    assert not at.exception
    assert "5,001 characters" in texts(at)
    assert at.text_area(key=area.key).value == long_text  # nothing was cut
    assert session.scalar(select(func.count()).select_from(Answer).where(Answer.text.is_not(None))) == 0


def test_concerning_text_brings_the_help_box_to_the_top_of_the_next_screen(app_env, session):
    at = start(app_env, {"survey": "ypag_priorities"})
    at.button(key="yp_start").click().run()
    for _ in range(10):
        if at.text_area:
            break
        at.button(key="yp_next").click().run()
    at.text_area[0].input("sumtimes i wanna die and nobody listens").run()
    at.button(key="yp_next").click().run()
    assert not at.exception
    assert at.info and "you don't have to deal with them alone" in at.info[0].value
    assert "tel:08001111" in at.info[0].value
    # A calm, everyday answer does not.
    at = start(app_env, {"survey": "ypag_priorities"})
    at.button(key="yp_start").click().run()
    for _ in range(10):
        if at.text_area:
            break
        at.button(key="yp_next").click().run()
    at.text_area[0].input("more clubs after school please, killing it at football").run()
    at.button(key="yp_next").click().run()
    assert not at.info
