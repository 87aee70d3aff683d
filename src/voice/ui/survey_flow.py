"""The young person's survey, one section per step, on a phone, often a shared school device.

The database is the source of truth: every Next or Back saves the step. Which response this screen is
answering is found through ONE function, `current_response_token()`, and nothing else: today it reads
session state only, so the resume code never appears in an address (a link that still carries
`?resume=` is stripped and opens nothing) and a reload comes back to the welcome page, where the young
person carries on by typing their code. (docs/security.md: what a per-tab cookie would change here.)

Finishing, "Done: let someone else answer" and "Stop for now" forget everything of that young person on
this device (`forget_young_person`): their answers on screen, their code, the support panel, the address.
The link's survey, group and campaign stay, so the next pupil at the same school tablet starts clean.

Nothing heavy runs here: no analysis, charts or big imports. Everything from outside (survey wording,
link parameters, group and campaign names) is shown through `plain()` or st.text, never as Markdown.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import streamlit as st

from voice.db import DatabaseUnavailable
from voice.responses import service
from voice.responses.answers import AnswersRejected, unanswered_required
from voice.responses.codes import new_client_key
from voice.responses.errors import SurveyProblem
from voice.surveys.languages import own_name
from voice.surveys.piping import piped_question
from voice.surveys.registry import UnknownSurvey, get_survey, list_surveys
from voice.surveys.schema import Question, Survey, tr
from voice.surveys.skip_logic import is_shown, visible_sections
from voice.ui.errors import show_error
from voice.ui.help_box import close_support_panel, help_bar, help_box, open_support_panel, support_panel
from voice.ui.runtime import call
from voice.ui.text import label as label_text, plain
from voice.web.scripts import SCROLL_TO_TOP

S = st.session_state
LINK_PARAMS = ("survey", "group", "campaign")  # the school's link: kept for the next young person
YSWD_PAGE = "pages/you_said_we_did.py"

SAVE_FAILED = (
    "We couldn't save your answers just now. They are still here on your screen: "
    "please wait a moment and press the button again."
)
NEW_QUESTION = "A new question has just appeared on this page. Have a look at it, then press Next again."
CODE_NOT_IN_LINKS = "To keep answers private, codes are never kept in links. If you have a code, type it below."


_db = call  # a service call in its own transaction, retried when the database is busy


# --- whose answers this screen shows: one place ----------------------------------------------------

_TOKEN = "yp_response"


def current_response_token() -> str | None:
    """The resume code of the response this screen is answering, or None.

    The ONE place the survey looks it up. Today: session state only (a reload starts afresh; the code
    brings the young person back). When a per-tab cookie exists (st.App, issue 18), read it here when
    session state is empty, and write/clear it in `_remember_response` / `forget_young_person`.
    """
    return S.get(_TOKEN)


def _remember_response(code: str) -> None:
    S[_TOKEN] = code
    S.pop("yp_progress", None)
    S.pop("yp_finished", None)


def forget_young_person() -> None:
    """Clear everything of the young person on this device, keeping the link's survey, group and campaign."""
    for key in list(S.keys()):
        if str(key).startswith("a_") or key in (_TOKEN, "yp_progress", "yp_finished", "yp_errors", "yp_notice",
                                                 "yp_typed_code", "yp_resume_typed", "yp_language"):
            del S[key]
    close_support_panel()
    _link_in_address()


def _link_in_address() -> None:
    """The address shows the school's link and nothing else."""
    link = {name: S[f"yp_{name}"] for name in LINK_PARAMS if S.get(f"yp_{name}")}
    if dict(st.query_params) != link:
        st.query_params.from_dict(link)


def _client_key() -> str:
    """A random key for this screen's code tries (rate limit); kept across pupils, identifies no device."""
    if "yp_client" not in S:
        S["yp_client"] = new_client_key()
    return S["yp_client"]


def _capture_link() -> None:
    """Copy the link's parameters into session state once: Streamlit clears them on navigation.
    A `?resume=` from an old link is dropped unread: a code in an address shows nobody's answers."""
    if S.get("yp_link_read"):
        return
    params = st.query_params
    for name in LINK_PARAMS:
        if params.get(name):
            S[f"yp_{name}"] = params.get(name)
    if "resume" in params:
        S["yp_notice"] = ("info", CODE_NOT_IN_LINKS)
        _link_in_address()
    S["yp_link_read"] = True


def run() -> None:
    _capture_link()
    help_bar()
    try:
        support_panel()
        if S.get("yp_finished"):
            _finished(S["yp_finished"])
        elif current_response_token():
            _in_progress()
        elif S.get("yp_survey"):
            _welcome(S["yp_survey"])
        else:
            _landing()
    except DatabaseUnavailable:
        st.warning(SAVE_FAILED)
    help_box()
    _top_of_each_new_screen()


# A new screen (step, thank-you page) starts at its top, not where the young person had scrolled to on the
# last one to reach Next: without it a phone shows the middle of the next step, its heading and first question
# above the fold. A fixed script (voice.web.scripts), allowed by its hash in the Content-Security-Policy.
_TO_TOP = f"<script>{SCROLL_TO_TOP}</script>"


def _top_of_each_new_screen() -> None:
    progress = S.get("yp_progress")
    screen = ("finished" if S.get("yp_finished") else
              f"step {progress.current_step}" if current_response_token() and progress else
              "welcome" if S.get("yp_survey") else "landing")
    if S.get("yp_screen") != screen:
        S["yp_screen"] = screen
        S["yp_screen_n"] = S.get("yp_screen_n", 0) + 1
    with st.container(key=f"yp-top-{S['yp_screen_n']}"):  # a new element per screen: the script runs again
        st.html(_TO_TOP, unsafe_allow_javascript=True)


def _notice() -> None:
    """A message for the top of the screen: ("info" | "warning", Markdown), set by a callback or the link.
    The text is a fixed message of this module, or passed through plain() where it is set."""
    if notice := S.pop("yp_notice", None):
        kind, text = notice
        (st.warning if kind == "warning" else st.info)(text)


# --- landing: no link, so type a code or choose a survey ---------------------------------------

def _landing() -> None:
    st.title("Have your say")
    st.write("Your answers help the people who keep young people safe in Leicestershire and Rutland.")
    _notice()
    _code_form("code-form", "Got a code? Type it here", "yp_typed_code", "Go", "yp_code_go")
    offered = _db(_surveys_on_offer)
    if offered:
        st.subheader("Or choose a survey")
        titles = [tr(s.title) for s in offered]
        for survey in offered:
            with st.container(border=True, key=f"yp-card-{survey.id}"):
                label = tr(survey.title)
                twin = titles.count(label) > 1
                if twin:  # two "Staying safe online": say which is which on the button
                    label = f"{label}: {who_for(survey)}"
                if st.button(plain(label), key=f"yp_pick_{survey.id}", width="stretch"):
                    S["yp_survey"] = survey.id
                    _link_in_address()
                    st.rerun()
                st.caption(plain(about(survey, with_who=not twin)))
    _you_said_we_did_link()


def _surveys_on_offer(session) -> list[Survey]:
    return [get_survey(session, survey_id)[1] for survey_id, _ in list_surveys(session)]


def who_for(survey: Survey, lang: str = "en") -> str:
    """Who a survey is for, in a young person's words: its `audience.who`, else the ages."""
    return tr(survey.audience_who, lang) or _ages(survey)


def about(survey: Survey, lang: str = "en", with_who: bool = True) -> str:
    """One line for the front page and the welcome screen: who it is for, the ages, how long it takes."""
    minutes = survey.duration_minutes
    ages = _ages(survey)
    who = tr(survey.audience_who, lang) if with_who else ""
    return (f"{who} ({ages.lower()})" if who else ages) + f" · About {minutes} minute{'s' if minutes != 1 else ''}"


def _ages(survey: Survey) -> str:
    low, high = survey.audience_min_age, survey.audience_max_age
    return f"Age {low}" if low == high else f"Ages {low} to {high}"


def _code_form(form_key: str, label: str, input_key: str, button: str, button_key: str) -> None:
    """A box to type a resume code. Cleared when sent, so the code does not stay on a shared screen."""
    with st.form(form_key, border=True, clear_on_submit=True):
        typed = st.text_input(label, placeholder="For example K7QF-M2XD", key=input_key, autocomplete="off")
        go = st.form_submit_button(button, type="primary", key=button_key)
    if go and typed.strip():
        _open_code(typed)


def _open_code(typed: str) -> None:
    outcome = _db(service.open_with_code, typed, _client_key(), S.get("yp_group"))
    if isinstance(outcome, SurveyProblem):
        show_error(outcome)
        return
    _remember_response(outcome.resume_code)
    S["yp_progress"] = outcome
    st.rerun()


def _you_said_we_did_link() -> None:
    """Closing the loop: what happened after young people had their say."""
    group = S.get("yp_group")
    st.page_link(YSWD_PAGE, label="You said, we did: see what changed because young people had their say",
                 icon=":material/forum:", query_params={"group": group} if group else None)


# --- welcome: the notice before starting --------------------------------------------------------

def _welcome(survey_id: str) -> None:
    try:
        _, survey = _db(get_survey, survey_id)
    except UnknownSurvey:
        st.title("We couldn't find that survey")
        st.write("The link may be old or mistyped. Ask the adult who gave it to you, or choose a survey below.")
        if st.button("See the surveys", type="primary"):
            S.pop("yp_survey", None)
            _link_in_address()
            st.rerun()
        return
    language = draw_welcome(survey, "yp_language")
    _notice()
    if st.button("Start", type="primary", width="stretch", key="yp_start"):
        try:
            progress = _db(service.start_response, survey_id, S.get("yp_group"), S.get("yp_campaign"), language)
        except SurveyProblem as problem:
            show_error(problem)  # plain text: it may quote the link's group or campaign
        else:
            _remember_response(progress.resume_code)
            S["yp_progress"] = progress
            st.rerun()
    # A key keeps it open across reruns even when the notice above it comes and goes.
    with st.expander("Started before? Carry on with your code", key="yp_resume_expander"):
        _code_form("resume-form", "Your code", "yp_resume_typed", "Carry on", "yp_resume_go")
    _you_said_we_did_link()


def draw_welcome(survey: Survey, language_key: str) -> str:
    """The welcome screen (language choice, title, who it is for, intro, privacy notice); returns the
    language chosen. Shared with the editor's preview."""
    language = survey.languages[0]
    if len(survey.languages) > 1:
        language = st.radio("Language", survey.languages, horizontal=True, key=language_key,
                            format_func=own_name)
    st.title(plain(tr(survey.title, language)))
    st.caption(plain(about(survey, language)))
    st.write(plain(tr(survey.intro, language)))
    with st.container(border=True):
        st.markdown("**Before you start**")
        st.write(plain(tr(survey.privacy_notice, language)))
    return language


# --- steps ----------------------------------------------------------------------------------------

def _progress() -> service.Progress | None:
    code = current_response_token()
    progress = S.get("yp_progress")
    if progress is None or progress.resume_code != code:
        try:
            progress = _db(service.load_progress, code)
        except SurveyProblem:
            forget_young_person()
            st.title("We couldn't find your answers")
            st.write("Start again, or type your code to carry on.")
            if st.button("Start again", type="primary"):
                st.rerun()
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
    if progress.submitted:  # sent from another screen: nothing of it is shown here
        forget_young_person()
        st.rerun()
    _notice()
    draw_step(progress.survey, progress.language, progress.current_step, _prefix(progress), progress.answers,
              S.get("yp_errors", {}), on_move=functools.partial(_move, progress))
    until = f" It works until {progress.expires_on:%-d %B}." if progress.expires_on else ""
    st.caption(f"Your code to carry on later: **{progress.resume_code}**.{until} "
               "Your answers so far are saved, so you can stop at any time.")
    st.button("Stop for now and clear this screen", key="yp_leave", on_click=forget_young_person)


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
    everything = _screen_answers_for(prefix, saved, survey.questions)
    sections = visible_sections(survey, everything)
    step = max(0, min(current_step, len(sections) - 1))
    section = sections[step]
    for question in section.questions:
        _prime_for(prefix, saved, question)
    answers = _screen_answers_for(prefix, saved, section.questions)

    st.caption(plain(tr(survey.title, lang)))
    st.progress(step / len(sections), text=f"Step {step + 1} of {len(sections)}")
    st.header(plain(tr(section.title, lang)))
    if section.intro:
        st.write(plain(tr(section.intro, lang)))
    shown = [q for q in section.questions if is_shown(q, answers, survey)]
    for question in shown:  # ${question} in the wording shows an earlier answer (voice.surveys.piping); the
        # whole wording, answer included, is then shown as text by _widget_for, so nothing is escaped twice.
        question = piped_question(question, survey, everything, lang)
        _widget_for(prefix, question, lang, errors.get(question.id), container_prefix)

    last = step == len(sections) - 1
    back_col, next_col = st.columns(2)
    back_click: dict[str, Any] = {}
    next_click: dict[str, Any] = {}
    if on_move:
        back_click = dict(on_click=on_move, args=(shown, section.questions, step, -1, False))
        next_click = dict(on_click=on_move, args=(shown, section.questions, step, 1, last))
    back = back_col.button("Back", disabled=step == 0, width="stretch", key=f"{button_prefix}_back",
                           **back_click)
    forward = next_col.button("Send my answers" if last else "Next", type="primary", width="stretch",
                              key=f"{button_prefix}_next", **next_click)
    return shown, section.questions, step, last, back, forward


def _move(progress: service.Progress, shown: list[Question], step_questions, step: int, direction: int,
          submit: bool) -> None:
    """Back/Next callback: save the step (and send on the last one) before the page is drawn again.

    What the step holds is decided here, on the server, from the answers as they are now: a Next pressed
    while a follow-up question was still appearing (the page drawn before the answer that shows it) stays
    on the step, so a question can never be skipped unseen."""
    survey = progress.survey
    now_answers = _screen_answers(progress, survey.questions)
    now_shown = [q for q in step_questions if is_shown(q, now_answers, survey)]
    if direction > 0 and {q.id for q in now_shown} - {q.id for q in shown}:
        S["yp_notice"] = ("info", NEW_QUESTION)
        return
    answers = _screen_answers(progress, now_shown)
    missing = unanswered_required(now_shown, answers)  # the rule lives in the domain (voice.responses.answers)
    if direction > 0 and missing:
        S["yp_errors"] = {p.question_id: p.message for p in missing}
        return
    try:
        updated = _db(service.save_step, progress.resume_code, answers, [q.id for q in step_questions],
                      step + direction)
        receipt = _db(service.submit, progress.resume_code) if submit else None
    except AnswersRejected as rejected:
        S["yp_errors"] = {p.question_id: p.message for p in rejected.problems}
        return
    except SurveyProblem as problem:
        S["yp_notice"] = ("warning", plain(problem.message))  # it may quote a link's group or campaign
        return
    except DatabaseUnavailable:
        S["yp_notice"] = ("warning", SAVE_FAILED)
        return
    texts = [v for q in now_shown if q.type == "text" and isinstance(v := answers.get(q.id), str)]
    if texts and _suggests_risk(texts):
        open_support_panel()
    if receipt is not None:
        support = S.get("yp_support_open")
        forget_young_person()  # sent: nothing of theirs stays on this device but the receipt
        if support:
            open_support_panel()  # ...and the support panel, until they close it
        S["yp_finished"] = {"receipt": receipt}
        return
    S.pop("yp_errors", None)
    S["yp_progress"] = updated


def _suggests_risk(texts: list[str]) -> bool:
    from voice.analysis.help_prompt import suggests_risk

    return suggests_risk(texts)


def _finished(finished: dict) -> None:
    st.title("Thank you!")
    st.write("Your answers have been sent. The people who run this survey will read them with others' answers, "
             "and tell young people what they did about them.")
    st.markdown(f"Your receipt code: **{finished['receipt']}**")
    st.caption("Keep it if you like. You don't need it for anything, but it proves your answers arrived.")
    _you_said_we_did_link()
    if st.button("Done: let someone else answer", type="primary", width="stretch", key="yp_done"):
        forget_young_person()
        st.rerun()


# --- widgets --------------------------------------------------------------------------------------

def _prime_for(prefix: str, saved: dict[str, Any], question: Question) -> None:
    """Give a widget its saved answer the first time it is drawn in this browser session."""
    value = saved.get(question.id)
    if question.type == "multi":
        for option in question.options:
            key = _key_for(prefix, question, option.id)
            if key not in S:
                S[key] = bool(value) and option.id in (value or ())
        return
    key = _key_for(prefix, question)
    if key not in S:
        if question.type == "number" and value is not None and not question.decimals:
            value = int(value)  # a whole-number box holds ints
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


def _untick_the_rest(prefix: str, question: Question, option_id: str) -> None:
    """Checkbox callback: an exclusive option ("None of these", "Prefer not to say") unticks every other
    option; any other option unticks the exclusive ones. The domain refuses the mix too (answers.py)."""
    if not S.get(_key_for(prefix, question, option_id)):
        return
    ticked_alone = option_id in question.exclusive_ids
    for option in question.options:
        if option.id != option_id and (ticked_alone or option.id in question.exclusive_ids):
            S[_key_for(prefix, question, option.id)] = False


def _question_text(label: str, help_text: str | None) -> None:
    """The question in bold, with its help as text under it. Help is never a hover tooltip: its 16 px icon
    is too small to tap, and some help matters ("It is never your fault"). The widget keeps the question
    as its (collapsed) label, so screen readers still name the choices and boxes by it."""
    st.markdown(f"**{label}**")
    if help_text:
        st.caption(help_text)


def _widget_for(prefix: str, question: Question, lang: str, error: str | None, container_prefix: str = "q-") -> None:
    label = label_text(tr(question.text, lang))  # the widgets' hidden label: what screen readers announce
    help_text = plain(tr(question.help, lang)) or None
    key = _key_for(prefix, question)
    with st.container(key=f"{container_prefix}{question.id}"):
        _question_text(plain(tr(question.text, lang)), help_text)
        if question.type == "multi":
            st.caption("Tick all that apply.")
            for option in question.options:
                st.checkbox(label_text(tr(option.label, lang)), key=_key_for(prefix, question, option.id),
                            on_change=_untick_the_rest, args=(prefix, question, option.id))
        elif question.is_closed:
            labels = {o.id: (f"{o.emoji} " if o.emoji else "") + plain(tr(o.label, lang)) for o in question.options}
            st.radio(label, list(labels), format_func=labels.get, key=key, label_visibility="collapsed")
        elif question.type == "text":
            st.text_area(label, key=key, height=120, label_visibility="collapsed",
                         placeholder="You can leave this empty if you like.")
            length = len(S.get(key) or "")
            if length > question.max_length:
                st.warning(f"That's {length:,} characters. The most we can take is {question.max_length:,}.")
        elif question.type == "number":
            kind = float if question.decimals else int  # a whole-number box takes no decimals
            st.number_input(label, key=key, value=None, step=kind(0.1 if question.decimals else 1),
                            format="%g" if question.decimals else "%d", label_visibility="collapsed",
                            min_value=None if question.min is None else kind(question.min),
                            max_value=None if question.max is None else kind(question.max))
        if error:
            st.error(plain(error))
