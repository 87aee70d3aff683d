"""School packs: one PDF per school with its results beside the whole area's.

Figures come from `voice.stats.all_schools_vs_area` (the by-group breakdown, suppressed with the area
breakdown), so a pack never shows a number the results page would hide. The database is read once in
the calling process; the PDFs are built by a pool of worker processes, one per core.

Charts: by default drawn as vector graphics (`charts.pdf_bar_chart`: same data, colours and labels as
the screen's Altair chart). `charts="png"` embeds the Altair chart rendered by vl-convert instead,
exactly as on screen, but at about 0.1 s a chart 128 packs take several minutes.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from voice.stats import (MIN_BASE, SUPPRESSED_TEXT, SchoolResults, all_schools_vs_area, format_count,
                         format_percent, resolve_campaign)
from voice.surveys.schema import PREFER_NOT_TO_SAY, tr

# progress(stage, done, total), as in voice.responses.bulk
ProgressCallback = Callable[[str, int, int], None]


@dataclass
class PackContext:
    """What every pack shares: wording, and the whole-area charts for schools too small to show."""

    survey_title: str
    campaign_name: str
    campaign_title: str
    questions: list[tuple[str, str, dict[str, str]]]  # (id, text, option labels)
    area_charts: dict[str, bytes]
    charts: str = "vector"  # or "png"


_context: PackContext | None = None


def _init_worker(context: PackContext) -> None:
    global _context
    _context = context


def safe_file_name(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", code).strip("._") or "group"


def _question_chart(question_id: str, option_labels: dict[str, str], rows, series_labels) -> bytes:
    from voice.reports.charts import bar_chart, chart_png

    return chart_png(bar_chart(rows, option_labels, series_labels, width=380), scale=1.2)


def _pdf(school: SchoolResults, out_dir: str, context: PackContext) -> str:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    from voice.reports.charts import caption

    styles = getSampleStyleSheet()
    path = Path(out_dir) / f"{safe_file_name(school.group_code)}.pdf"
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=f"{context.survey_title}: {school.group_name}",
                            author="Safeguarding Children Partnership", leftMargin=2 * cm, rightMargin=2 * cm)
    story = [Paragraph(escape(f"{context.survey_title}: {school.group_name}"), styles["Title"]),
             Paragraph(escape(f"Campaign: {context.campaign_title or context.campaign_name}"), styles["Normal"])]
    if school.too_small:
        story.append(Paragraph(escape(
            f"Fewer than {MIN_BASE} young people at {school.group_name} answered ({SUPPRESSED_TEXT}), so the "
            "school's own numbers are too small to show: they could identify someone. The whole area's "
            "results are below for comparison."), styles["Normal"]))
    else:
        story.append(Paragraph(escape(
            f"{school.respondents:,} young people at {school.group_name} answered. Each percentage is of those "
            f"who were asked the question and answered it (not counting 'prefer not to say'). Where a figure "
            f"comes from {SUPPRESSED_TEXT} young people it reads '{SUPPRESSED_TEXT}'."), styles["Normal"]))
    story.append(Spacer(1, 0.4 * cm))
    figures: dict[str, list] = {}
    for f in school.figures:
        figures.setdefault(f.question_id, []).append(f)
    series_labels = {("group", school.group_code): school.group_name, (None, None): "Whole area"}
    for question_id, text, option_labels in context.questions:
        mine = figures.get(question_id, [])
        if not mine:
            continue
        area_rows = [f.area for f in mine]
        chart_rows = area_rows if school.too_small else [f.school for f in mine] + area_rows
        width = 15 * cm
        if context.charts == "png":
            png = (context.area_charts[question_id] if school.too_small
                   else _question_chart(question_id, option_labels, chart_rows, series_labels))
            w, h = ImageReader(io.BytesIO(png)).getSize()
            picture = Image(io.BytesIO(png), width=width, height=width * h / w)
        else:
            from voice.reports.charts import pdf_bar_chart

            picture = pdf_bar_chart(chart_rows, option_labels, series_labels, width=width)
        header = ["Answer", f"{school.group_name}: n", "%", "Whole area: n", "%"]
        table_rows = [header]
        for f in mine:
            label = option_labels.get(f.option_id, f.option_id)
            if f.option_id == PREFER_NOT_TO_SAY:
                label += " (of all who answered)"
            table_rows.append([label, format_count(f.school.count, f.school.suppressed),
                               format_percent(f.school.percent, f.school.suppressed),
                               format_count(f.area.count, f.area.suppressed),
                               format_percent(f.area.percent, f.area.suppressed)])
        bases = [f for f in mine if f.option_id != PREFER_NOT_TO_SAY]
        school_base = next((f.school.base for f in bases if not f.school.suppressed), None)
        area_base = next((f.area.base for f in bases if not f.area.suppressed), None)
        table_rows.append(["Answered (the base)", format_count(school_base, school_base is None), "",
                           format_count(area_base, area_base is None), ""])
        grid = Table([[Paragraph(escape(str(c)), styles["BodyText"]) for c in row] for row in table_rows],
                     colWidths=[5.5 * cm, 3.2 * cm, 2.2 * cm, 3.2 * cm, 2.2 * cm], repeatRows=1)
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4"))]))
        story.append(KeepTogether([
            Paragraph(escape(text), styles["Heading3"]),
            picture,
            Paragraph(escape("Chart description: " + caption(chart_rows, option_labels, series_labels)),
                      styles["Italic"]),
            Spacer(1, 0.2 * cm), grid, Spacer(1, 0.5 * cm)]))
    doc.build(story)
    return str(path)


def _work(job: tuple[SchoolResults, str]) -> tuple[str, str]:
    school, out_dir = job
    if _context is None:  # set by _init_worker in every pool process
        raise RuntimeError("school pack worker started without its context")
    return school.group_code, _pdf(school, out_dir, _context)


def build_school_packs(session: Session, survey_id: str, campaign: str, out_dir: str | Path,
                       progress: ProgressCallback | None = None, workers: int | None = None,
                       charts: str = "vector") -> list[Path]:
    """Write one PDF per school in the campaign (invited or answering) into out_dir; returns the paths."""
    from voice.reports.charts import bar_chart, chart_png

    survey, schools = all_schools_vs_area(session, survey_id, campaign)
    [campaign_row] = resolve_campaign(session, survey_id, campaign)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    questions = [(q.id, tr(q.text), {o.id: tr(o.label) for o in q.options}) for q in survey.questions if q.is_closed]
    area_charts: dict[str, bytes] = {}
    if charts == "png" and any(s.too_small for s in schools):  # shared by every small school's pack
        sample = next(s for s in schools if s.too_small)
        for qid, _, labels in questions:
            rows = [f.area for f in sample.figures if f.question_id == qid]
            if rows:
                area_charts[qid] = chart_png(bar_chart(rows, labels, width=380), scale=1.2)
    from voice.surveys.titles import survey_title

    context = PackContext(survey_title(session, survey_id), campaign_row.name, campaign_row.title, questions,
                          area_charts, charts)
    jobs = [(school, str(out)) for school in schools]
    total, paths = len(jobs), []
    if progress:
        progress("packs", 0, total)
    workers = workers or min(os.cpu_count() or 1, max(1, total))
    if workers <= 1 or total <= 1:
        _init_worker(context)
        results = map(_work, jobs)
        for _, path in results:
            paths.append(Path(path))
            if progress:
                progress("packs", len(paths), total)
        return paths
    # spawn, not fork: the parent holds database connections and vl-convert's runtime threads.
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_init_worker, initargs=(context,)) as pool:
        for _, path in pool.imap_unordered(_work, jobs, chunksize=2):
            paths.append(Path(path))
            if progress:
                progress("packs", len(paths), total)
    return sorted(paths)
