"""Facilitators write "you said, we did" items, link themes, approved quotes and priorities, and publish.

Session state, all under `staff_yswd_` (cleared at sign-out):
- `staff_yswd_current`: the item open in the form. The list's widget is never written to (writing a drawn
  widget's state was the crash); a save that wants its item open sets `staff_yswd_current` and bumps
  `staff_yswd_pick`, the version in the list's key, so a fresh list opens on that item. A click that
  overtook the redraw still names the old list, which is gone, so it cannot undo the choice.
- `staff_yswd_token`: the new-item form's one-off token: a second press of Save (before the page has
  redrawn) finds the item the first press made instead of adding a copy. A new token after each success.
- `staff_yswd_form`: bumped after a successful save, so the next empty form starts empty.
- `staff_yswd_notice`: what the last action did (voice.ui.notice), kept for a few seconds across reruns.
"""

from __future__ import annotations

import secrets
from datetime import date

import pandas as pd
import streamlit as st

from voice.evidence import priorities as pri
from voice.evidence import you_said_we_did as svc
from voice.evidence.errors import EvidenceRefused
from voice.models.priorities import AUDIENCE_ALL, AUDIENCE_YPAG, YSWD_STATUSES
from voice.security.access import Actor
from voice.ui import notice
from voice.ui.errors import show_error
from voice.ui.runtime import Services, services
from voice.ui.text import named, short

NEW = 0
S = st.session_state


def _choices(session) -> dict:
    from sqlalchemy import select

    from voice.models import Campaign, Group

    period = pri.current_period(session)
    return {
        "period": period.id if period else None,
        "priorities": {p.key: p.title for p in pri.priorities_of(session)} if period else {},
        "quotes": {q.id: f"“{short(q.text, 70)}” {q.attribution}" for q in svc.approved_quotes(session)},
        "groups": list(session.scalars(select(Group.code).order_by(Group.code))),
        "campaigns": sorted(set(session.scalars(select(Campaign.name)))),
    }


def _label(item) -> str:
    published = "published" if item.published else "not published"
    return f"{short(item.you_said, 70)} · {item.status_words} · {published}"


def run(actor: Actor) -> None:
    db = services(actor)
    st.title("You said, we did")
    notice.show("staff_yswd_notice")
    choices = db.read(_choices)
    if choices["period"] is None:
        st.info("Load the partnership's plan first (Priorities page, or `voice priorities import`).")
        return
    items = db.read(svc.list_items)
    if items:
        st.dataframe(pd.DataFrame([{"You said": i.you_said, "We did": i.we_did, "Status": i.status_words,
                                    "Waiting": i.waiting_words, "Published": "yes" if i.published else "no"}
                                   for i in items]), hide_index=True)
    labels = {NEW: "Write a new item", **{i.id: _label(i) for i in items}}
    current = S.get("staff_yswd_current", NEW)
    ids = list(labels)
    chosen = st.selectbox("Item", ids, index=ids.index(current) if current in labels else 0, format_func=named(labels),
                          key=f"staff_yswd_item_{S.setdefault('staff_yswd_pick', 0)}")
    S["staff_yswd_current"] = chosen
    item = next((i for i in items if i.id == chosen), None)
    _form(db, item, choices)
    if item is not None:
        _publish_controls(db, item)
    _sheet(db, choices)


def _done(message: str, select: int | None = None) -> None:
    """Confirm what happened (kept across the rerun), then redraw."""
    notice.tell("staff_yswd_notice", message)
    if select is not None:
        S["staff_yswd_current"] = select
        S["staff_yswd_pick"] = S.get("staff_yswd_pick", 0) + 1
    st.rerun()


def _form(db: Services, item, choices: dict) -> None:
    themes = pri.known_theme_ids()
    audiences = [AUDIENCE_ALL, AUDIENCE_YPAG] + choices["groups"]
    version = S.setdefault("staff_yswd_form", 0)
    token = S.setdefault("staff_yswd_token", secrets.token_hex(16))
    st.subheader("Write a new item" if item is None else "Change this item")
    # The key names the item and a version: another item (or a fresh form after saving) gets fresh fields;
    # after a refusal the same key keeps everything that was typed.
    with st.form(f"staff_yswd_form_{item.id if item else NEW}_{version}"):
        you_said = st.text_area("You said (in young people's terms)", value=item.you_said if item else "")
        we_did = st.text_area("We did", value=item.we_did if item else "")
        status = st.selectbox("Status", YSWD_STATUSES, index=YSWD_STATUSES.index(item.status) if item else 0,
                              format_func=named(svc.STATUS_WORDS))
        reason = st.text_area("If not possible: why (a young person will read this)",
                              value=item.not_possible_reason if item else "")
        figures = st.text_area("Supporting figures", value=item.figures if item else "")
        c1, c2 = st.columns(2)
        agency = c1.text_input("Agency", value=item.agency if item else "")
        owner = c2.text_input("Owner", value=item.owner if item else "")
        raised = c1.date_input("Raised on", value=item.raised_at if item else date.today(), format="DD/MM/YYYY")
        due = c2.date_input("Due", value=item.due if item else None, format="DD/MM/YYYY")
        audience = st.selectbox("Audience", audiences, index=audiences.index(item.audience)
                                if item and item.audience in audiences else 0,
                                format_func=lambda a: svc.AUDIENCE_WORDS.get(a, f"Group {a}"))
        campaigns = [""] + choices["campaigns"]
        campaign = st.selectbox("Campaign", campaigns, index=campaigns.index(item.campaign)
                                if item and item.campaign in campaigns else 0,
                                format_func=lambda c: c or "No campaign")
        theme_ids = st.multiselect("Themes", list(themes), default=list(item.theme_ids) if item else [],
                                   format_func=named(themes))
        quote_ids = st.multiselect("Approved quotes", list(choices["quotes"]),
                                   default=[q for q in (item.quote_ids if item else []) if q in choices["quotes"]],
                                   format_func=choices["quotes"].get)
        priority_ids = st.multiselect(f"Priorities ({choices['period']})", list(choices["priorities"]),
                                      default=list(item.priority_ids) if item else [],
                                      format_func=choices["priorities"].get)
        submitted = st.form_submit_button("Save", type="primary")
    if not submitted:
        return
    fields = dict(you_said=you_said, we_did=we_did, status=status, not_possible_reason=reason, figures=figures,
                  agency=agency, owner=owner, due=due, audience=audience, campaign=campaign or None,
                  theme_ids=theme_ids, quote_ids=quote_ids, priority_ids=priority_ids)
    try:
        if item is None:
            saved = db(svc.create_item, raised_at=raised, request_token=token, **fields)
        else:
            saved = db(svc.update_item, item.id, raised_at=raised, **fields)
    except EvidenceRefused as refused:
        show_error(refused)  # the form keeps what was typed
        return
    S["staff_yswd_form"] = version + 1
    if item is None:
        S["staff_yswd_token"] = secrets.token_hex(16)  # the next new item is a new request
    verb = "Saved the new item" if item is None else "Saved your changes to"
    hint = "" if saved.published else " It is not published yet: publish it below when it is ready."
    _done(f"{verb} “{short(saved.you_said, 60)}”.{hint}", select=saved.id)


def _publish_controls(db: Services, item) -> None:
    st.caption(item.waiting_words.capitalize())
    if item.published:
        st.success("Published: young people see this on the “You said, we did” page.")
        if st.button("Unpublish", key=f"staff_yswd_unpublish_{item.id}"):
            db(svc.unpublish_item, item.id)
            _done(f"“{short(item.you_said, 60)}” is no longer shown to young people.")
        return
    if st.button("Publish for young people", type="primary", key=f"staff_yswd_publish_{item.id}"):
        try:
            db(svc.publish_item, item.id)
        except EvidenceRefused as refused:
            show_error(refused)
        else:
            _done(f"Published “{short(item.you_said, 60)}”: young people can see it now.")
    with st.expander("Delete this item"):
        sure = st.checkbox("Yes, delete it (it has never been shown, or is unpublished)",
                           key=f"staff_yswd_sure_{item.id}")
        if st.button("Delete", key=f"staff_yswd_delete_{item.id}", disabled=not sure):
            try:
                db(svc.delete_item, item.id)
            except EvidenceRefused as refused:
                show_error(refused)
            else:
                _done(f"Deleted “{short(item.you_said, 60)}”.", select=NEW)


def _sheet(db: Services, choices: dict) -> None:
    from voice.reports.yswd_sheet import yswd_sheet_pdf

    st.subheader("Printable sheet")
    kind = st.radio("Sheet for", ["Campaign", "Group"], horizontal=True, key="staff_yswd_sheet_kind")
    options = choices["campaigns"] if kind == "Campaign" else choices["groups"]
    if not options:
        st.caption(f"No {kind.lower()}s yet.")
        return
    which = st.selectbox(kind, options, key="staff_yswd_sheet_which")
    try:
        pdf = db.read(yswd_sheet_pdf, **({"campaign": which} if kind == "Campaign" else {"group": which}))
    except EvidenceRefused as refused:
        show_error(refused)
        return
    st.download_button("Download the sheet (PDF)", pdf, file_name=f"you-said-we-did-{which}.pdf",
                       mime="application/pdf")
