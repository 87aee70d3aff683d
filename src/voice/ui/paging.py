"""Page controls shared by long staff lists: "Page 3 of 40 · 791 answers", Previous / Next, go to a page.

The page number lives in session state under `key`. Buttons change it in their callbacks (before any
widget of the next run exists), and filters reset it to 1 with `reset_page` as their on_change, so no
code ever writes the state of a widget that is already on the screen.
"""

from __future__ import annotations

import streamlit as st

from voice.paging import PAGE_SIZES, Page


def requested(key: str) -> int:
    return int(st.session_state.get(key) or 1)


def size(key: str, default: int = 20) -> int:
    return int(st.session_state.get(f"{key}_size") or default)


def reset_page(key: str) -> None:
    st.session_state[key] = 1


def _step(key: str, by: int, last: int) -> None:
    st.session_state[key] = min(max(1, requested(key) + by), last)


def controls(page: Page, key: str, noun: str = "answers", one: str = "answer", bottom: bool = False) -> None:
    """Totals and buttons for `page`. Call after the service has answered (it clamps the page number)."""
    if not bottom and requested(key) != page.number:
        st.session_state[key] = page.number  # the list shrank: follow the service's clamp (widget not drawn yet)
    st.caption(page.words(noun, one))
    if page.pages <= 1:
        if not bottom:
            st.selectbox("Per page", PAGE_SIZES, index=PAGE_SIZES.index(page.size) if page.size in PAGE_SIZES else 1,
                         key=f"{key}_size", on_change=reset_page, args=(key,))
        return
    suffix = "_bottom" if bottom else ""
    cols = st.columns([1, 1, 1, 1]) if not bottom else st.columns([1, 1, 2])
    cols[0].button("← Previous page", key=f"{key}_prev{suffix}", disabled=page.number <= 1,
                   on_click=_step, args=(key, -1, page.pages))
    cols[1].button("Next page →", key=f"{key}_next{suffix}", disabled=page.number >= page.pages,
                   on_click=_step, args=(key, 1, page.pages))
    if not bottom:
        cols[2].number_input("Go to page", min_value=1, max_value=page.pages, step=1, key=key)
        cols[3].selectbox("Per page", PAGE_SIZES, index=PAGE_SIZES.index(page.size) if page.size in PAGE_SIZES else 1,
                          key=f"{key}_size", on_change=reset_page, args=(key,))
