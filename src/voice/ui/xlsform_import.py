"""The XLSForm upload on the Campaigns page: read once, show what was brought across and what was left out.

Streamlit runs the page again on every click, and an uploaded file stays in the widget, so the workbook
is read ONCE per upload: the report is kept in the session under the file's content hash (and the
"Prefer not to say" choice) and reused until a different file is chosen. The file is checked for size,
unpacked size and cell counts before anything parses it (voice.surveys.xlsform_limits).

Everything from the workbook is shown as text (st.text / plain): a label is the form author's words.
"""

from __future__ import annotations

import hashlib
from typing import Callable

import streamlit as st

from voice.surveys.editor import EditRefused
from voice.surveys.xlsform import XLSFormError, XLSFormReport, read_xlsform
from voice.surveys.xlsform_limits import MAX_UPLOAD_BYTES
from voice.ui.errors import show_error
from voice.ui.text import plain

S = st.session_state
_CACHE = "staff_xlsform_read"  # {"key": (hash, option, name), "result": XLSFormReport | XLSFormError}


def read_upload(data: bytes, file_name: str, add_prefer_not_to_say: bool) -> XLSFormReport | XLSFormError:
    """The import of this upload, read once: the same bytes and choice give back the same result."""
    key = (hashlib.sha256(data).hexdigest(), add_prefer_not_to_say, file_name)
    cached = S.get(_CACHE)
    if cached and cached["key"] == key:
        return cached["result"]
    try:
        # A form without settings.form_id is named after its file, as pyxform does (made snake_case, reported).
        result: XLSFormReport | XLSFormError = read_xlsform(data, default_id=file_name.rsplit(".", 1)[0],
                                                          add_prefer_not_to_say=add_prefer_not_to_say)
    except XLSFormError as exc:
        result = exc
    S[_CACHE] = {"key": key, "result": result}  # only the latest upload is kept
    return result


def import_panel(save_draft: Callable[[dict], object]) -> None:
    """Upload an XLSForm; `save_draft(data)` stores the survey as an editor draft (the page's service call)."""
    st.subheader("Import an XLSForm")
    st.caption("From ODK, KoboToolbox, Ona or SurveyCTO (.xlsx or .xls). The form is read with pyxform, the "
               "reference converter; what our surveys cannot hold is listed with its row, and nothing else changes.")
    add_pnts = st.checkbox("Add “Prefer not to say” to every choice question", key="staff_xlsform_pnts",
                           help="Young people should never have to answer. Leave it unticked to keep the "
                                "form's own lists exactly as they are.")
    upload = st.file_uploader("XLSForm (.xlsx or .xls)", type=["xlsx", "xls"], key="staff_xlsform_upload",
                              max_upload_size=max(1, MAX_UPLOAD_BYTES // 1_000_000))
    if upload is None:
        S.pop(_CACHE, None)
        return
    result = read_upload(upload.getvalue(), upload.name, add_pnts)
    if isinstance(result, XLSFormError):
        st.error(f"{len(result.problems)} problem(s): nothing was imported. Fix these in the spreadsheet:")
        st.text("\n".join(str(problem) for problem in result.problems))
        return
    survey = result.survey
    st.success(plain(f"Read '{survey.id}': {len(survey.questions)} questions in {len(survey.sections)} "
                     f"section(s), languages {', '.join(survey.languages)}."))
    with st.container(key="staff_xlsform_left_out"):
        if result.unmapped:
            st.warning(f"{len(result.unmapped)} item(s) were not brought across. Each says where it is in the "
                       "spreadsheet:")
            st.text("\n".join(str(item) for item in result.unmapped))
        else:
            st.info("Everything in the form was brought across.")
        if result.filled_in:
            st.markdown("**Filled in or changed, to check in the editor:**")
            st.text("\n".join(f"• {item}" for item in result.filled_in))
    if st.button("Save as a draft to check in the survey editor", key="staff_xlsform_save", type="primary"):
        try:
            save_draft(result.data)
        except EditRefused as exc:
            show_error(exc, "Not saved. Please fix:")
        else:
            S["staff_editor_id"] = survey.id
            S.pop("staff_editor_draft", None)
            S.pop(_CACHE, None)
            st.switch_page("pages/survey_editor.py")
