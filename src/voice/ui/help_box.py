"""The "Need help now?" box: on every step of every survey, calm and always in reach."""

from __future__ import annotations

import streamlit as st

from voice.help_numbers import YOUNG_PEOPLE_LINES


def _lines_markdown() -> str:
    # tel: links so a tap on a phone starts the call. Each number ends its line, so the link's 44 px
    # tap area (layout.py) sits on a line of its own instead of stretching a wrapped sentence.
    return "\n\n".join(f"**{line.name}:** [{line.number}](tel:{line.tel})  \n{line.when.capitalize()}."
                         for line in YOUNG_PEOPLE_LINES)


def help_box(prominent: bool = False) -> None:
    if prominent:
        st.info(
            "Thank you for telling us. If things feel hard right now, you don't have to deal with them alone. "
            "You can talk to someone today:\n\n" + _lines_markdown(),
            icon=":material/favorite:",
        )
        return
    with st.container(border=True, key="help-box"):
        st.markdown("**Need help now?**\n\n" + _lines_markdown())
