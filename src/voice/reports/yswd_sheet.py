"""The printable "you said, we did" sheet for young people: one campaign or one group, published items only.

Every piece of stored text is escaped before it reaches reportlab's Paragraph, which reads a small
HTML-like markup: a young person's words must never be taken as markup.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from voice.evidence.errors import EvidenceRefused
from voice.evidence.you_said_we_did import ItemView, list_items
from voice.help_numbers import YOUNG_PEOPLE_LINES


def yswd_sheet_pdf(session: Session, *, campaign: str | None = None, group: str | None = None,
                   today: date | None = None) -> bytes:
    """The sheet as PDF bytes. Give a campaign name or a group code (one of them)."""
    if bool(campaign) == bool(group):
        raise EvidenceRefused("Make a sheet for one campaign or one group: give --campaign NAME or --group CODE.")
    items = list_items(session, published_only=True, campaign=campaign, group=group, today=today)
    subtitle = f"Campaign {campaign}" if campaign else f"Group {(group or '').upper()}"
    return render_sheet(items, subtitle, today or date.today())


def render_sheet(items: list[ItemView], subtitle: str, today: date) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=12, leading=16)
    label = ParagraphStyle("label", parent=body, fontName="Helvetica-Bold", textColor=colors.HexColor("#4b2e83"))
    small = ParagraphStyle("small", parent=body, fontSize=10, leading=13, textColor=colors.HexColor("#444444"))
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title="You said, we did", author="Safeguarding Children Partnership")
    story = [Paragraph("You said, we did", styles["Title"]),
             Paragraph(escape(subtitle) + f" &middot; {today:%d %B %Y}", small), Spacer(1, 4 * mm),
             Paragraph("You told us what matters to you. Here is what the partnership did about it.", body),
             Spacer(1, 6 * mm)]
    if not items:
        story.append(Paragraph("There are no published answers for this yet. Check back soon.", body))
    for item in items:
        card = [Paragraph("You said", label), Paragraph(escape(item.you_said), body), Spacer(1, 2 * mm),
                Paragraph("We did", label), Paragraph(escape(item.we_did), body)]
        if item.status == "not_possible" and item.not_possible_reason:
            card.append(Paragraph("Why: " + escape(item.not_possible_reason), body))
        for quote in item.quotes:
            card.append(Paragraph(f"<i>&ldquo;{escape(quote.text)}&rdquo;</i> {escape(quote.attribution)}", small))
        when = item.responded_at or item.raised_at
        card.append(Paragraph(f"{escape(item.status_words)} &middot; {when:%d %B %Y}", small))
        table = Table([[card]], colWidths=[doc.width])
        table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#4b2e83")),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                                   ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        story += [KeepTogether([table]), Spacer(1, 5 * mm)]
    story.append(Paragraph("Need help now?", label))
    for line in YOUNG_PEOPLE_LINES:
        story.append(Paragraph(f"<b>{escape(line.name)}: {escape(line.number)}</b>, {escape(line.when)}", body))
    doc.build(story)
    return out.getvalue()
