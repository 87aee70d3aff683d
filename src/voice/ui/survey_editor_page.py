"""Build and change surveys in the app: drafts, sections, questions, skip rules, phone preview, publish.

Every change goes through voice.surveys.editor (checked where it is made) and is saved at once with
voice.surveys.drafts, so a closed tab loses nothing. Each accepted change says what it did. An "Add" form
is emptied after an accepted add (its fields are reset at the top of the next run, before they are
drawn: a widget's state is never written once it is on the screen) and keeps what was typed after a
refusal; pressing "Add" twice adds the question once. Publishing asks whether the young people's front
page lists the survey.
"""

from __future__ import annotations

import streamlit as st

from voice.security.access import Actor
from voice.surveys import drafts
from voice.surveys import editor as ed
from voice.surveys.editor import EditRefused
from voice.evidence.priorities import priority_choices
from voice.surveys.languages import PARTNERSHIP_LANGUAGES, english_name
from voice.surveys.registry import is_listed, list_surveys
from voice.surveys.schema import QUESTION_TYPES
from voice.surveys.titles import survey_titles
from voice.ui.errors import show_error
from voice.ui.preview import preview_survey, reset_preview
from voice.ui import notice
from voice.ui.runtime import Services, services
from voice.ui.text import named, plain, short

S = st.session_state
TYPE_NAMES = {"single": "Pick one", "multi": "Pick any (tick boxes)", "yes_no": "Yes / No", "scale": "Scale",
              "emoji_scale": "Emoji scale", "text": "Write an answer", "number": "Number"}
LISTED, UNLISTED = "listed", "unlisted"
LISTING_WORDS = {LISTED: "Yes: list it on the young people's front page",
                 UNLISTED: "No: only people with its link (or QR code) can open it"}
OPEN_KEYS = ("staff_editor_id", "staff_editor_draft", "staff_editor_editing")


def run(actor: Actor) -> None:
    db = services(actor)
    _reset_added_form()
    st.title("Survey editor")
    notice.show("staff_editor_notice")
    if not S.get("staff_editor_id"):
        _choose(db)
        return
    if "staff_editor_draft" not in S:
        loaded = db(drafts.load_draft, S["staff_editor_id"])
        if loaded is None:
            S.pop("staff_editor_id")
            st.rerun()
        S["staff_editor_draft"] = loaded
    _open_draft(db, S["staff_editor_draft"])


# --- editing helpers ------------------------------------------------------------------------------------


def _reset_added_form() -> None:
    """Empty the fields of a form whose "Add" was accepted in the last run (before they are drawn)."""
    if prefix := S.pop("staff_editor_reset", None):
        for key in [k for k in S.keys() if str(k).startswith(prefix)]:
            # Set, not delete: only a value set in state is sent back to the browser's form fields.
            value = S[key]
            S[key] = "single" if str(key).endswith("_type") else ([] if isinstance(value, list) else
                                                                False if isinstance(value, bool) else "")


def show_refusal(exc: EditRefused) -> None:
    show_error(exc, "Not changed. Please fix:")


def apply(db: Services, fn, *args, done: str, clear: str | None = None, **kwargs) -> None:
    """Make one edit; saved and redrawn if accepted, else the refusal is shown right here (the form keeps
    what was typed). `done` says what happened; `clear`: key prefix of a form to empty after an "add"."""
    try:
        new = fn(S["staff_editor_draft"], *args, **kwargs)
    except EditRefused as exc:
        show_refusal(exc)
        return
    db(drafts.save_draft, new)
    _accepted(new, done, clear)


def _accepted(new: dict, done: str, clear: str | None = None) -> None:
    if clear:
        S["staff_editor_reset"] = clear  # emptied at the top of the next run, before the fields are drawn
    S["staff_editor_draft"] = new
    notice.tell("staff_editor_notice", done)
    S.pop("staff_editor_editing", None)
    reset_preview()
    st.rerun()


def _close() -> None:
    for key in OPEN_KEYS:
        S.pop(key, None)


def open_draft(survey_id: str) -> None:
    S["staff_editor_id"] = survey_id
    S.pop("staff_editor_draft", None)
    reset_preview()
    st.rerun()


# --- choose or start a draft ------------------------------------------------------------------------------


def _choose(db: Services) -> None:
    mine = db(drafts.list_drafts)
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
                S["staff_editor_reset"] = "staff_editor_new_"
                notice.tell("staff_editor_notice",
                            f"Started the survey “{short(new_title, 60)}”: add its questions below.")
                open_draft(new_id.strip())

    surveys = db.read(list_surveys, include_unlisted=True)
    titles = db.read(survey_titles)  # "Staying safe online — ages 10 to 11": two surveys share a title
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
                    notice.tell("staff_editor_notice", f"Started a draft of “{short(ed.title_text(draft), 60)}”.")
                    open_draft(draft["id"])


# --- the open draft ---------------------------------------------------------------------------------------


def _open_draft(db: Services, draft: dict) -> None:
    top = st.columns([3, 1])
    top[0].markdown(f"Editing **{plain(ed.title_text(draft))}** (`{draft['id']}`): every change is saved.")
    if top[1].button("Close", key="staff_editor_close"):
        _close()
        st.rerun()
    build, preview, publish_tab = st.tabs(["Build", "Preview on a phone", "Publish"], key="staff_editor_tabs")
    with build:
        _build(db, draft)
    with preview:
        problems = ed.publish_problems(draft)
        if problems:
            st.info("The preview shows once the survey is complete. Still to do:\n\n"
                    + "\n".join(f"- {plain(p)}" for p in problems))
        else:
            preview_survey(ed.draft_to_survey(draft))
    with publish_tab:
        _publish(db, draft)


def _build(db: Services, draft: dict) -> None:
    langs = ed.languages(draft)
    plan = db.read(priority_choices)  # the current plan's priorities: key -> title
    with st.expander("Survey details: title, intro, ages, languages, priorities"):
        with st.form("staff_editor_details"):
            title = {lang: st.text_input(f"Title ({english_name(lang)})",
                                         value=ed.wording_in(draft.get("title"), lang)) for lang in langs}
            intro = {lang: st.text_area(f"Introduction ({english_name(lang)})",
                                        value=ed.wording_in(draft.get("intro"), lang)) for lang in langs}
            privacy = {lang: st.text_area(f"Privacy notice ({english_name(lang)})",
                                          value=ed.wording_in(draft.get("privacy_notice"), lang)) for lang in langs}
            ages = st.slider("Ages", 10, 18, (draft["audience"]["min_age"], draft["audience"]["max_age"]))
            # An imported form may bring other languages (fr, sw …): they stay choosable.
            chosen_langs = st.multiselect("Languages", list(dict.fromkeys([*sorted(PARTNERSHIP_LANGUAGES), *langs])),
                                          default=langs, format_func=english_name)
            chosen = draft.get("priorities") or []
            priorities = st.multiselect("Priorities this survey serves", _priority_options(plan, chosen),
                                        default=chosen, format_func=lambda k: plan.get(k, k))
            if st.form_submit_button("Save details"):
                apply(db, ed.update_survey, title=title, intro=intro, privacy_notice=privacy, min_age=ages[0],
                      max_age=ages[1], languages=chosen_langs, priorities=priorities, known_priorities=plan,
                      done="Saved the survey details.")

    for si, section in enumerate(ed.sections(draft)):
        _section(db, draft, si, section, langs, plan)

    with st.expander("Add a section"):
        with st.form("staff_add_section"):
            sec_title = st.text_input("Section title", key="staff_add_section_title")
            sec_id = st.text_input("Short id (made from the title if left empty)", key="staff_add_section_id")
            if st.form_submit_button("Add section"):
                apply(db, ed.add_section, sec_id.strip() or ed.slug(sec_title), sec_title,
                      done=f"Added the section “{short(sec_title, 60)}”.", clear="staff_add_section")


def _section(db: Services, draft: dict, si: int, section: dict, langs: list[str], plan: dict[str, str]) -> None:
    sid = section["id"]
    name = ed.wording_in(section.get("title"), "en") or sid
    with st.container(border=True, key=f"staff_section_{sid}"):
        head = st.columns([5, 1, 1, 1])
        head[0].subheader(plain(name))
        if head[1].button("↑", key=f"staff_sec_up_{sid}", help="Move section up", disabled=si == 0):
            apply(db, ed.move_section, sid, -1, done=f"Moved the section “{short(name, 40)}” up.")
        if head[2].button("↓", key=f"staff_sec_down_{sid}", help="Move section down"):
            apply(db, ed.move_section, sid, 1, done=f"Moved the section “{short(name, 40)}” down.")
        if head[3].button("✕", key=f"staff_sec_del_{sid}", help="Delete section"):
            apply(db, ed.delete_section, sid, done=f"Deleted the section “{short(name, 40)}”.")
        with st.expander("Section title and intro"):
            with st.form(f"staff_sec_form_{sid}"):
                s_title = {lang: st.text_input(f"Title ({english_name(lang)})",
                                               value=ed.wording_in(section.get("title"), lang)) for lang in langs}
                s_intro = {lang: st.text_area(f"Intro ({english_name(lang)})",
                                              value=ed.wording_in(section.get("intro"), lang)) for lang in langs}
                if st.form_submit_button("Save section"):
                    apply(db, ed.update_section, sid, title=s_title, intro=s_intro, done="Saved the section.")
        for question in section.get("questions") or []:
            _question_row(db, draft, sid, question, langs, plan)
        with st.expander("Add a question to this section", expanded=not section.get("questions")):
            question_form(db, draft, f"staff_add_q_{sid}", sid, None, langs, plan)


def _question_row(db: Services, draft: dict, sid: str, question: dict, langs: list[str],
                  plan: dict[str, str]) -> None:
    qid = question["id"]
    wording = ed.wording_in(question.get("text"), "en")
    with st.container(border=True, key=f"staff_q_{qid}"):
        row = st.columns([6, 1, 1, 1, 1])
        row[0].markdown(f"**{plain(wording)}**  \n"
                        f"`{qid}` · {TYPE_NAMES.get(question.get('type', ''))} · "
                        f"{plain(ed.describe_condition(question.get('show_if')))}")
        if row[1].button("↑", key=f"staff_q_up_{qid}", help="Move up"):
            apply(db, ed.move_question, qid, -1, done=f"Moved “{short(wording, 40)}” up.")
        if row[2].button("↓", key=f"staff_q_down_{qid}", help="Move down"):
            apply(db, ed.move_question, qid, 1, done=f"Moved “{short(wording, 40)}” down.")
        if row[3].button("✎", key=f"staff_q_edit_{qid}", help="Change"):
            S["staff_editor_editing"] = qid if S.get("staff_editor_editing") != qid else None
            st.rerun()
        if row[4].button("✕", key=f"staff_q_del_{qid}", help="Delete"):
            apply(db, ed.delete_question, qid, done=f"Deleted the question “{short(wording, 40)}”.")
        if S.get("staff_editor_editing") == qid:
            question_form(db, draft, f"staff_q_form_{qid}", sid, question, langs, plan)
            skip_rule_builder(db, draft, question)
            others = [s["id"] for s in ed.sections(draft) if s["id"] != sid]
            if others:
                to = st.selectbox("Move to section", others, key=f"staff_q_to_{qid}")
                if st.button("Move", key=f"staff_q_move_{qid}"):
                    apply(db, ed.move_question, qid, to_section=to, done=f"Moved “{short(wording, 40)}”.")


def question_form(db: Services, draft: dict, key: str, section_id: str, current: dict | None,
                  langs: list[str], plan: dict[str, str]) -> None:
    """Add (current None) or change a question. The type decides which fields are used."""
    adding = current is None
    current = current or {}
    with st.form(key):
        qtype = st.selectbox("Type", QUESTION_TYPES, format_func=named(TYPE_NAMES),
                             index=QUESTION_TYPES.index(current.get("type", "single")), key=f"{key}_type")
        text = {lang: st.text_input(f"Question ({english_name(lang)})",
                                    value=ed.wording_in(current.get("text"), lang), key=f"{key}_text_{lang}")
                for lang in langs}
        qid = st.text_input("Short id (made from the question if left empty)", value=current.get("id", ""),
                            key=f"{key}_id")
        help_text = {lang: st.text_input(f"Help text, optional ({english_name(lang)})",
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
        chosen = current.get("priorities") or []
        priorities = st.multiselect("Priorities it serves", _priority_options(plan, chosen),
                                    default=chosen, format_func=lambda k: plan.get(k, k),
                                    key=f"{key}_priorities")
        submitted = st.form_submit_button("Add question" if adding else "Save question", type="primary")
    if not submitted:
        return
    question = ed.question_from_form(current, qid=qid, qtype=qtype, text=text, help_text=help_text,
                                     options_text=options_text, langs=langs, required=required,
                                     sensitive=sensitive, decimals=decimals, priorities=priorities)
    wording = short(text.get("en", "") or question["id"], 60)
    if not adding:
        apply(db, ed.update_question, current["id"], question, known_priorities=plan,
              done=f"Saved the question “{wording}”.")
        return
    if _already_added(draft, question):
        # A second press of "Add" (the first one's redraw had not arrived yet): it is there already.
        _accepted(draft, f"Added the question “{wording}”.", clear=key)
        return
    apply(db, ed.add_question, section_id, question, known_priorities=plan, done=f"Added the question “{wording}”.",
          clear=key)


def _priority_options(plan: dict[str, str], chosen: list[str]) -> list[str]:
    """The current plan's priorities, and any the survey already names from another plan (kept, not lost)."""
    return list(dict.fromkeys([*plan, *chosen]))


def _already_added(draft: dict, question: dict) -> bool:
    """The question (same id, type and wording) is in the draft: the natural key of an "add"."""
    try:
        _, _, existing = ed.find_question(draft, question["id"])
    except EditRefused:
        return False
    return existing.get("type") == question["type"] and \
        all(ed.wording_in(existing.get("text"), lang) == value for lang, value in question["text"].items())


def skip_rule_builder(db: Services, draft: dict, question: dict) -> None:
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
                           format_func=named({"equals": "is", "not_equals": "is not", "in": "is one of",
                                              "includes": "includes", "answered": "is answered"}))
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
            apply(db, ed.set_show_if, qid, condition, done=f"Saved the skip rule: {ed.describe_condition(condition)}.")
    if question.get("show_if") and b2.button("Always show", key=f"staff_rule_clear_{qid}"):
        apply(db, ed.set_show_if, qid, None, done="The question is now always shown.")


# --- publishing ---------------------------------------------------------------------------------------------


def _publish(db: Services, draft: dict) -> None:
    problems = ed.publish_problems(draft)
    if problems:
        st.warning("Before publishing, please fix:\n\n" + "\n".join(f"- {plain(p)}" for p in problems))
    else:
        st.write("Young people get the new version as soon as it is published. Answers already given keep the "
                 "version they answered.")
        listed_now = db.read(is_listed, draft["id"])  # None: never published, so nothing is assumed
        choice = st.radio("Show this survey on the young people's front page?", [LISTED, UNLISTED],
                          index=None if listed_now is None else (0 if listed_now else 1),
                          format_func=LISTING_WORDS.get, key=f"staff_editor_listing_{draft['id']}")
        st.caption("Unlisted suits a survey for one group or meeting: share its link or QR code from "
                   "Campaigns and links. You can change this later there.")
        if st.button("Publish", type="primary", key="staff_editor_publish"):
            if choice is None:
                st.error("Please choose whether the front page lists this survey, then publish.")
            else:
                try:
                    version = db(drafts.publish_draft, draft["id"], listed=choice == LISTED)
                except EditRefused as exc:
                    show_refusal(exc)
                else:
                    where = ("It is listed on the young people's front page." if choice == LISTED else
                             "It is not on the front page: share its link from Campaigns and links.")
                    notice.tell("staff_editor_notice", f"Published '{draft['id']}' as version {version.revision}. "
                                f"{where} Open a campaign to get links and QR codes for groups.")
                    _close()
                    st.rerun()
    with st.expander("Discard this draft"):
        sure = st.checkbox("Yes, throw this draft away (a published version stays published)",
                           key=f"staff_editor_discard_sure_{draft['id']}")
        if st.button("Discard this draft", key="staff_editor_discard", disabled=not sure):
            db(drafts.discard_draft, draft["id"])
            notice.tell("staff_editor_notice", f"Discarded the draft of '{draft['id']}'.")
            _close()
            st.rerun()
