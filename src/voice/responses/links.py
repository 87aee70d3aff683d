"""Opening a campaign, and the links and QR codes that invite each group to it.

A link is `<base>/?survey=<id>&group=<code>&campaign=<name>`: the survey page reads exactly these.
QR codes are PNG images (qrcode + Pillow); the printable sheet is a PDF (reportlab), one card per group.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.errors import NotFound
from voice.models import Campaign, CampaignGroup, Group
from voice.responses.campaigns import create_campaign
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import ADMIN, FACILITATOR

ORGANISERS = (FACILITATOR, ADMIN)


@dataclass(frozen=True)
class CampaignLink:
    group_code: str | None  # None: the campaign's link for anyone, no group
    group_name: str
    url: str


@dataclass(frozen=True)
class CampaignLinkSummary:
    id: int
    name: str
    survey_id: str
    title: str
    opens_at: datetime | None
    closes_at: datetime | None
    is_default: bool
    group_codes: tuple[str, ...]


def survey_link(base_url: str, survey_id: str, group_code: str | None = None,
                campaign_name: str | None = None) -> str:
    params = {"survey": survey_id}
    if group_code:
        params["group"] = group_code
    if campaign_name:
        params["campaign"] = campaign_name
    return f"{base_url.rstrip('/')}/?{urlencode(params)}"


def open_campaign(session: Session, actor: Actor, survey_id: str, name: str, opens_at: datetime | None = None,
                  closes_at: datetime | None = None, title: str = "",
                  group_codes: Iterable[str] = ()) -> Campaign:
    """A campaign with dates and the groups invited. Raises CampaignError saying what to change."""
    require(actor, *ORGANISERS)
    campaign = create_campaign(session, name, survey_id, opens_at=opens_at, closes_at=closes_at, title=title,
                               group_codes=list(group_codes))
    record(session, actor, "campaign_opened", "campaign", campaign.name, survey=survey_id,
           groups=len(campaign.groups))
    return campaign


def list_campaign_summaries(session: Session, actor: Actor, survey_id: str | None = None) -> list[CampaignLinkSummary]:
    require(actor, *ORGANISERS)
    query = select(Campaign).order_by(Campaign.survey_id, Campaign.is_default, Campaign.name)
    if survey_id:
        query = query.where(Campaign.survey_id == survey_id)
    result = []
    for c in session.scalars(query):
        codes = session.scalars(select(Group.code).join(CampaignGroup, CampaignGroup.group_id == Group.id)
                                .where(CampaignGroup.campaign_id == c.id).order_by(Group.code))
        result.append(CampaignLinkSummary(c.id, c.name, c.survey_id, c.title, c.opens_at, c.closes_at, c.is_default,
                                      tuple(codes)))
    return result


def campaign_links(session: Session, actor: Actor, campaign_id: int, base_url: str) -> list[CampaignLink]:
    """One link per invited group; a campaign with no groups gets one link for anyone."""
    require(actor, *ORGANISERS)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"There is no campaign number {campaign_id}.")
    name = None if campaign.is_default else campaign.name
    groups = list(session.scalars(select(Group).join(CampaignGroup, CampaignGroup.group_id == Group.id)
                                  .where(CampaignGroup.campaign_id == campaign.id).order_by(Group.name)))
    if not groups:
        return [CampaignLink(None, "Anyone (no group)", survey_link(base_url, campaign.survey_id, None, name))]
    return [CampaignLink(g.code, g.name, survey_link(base_url, campaign.survey_id, g.code, name)) for g in groups]


def qr_png(url: str, box_size: int = 8) -> bytes:
    """A QR code for `url` as PNG bytes (error correction M: still reads when printed a little smudged)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def links_sheet_pdf(heading: str, links: list[CampaignLink], note: str = "") -> bytes:
    """A printable A4 sheet: for each group its name, QR code and link, two cards per row."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    margin, card_w, card_h = 15 * mm, (width - 30 * mm) / 2, 85 * mm

    def page_header() -> float:
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(margin, height - margin, heading[:90])
        if note:
            pdf.setFont("Helvetica", 10)
            pdf.drawString(margin, height - margin - 6 * mm, note[:120])
        return height - margin - 12 * mm

    top = page_header()
    for i, link in enumerate(links):
        col = i % 2
        if col == 0 and i:
            top -= card_h
        if top - card_h < margin:
            pdf.showPage()
            top = page_header()
        x = margin + col * card_w
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(x + 4 * mm, top - 6 * mm, link.group_name[:45])
        qr = ImageReader(io.BytesIO(qr_png(link.url, box_size=6)))
        pdf.drawImage(qr, x + 4 * mm, top - 66 * mm, 55 * mm, 55 * mm)
        pdf.setFont("Helvetica", 7)
        # Long links are split so they stay on the card and can still be typed.
        for n, start in enumerate(range(0, len(link.url), 60)):
            pdf.drawString(x + 4 * mm, top - (71 + 4 * n) * mm, link.url[start:start + 60])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
