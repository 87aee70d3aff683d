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


def test_a_resume_code_in_a_link_is_stripped_and_shows_nobodys_answers(app_env, session):
    """Issue 17: old links (and history) carried ?resume=<code>; on a shared device they must open nothing."""
    from voice.responses import service

    code = service.start_response(session, "esafety_year9").resume_code
    service.save_step(session, code, {"uses_webcam": "yes", "webcam_chat_new_people": "yes"},
                      ["uses_webcam", "webcam_chat_new_people", "threatened_on_webcam"], 1)
    session.commit()
    for params in ({"resume": code}, {"resume": code, "survey": "esafety_year9"}, {"resume": "ZZZZ-ZZZZ"}):
        at = start(app_env, params)
        assert not at.exception
        page = texts(at)
        assert "codes are never kept in links" in page and "Step " not in page
        assert not at.radio or all(not r.key.startswith("a_") for r in at.radio)  # no answer widgets at all
        assert "resume" not in at.query_params
        assert code not in page


def test_a_wrong_code_is_refused_and_audited_without_the_code(app_env, session):
    from voice.models import AuditEvent

    at = start(app_env, {})
    at.text_input(key="yp_typed_code").input("WXYZ-2345")
    at.button(key="yp_code_go").click().run()
    assert not at.exception
    assert "couldn't find that code" in texts(at)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "resume_code_refused")).one()
    assert (event.actor, event.target_type, event.target_id) == ("anonymous", "group", "-")
    assert event.detail["reason"] == "unknown" and "WXYZ" not in str(event.detail) + event.target_id


def test_codes_are_limited_per_screen_even_a_right_one_after_five_wrong(app_env, session):
    from voice.responses import service

    code = service.start_response(session, "esafety_year9").resume_code
    session.commit()
    at = start(app_env, {})
    for n in range(5):
        at.text_input(key="yp_typed_code").input(f"WXYZ-234{n + 2}")
        at.button(key="yp_code_go").click().run()
        assert "couldn't find that code" in texts(at)
    at.text_input(key="yp_typed_code").input(code)
    at.button(key="yp_code_go").click().run()
    assert not at.exception
    assert "Please wait 10 minutes" in texts(at) and "Step 1 of" not in texts(at)
    # Another screen (another young person) is not held up by this one.
    other = start(app_env, {})
    other.text_input(key="yp_typed_code").input(code.lower())
    other.button(key="yp_code_go").click().run()
    assert "Step 1 of" in texts(other) or other.get("progress")


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


def _pupil_keys(at) -> list[str]:
    """What the app keeps about the young person on this screen (their answers, code, thank-you page)."""
    return [k for k in at.session_state.keys()
            if str(k).startswith("a_") or k in ("yp_response", "yp_progress", "yp_finished", "yp_support_open")]


def test_finishing_clears_the_young_person_and_keeps_the_schools_link_for_the_next(app_env, session):
    session.add(Group(code="HILL", name="Hill Academy", area="Charnwood", type="school"))
    session.commit()
    at = start(app_env, {"survey": "esafety_year9", "group": "HILL"})
    at.button(key="yp_start").click().run()
    radio(at, "uses_webcam").set_value("yes").run()
    code = at.session_state["yp_response"]
    for _ in range(20):
        if at.session_state.get("yp_finished"):
            break
        at.button(key="yp_next").click().run()
        assert not at.exception
    page = texts(at)
    assert "Thank you!" in page and "receipt code" in page
    assert _pupil_keys(at) == ["yp_finished"]  # nothing of theirs but the receipt on the thank-you page
    assert code not in page and dict(at.query_params) == {"survey": "esafety_year9", "group": "HILL"}
    at.button(key="yp_done").click().run()
    assert _pupil_keys(at) == [] and "Before you start" in texts(at)
    # The next pupil at the same tablet answers for the same school.
    at.button(key="yp_start").click().run()
    newest = session.scalars(select(Response).order_by(Response.id.desc())).first()
    assert newest.resume_code != code and session.get(Group, newest.group_id).code == "HILL"


def test_stop_for_now_clears_the_screen_and_the_code_brings_the_answers_back(app_env, session):
    at = start(app_env, {"survey": "esafety_year9"})
    at.button(key="yp_start").click().run()
    radio(at, "uses_webcam").set_value("no").run()
    at.button(key="yp_next").click().run()
    code = at.session_state["yp_response"]
    at.button(key="yp_leave").click().run()
    assert _pupil_keys(at) == [] and "Before you start" in texts(at)
    at.text_input(key="yp_resume_typed").input(code.replace("-", " ").lower())
    at.button(key="yp_resume_go").click().run()
    assert "Step 2 of" in texts(at) or any("Step 2 of" in str(p.text) for p in at.get("progress"))
    at.button(key="yp_back").click().run()
    assert radio(at, "uses_webcam").value == "no"


def test_a_next_pressed_while_a_follow_up_appears_never_skips_it(app_env, session):
    """The race: "Yes" shows a follow-up, but Next arrives with the page drawn before it (the callback's
    arguments). The server decides what the step holds now and shows the step again."""
    at = start(app_env, {"survey": "esafety_year9"})
    at.button(key="yp_start").click().run()
    radio(at, "uses_webcam").set_value("yes")
    at.button(key="yp_next").click().run()  # one run: the answer and the press together
    assert not at.exception
    assert "A new question has just appeared" in texts(at)
    assert any(r.key.endswith("_webcam_chat_new_people") for r in at.radio)
    response = session.scalars(select(Response)).one()
    session.refresh(response)
    assert response.current_step == 0  # not moved on
    radio(at, "webcam_chat_new_people").set_value("no").run()
    at.button(key="yp_next").click().run()
    session.refresh(response)
    assert response.current_step == 1


def test_none_of_these_unticks_the_rest_and_the_rest_untick_it(app_env, session):
    at = start(app_env, {"survey": "esafety_year9"})
    at.button(key="yp_start").click().run()
    for _ in range(5):
        if any(c.key.endswith("_social_networks_used_none") for c in at.checkbox):
            break
        at.button(key="yp_next").click().run()

    def box(option):
        return next(c for c in at.checkbox if c.key.endswith(f"_social_networks_used_{option}"))

    box("snapchat").check().run()
    box("youtube").check().run()
    box("none").check().run()
    assert [c.key.rsplit("_", 1)[-1] for c in at.checkbox if c.value] == ["none"]
    box("instagram").check().run()
    assert sorted(c.key.rsplit("_", 1)[-1] for c in at.checkbox if c.value) == ["instagram"]
    box("prefer_not_to_say").check().run()
    assert [c.key for c in at.checkbox if c.value] == [box("prefer_not_to_say").key]
    at.button(key="yp_next").click().run()
    saved = {(a.question_id, a.option_id) for a in session.scalars(select(Answer))}
    assert {o for q, o in saved if q == "social_networks_used"} == {"prefer_not_to_say"}
