"""The one place a page turns a refused request (a `voice.errors.VoiceError`) into words on the screen.

    try:
        db(open_campaign, survey_id, name, ...)
    except VoiceError as problem:
        show_error(problem)          # the form keeps what was typed

Catch `VoiceError` (or one kind of it) around the service call, never a builtin such as ValueError:
a programming mistake must still show as one. The message is the service's own words, shown as plain
text (it may quote what someone typed). An `Invalid` with several problems becomes a list, one line
each; a definition file's problems say where (line, field) without the file name, which the page
already shows. A role refusal (AccessDenied) shows the same words as a refused page.
"""

from __future__ import annotations

import streamlit as st

from voice.definitions.problems import DefinitionError, Problem
from voice.errors import Invalid, VoiceError
from voice.security.access import AccessDenied
from voice.ui.refusal import refuse
from voice.ui.text import plain


def _where(problem: Problem) -> str:
    where = ", ".join(w for w in (f"line {problem.line}" if problem.line else "",
                                  f"field {problem.field}" if problem.field else "") if w)
    return f"{where}: {problem.message}" if where else problem.message


def lines(error: VoiceError) -> list[str]:
    """What to tell the person, one line per thing to fix (unescaped)."""
    if isinstance(error, DefinitionError):
        return [_where(p) for p in error.problems]
    if isinstance(error, Invalid) and len(error.problems) > 1 and \
            str(error) == "\n".join(str(p) for p in error.problems):  # no summary of its own: list them
        return [str(p) for p in error.problems]
    return [str(error)]


def show_error(error: VoiceError, lead: str = "", *, info: bool = False) -> None:
    """Show `error` where the action was. `lead` goes first ("Not saved."); a lead ending in ":" ("Not
    changed. Please fix:") is followed by a list even for one problem. `info=True` for something that is
    not a mistake (the same text saved twice, a period with no plan yet)."""
    if isinstance(error, AccessDenied):
        refuse(error.actor)  # stops the run
    found = lines(error)
    if lead.endswith(":") or len(found) > 1:
        text = (lead or "Please fix:") + "\n\n" + "\n".join(f"- {plain(line)}" for line in found)
    else:
        text = plain(f"{lead} {found[0]}" if lead else found[0])
    (st.info if info else st.error)(text)


__all__ = ["lines", "show_error"]
