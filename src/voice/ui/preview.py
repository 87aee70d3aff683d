"""The editor's preview: a survey drawn by the young person's own code, at phone width, with no database.

Answers live only in session state under `staff_preview_…` keys (cleared on sign-out); nothing is stored.
"""

from __future__ import annotations

import streamlit as st

from voice.surveys.schema import Survey
from voice.ui.help_box import help_box
from voice.ui.survey_flow import draw_step, draw_welcome

PHONE_WIDTH = 390  # the phone the browser tests use (iPhone 12-14 class)
S = st.session_state


def reset_preview(key: str = "staff_preview") -> None:
    for k in list(S.keys()):
        if str(k).startswith(key):
            del S[k]


def preview_survey(survey: Survey, key: str = "staff_preview") -> None:
    """Welcome screen, then each step with Back/Next, then the thank-you screen: as a young person sees it."""
    stage = S.get(f"{key}_stage", "welcome")
    with st.container(border=True, width=PHONE_WIDTH, key=f"{key}_phone"):
        if stage == "welcome":
            draw_welcome(survey, f"{key}_language")
            if st.button("Start", type="primary", width="stretch", key=f"{key}_start"):
                S[f"{key}_stage"], S[f"{key}_step"] = "steps", 0
                st.rerun()
        elif stage == "steps":
            lang = S.get(f"{key}_language") or survey.languages[0]
            shown, _, step, last, back, forward = draw_step(
                survey, lang, S.get(f"{key}_step", 0), f"{key}_a", {}, S.get(f"{key}_errors", {}),
                button_prefix=key, container_prefix=f"{key}-q-")
            if back or forward:
                missing = [q.id for q in shown if q.required and q.is_closed and _unanswered(key, q)]
                if forward and missing:
                    S[f"{key}_errors"] = {q: "Please choose an answer. “Prefer not to say” is fine too."
                                          for q in missing}
                else:
                    S.pop(f"{key}_errors", None)
                    if forward and last:
                        S[f"{key}_stage"] = "done"
                    else:
                        S[f"{key}_step"] = step + (1 if forward else -1)
                st.rerun()
        else:
            st.title("Thank you!")
            st.write("Your answers have been sent. (Preview: nothing was stored.)")
        help_box()
    if st.button("Start the preview again", key=f"{key}_restart", icon=":material/restart_alt:"):
        reset_preview(key)
        st.rerun()


def _unanswered(key: str, question) -> bool:
    value = S.get(f"{key}_a_{question.id}")
    return value in (None, "")
