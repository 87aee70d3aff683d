"""The board's screens: the overview (a card per priority, the report download) and one priority in depth.

Thin: every figure comes from voice.reports.board (through voice.stats and voice.evidence.impact) and is
laid out by the same table functions as the Word and PDF reports (`measure_table`, `theme_table`,
`question_table`), so a figure reads the same on every screen and in every file. Charts come from
voice.reports.charts, each with its description. Stored text (quotes, plan wording, "you said") goes out
with st.text or escaped, never as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from voice.evidence.errors import EvidenceNotFound
from voice.evidence.impact import MEASURE_COLUMNS, measure_table
from voice.reports.board import BoardOverview, PriorityCard, board_overview, period_ids
from voice.reports.board_report import (QUESTION_COLUMNS, THEME_COLUMNS, hidden_themes_note, question_table,
                                        theme_charts, theme_table)
from voice.security.access import Actor
from voice.stats import SUPPRESSED_TEXT
from voice.ui.charts import show_chart, show_table
from voice.ui.errors import show_error
from voice.ui.refusal import page_link_if_listed
from voice.ui.runtime import db_session
from voice.ui.text import named, plain

PERIOD_KEY = "staff_board_period"  # staff_ keys are cleared on sign-out
PRIORITY_KEY = "staff_board_priority"
REPORT_KEY = "staff_board_report"
PRIORITY_PAGE = "pages/board_priority.py"
RAG_BADGE = {"red": ":red-badge[Red]", "amber": ":orange-badge[Amber]", "green": ":green-badge[Green]"}


def _load(actor: Actor, period_id: str | None) -> BoardOverview | None:
    with db_session() as session:
        try:
            return board_overview(session, actor, period_id)
        except EvidenceNotFound as exc:
            show_error(exc, info=True)
            return None


def _choose_period(actor: Actor) -> str | None:
    with db_session() as session:
        periods = period_ids(session, actor)
    if not periods:
        st.info("No plan period is loaded yet, so there are no priorities to report on. An administrator loads "
                "one with `voice priorities import FILE.yaml`.")
        return None
    wanted = st.query_params.get("period")
    if wanted in periods and PERIOD_KEY not in st.session_state:
        st.session_state[PERIOD_KEY] = wanted  # query params are cleared on the next page: keep the choice
    if st.session_state.get(PERIOD_KEY) not in periods:
        st.session_state.pop(PERIOD_KEY, None)
    return st.selectbox("Plan period", periods, key=PERIOD_KEY)


def overview_page(actor: Actor) -> None:
    st.title("Board overview")
    st.caption(f"What young people told us, what was done and what difference it made, for each priority. "
               f"A figure from {SUPPRESSED_TEXT} young people reads '{SUPPRESSED_TEXT}'. No comment is shown as "
               f"written: only themes, counts and quotes a facilitator approved.")
    period = _choose_period(actor)
    if period is None:
        return
    overview = _load(actor, period)
    if overview is None:
        return
    if overview.has_demo:
        st.warning("DEMO: some campaigns here are synthetic demonstration data, not real young people.")
    if overview.empty_explanation:
        st.info(plain(overview.empty_explanation))
    _headline(overview)
    _report_download(actor, overview)
    if overview.themes:
        st.subheader("Themes across everything young people wrote")
        _themes(overview.themes, key="all")
    for card in overview.priorities:
        _card(card, overview.period_id)


def _headline(o: BoardOverview) -> None:
    left, middle, right = st.columns(3)
    left.metric("Young people who answered", o.respondents_text)
    middle.metric("Waves", len(o.campaigns))
    right.metric("Priorities", len(o.priorities))
    if o.campaigns:
        st.write(plain(o.who_we_heard_from))
        show_table([(c.title, c.survey_title, c.dates, c.respondents_text) for c in o.campaigns],
                   ("Wave", "Survey", "Dates", "Young people"))
    if o.always_open_note:
        st.caption(plain(o.always_open_note))


def _report_download(actor: Actor, o: BoardOverview) -> None:
    from voice.reports.board_report import MIME, build_from_overview, file_name

    st.subheader("Board report")
    st.write("A Word and a PDF version of this overview, with charts, their figures and every priority in full.")
    built = st.session_state.get(REPORT_KEY)
    if st.button("Prepare the board report", key="staff_board_prepare", type="primary"):
        bar = st.progress(0.0, text="Collecting the figures…")

        def progress(stage: str, done: int, total: int) -> None:
            words = {"charts": "Drawing the charts", "writing": "Writing the file"}.get(stage, "Collecting")
            bar.progress(min(1.0, done / max(total, 1)), text=f"{words}: {done} of {total}")

        built = {"period": o.period_id}
        for fmt in ("docx", "pdf"):
            built[fmt] = build_from_overview(o, fmt, progress)
        bar.progress(1.0, text="Ready.")
        st.session_state[REPORT_KEY] = built
    if built and built.get("period") == o.period_id:
        left, right = st.columns(2)
        left.download_button("Download Word (.docx)", built["docx"], file_name=file_name(o.period_id, "docx"),
                             mime=MIME["docx"], key="staff_board_docx", icon=":material/description:")
        right.download_button("Download PDF", built["pdf"], file_name=file_name(o.period_id, "pdf"),
                              mime=MIME["pdf"], key="staff_board_pdf", icon=":material/picture_as_pdf:")


def _rag(card: PriorityCard) -> None:
    if card.rag is None:
        st.markdown("RAG: :gray-badge[Not set]")
        return
    st.markdown(f"RAG: {RAG_BADGE.get(card.rag.status, card.rag.status)} (set {card.rag.set_at:%d %b %Y})")
    st.text(f"Why: {card.rag.rationale}")


def _measures(card: PriorityCard) -> None:
    """The measures' table: the same rows, columns and words as the reports (voice.evidence.impact)."""
    show_table(measure_table(card.measures), MEASURE_COLUMNS)


def _card(card: PriorityCard, period_id: str) -> None:
    with st.container(border=True):
        st.subheader(plain(card.title))
        _rag(card)
        st.text("\n".join(f"• {o}" for o in card.outcomes))
        st.markdown("**Is it making a difference?**")
        if card.measures:
            _measures(card)
        else:
            st.caption("No measures are set for this priority yet: facilitators add them on the Priorities page.")
        if card.themes:
            st.markdown("**What young people wrote about**")
            _theme_table(card.themes)
        for quote in card.quotes:
            st.text(f"“{quote.text}” {quote.attribution}")
        counts = card.item_counts
        st.caption(f"You said, we did: {counts['done']} done · {counts['in_progress']} in progress · "
                   f"{counts['planned']} planned · {counts['not_possible']} not possible")
        if card.monitoring:
            st.warning(plain("For monitoring: " + " ".join(card.monitoring)), icon=":material/visibility:")
        # Listed (hidden) in the app's navigation for these roles; skipped when the page runs on its own.
        page_link_if_listed(PRIORITY_PAGE, label=f"Look closer at {plain(card.title)}", icon=":material/arrow_forward:",
                            query_params={"priority": card.key, "period": period_id})


def _theme_table(themes) -> None:
    rows = theme_table(themes)
    if rows:
        show_table(rows, THEME_COLUMNS)
    note = hidden_themes_note(themes)
    if note:
        st.caption(plain(note))


def _themes(themes, key: str) -> None:
    for k, drawn in enumerate(theme_charts(themes)):
        show_chart(drawn.chart, drawn.caption, key=f"board_theme_chart_{key}_{k}")
    _theme_table(themes)


# --- one priority ------------------------------------------------------------------------------------------


def priority_page(actor: Actor) -> None:
    st.title("Priority in depth")
    period = _choose_period(actor)
    if period is None:
        return
    overview = _load(actor, period)
    if overview is None:
        return
    if not overview.priorities:
        st.info(f"Plan {period} has no priorities loaded.")
        return
    keys = [c.key for c in overview.priorities]
    titles = {c.key: c.title for c in overview.priorities}
    wanted = st.query_params.get("priority")
    if wanted in keys and st.session_state.get(PRIORITY_KEY) not in keys:
        st.session_state[PRIORITY_KEY] = wanted
    if st.session_state.get(PRIORITY_KEY) not in keys:
        st.session_state.pop(PRIORITY_KEY, None)
    key = st.selectbox("Priority", keys, format_func=named(titles), key=PRIORITY_KEY)
    card = overview.priority(key)
    if overview.has_demo:
        st.warning("DEMO: some campaigns here are synthetic demonstration data, not real young people.")
    st.header(plain(card.title))
    st.caption(plain(f"Owner: {card.owner or 'not named'}"))
    _rag(card)
    st.markdown("**Outcomes we want**")
    st.text("\n".join(f"• {o}" for o in card.outcomes) or "No outcome statements in the plan.")

    st.subheader("What young people told us")
    if overview.empty_explanation:
        st.info(plain(overview.empty_explanation))
    if card.questions:
        show_table(question_table(card.questions), QUESTION_COLUMNS)
        if card.more_questions:
            st.caption(f"{card.more_questions} more linked questions are on the Results page.")
    if card.themes:
        _themes(card.themes, key=card.key)
    if card.quotes:
        st.markdown("**In their words** (approved quotes, attributed to a group)")
        for quote in card.quotes:
            st.text(f"“{quote.text}” {quote.attribution}")

    st.subheader("What we did")
    # Whole sentences, wrapped (a grid would cut them off); every cell escaped, as stored text must be.
    if card.items:
        show_table([(i.you_said, i.we_did or "No answer yet", i.status_words, i.waiting_words) for i in card.items],
                   ("You said", "We did", "Status", "Waiting"))
    else:
        st.caption('No "you said, we did" items are linked to this priority yet.')
    if card.actions:
        show_table([(a.what, a.who, a.when, a.progress or "Not reported yet") for a in card.actions],
                   ("What are we going to do?", "Who is responsible?", "When?", "Progress made"))

    st.subheader("What difference it made")
    if card.measures:
        _measures(card)
        from voice.reports.charts import measure_chart

        for m in card.measures:
            drawn = measure_chart(m)
            if drawn is not None:
                show_chart(*drawn, key=f"board_measure_chart_{m.id}")
    else:
        st.caption("No measures are set for this priority yet.")

    st.subheader("Areas for monitoring")
    if card.monitoring:
        st.text("\n".join(f"• {m}" for m in card.monitoring))
    else:
        st.caption("Nothing flagged.")
