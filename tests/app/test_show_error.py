"""voice.ui.errors.show_error: the one place a page turns a VoiceError into words on the screen."""

from __future__ import annotations


def test_show_error_plain_listed_and_quiet():
    from streamlit.testing.v1 import AppTest

    def script():
        from voice.analysis.store import NoChange
        from voice.definitions import DefinitionError, Problem
        from voice.errors import Invalid, NotFound
        from voice.ui.errors import show_error

        show_error(NotFound("There is no group with code '*HILL*'."))
        show_error(Invalid(["The name is missing.", "The code is taken."]))
        show_error(Invalid("The id is taken."), "Not changed. Please fix:")
        show_error(DefinitionError([Problem("codebook", 3, "themes[0].id", "missing", "id is missing")]), "Not saved.")
        show_error(NoChange("The codebook is unchanged."), info=True)

    from voice.ui.text import plain

    at = AppTest.from_function(script).run()
    errors = [e.value for e in at.error]
    assert errors[0] == plain("There is no group with code '*HILL*'.")  # what was typed is not Markdown
    assert "*HILL*" not in errors[0]
    assert errors[1] == f"Please fix:\n\n- {plain('The name is missing.')}\n- {plain('The code is taken.')}"
    assert errors[2] == f"Not changed. Please fix:\n\n- {plain('The id is taken.')}"
    assert errors[3] == plain("Not saved. line 3, field themes[0].id: id is missing")  # the page names the file
    assert [i.value for i in at.info] == [plain("The codebook is unchanged.")]


def test_a_role_refusal_shows_the_refused_page():
    from streamlit.testing.v1 import AppTest

    def script():
        from voice.security.access import ANONYMOUS, AccessDenied
        from voice.ui.errors import show_error

        show_error(AccessDenied(ANONYMOUS, ("admin",)))
        import streamlit as st

        st.write("not reached")

    at = AppTest.from_function(script).run()
    assert [t.value for t in at.title] == ["Not found or not allowed"]
    assert not [m for m in at.markdown if m.value == "not reached"]
