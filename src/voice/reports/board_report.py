"""The board report: Word (.docx, python-docx) or PDF (reportlab), chosen by the file's extension.

The report is built once as a list of plain blocks (headings, paragraphs, tables, charts, quotes) from
`board.board_overview`, then written by one of two small writers, so both formats say the same thing.
Every figure in it is one the overview shows: voice.stats has already hidden anything from fewer than
10 young people. Stored text (quotes, "you said, we did", plan wording) is written as text, never markup.

Layout (how boards judge evidence: who was consulted, on what, what they said, what changed):
  Summary: who we heard from, what young people told us, what changed, what to watch
  Per priority: what young people told us / what we did / what difference it made / areas for monitoring
  How to read the figures
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence, Union

from sqlalchemy.orm import Session

from voice.errors import Invalid
from voice.evidence.impact import MEASURE_COLUMNS, MeasureTrend, measure_table
from voice.reports.board import BoardOverview, PriorityCard, ThemeFigure, board_overview, status_words, theme_rows
from voice.security.access import Actor
from voice.stats import MIN_BASE, SUPPRESSED_TEXT
from voice.stats.suppression import GROUP_MIN_BASE

if TYPE_CHECKING:
    import altair as alt

FORMATS = {".docx": "docx", ".pdf": "pdf"}
CHART_SCALE = 2.0  # PNG pixels per CSS pixel: sharp when printed
HEADING_ROOM = 4.0  # cm a heading needs below it on the page, or it starts the next page
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}
ProgressCallback = Callable[[str, int, int], None]
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green"}


class UnknownFormat(Invalid):
    pass


# --- blocks -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1
    new_page: bool = False  # each priority starts on a page of its own


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "normal"  # normal | note | bold


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Grid:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Chart:
    chart: alt.LayerChart  # from voice.reports.charts, drawn the same in Word and PDF
    caption: str = ""  # its text alternative, printed under it and set as the picture's alt text


@dataclass(frozen=True)
class QuoteBlock:
    text: str
    attribution: str


Block = Union[Heading, Para, Bullets, Grid, Chart, QuoteBlock]


def _clean(text: str | None) -> str:
    # XML (Word and reportlab alike) refuses control characters; people paste from documents that carry them.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(text or ""))


def _date(d) -> str:
    return f"{d:%-d %B %Y}" if d else "no date"


# --- what the report says ---------------------------------------------------------------------------------


def report_blocks(overview: BoardOverview) -> list[Block]:
    o = overview
    blocks: list[Block] = [
        Heading(f"Young people's voice: board report {o.period_id}", 0),
        Para(o.period_title),
        Para(f"Plan period {_date(o.starts)} to {_date(o.ends)}. Produced {o.generated_at:%d %B %Y at %H:%M}.", "note"),
    ]
    if o.has_demo:
        blocks.append(Para("DEMO: this report includes synthetic demonstration data, not real young people's "
                           "views. Campaigns marked DEMO were made up to show how the report works.", "bold"))
    blocks += _summary(o)
    for card in o.priorities:
        blocks += _priority(o, card)
    blocks += _how_to_read()
    return blocks


def _summary(o: BoardOverview) -> list[Block]:
    out: list[Block] = [Heading("Summary", 1), Heading("Who we heard from", 2)]
    if o.empty_explanation:
        out.append(Para(o.empty_explanation))
    if o.campaigns:
        out.append(Para(o.who_we_heard_from))
        out.append(Grid(("Wave", "Survey", "Dates", "Schools and groups", "Young people"),
                        tuple((c.title, c.survey_title, c.dates, f"{c.groups:,}", c.respondents_text)
                              for c in o.campaigns), (3, 2.6, 2.4, 1.4, 1.4)))
    if o.always_open_note:
        out.append(Para(o.always_open_note, "note"))
    out.append(Heading("What young people told us", 2))
    if o.themes:
        base = SUPPRESSED_TEXT if o.commenters is None else f"{o.commenters:,}"
        out.append(Para(f"Themes in the comments of the {base} young people who wrote something (comments held for "
                        f"the safeguarding leads are left out). A young person can mention several themes."))
        out += _theme_blocks(o.themes)
    else:
        out.append(Para("No comments have been coded into themes for these waves yet."))
    headline = [(m.label, m.latest) for c in o.priorities for m in c.measures if m.latest is not None]
    if headline:
        out.append(Para("Headline measures (the latest wave with enough answers):", "bold"))
        out.append(Bullets(tuple(f"{label}: {latest.wave_text}" for label, latest in headline)))
    out.append(Heading("What changed", 2))
    items = [i for c in o.priorities for i in c.items]
    unique_items = {i.id: i for i in items}.values()
    counts = {s: sum(1 for i in unique_items if i.status == s)
              for s in ("done", "in_progress", "planned", "not_possible")}
    out.append(Para(
        f'"You said, we did": {counts["done"]} done, {counts["in_progress"]} in progress, {counts["planned"]} '
        f'planned, {counts["not_possible"]} not possible (with the reason given to young people).'))
    measures = [m for c in o.priorities for m in c.measures]
    if measures:
        out.append(Bullets(tuple(f"{m.label}: {m.change_text}" for m in measures)))
    else:
        out.append(Para("No measures are set for this period's priorities yet."))
    watch = [c for c in o.priorities if c.monitoring]
    out.append(Heading("Areas for monitoring", 2))
    out.append(Grid(("Priority", "RAG", "Why"),
                    tuple((c.title, _rag_word(c), "; ".join(c.monitoring) or "Nothing flagged") for c in o.priorities),
                    (2.2, 1, 6)) if o.priorities else Para("No priorities are loaded for this period."))
    if not watch and o.priorities:
        out.append(Para("Nothing is flagged for monitoring."))
    return out


def _rag_word(card: PriorityCard) -> str:
    return RAG_WORDS.get(card.rag.status, card.rag.status) if card.rag else "Not set"


THEME_COLUMNS = ("Theme", "Young people", "% of those who wrote comments", "Negative", "Neutral", "Positive")


def theme_table(themes: Sequence[ThemeFigure]) -> list[tuple[str, ...]]:
    """Themes with figures to show, as table rows: the same on screen and in both report formats."""
    return [(t.name, t.young_people_text, t.percent_text,
             *(t.tone(s).text for s in ("negative", "neutral", "positive")))
            for t in themes if not t.suppressed]


def hidden_themes_note(themes: Sequence[ThemeFigure]) -> str | None:
    """Themes too small to give figures for, in one sentence rather than a table row of "fewer than 10"."""
    hidden = [t.name for t in themes if t.suppressed]
    if not hidden:
        return None
    return (f"Also mentioned, by {SUPPRESSED_TEXT} young people each (too few to give figures): "
            f"{', '.join(hidden)}.")


def theme_charts(themes: Sequence[ThemeFigure]) -> list[Chart]:
    """The themes' shares and the tone of their comments, each with its description."""
    from voice.reports.charts import bar_chart, caption, tone_caption, tone_chart

    shown = [t for t in themes if not t.suppressed]
    if not shown:
        return []
    rows = theme_rows(shown)
    labels = {t.theme_id: t.name for t in shown}
    series = {(None, None): "Young people who wrote comments"}
    return [Chart(bar_chart(rows, labels, series, title="Young people who mention each theme, of those who wrote "
                                                      "comments"), caption(rows, labels, series)),
            Chart(tone_chart(shown, title="Tone of each theme's comments"), tone_caption(shown))]


def _theme_blocks(themes: Sequence[ThemeFigure]) -> list[Block]:
    out: list[Block] = list(theme_charts(themes))
    rows = theme_table(themes)
    if rows:
        out.append(Grid(THEME_COLUMNS, tuple(rows), (2.6, 1.2, 1.6, 1.2, 1.2, 1.2)))
    note = hidden_themes_note(themes)
    if note:
        out.append(Para(note, "note"))
    return out


def _priority(o: BoardOverview, card: PriorityCard) -> list[Block]:
    out: list[Block] = [Heading(f"Priority: {card.title}", 1, new_page=True)]
    rag = (f"RAG status: {_rag_word(card)}, set by {card.rag.set_by} on {_date(card.rag.set_at)}. "
           f"Why: {card.rag.rationale}") if card.rag else "RAG status: not set yet."
    out += [Para(f"Owner: {card.owner or 'not named'}."), Para(rag), Para("Outcomes we want:", "bold"),
            Bullets(card.outcomes or ("No outcome statements in the plan.",))]

    out.append(Heading("What young people told us", 2))
    if card.questions:
        out.append(Grid(QUESTION_COLUMNS, tuple(question_table(card.questions)), (2, 3.2, 1.4, 1, 1, 2.6)))
        if card.more_questions:
            out.append(Para(f"{card.more_questions} more linked question{'s' if card.more_questions != 1 else ''} "
                            f"are on the Results page.", "note"))
    else:
        out.append(Para("No survey questions linked to this priority have answers yet."))
    if card.themes:
        out += _theme_blocks(card.themes)
    if card.quotes:
        out.append(Para("In their words (approved quotes, attributed to a group, never a person):", "bold"))
        out += [QuoteBlock(q.text, q.attribution) for q in card.quotes]

    out.append(Heading("What we did", 2))
    if card.items:
        out.append(Grid(("You said", "We did", "Status", "Waiting"),
                        tuple((i.you_said, i.we_did or "No answer yet", status_words(i.status)
                               + (f" ({i.not_possible_reason})" if i.status == "not_possible" and i.not_possible_reason
                                  else ""), i.waiting_words) for i in card.items), (3, 3, 1.6, 1.6)))
    else:
        out.append(Para('No "you said, we did" items are linked to this priority yet.'))
    if card.actions:
        out.append(Para("Plan actions:", "bold"))
        out.append(Grid(("What are we going to do?", "Who is responsible?", "When?", "Progress made"),
                        tuple((a.what, a.who, a.when, a.progress or "Not reported yet") for a in card.actions),
                        (3.4, 2, 1.4, 2.4)))

    out.append(Heading("What difference it made", 2))
    if card.measures:
        out += measure_blocks(card.measures)
    else:
        out.append(Para("No measures are set for this priority yet. A measure names a survey figure and the "
                        "direction it should move; facilitators add them on the Priorities page."))

    out.append(Heading("Areas for monitoring", 2))
    out.append(Bullets(tuple(card.monitoring)) if card.monitoring else Para("Nothing flagged."))
    return out


QUESTION_COLUMNS = ("Survey and wave", "Question", "Answer", "%", "Number", "Of (the base)")


def question_table(questions) -> list[tuple[str, ...]]:
    """A priority's headline figures as table rows, the same on screen and in both report formats."""
    from voice.stats import format_count, format_percent

    return [(f"{q.survey_title}, {q.wave}", q.question_text, q.option_label, format_percent(q.percent, q.suppressed),
             format_count(q.count, q.suppressed), q.base_words) for q in questions]


def measure_blocks(measures: Sequence[MeasureTrend]) -> list[Block]:
    """The measures' table (voice.evidence.impact.measure_table) and a chart of each, with its description."""
    from voice.reports.charts import measure_chart

    rows = measure_table(measures)
    out: list[Block] = [Grid(MEASURE_COLUMNS, tuple(tuple(r[c] for c in MEASURE_COLUMNS) for r in rows),
                             (2.6, 1.4, 3.4, 2.8))]
    for m in measures:
        drawn = measure_chart(m)
        if drawn is not None:
            out.append(Chart(*drawn))
    return out


def _how_to_read() -> list[Block]:
    return [Heading("How to read the figures", 1, new_page=True), Bullets((
        "Each percentage is of the young people who were asked the question (the survey's skip logic) and "
        "answered it, not counting 'prefer not to say'. The base is given beside each figure.",
        f"Any figure from fewer than {MIN_BASE} young people reads '{SUPPRESSED_TEXT}', and so does any figure "
        "it could be worked out from: small groups could identify someone, and their rates jump about.",
        f"0% and 100% of fewer than {GROUP_MIN_BASE} young people are not shown either: they would say something "
        "about every young person in a small group.",
        "A wave is a survey run in schools and groups over set dates. A survey's always-open link is not a wave: "
        "its answers are on the Results page and are never compared.",
        "A change compares the last two waves of the same survey whose figure is shown, names them, gives the "
        "difference in percentage points and says whether it is better or worse using the direction the measure "
        "should move.",
        f"While a wave is still open its figures are brought up to date in steps of at least {MIN_BASE} new "
        "answers (and in full when it closes), so comparing two versions never shows one young person's answers.",
        "Themes are counted from coded comments; comments held for the safeguarding leads are never included. "
        "Quotes are only those a facilitator approved, with the young person's consent.",
    ))]


# --- writers ------------------------------------------------------------------------------------------------


def render(blocks: Sequence[Block], fmt: str, progress: ProgressCallback | None = None) -> bytes:
    if fmt == "docx":
        return _docx(blocks, progress)
    if fmt == "pdf":
        return _pdf(blocks, progress)
    raise UnknownFormat(f"Board reports are written as .docx or .pdf, not '{fmt}'.")


def _charts(blocks) -> list[Chart]:
    return [b for b in blocks if isinstance(b, Chart)]


def _docx(blocks: Sequence[Block], progress: ProgressCallback | None) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    from voice.reports.charts import chart_png, png_size

    doc = Document()
    doc.core_properties.title = next((b.text for b in blocks if isinstance(b, Heading)), "Board report")
    doc.core_properties.author = "Safeguarding Children Partnership"
    charts = _charts(blocks)
    done = 0
    width = Cm(16)
    for block in blocks:
        if isinstance(block, Heading):
            fmt = doc.add_heading(_clean(block.text), level=block.level).paragraph_format
            fmt.page_break_before, fmt.keep_with_next = block.new_page, True  # never a heading alone at a page end
        elif isinstance(block, Para):
            p = doc.add_paragraph()
            run = p.add_run(_clean(block.text))
            run.bold = block.style == "bold"
            if block.style == "note":
                run.italic, run.font.size = True, Pt(9)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(_clean(item), style="List Bullet")
        elif isinstance(block, Grid):
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = ""
                cell.paragraphs[0].add_run(_clean(text)).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = _clean(text)
            if block.widths:
                total = sum(block.widths)
                for k, w in enumerate(block.widths):
                    for row in table.rows:
                        row.cells[k].width = int(width * w / total)
            doc.add_paragraph()
        elif isinstance(block, Chart):
            png = chart_png(block.chart, scale=CHART_SCALE)
            # At its own size (a CSS pixel is 1/96 inch), narrowed only to fit the page: text keeps one size.
            natural = Cm(png_size(png)[0] / CHART_SCALE / 96 * 2.54)
            doc.add_picture(io.BytesIO(png), width=min(natural, width))
            # Alt text on the picture itself, for screen readers in Word.
            doc.inline_shapes[-1]._inline.docPr.set("descr", _clean(block.caption))
            p = doc.add_paragraph()
            run = p.add_run("Chart description: " + _clean(block.caption))
            run.italic, run.font.size = True, Pt(9)
            done += 1
            if progress:
                progress("charts", done, len(charts))
        elif isinstance(block, QuoteBlock):
            p = doc.add_paragraph(style="Quote")
            p.add_run(f"\u201c{_clean(block.text)}\u201d ")
            p.add_run(_clean(block.attribution)).italic = False
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pdf(blocks: Sequence[Block], progress: ProgressCallback | None) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (CondPageBreak, Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate,
                                    Spacer, Table, TableStyle)

    from voice.reports.charts import chart_png, png_size

    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    note = ParagraphStyle("note", parent=styles["BodyText"], fontSize=8, leading=10,
                          textColor=colors.HexColor("#444444"))
    quote = ParagraphStyle("quote", parent=styles["BodyText"], leftIndent=18, fontName="Helvetica-Oblique")
    heading = {0: styles["Title"], 1: styles["Heading1"], 2: styles["Heading2"], 3: styles["Heading3"]}

    def text(value: str) -> str:
        return escape(_clean(value))

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.6 * cm, author="Safeguarding Children Partnership",
                            title=next((b.text for b in blocks if isinstance(b, Heading)), "Board report"))
    story = []
    charts = _charts(blocks)
    done = 0
    for block in blocks:
        if isinstance(block, Heading):
            # A heading never ends a page on its own: with less than a few lines left it starts the next one.
            story.append(PageBreak() if block.new_page else CondPageBreak(HEADING_ROOM * cm))
            story.append(Paragraph(text(block.text), heading.get(block.level, styles["Heading3"])))
        elif isinstance(block, Para):
            style = {"note": note, "bold": ParagraphStyle("b", parent=styles["BodyText"], fontName="Helvetica-Bold")}
            story.append(Paragraph(text(block.text), style.get(block.style, styles["BodyText"])))
        elif isinstance(block, Bullets):
            for item in block.items:
                story.append(Paragraph(text(item), styles["BodyText"], bulletText="\u2022"))
        elif isinstance(block, Grid):
            total = sum(block.widths) if block.widths else len(block.header)
            widths = [doc.width * (w / total) for w in (block.widths or [1] * len(block.header))]
            data = [[Paragraph(text(h), head) for h in block.header]]
            data += [[Paragraph(text(c), cell) for c in row] for row in block.rows]
            table = Table(data, colWidths=widths, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [table, Spacer(1, 0.3 * cm)]
        elif isinstance(block, Chart):
            png = chart_png(block.chart, scale=CHART_SCALE)
            w, h = (v / CHART_SCALE * 0.75 for v in png_size(png))  # CSS pixels to points
            shrink = min(1.0, doc.width / w)
            picture = Image(io.BytesIO(png), width=w * shrink, height=h * shrink, hAlign="LEFT")
            story.append(KeepTogether([picture, Paragraph(text("Chart description: " + block.caption), note),
                                       Spacer(1, 0.3 * cm)]))
            done += 1
            if progress:
                progress("charts", done, len(charts))
        elif isinstance(block, QuoteBlock):
            story.append(Paragraph(f"\u201c{text(block.text)}\u201d {text(block.attribution)}", quote))
    doc.build(story)
    return out.getvalue()


# --- entry points ---------------------------------------------------------------------------------------------


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UnknownFormat(f"Name the report file .docx (Word) or .pdf, not '{suffix or Path(path).name}'.")
    return FORMATS[suffix]


def build_board_report(session: Session, actor: Actor, period_id: str | None = None, fmt: str = "docx",
                       progress: ProgressCallback | None = None) -> bytes:
    """The report as bytes. Checks the actor's role (board_overview does) and the period (NotFound)."""
    if fmt not in MIME:
        raise UnknownFormat(f"Board reports are written as .docx or .pdf, not '{fmt}'.")
    overview = board_overview(session, actor, period_id, progress=progress)
    return build_from_overview(overview, fmt, progress)


def build_from_overview(overview: BoardOverview, fmt: str, progress: ProgressCallback | None = None) -> bytes:
    blocks = report_blocks(overview)
    data = render(blocks, fmt, progress)
    if progress:
        progress("writing", 1, 1)
    return data


def write_board_report(session: Session, actor: Actor, out: str | Path, period_id: str | None = None,
                       progress: ProgressCallback | None = None) -> Path:
    fmt = format_for(out)
    data = build_board_report(session, actor, period_id, fmt, progress)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def file_name(period_id: str, fmt: str) -> str:
    return f"board-report-{re.sub(r'[^0-9A-Za-z]+', '-', period_id).strip('-')}.{fmt}"


__all__ = ["FORMATS", "MIME", "UnknownFormat", "build_board_report", "build_from_overview", "file_name",
           "format_for", "render", "report_blocks", "write_board_report"]
