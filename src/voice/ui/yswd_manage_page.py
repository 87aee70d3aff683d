"""Facilitators write "you said, we did" items, link themes, approved quotes and priorities, and publish."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from voice.evidence import priorities as pri
from voice.evidence import you_said_we_did as svc
from voice.evidence.errors import Refused
from voice.models.priorities import AUDIENCE_ALL, AUDIENCE_YPAG, YSWD_STATUSES
from voice.ui.runtime import call
from voice.ui.text import plain

NEW = 0


_db = call  # a service call in its own transaction, retried when the database is busy


def _user() -> str:
    from voice.ui.session import current_actor

    return current_actor().username  # who signs actions, RAG judgements and publishing


def _choices(session) -> dict:
    from sqlalchemy import select

    from voice.models import Campaign, Group

    period = pri.current_period(session)
    return {
        "period": period.id if period else None,
        "priorities": {p.key: p.title for p in pri.priorities_of(session)} if period else {},
        "quotes": {q.id: f"“{q.text[:70]}” {q.attribution}" for q in svc.approved_quotes(session)},
        "groups": list(session.scalars(select(Group.code).order_by(Group.code))),
        "campaigns": sorted(set(session.scalars(select(Campaign.name)))),
    }


def run() -> None:
    st.title("You said, we did")
    choices = _db(_choices)
    if choices["period"] is None:
        st.info("Load the partnership's plan first (Priorities page, or `voice priorities import`).")
        return
    items = _db(svc.list_items)
    if items:
        st.dataframe(pd.DataFrame([{"Id": i.id, "You said": i.you_said, "We did": i.we_did, "Status": i.status_words,
                                    "Waiting": i.waiting_words, "Published": "yes" if i.published else "no"}
                                   for i in items]), hide_index=True)
    labels = {NEW: "Write a new item", **{i.id: f"{i.id}: {i.you_said[:70]}" for i in items}}
    chosen = st.selectbox("Item", list(labels), format_func=labels.get, key="yswd_item")
    item = next((i for i in items if i.id == chosen), None)
    _form(item, choices)
    if item is not None:
        _publish_controls(item)
    _sheet(choices)


def _form(item, choices: dict) -> None:
    themes = pri.known_theme_ids()
    audiences = [AUDIENCE_ALL, AUDIENCE_YPAG] + choices["groups"]
    with st.form(f"yswd-form-{item.id if item else NEW}"):
        you_said = st.text_area("You said (in young people's terms)", value=item.you_said if item else "")
        we_did = st.text_area("We did", value=item.we_did if item else "")
        status = st.selectbox("Status", YSWD_STATUSES, index=YSWD_STATUSES.index(item.status) if item else 0,
                              format_func=svc.STATUS_WORDS.get)
        reason = st.text_area("If not possible: why (a young person will read this)",
                              value=item.not_possible_reason if item else "")
        figures = st.text_area("Supporting figures", value=item.figures if item else "")
        c1, c2 = st.columns(2)
        agency = c1.text_input("Agency", value=item.agency if item else "")
        owner = c2.text_input("Owner", value=item.owner if item else "")
        raised = c1.date_input("Raised on", value=item.raised_at if item else date.today())
        due = c2.date_input("Due", value=item.due if item else None)
        audience = st.selectbox("Audience", audiences, index=audiences.index(item.audience)
                                if item and item.audience in audiences else 0,
                                format_func=lambda a: svc.AUDIENCE_WORDS.get(a, f"Group {a}"))
        campaigns = [""] + choices["campaigns"]
        campaign = st.selectbox("Campaign", campaigns, index=campaigns.index(item.campaign)
                                if item and item.campaign in campaigns else 0)
        theme_ids = st.multiselect("Themes", list(themes), default=list(item.theme_ids) if item else [],
                                   format_func=themes.get)
        quote_ids = st.multiselect("Approved quotes", list(choices["quotes"]),
                                   default=[q for q in (item.quote_ids if item else []) if q in choices["quotes"]],
                                   format_func=choices["quotes"].get)
        priority_ids = st.multiselect(f"Priorities ({choices['period']})", list(choices["priorities"]),
                                      default=list(item.priority_ids) if item else [],
                                      format_func=choices["priorities"].get)
        if st.form_submit_button("Save", type="primary"):
            fields = dict(you_said=you_said, we_did=we_did, status=status, not_possible_reason=reason,
                          figures=figures, agency=agency, owner=owner, raised_at=raised, due=due, audience=audience,
                          campaign=campaign or None, theme_ids=theme_ids, quote_ids=quote_ids,
                          priority_ids=priority_ids)
            try:
                if item is None:
                    fields.pop("raised_at")
                    saved = _db(svc.create_item, raised_at=raised, created_by=_user(), **fields)
                else:
                    saved = _db(svc.update_item, item.id, by=_user(), **fields)
            except Refused as refused:
                st.error(plain(refused.message))
            else:
                st.session_state["yswd_item"] = saved.id
                st.rerun()


def _publish_controls(item) -> None:
    st.caption(item.waiting_words.capitalize())
    if item.published:
        if st.button("Unpublish", key=f"yswd-unpublish-{item.id}"):
            _db(svc.unpublish_item, item.id, _user())
            st.rerun()
        return
    if st.button("Publish for young people", type="primary", key=f"yswd-publish-{item.id}"):
        try:
            _db(svc.publish_item, item.id, _user())
        except Refused as refused:
            st.error(plain(refused.message))
        else:
            st.rerun()


def _sheet(choices: dict) -> None:
    from voice.reports.yswd_sheet import yswd_sheet_pdf

    st.subheader("Printable sheet")
    kind = st.radio("Sheet for", ["Campaign", "Group"], horizontal=True, key="yswd_sheet_kind")
    options = choices["campaigns"] if kind == "Campaign" else choices["groups"]
    if not options:
        st.caption(f"No {kind.lower()}s yet.")
        return
    which = st.selectbox(kind, options, key="yswd_sheet_which")
    try:
        pdf = _db(yswd_sheet_pdf, **({"campaign": which} if kind == "Campaign" else {"group": which}))
    except Refused as refused:
        st.error(plain(refused.message))
        return
    st.download_button("Download the sheet (PDF)", pdf, file_name=f"you-said-we-did-{which}.pdf",
                       mime="application/pdf")
