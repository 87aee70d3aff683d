""""You said, we did": what young people said, in their terms, and what the partnership did about it.

Lifecycle: an item is created (planned), gets its "we did" (in_progress, done, or not_possible with a
reason a young person can understand), and is published to the public page and the printed sheet.
Only approved quotes may be linked, and only approved quotes are ever shown. Priority links are keys
of the item's plan period. Each item shows how long young people waited for an answer.

Every change takes the acting person (`actor`), is for facilitators only (`require`) and is written to
the audit trail (ids and counts, never the words). Creating is idempotent with a `request_token` (the
form's one-off token): a second press of Save or a retry returns the item the first press made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.evidence.errors import EvidenceNotFound, EvidenceRefused
from voice.evidence.common import clean_text, plan_period
from voice.evidence.priorities import check_priority_keys, known_theme_ids
from voice.models import Campaign, Group, Quote, YouSaidWeDid
from voice.models.evidence import QUOTE_APPROVED
from voice.models.priorities import AUDIENCE_ALL, AUDIENCE_YPAG, YSWD_STATUSES
from voice.safeguarding.held import withheld
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import FACILITATOR

# Status in words a young person reads on the public page and the sheet.
STATUS_WORDS = {
    "planned": "We're planning this",
    "in_progress": "We're working on it",
    "done": "Done",
    "not_possible": "We couldn't do this",
}
AUDIENCE_WORDS = {AUDIENCE_YPAG: "The Young People's Advisory Group", AUDIENCE_ALL: "All young people"}
EDITABLE = ("you_said", "we_did", "figures", "agency", "owner", "raised_at", "responded_at", "due", "status",
            "not_possible_reason", "audience", "campaign", "group", "theme_ids", "quote_ids", "priority_ids",
            "period_id")


@dataclass(frozen=True)
class QuoteShown:
    id: int
    text: str
    attribution: str


@dataclass(frozen=True)
class ItemView:
    id: int
    period_id: str | None
    you_said: str
    we_did: str
    status: str
    status_words: str
    not_possible_reason: str
    figures: str
    agency: str
    owner: str
    raised_at: date
    responded_at: date | None
    due: date | None
    days_waiting: int
    waiting_words: str
    audience: str
    campaign: str | None
    group: str | None
    theme_ids: tuple[str, ...]
    priority_ids: tuple[str, ...]
    quote_ids: tuple[int, ...]
    quotes: tuple[QuoteShown, ...]  # approved ones only, whatever is linked
    published: bool
    published_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.responded_at is None


# --- waiting time ----------------------------------------------------------------------------------

def days_waiting(raised_at: date, responded_at: date | None, today: date) -> int:
    """Days between "you said" and "we did"; for an open item, the days waited so far."""
    return max(0, ((responded_at or today) - raised_at).days)


def waiting_words(raised_at: date, responded_at: date | None, today: date) -> str:
    days = days_waiting(raised_at, responded_at, today)
    span = "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''}"
    if responded_at is None:
        return "waiting for an answer since today" if days == 0 else f"waiting for an answer for {span}"
    return "answered the same day" if days == 0 else f"answered after {span}"


# --- create, edit, publish ------------------------------------------------------------------------

def create_item(session: Session, actor: Actor, *, you_said: str, raised_at: date, period_id: str | None = None,
                codebook=None, request_token: str | None = None, **fields) -> ItemView:
    """A new item (status planned unless given). `fields` are any of EDITABLE; all are checked.

    With `request_token`, asking twice (a double press, a retry after a dropped connection) returns the
    item the first request made instead of adding another."""
    require(actor, FACILITATOR)
    if request_token:
        existing = session.scalars(select(YouSaidWeDid).where(YouSaidWeDid.request_token == request_token)).first()
        if existing is not None:
            return item_view(session, existing)
    period = plan_period(session, period_id)
    item = YouSaidWeDid(you_said="", raised_at=raised_at, period_id=period.id, created_by=actor.username,
                        status="planned", audience=AUDIENCE_ALL, theme_ids=[], quote_ids=[], priority_ids=[],
                        request_token=request_token or None)
    _apply(session, item, {"you_said": you_said, "raised_at": raised_at, **fields}, codebook)
    session.add(item)
    session.flush()
    record(session, actor, "yswd_created", "yswd_item", item.id, status=item.status, period=item.period_id,
           quotes=list(item.quote_ids or []), priorities=list(item.priority_ids or []))
    return item_view(session, item)


def update_item(session: Session, actor: Actor, item_id: int, *, codebook=None, **fields) -> ItemView:
    require(actor, FACILITATOR)
    item = _item(session, item_id)
    _apply(session, item, fields, codebook)
    if item.published and not item.we_did:
        raise EvidenceRefused('A published item needs its "we did". Write what was done, or unpublish the item first.')
    item.updated_at = utcnow()
    session.flush()
    record(session, actor, "yswd_updated", "yswd_item", item.id, fields=sorted(fields), status=item.status)
    return item_view(session, item)


def publish_item(session: Session, actor: Actor, item_id: int, at: datetime | None = None) -> ItemView:
    """Show the item to young people. Publishing a published item changes nothing (no second entry)."""
    require(actor, FACILITATOR)
    item = _item(session, item_id)
    if item.published:
        return item_view(session, item)
    if not item.we_did.strip():
        raise EvidenceRefused('This item has no "we did" yet. Write what the partnership did (or will do, or why it '
                      'couldn\'t) before publishing: young people should never see a question with no answer.')
    unapproved = _unapproved(session, item.quote_ids or [])
    if unapproved:
        raise EvidenceRefused("One of the linked quotes is no longer approved. Remove it from the item, or approve it "
                      "again on the Quotes page, then publish.")
    item.published, item.published_at, item.published_by = True, at or utcnow(), actor.username
    session.flush()
    record(session, actor, "yswd_published", "yswd_item", item.id, audience=item.audience)
    return item_view(session, item)


def unpublish_item(session: Session, actor: Actor, item_id: int) -> ItemView:
    require(actor, FACILITATOR)
    item = _item(session, item_id)
    if not item.published:
        return item_view(session, item)
    item.published, item.published_at, item.published_by = False, None, None
    item.updated_at = utcnow()
    session.flush()
    record(session, actor, "yswd_unpublished", "yswd_item", item.id)
    return item_view(session, item)


def delete_item(session: Session, actor: Actor, item_id: int) -> None:
    """Delete an unpublished item. Deleting one already gone changes nothing."""
    require(actor, FACILITATOR)
    item = session.get(YouSaidWeDid, item_id)
    if item is None:
        return
    if item.published:
        raise EvidenceRefused("This item is published. Unpublish it first, so young people are not left with "
                              "a broken link.")
    session.delete(item)
    session.flush()
    record(session, actor, "yswd_deleted", "yswd_item", item_id)


def _item(session: Session, item_id: int) -> YouSaidWeDid:
    item = session.get(YouSaidWeDid, item_id)
    if item is None:
        raise EvidenceNotFound(f'There is no "you said, we did" item with id {item_id}.')
    return item


def _apply(session: Session, item: YouSaidWeDid, fields: dict, codebook) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise EvidenceRefused(f"Items have no field {', '.join(sorted(unknown))}. Fields: {', '.join(EDITABLE)}.")
    if "period_id" in fields:
        item.period_id = plan_period(session, fields["period_id"]).id
        if "priority_ids" not in fields:
            fields["priority_ids"] = item.priority_ids or []  # re-check the links against the new period
    for name in ("you_said", "we_did", "figures", "agency", "owner", "not_possible_reason"):
        if name in fields:
            setattr(item, name, clean_text(fields[name]))
    if not item.you_said:
        raise EvidenceRefused('Write what young people said, in their own terms, e.g. "You said online bullying '
                      'affects your mental health".')
    for name in ("raised_at", "responded_at", "due"):
        if name in fields:
            setattr(item, name, _as_date(fields[name], name))
    if item.raised_at is None:
        raise EvidenceRefused("Give the date young people said it (raised on).")
    if "status" in fields:
        if fields["status"] not in YSWD_STATUSES:
            raise EvidenceRefused(f"Status must be one of {', '.join(YSWD_STATUSES)}.")
        item.status = fields["status"]
    if item.status == "not_possible" and not item.not_possible_reason:
        raise EvidenceRefused("Say why it wasn't possible, in words a young person would understand: being told why "
                      "matters as much as being told no.")
    if item.status == "done" and not item.we_did:
        raise EvidenceRefused('Write what was done in "we did" before marking the item done.')
    if item.we_did and item.responded_at is None:
        item.responded_at = utcnow().date()  # the day the answer was written: it stops the waiting clock
    if item.responded_at is not None and item.responded_at < item.raised_at:
        raise EvidenceRefused("The answer date is before the date young people raised it. Check both dates.")
    if item.due is not None and item.due < item.raised_at:
        raise EvidenceRefused("The due date is before the date young people raised it. Check both dates.")
    if "audience" in fields:
        item.audience = _audience(session, fields["audience"])
    if "campaign" in fields:
        item.campaign = _campaign(session, fields["campaign"])
    if "group" in fields:
        item.group_id = _group(session, fields["group"]).id if fields["group"] else None
    if "theme_ids" in fields:
        item.theme_ids = _themes(fields["theme_ids"], codebook)
    if "quote_ids" in fields:
        item.quote_ids = _quotes(session, fields["quote_ids"])
    if "priority_ids" in fields:
        item.priority_ids = check_priority_keys(session, item.period_id, fields["priority_ids"])


def _as_date(value, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise EvidenceRefused(f"'{value}' is not a date for {name}: use YYYY-MM-DD.") from None


def _audience(session: Session, audience: str) -> str:
    if audience in (AUDIENCE_YPAG, AUDIENCE_ALL):
        return audience
    return _group(session, audience).code


def _group(session: Session, code: str) -> Group:
    group = session.scalars(select(Group).where(Group.code == str(code).strip().upper())).first()
    if group is None:
        raise EvidenceRefused(f"There is no group with code '{code}'. Use a school or group code from the groups list, "
                      f"or '{AUDIENCE_YPAG}' / '{AUDIENCE_ALL}' for the audience.")
    return group


def _campaign(session: Session, name: str | None) -> str | None:
    if not name:
        return None
    if session.scalars(select(Campaign.id).where(Campaign.name == name)).first() is None:
        raise EvidenceRefused(f"There is no campaign called '{name}'. Choose one from the campaigns list.")
    return name


def _themes(theme_ids: Iterable[str], codebook) -> list[str]:
    known = known_theme_ids(codebook)
    ids = list(dict.fromkeys(theme_ids))
    unknown = [t for t in ids if t not in known]
    if unknown:
        raise EvidenceRefused(f"Theme {', '.join(unknown)} is not in the codebook. "
                              f"Themes: {', '.join(known) or 'none'}.")
    return ids


def _quotes(session: Session, quote_ids: Iterable[int]) -> list[int]:
    ids = [int(q) for q in dict.fromkeys(quote_ids)]
    rows = {q.id: q for q in session.scalars(select(Quote).where(Quote.id.in_(ids)))} if ids else {}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise EvidenceRefused(f"There is no quote {', '.join(map(str, missing))}.")
    drafts = [i for i in ids if rows[i].status != QUOTE_APPROVED]
    if drafts:
        raise EvidenceRefused(f"Quote {', '.join(map(str, drafts))} is not approved yet. Approve it in the quotes "
                      f"workspace first, or choose an approved quote: only approved quotes leave the workspace.")
    return ids


def _unapproved(session: Session, quote_ids: list[int]) -> list[int]:
    if not quote_ids:
        return []
    approved = set(session.scalars(select(Quote.id).where(Quote.id.in_(quote_ids), Quote.status == QUOTE_APPROVED)))
    return [i for i in quote_ids if i not in approved]


# --- reading ---------------------------------------------------------------------------------------

def item_view(session: Session, item: YouSaidWeDid, today: date | None = None) -> ItemView:
    return _views(session, [item], today)[0]


def _views(session: Session, items: list[YouSaidWeDid], today: date | None = None) -> list[ItemView]:
    today = today or utcnow().date()
    quote_ids = {q for i in items for q in (i.quote_ids or [])}
    # Approved only, checked again here: a quote withdrawn after linking must disappear everywhere.
    quotes = {q.id: q for q in session.scalars(select(Quote).where(
        Quote.id.in_(quote_ids), Quote.status == QUOTE_APPROVED,
        ~withheld(Quote.answer_id, Quote.response_id)))} if quote_ids else {}
    group_ids = {i.group_id for i in items if i.group_id}
    groups = (dict(session.execute(select(Group.id, Group.code).where(Group.id.in_(group_ids))).all())
              if group_ids else {})
    return [ItemView(
        id=i.id, period_id=i.period_id, you_said=i.you_said, we_did=i.we_did, status=i.status,
        status_words=STATUS_WORDS.get(i.status, i.status), not_possible_reason=i.not_possible_reason,
        figures=i.figures, agency=i.agency, owner=i.owner, raised_at=i.raised_at, responded_at=i.responded_at,
        due=i.due, days_waiting=days_waiting(i.raised_at, i.responded_at, today),
        waiting_words=waiting_words(i.raised_at, i.responded_at, today), audience=i.audience,
        campaign=i.campaign, group=groups.get(i.group_id) if i.group_id is not None else None,
        theme_ids=tuple(i.theme_ids or ()), priority_ids=tuple(i.priority_ids or ()),
        quote_ids=tuple(i.quote_ids or ()),
        quotes=tuple(QuoteShown(q.id, q.text, q.attribution) for qid in (i.quote_ids or []) if (q := quotes.get(qid))),
        published=i.published, published_at=i.published_at,
    ) for i in items]


def get_item(session: Session, item_id: int) -> ItemView:
    return item_view(session, _item(session, item_id))


def list_items(session: Session, *, period_id: str | None = None, published_only: bool = False,
               campaign: str | None = None, group: str | None = None, today: date | None = None) -> list[ItemView]:
    """Items, newest raised first. `group` matches the item's group or its audience (a group code)."""
    query = select(YouSaidWeDid).order_by(YouSaidWeDid.raised_at.desc(), YouSaidWeDid.id.desc())
    if period_id:
        query = query.where(YouSaidWeDid.period_id == period_id)
    if published_only:
        query = query.where(YouSaidWeDid.published.is_(True))
    if campaign:
        query = query.where(YouSaidWeDid.campaign == _campaign(session, campaign))
    if group:
        g = _group(session, group)
        query = query.where((YouSaidWeDid.group_id == g.id) | (YouSaidWeDid.audience == g.code))
    return _views(session, list(session.scalars(query)), today)


def published_items(session: Session, group_code: str | None = None, today: date | None = None) -> list[ItemView]:
    """What the public page shows: published items for everyone and the YPAG, plus, with a group
    code from the link, that group's own items. An unknown code shows the general items only."""
    query = select(YouSaidWeDid).where(YouSaidWeDid.published.is_(True))
    audiences = [AUDIENCE_ALL, AUDIENCE_YPAG]
    group = None
    if group_code:
        group = session.scalars(select(Group).where(Group.code == group_code.strip().upper())).first()
    if group is not None:
        query = query.where(YouSaidWeDid.audience.in_(audiences + [group.code]) | (YouSaidWeDid.group_id == group.id))
    else:
        query = query.where(YouSaidWeDid.audience.in_(audiences))
    query = query.order_by(YouSaidWeDid.published_at.desc(), YouSaidWeDid.id.desc())
    return _views(session, list(session.scalars(query)), today)


def items_for_priority(session: Session, period_id: str, key: str) -> list[ItemView]:
    items = [i for i in session.scalars(select(YouSaidWeDid).where(YouSaidWeDid.period_id == period_id)
                                        .order_by(YouSaidWeDid.raised_at))
             if key in (i.priority_ids or [])]
    return _views(session, items)


def approved_quotes(session: Session) -> list[QuoteShown]:
    """Quotes a facilitator may link: approved ones only."""
    rows = session.scalars(select(Quote).where(Quote.status == QUOTE_APPROVED,
                                               ~withheld(Quote.answer_id, Quote.response_id)).order_by(Quote.id.desc()))
    return [QuoteShown(q.id, q.text, q.attribution) for q in rows]
