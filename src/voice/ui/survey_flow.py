"""The young person's survey, one section per step, on a phone.

The database is the source of truth: every Next or Back saves the step, and the resume code in
the address (`?resume=…`) brings a refreshed or reopened tab back to the same step. Session state
only holds what is on the screen. Nothing heavy runs here: no analysis, charts or big imports.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import streamlit as st

from voice.db import DatabaseUnavailable
from voice.responses import service
from voice.responses.answers import AnswersRejected, unanswered_required
from voice.responses.codes import normalise_code
from voice.responses.errors import SurveyProblem
from voice.surveys.registry import UnknownSurvey, get_survey, list_surveys
from voice.surveys.schema import Question, Survey, tr
from voice.surveys.skip_logic import is_shown, visible_sections
from voice.ui.help_box import help_box
from voice.ui.runtime import call

S = st.session_state
LINK_PARAMS = ("survey", "group", "campaign")

SAVE_FAILED = (
    "We couldn't save your answers just now. They are still here on your screen: "
    "please wait a moment and press the button again."
)


_db = call  # a service call in its own transaction, retried when the database is busy


def _capture_link() -> None:
    """Copy the link's parameters into session state once: Streamlit clears them on navigation."""
    if S.get("yp_link_read"):
        return
    params = st.query_params
    for name in LINK_PARAMS:
        if params.get(name):
            S[f"yp_{name}"] = params.get(name)
    if params.get("resume"):
        S["yp_resume"] = normalise_code(params.get("resume"))
    S["yp_link_read"] = True


def _reset() -> None:
    for key in list(S.keys()):
        if str(key).startswith(("yp_", "a_")):
            del S[key]
    st.query_params.clear()
    S["yp_link_read"] = True


def run() -> None:
    _capture_link()
    try:
        if S.get("yp_resume"):
            _in_progress()
        elif S.get("yp_survey"):
            _welcome(S["yp_survey"])
        else:
            _landing()
    except DatabaseUnavailable:
        st.warning(SAVE_FAILED)
        help_box()


# --- landing: no link, so type a code or choose a survey ---------------------------------------

def _landing() -> None:
    st.title("Have your say")
    st.write("Your answers help the people who keep young people safe in Leicestershire and Rutland.")
    with st.form("code-form", border=True):
        typed = st.text_input("Got a code? Type it here", placeholder="For example K7QF-M2XD", key="yp_typed_code")
        go = st.form_submit_button("Go", type="primary")
    if go and typed.strip():
        _open_code(typed)
    surveys = _db(list_surveys)
    if surveys:
        st.subheader("Or choose a survey")
        for survey_id, title in surveys:
            if st.button(title, key=f"yp_pick_{survey_id}", width="stretch"):
                S["yp_survey"] = survey_id
                st.query_params["survey"] = survey_id
                st.rerun()
    help_box()


def _open_code(typed: str) -> None:
    code = normalise_code(typed)
    try:
        _db(service.load_progress, code)
    except SurveyProblem as problem:
        st.error(problem.message)
        return
    _set_resume(code)
    st.rerun()


def _set_resume(code: str) -> None:
    S["yp_resume"] = code
    S.pop("yp_progress", None)
    st.query_params.clear()
    st.query_params["resume"] = code


# --- welcome: the notice before starting --------------------------------------------------------

def _welcome(survey_id: str) -> None:
    try:
        _, survey = _db(get_survey, survey_id)
    except UnknownSurvey:
        st.title("We couldn't find that survey")
        st.write("The link may be old or mistyped. Ask the adult who gave it to you, or choose a survey below.")
        if st.button("See the surveys", type="primary"):
            _reset()
            st.rerun()
        help_box()
        return
    language = draw_welcome(survey, "yp_language")
    if st.button("Start", type="primary", width="stretch", key="yp_start"):
        try:
            progress = _db(service.start_response, survey_id, S.get("yp_group"), S.get("yp_campaign"), language)
        except SurveyProblem as problem:
            st.error(problem.message)
        else:
            _set_resume(progress.resume_code)
            st.rerun()
    with st.expander("Started before? Carry on with your code"):
        with st.form("resume-form", border=False):
            typed = st.text_input("Your code", key="yp_resume_typed")
            if st.form_submit_button("Carry on") and typed.strip():
                _open_code(typed)
    help_box()


def draw_welcome(survey: Survey, language_key: str) -> str:
    """The welcome screen (language choice, title, intro, privacy notice); returns the language chosen.
    Shared with the editor's preview."""
    language = survey.languages[0]
    if len(survey.languages) > 1:
        language = st.radio("Language", survey.languages, horizontal=True, key=language_key,
                            format_func=_language_name)
    st.title(tr(survey.title, language))
    st.write(tr(survey.intro, language))
    with st.container(border=True):
        st.markdown("**Before you start**")
        st.write(tr(survey.privacy_notice, language))
    return language


def _language_name(code: str) -> str:
    return {"en": "English", "pl": "Polski", "ur": "اردو", "pa": "ਪੰਜਾਬੀ", "gu": "ગુજરાતી"}.get(code, code)


# --- steps ----------------------------------------------------------------------------------------

def _progress() -> service.Progress | None:
    progress = S.get("yp_progress")
    if progress is None or progress.resume_code != S["yp_resume"]:
        try:
            progress = _db(service.load_progress, S["yp_resume"])
        except SurveyProblem as problem:
            st.title("We couldn't find your answers")
            st.write(problem.message)
            if st.button("Start again", type="primary"):
                _reset()
                st.rerun()
            help_box()
            return None
        S["yp_progress"] = progress
    return progress


def _prefix(progress: service.Progress) -> str:
    return f"a_{progress.resume_code}"


def _key_for(prefix: str, question: Question, option: str | None = None) -> str:
    suffix = f"_{option}" if option else ""
    return f"{prefix}_{question.id}{suffix}"




def _in_progress() -> None:
    progress = _progress()
    if progress is None:
        return
    if progress.submitted:
        _finished(progress)
        return
    if S.pop("yp_help_first", False):
        help_box(prominent=True)
    if notice := S.pop("yp_notice", None):
        st.warning(notice)
    draw_step(progress.survey, progress.language, progress.current_step, _prefix(progress), progress.answers,
              S.get("yp_errors", {}), on_move=functools.partial(_move, progress))
    st.caption(f"Your code to carry on later: **{progress.resume_code}**")
    help_box()


def draw_step(survey: Survey, lang: str, current_step: int, prefix: str, saved: dict[str, Any],
              errors: dict[str, str], button_prefix: str = "yp", container_prefix: str = "q-",
              on_move: Callable[..., None] | None = None):
    """Draw one step of `survey` exactly as a young person sees it, from plain data (no database).

    Used by the survey itself and by the editor's preview. Widget keys start with `prefix`;
    `saved` holds answers already stored. With `on_move`, Back and Next call
    on_move(shown, step_questions, step, direction, submit) as their on_click callback, so the
    next step is drawn in the same script run (one run per press, not two). Returns (shown
    questions, the step's questions, step, is_last, back pressed, next pressed).
    """
    sections = visible_sections(survey, _screen_answers_for(prefix, saved, survey.questions))
    step = max(0, min(current_step, len(sections) - 1))
    section = sections[step]
    for question in section.questions:
        _prime_for(prefix, saved, question)
    answers = _screen_answers_for(prefix, saved, section.questions)

    st.caption(tr(survey.title, lang))
    st.progress(step / len(sections), text=f"Step {step + 1} of {len(sections)}")
    st.header(tr(section.title, lang))
    if section.intro:
        st.write(tr(section.intro, lang))
    shown = [q for q in section.questions if is_shown(q, answers, survey)]
    for question in shown:
        _widget_for(prefix, question, lang, errors.get(question.id), container_prefix)

    last = step == len(sections) - 1
    back_col, next_col = st.columns(2)
    back_click = dict(on_click=on_move, args=(shown, section.questions, step, -1, False)) if on_move else {}
    next_click = dict(on_click=on_move, args=(shown, section.questions, step, 1, last)) if on_move else {}
    back = back_col.button("Back", disabled=step == 0, width="stretch", key=f"{button_prefix}_back",
                           **back_click)
    forward = next_col.button("Send my answers" if last else "Next", type="primary", width="stretch",
                              key=f"{button_prefix}_next", **next_click)
    return shown, section.questions, step, last, back, forward


def _move(progress: service.Progress, shown: list[Question], step_questions, step: int, direction: int,
          submit: bool) -> None:
    """Back/Next callback: save the step (and send on the last one) before the page is drawn again."""
    answers = _screen_answers(progress, shown)
    missing = unanswered_required(shown, answers)  # the rule lives in the domain (voice.responses.answers)
    if direction > 0 and missing:
        S["yp_errors"] = {p.question_id: p.message for p in missing}
        return
    try:
        updated = _db(service.save_step, progress.resume_code, answers, [q.id for q in step_questions],
                      step + direction)
        if submit:
            _db(service.submit, progress.resume_code)
            updated = _db(service.load_progress, progress.resume_code)
    except AnswersRejected as rejected:
        S["yp_errors"] = {p.question_id: p.message for p in rejected.problems}
        return
    except SurveyProblem as problem:
        S["yp_notice"] = problem.message
        return
    except DatabaseUnavailable:
        S["yp_notice"] = SAVE_FAILED
        return
    S.pop("yp_errors", None)
    S["yp_progress"] = updated
    texts = [v for q in shown if q.type == "text" and isinstance(v := answers.get(q.id), str)]
    if texts and _suggests_risk(texts):
        S["yp_help_first"] = True


def _suggests_risk(texts: list[str]) -> bool:
    from voice.analysis.help_prompt import suggests_risk

    return suggests_risk(texts)


def _finished(progress: service.Progress) -> None:
    if S.pop("yp_help_first", False):
        help_box(prominent=True)
    st.title("Thank you!")
    st.write("Your answers have been sent. The people who run this survey will read them with others' answers, "
             "and tell young people what they did about them.")
    st.markdown(f"Your receipt code: **{progress.receipt_code}**")
    st.caption("Keep it if you like. You don't need it for anything, but it proves your answers arrived.")
    help_box()
    if st.button("Done: let someone else answer", width="stretch", key="yp_done"):
        _reset()
        st.rerun()


# --- widgets --------------------------------------------------------------------------------------

def _prime_for(prefix: str, saved: dict[str, Any], question: Question) -> None:
    """Give a widget its saved answer the first time it is drawn in this browser session."""
    value = saved.get(question.id)
    if question.type == "multi":
        for option in question.options:
            key = _key_for(prefix, question, option.id)
            if key not in S:
                S[key] = bool(value) and option.id in value
        return
    key = _key_for(prefix, question)
    if key not in S:
        S[key] = value if value is not None else ("" if question.type == "text" else None)


def _screen_answers(progress: service.Progress, questions) -> dict[str, Any]:
    return _screen_answers_for(_prefix(progress), progress.answers, questions)


def _screen_answers_for(prefix: str, saved: dict[str, Any], questions) -> dict[str, Any]:
    """Saved answers overlaid with what is on the screen now, for skip logic and saving."""
    answers = dict(saved)
    for question in questions:
        if question.type == "multi":
            keys = [(o.id, _key_for(prefix, question, o.id)) for o in question.options]
            if any(k in S for _, k in keys):
                chosen = [oid for oid, k in keys if S.get(k)]
                answers.pop(question.id, None)
                if chosen:
                    answers[question.id] = chosen
            continue
        key = _key_for(prefix, question)
        if key in S:
            value = S[key]
            answers.pop(question.id, None)
            if value not in (None, "") and not (isinstance(value, str) and not value.strip()):
                answers[question.id] = value
    return answers


def _question_text(label: str, help_text: str | None) -> None:
    """The question in bold, with its help as text under it. Help is never a hover tooltip: its 16 px icon
    is too small to tap, and some help matters ("It is never your fault"). The widget keeps the question
    as its (collapsed) label, so screen readers still name the choices and boxes by it."""
    st.markdown(f"**{label}**")
    if help_text:
        st.caption(help_text)


def _widget_for(prefix: str, question: Question, lang: str, error: str | None, container_prefix: str = "q-") -> None:
    label = tr(question.text, lang)
    help_text = tr(question.help, lang) or None
    key = _key_for(prefix, question)
    with st.container(key=f"{container_prefix}{question.id}"):
        _question_text(label, help_text)
        if question.type == "multi":
            st.caption("Tick all that apply.")
            for option in question.options:
                st.checkbox(tr(option.label, lang), key=_key_for(prefix, question, option.id))
        elif question.is_closed:
            labels = {o.id: (f"{o.emoji} " if o.emoji else "") + tr(o.label, lang) for o in question.options}
            st.radio(label, list(labels), format_func=labels.get, key=key, label_visibility="collapsed")
        elif question.type == "text":
            st.text_area(label, key=key, height=120, label_visibility="collapsed",
                         placeholder="You can leave this empty if you like.")
            length = len(S.get(key) or "")
            if length > question.max_length:
                st.warning(f"That's {length:,} characters. The most we can take is {question.max_length:,}.")
        elif question.type == "number":
            st.number_input(label, key=key, value=None, step=1.0, label_visibility="collapsed",
                            min_value=question.min, max_value=question.max)
        if error:
            st.error(error)
