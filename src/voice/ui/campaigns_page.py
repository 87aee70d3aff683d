"""Campaigns with dates and invited groups; each group's link and QR code; whether the front page lists
the survey; XLSForm import and export."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import streamlit as st

from voice.responses.campaigns import CampaignError
from voice.responses.groups import list_groups
from voice.responses.links import campaign_links, links_sheet_pdf, list_campaign_summaries, open_campaign, qr_png
from voice.security.access import Actor
from voice.surveys import drafts
from voice.surveys.editor import EditRefused
from voice.surveys.registry import get_survey, is_listed, list_surveys
from voice.surveys.xlsform import survey_to_xlsform
from voice.ui import notice
from voice.ui.errors import show_error
from voice.ui.runtime import Services, services
from voice.ui.text import named, plain
from voice.ui.xlsform_import import import_panel

S = st.session_state


def public_base_url() -> str:
    """VOICE_PUBLIC_URL when set (the address young people use), else this page's own address."""
    configured = os.environ.get("VOICE_PUBLIC_URL", "").strip()
    if configured:
        return configured
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://localhost:8501"


def _groups(session) -> list[tuple[str, str]]:
    return [(g.code, g.name) for g in list_groups(session)]


def _xlsform(session, survey_id: str) -> bytes:
    return survey_to_xlsform(get_survey(session, survey_id)[1])


def run(actor: Actor) -> None:
    db = services(actor)
    st.title("Campaigns and links")
    notice.show("staff_campaign_notice")
    surveys = db.read(list_surveys, include_unlisted=True)
    groups = db.read(_groups)
    if not surveys:
        st.info("No surveys yet: build one in the survey editor first.")
        return
    titles = dict(surveys)
    survey_id = st.selectbox("Survey", [s for s, _ in surveys], format_func=lambda s: f"{titles[s]} ({s})",
                             key="staff_campaign_survey")
    _listing(db, survey_id)
    campaigns_tab, xlsform_tab = st.tabs(["Campaigns and links", "XLSForm spreadsheet"], key="staff_campaign_tabs")
    with campaigns_tab:
        _campaigns(db, survey_id, titles, groups)
    with xlsform_tab:
        _xlsform_tab(db, survey_id)


def _listing(db: Services, survey_id: str) -> None:
    listed = bool(db.read(is_listed, survey_id))
    st.caption("Listed on the young people's front page." if listed else
               "Not on the young people's front page: only people with a link can open it.")
    label = "Take it off the front page" if listed else "List it on the front page"
    if st.button(label, key=f"staff_campaign_listing_{survey_id}"):
        try:
            db(drafts.set_listed, survey_id, not listed)
        except EditRefused as exc:
            show_error(exc)
        else:
            notice.tell("staff_campaign_notice", "Listed on the front page." if not listed else
                        "Taken off the front page; its links still work.")
            st.rerun()


def _campaigns(db: Services, survey_id: str, titles: dict, groups: list[tuple[str, str]]) -> None:
    summaries = db(list_campaign_summaries, survey_id)
    version = S.get("staff_campaign_form", 0)
    with st.expander("Open a new campaign", expanded=len(summaries) <= 1):
        with st.form(f"staff_campaign_new_{version}"):
            name = st.text_input("Name (lower case and hyphens, e.g. ypag-march-2025)")
            title = st.text_input("Title (optional)")
            c1, c2 = st.columns(2)
            opens = c1.date_input("Opens", value=None, format="DD/MM/YYYY")
            closes = c2.date_input("Last day", value=None, format="DD/MM/YYYY")
            invited = st.multiselect("Groups invited (each gets its own link)", [c for c, _ in groups],
                                     format_func=named(dict(groups)))
            submitted = st.form_submit_button("Open campaign", type="primary")
        if submitted:
            try:
                db(open_campaign, survey_id, name, datetime.combine(opens, time()) if opens else None,
                   datetime.combine(closes + timedelta(days=1), time()) if closes else None, title, invited)
            except CampaignError as exc:
                show_error(exc)  # the form keeps what was typed
            else:
                S["staff_campaign_form"] = version + 1
                notice.tell("staff_campaign_notice", f"Campaign '{name}' opened: its links and QR codes are below.")
                st.rerun()
    if not summaries:
        return
    labels = {c.id: (f"{c.title or c.name} ({c.name})" + (" · always open" if c.is_default else
              f" · from {c.opens_at:%d %b %Y}" if c.opens_at else "")
              + (f" · closes {c.closes_at:%d %b %Y %H:%M}" if c.closes_at and not c.is_default else ""))
              for c in summaries}
    chosen = st.selectbox("Campaign", list(labels), format_func=named(labels), key="staff_campaign_pick")
    base = st.text_input("Address young people open", value=public_base_url(), key="staff_campaign_base")
    links = db(campaign_links, chosen, base)
    campaign_name = next(c.name for c in summaries if c.id == chosen)
    st.download_button("Printable sheet of links and QR codes (PDF)",
                       links_sheet_pdf(f"{titles[survey_id]}: {campaign_name}", links,
                                       note="Scan the code or type the link on a phone."),
                       file_name=f"{campaign_name}-links.pdf", mime="application/pdf", key="staff_campaign_pdf")
    for link in links:
        with st.container(border=True):
            cols = st.columns([1, 2])
            png = qr_png(link.url)
            cols[0].image(png, width=150, alt=f"QR code for the link for {link.group_name}")  # WCAG 1.1.1
            cols[1].markdown(f"**{plain(link.group_name)}**")  # a group name from a CSV: text
            # Wrapped: a sideways-scrolling box cannot be scrolled by keyboard (axe scrollable-region-focusable).
            cols[1].code(link.url, language=None, wrap_lines=True)
            cols[1].download_button("QR code (PNG)", png, file_name=f"{campaign_name}-{link.group_code or 'all'}.png",
                                    mime="image/png", key=f"staff_qr_{chosen}_{link.group_code}")


def _xlsform_tab(db: Services, survey_id: str) -> None:
    st.subheader("Download as XLSForm")
    st.caption("The standard spreadsheet used by ODK, KoboToolbox and others. See docs/survey-editor.md for how "
               "our question types map onto it.")
    st.download_button("Download XLSForm (.xlsx)", db.read(_xlsform, survey_id), file_name=f"{survey_id}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="staff_xlsform_download")
    import_panel(lambda data: db(drafts.import_draft, data))  # read once per upload; see voice.ui.xlsform_import
