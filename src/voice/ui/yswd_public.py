"""What young people said and what the partnership did: big cards, plain words, phone first.

Only published items, only approved quotes. Stored text goes through st.text (never Markdown or
HTML), so nothing anyone typed can become a link, an image or a style on a young person's screen.
"""

from __future__ import annotations

import streamlit as st

from voice.db import DatabaseUnavailable, with_retry
from voice.demo import is_demo_item
from voice.evidence.you_said_we_did import ItemView, published_items
from voice.ui.help_box import help_bar, help_box
from voice.ui.runtime import db_session

S = st.session_state

# Constant styling only (no stored text): larger, easier reading inside the cards.
_CARD_CSS = """<style>
div[class*="st-key-yswd-card-"] [data-testid="stText"] { font-size: 1.15rem; line-height: 1.55; }
div[class*="st-key-yswd-card-"] h3 { margin-bottom: 0; }
</style>"""


def _capture_group() -> None:
    """Copy ?group= into session state once: Streamlit clears query params on navigation."""
    if not S.get("yswd_link_read"):
        S["yswd_group"] = st.query_params.get("group") or None
        S["yswd_link_read"] = True


def _load(group: str | None) -> list[ItemView]:
    def action() -> list[ItemView]:
        with db_session() as session:
            return published_items(session, group)

    return with_retry(action)


def run() -> None:
    _capture_group()
    help_bar()
    st.html(_CARD_CSS)  # a fixed style sheet; stored words are shown with st.text only
    st.title("You said, we did")
    st.write("You told us what matters to you. Here is what the people who keep young people safe did about it.")
    try:
        items = _load(S.get("yswd_group"))
    except DatabaseUnavailable:
        st.warning("We couldn't load this just now. Please try again in a minute.")
        items = None
    if items == []:
        st.info("There's nothing here yet. When we've answered what you told us, you'll see it here.")
    if items and any(is_demo_item(item.agency) for item in items):
        st.info("These are made-up examples, to show how this page works. Real answers will appear here.")
    for item in items or []:
        _card(item)
    st.page_link("pages/survey.py", label="Back to the surveys", icon=":material/arrow_back:")
    help_box()


def _card(item: ItemView) -> None:
    with st.container(border=True, key=f"yswd-card-{item.id}"):
        st.markdown("### You said")
        st.text(item.you_said)
        for quote in item.quotes:
            st.text(f"“{quote.text}” {quote.attribution}")
        st.markdown("### We did")
        st.text(item.we_did)
        if item.status == "not_possible" and item.not_possible_reason:
            st.markdown("**Why not**")
            st.text(item.not_possible_reason)
        when = item.responded_at or item.raised_at
        st.caption(f"{item.status_words} · {when:%-d %B %Y}")
