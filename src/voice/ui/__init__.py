"""Shared Streamlit pieces. The only part of `voice` that imports streamlit."""

# Streamlit decides per run whether to use the old `pages/` folder mode, and until app.py first calls
# st.navigation in this process it assumes yes (we have a `pages/` folder). In that mode a URL such as
# /admin_users runs the page file alone, without app.py, and the sidebar lists every file in pages/.
# Every page imports voice.ui, so switching the old mode off here leaves at most the process's very
# first run exposed, and require_page still refuses there. (A full fix is renaming pages/.)
try:
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
except Exception:  # Streamlit moved it: the guard on every page still protects
    pass
