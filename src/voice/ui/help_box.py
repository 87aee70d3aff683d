"""Help for young people, always in reach: a slim bar at the top of every young person's page, the full
"Need help now?" box lower down, and the support panel a worrying answer opens (it stays until closed).

Every number comes from voice.help_numbers; the words here are fixed text written in this file.
"""

from __future__ import annotations

import streamlit as st

from voice.help_numbers import CHILDLINE, EMERGENCY, YOUNG_PEOPLE_LINES

HELP_ANCHOR = "need-help-now"  # the full box's heading; the bar's "Help" link jumps to it
SUPPORT_OPEN = "yp_support_open"  # session state: the support panel stays on every screen until closed


def _lines_markdown() -> str:
    # tel: links so a tap on a phone starts the call. Each number ends its line, so the link's 44 px
    # tap area (layout.py) sits on a line of its own instead of stretching a wrapped sentence.
    return "\n\n".join(f"**{line.name}:** [{line.number}](tel:{line.tel})  \n{line.when.capitalize()}."
                       for line in YOUNG_PEOPLE_LINES)


def help_bar() -> None:
    """One line fixed at the top of the screen (layout.py pins `st-key-help-bar`): Childline and 999 as
    tap-to-call links, and "Need help?" jumping to the full box. Visible without scrolling at 320 px, and the
    page keeps room above its first line so the bar never covers a question."""
    with st.container(key="help-bar"):
        st.markdown(f"[Need help?](#{HELP_ANCHOR}) {CHILDLINE.name} [{CHILDLINE.number}](tel:{CHILDLINE.tel})"
                    f" or [{EMERGENCY.number}](tel:{EMERGENCY.tel})")


def help_box() -> None:
    """The full box, at the end of every young person's page."""
    with st.container(border=True, key="help-box"):
        st.subheader("Need help now?", anchor=HELP_ANCHOR)
        st.markdown(_lines_markdown())


def open_support_panel() -> None:
    """After words that suggest a young person may be at risk: the panel shows from the next screen on."""
    st.session_state[SUPPORT_OPEN] = True


def support_panel() -> None:
    """"Thank you for telling us…" with Childline and 999, on every screen until the young person closes it."""
    if not st.session_state.get(SUPPORT_OPEN):
        return
    with st.container(key="support-panel"):
        st.info(
            "Thank you for telling us. If things feel hard right now, you don't have to deal with them alone. "
            "You can talk to someone today:\n\n" + _lines_markdown(),
            icon=":material/favorite:",
        )
        st.button("Close this message", key="yp_support_close", on_click=close_support_panel)


def close_support_panel() -> None:
    st.session_state.pop(SUPPORT_OPEN, None)
