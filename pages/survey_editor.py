"""Build and change surveys in the app: drafts, sections, questions, skip rules, phone preview, publish.

Thin: every change goes through voice.surveys.editor (checked where it is made) and is saved at once
with voice.surveys.drafts, so a closed tab loses nothing.
"""

import streamlit as st

from voice.db import DatabaseUnavailable, with_retry
from voice.security.roles import ADMIN, FACILITATOR
from voice.surveys import drafts
from voice.surveys import editor as ed
from voice.surveys.editor import EditRefused
from voice.surveys.languages import title_for
from voice.surveys.registry import list_surveys
from voice.surveys.schema import QUESTION_TYPES
from voice.ui.guard import require_page
from voice.ui.preview import preview_survey, reset_preview
from voice.ui.runtime import db_session
from voice.ui.text import plain

actor = require_page(FACILITATOR, ADMIN)
S = st.session_state
TYPE_NAMES = {"single": "Pick one", "multi": "Pick any (tick boxes)", "yes_no": "Yes / No", "scale": "Scale",
              "emoji_scale": "Emoji scale", "text": "Write an answer", "number": "Number"}


def db(fn, *args, **kwargs):
    def action():
        with db_session() as session:
            return fn(session, actor, *args, **kwargs)

    return with_retry(action)


def show_refusal(exc: EditRefused) -> None:
    st.error("Not changed. Please fix:\n\n" + "\n".join(f"- {plain(str(p))}" for p in exc.problems))


def apply(fn, *args, clear: str | None = None, **kwargs) -> None:
    """Make one edit; saved and redrawn if accepted, else the refusal is shown right here (the form keeps
    what was typed). `clear`: key prefix of a form to empty after an accepted "add"."""
    try:
        new = fn(S["staff_editor_draft"], *args, **kwargs)
    except EditRefused as exc:
        show_refusal(exc)
        return
    db(drafts.save_draft, new)
    if clear:
        S["staff_editor_reset"] = clear  # emptied at the top of the next run, before the fields are drawn
    S["staff_editor_draft"] = new
    S.pop("staff_editor_editing", None)
    reset_preview()
    st.rerun()


def open_draft(survey_id: str) -> None:
    S["staff_editor_id"] = survey_id
    S.pop("staff_editor_draft", None)
    reset_preview()
    st.rerun()


if prefix := S.pop("staff_editor_reset", None):
    for key in [k for k in S.keys() if str(k).startswith(prefix)]:
        # Set, not delete: only a value set in state is sent back to the browser's form fields.
        value = S[key]
        S[key] = "single" if str(key).endswith("_type") else ([] if isinstance(value, list) else
                                                            False if isinstance(value, bool) else "")

st.title("Survey editor")
if notice := S.pop("staff_editor_notice", None):
    st.success(notice)

# --- choose a draft ---------------------------------------------------------------------------
if not S.get("staff_editor_id"):
    try:
        mine = db(drafts.list_drafts)
    except DatabaseUnavailable:
        st.warning("We couldn't reach the database just now. Please try again in a moment.")
        st.stop()
    st.subheader("Drafts")
    if not mine:
        st.caption("No drafts yet. Start one below.")
    for info in mine:
        cols = st.columns([4, 1])
        cols[0].markdown(f"**{plain(info.title)}** · `{info.survey_id}` · changed {info.updated_at:%d %b %H:%M} "
                         f"by {plain(info.updated_by)}")
        if cols[1].button("Open", key=f"staff_editor_open_{info.survey_id}"):
            open_draft(info.survey_id)

    st.subheader("Start a new survey")
    with st.form("staff_editor_new"):
        new_title = st.text_input("Title young people will see", key="staff_editor_new_title")
        new_id = st.text_input("Short id (lowercase, e.g. ypag_march_2025)", key="staff_editor_new_id")
        if st.form_submit_button("Start", type="primary"):
            try:
                db(drafts.start_new, new_id.strip(), new_title)
            except EditRefused as exc:
                show_refusal(exc)
            else:
                open_draft(new_id.strip())

    with db_session() as session:
        from voice.surveys.titles import survey_titles

        surveys = list_surveys(session)
        titles = survey_titles(session)  # "Staying safe online — ages 10 to 11": two surveys share a title
    if surveys:
        st.subheader("Start from a survey")
        with st.form("staff_editor_from"):
            source = st.selectbox("Survey", [s for s, _ in surveys],
                                  format_func=lambda s: titles.get(s, s), key="staff_editor_from_source")
            copy_id = st.text_input("New id for a copy (leave empty to change the survey itself)",
                                    key="staff_editor_from_id")
            st.caption("Surveys from the built-in files are always copied under a new id.")
            if st.form_submit_button("Start from this survey"):
                try:
                    draft = db(drafts.start_from, source, copy_id.strip() or None)
                except EditRefused as exc:
                    show_refusal(exc)
                else:
                    open_draft(draft["id"])
    st.stop()

# --- the open draft ---------------------------------------------------------------------------
if "staff_editor_draft" not in S:
    loaded = db(drafts.load_draft, S["staff_editor_id"])
    if loaded is None:
        S.pop("staff_editor_id")
        st.rerun()
    S["staff_editor_draft"] = loaded
draft = S["staff_editor_draft"]
langs = ed.languages(draft)

top = st.columns([3, 1])
top[0].markdown(f"Editing **{plain(ed.title_text(draft))}** (`{draft['id']}`): every change is saved.")
if top[1].button("Close", key="staff_editor_close"):
    for key in ("staff_editor_id", "staff_editor_draft", "staff_editor_editing"):
        S.pop(key, None)
    st.rerun()

build, preview, publish_tab = st.tabs(["Build", "Preview on a phone", "Publish"])

with build:
    with st.expander("Survey details: title, intro, ages, languages, priorities"):
        with st.form("staff_editor_details"):
            title = {lang: st.text_input(f"Title ({ed.LANGUAGE_NAMES.get(lang, lang)})",
                                         value=ed.wording_in(draft.get("title"), lang)) for lang in langs}
            intro = {lang: st.text_area(f"Introduction ({ed.LANGUAGE_NAMES.get(lang, lang)})",
                                        value=ed.wording_in(draft.get("intro"), lang)) for lang in langs}
            privacy = {lang: st.text_area(f"Privacy notice ({ed.LANGUAGE_NAMES.get(lang, lang)})",
                                          value=ed.wording_in(draft.get("privacy_notice"), lang)) for lang in langs}
            ages = st.slider("Ages", 10, 18, (draft["audience"]["min_age"], draft["audience"]["max_age"]))
            # An imported form may bring other languages (fr, sw …): they stay choosable.
            chosen_langs = st.multiselect("Languages", list(dict.fromkeys([*ed.LANGUAGE_NAMES, *langs])),
                                          default=langs, format_func=lambda c: ed.LANGUAGE_NAMES.get(c) or title_for(c))
            priorities = st.multiselect("Priorities this survey serves", ed.PRIORITY_IDS,
                                        default=draft.get("priorities") or [], format_func=ed.PRIORITY_NAMES.get)
            if st.form_submit_button("Save details"):
                apply(ed.update_survey, title=title, intro=intro, privacy_notice=privacy, min_age=ages[0],
                      max_age=ages[1], languages=chosen_langs, priorities=priorities)


    def question_form(key: str, section_id: str, current: dict | None) -> None:
        """Add (current None) or change a question. The type decides which fields are used."""
        current = current or {}
        with st.form(key):
            qtype = st.selectbox("Type", QUESTION_TYPES, format_func=TYPE_NAMES.get,
                                 index=QUESTION_TYPES.index(current.get("type", "single")), key=f"{key}_type")
            text = {lang: st.text_input(f"Question ({ed.LANGUAGE_NAMES.get(lang, lang)})",
                                        value=ed.wording_in(current.get("text"), lang), key=f"{key}_text_{lang}")
                    for lang in langs}
            qid = st.text_input("Short id (made from the question if left empty)", value=current.get("id", ""),
                                key=f"{key}_id")
            help_text = {lang: st.text_input(f"Help text, optional ({ed.LANGUAGE_NAMES.get(lang, lang)})",
                                             value=ed.wording_in(current.get("help"), lang), key=f"{key}_help_{lang}")
                         for lang in langs}
            options_text = st.text_area(
                "Options, one per line (for pick one, pick any, scale and emoji scale). Write `id: label`, "
                "add `| label` for each other language; for an emoji scale start the label with the emoji.",
                value=ed.options_to_text(current.get("options") or [], langs, with_emoji=True),
                placeholder="friends: Friends\nteachers: Teachers", key=f"{key}_options")
            required = st.checkbox("Must be answered (Prefer not to say still counts)",
                                   value=bool(current.get("required")), key=f"{key}_required")
            sensitive = st.checkbox("Sensitive (only counted, never shown one by one)",
                                    value=bool(current.get("sensitive")), key=f"{key}_sensitive")
            decimals = st.checkbox("Numbers may have decimals, like 2.5 (number questions)",
                                   value=bool(current.get("decimals")), key=f"{key}_decimals")
            priorities = st.multiselect("Priorities it serves", ed.PRIORITY_IDS,
                                        default=current.get("priorities") or [], format_func=ed.PRIORITY_NAMES.get,
                                        key=f"{key}_priorities")
            if st.form_submit_button("Save question" if current else "Add question", type="primary"):
                question = {
                    "id": qid.strip() or ed.slug(text.get("en", ""))[:40],
                    "type": qtype, "text": text, "help": help_text,
                    "options": ed.options_from_text(options_text, langs, with_emoji=qtype == "emoji_scale")
                    if qtype in ("single", "multi", "scale", "emoji_scale") else None,
                    "required": required, "sensitive": sensitive, "priorities": priorities,
                    "show_if": current.get("show_if"),
                    **{k: current[k] for k in ("min", "max", "max_length") if k in current and qtype in ("number", "text")},
                    "decimals": decimals if qtype == "number" else None,
                    "options_list": current.get("options_list"),  # an imported form's list name, kept
                }
                if current:
                    apply(ed.update_question, current["id"], question)
                else:
                    apply(ed.add_question, section_id, question, clear=key)

    def skip_rule_builder(question: dict) -> None:
        """Choose an earlier question, a test and an option; outside a form so the lists follow the choices."""
        qid = question["id"]
        earlier = ed.skip_rule_targets(draft, qid)
        st.markdown(f"**Skip rule:** {plain(ed.describe_condition(question.get('show_if')))}")
        if not earlier:
            st.caption("A skip rule can only look at an earlier question; this is the first one.")
            return
        by_id = {q["id"]: q for q in earlier}
        cols = st.columns(3)
        target = cols[0].selectbox("Show only if", list(by_id), key=f"staff_rule_q_{qid}")
        op = cols[1].selectbox("Test", ed.ops_for(by_id[target]), key=f"staff_rule_op_{qid}",
                               format_func={"equals": "is", "not_equals": "is not", "in": "is one of",
                                            "includes": "includes", "answered": "is answered"}.get)
        values = []
        if op != "answered":
            choices = ed.option_ids(by_id[target])
            if op == "in":
                values = cols[2].multiselect("Options", choices, key=f"staff_rule_v_{qid}")
            else:
                values = [cols[2].selectbox("Option", choices, key=f"staff_rule_v1_{qid}")]
        b1, b2 = st.columns(2)
        if b1.button("Save skip rule", key=f"staff_rule_save_{qid}"):
            try:
                condition = ed.make_condition(target, op, values)
            except EditRefused as exc:
                show_refusal(exc)
            else:
                apply(ed.set_show_if, qid, condition)
        if question.get("show_if") and b2.button("Always show", key=f"staff_rule_clear_{qid}"):
            apply(ed.set_show_if, qid, None)

    for si, section in enumerate(ed.sections(draft)):
        sid = section["id"]
        with st.container(border=True, key=f"staff_section_{sid}"):
            head = st.columns([5, 1, 1, 1])
            head[0].subheader(plain(ed.wording_in(section.get("title"), "en") or sid))
            if head[1].button("↑", key=f"staff_sec_up_{sid}", help="Move section up", disabled=si == 0):
                apply(ed.move_section, sid, -1)
            if head[2].button("↓", key=f"staff_sec_down_{sid}", help="Move section down"):
                apply(ed.move_section, sid, 1)
            if head[3].button("✕", key=f"staff_sec_del_{sid}", help="Delete section"):
                apply(ed.delete_section, sid)
            with st.expander("Section title and intro"):
                with st.form(f"staff_sec_form_{sid}"):
                    s_title = {lang: st.text_input(f"Title ({ed.LANGUAGE_NAMES.get(lang, lang)})",
                                                   value=ed.wording_in(section.get("title"), lang)) for lang in langs}
                    s_intro = {lang: st.text_area(f"Intro ({ed.LANGUAGE_NAMES.get(lang, lang)})",
                                                  value=ed.wording_in(section.get("intro"), lang)) for lang in langs}
                    if st.form_submit_button("Save section"):
                        apply(ed.update_section, sid, title=s_title, intro=s_intro)
            for qi, question in enumerate(section.get("questions") or []):
                qid = question["id"]
                with st.container(border=True, key=f"staff_q_{qid}"):
                    row = st.columns([6, 1, 1, 1, 1])
                    row[0].markdown(f"**{plain(ed.wording_in(question.get('text'), 'en'))}**  \n"
                                    f"`{qid}` · {TYPE_NAMES.get(question.get('type'))} · "
                                    f"{plain(ed.describe_condition(question.get('show_if')))}")
                    if row[1].button("↑", key=f"staff_q_up_{qid}", help="Move up"):
                        apply(ed.move_question, qid, -1)
                    if row[2].button("↓", key=f"staff_q_down_{qid}", help="Move down"):
                        apply(ed.move_question, qid, 1)
                    if row[3].button("✎", key=f"staff_q_edit_{qid}", help="Change"):
                        S["staff_editor_editing"] = qid if S.get("staff_editor_editing") != qid else None
                        st.rerun()
                    if row[4].button("✕", key=f"staff_q_del_{qid}", help="Delete"):
                        apply(ed.delete_question, qid)
                    if S.get("staff_editor_editing") == qid:
                        question_form(f"staff_q_form_{qid}", sid, question)
                        skip_rule_builder(question)
                        others = [s["id"] for s in ed.sections(draft) if s["id"] != sid]
                        if others:
                            to = st.selectbox("Move to section", others, key=f"staff_q_to_{qid}")
                            if st.button("Move", key=f"staff_q_move_{qid}"):
                                apply(ed.move_question, qid, to_section=to)
            with st.expander("Add a question to this section", expanded=not section.get("questions")):
                question_form(f"staff_add_q_{sid}", sid, None)

    with st.expander("Add a section"):
        with st.form("staff_add_section"):
            sec_title = st.text_input("Section title", key="staff_add_section_title")
            sec_id = st.text_input("Short id (made from the title if left empty)", key="staff_add_section_id")
            if st.form_submit_button("Add section"):
                apply(ed.add_section, sec_id.strip() or ed.slug(sec_title), sec_title, clear="staff_add_section")

with preview:
    problems = ed.publish_problems(draft)
    if problems:
        st.info("The preview shows once the survey is complete. Still to do:\n\n"
                + "\n".join(f"- {plain(str(p))}" for p in problems))
    else:
        preview_survey(ed.draft_to_survey(draft))

with publish_tab:
    problems = ed.publish_problems(draft)
    if problems:
        st.warning("Before publishing, please fix:\n\n" + "\n".join(f"- {plain(str(p))}" for p in problems))
    else:
        st.write("Young people get the new version as soon as it is published. Answers already given keep the "
                 "version they answered.")
        if st.button("Publish", type="primary", key="staff_editor_publish"):
            try:
                version = db(drafts.publish_draft, draft["id"])
            except EditRefused as exc:
                show_refusal(exc)
            else:
                S["staff_editor_notice"] = (f"Published '{draft['id']}' as version {version.revision}. "
                                            "Open a campaign to get links and QR codes.")
                for key in ("staff_editor_id", "staff_editor_draft", "staff_editor_editing"):
                    S.pop(key, None)
                st.rerun()
    if st.button("Discard this draft", key="staff_editor_discard"):
        db(drafts.discard_draft, draft["id"])
        for key in ("staff_editor_id", "staff_editor_draft", "staff_editor_editing"):
            S.pop(key, None)
        st.rerun()
