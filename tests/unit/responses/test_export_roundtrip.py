import csv
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from voice.models import Answer, Campaign, Group, Response
from voice.responses.answers import from_rows
from voice.responses.bulk import ResponseRecord, insert_responses
from voice.responses.campaigns import CampaignNotFound, create_campaign
from voice.responses.exporter import export_responses, iter_export_rows
from voice.responses.groups import import_groups
from voice.responses.importer import import_responses
from voice.surveys.registry import get_survey

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"

TRICKY_TEXTS = [
    "I worry about people asking for pics 😟😟 tbh",
    "<script>alert('hi')</script> <b>bold</b> &amp;",
    "line one\nline two\r\nline three",
    'commas, "quotes", and \'apostrophes\'',
    "=HYPERLINK(\"http://evil\",\"click\")",
    "+44 7700 900000", "-just a dash", "@everyone", "\tstarts with a tab",
    "'=already quoted", "'cause I said so",
    "مرحبا، أنا قلق — 你好 — Привет — ਸਤ ਸ੍ਰੀ ਅਕਾਲ",
    "  spaces kept around  ",
]


@pytest.fixture
def loaded(session, published_surveys):
    import_groups(session, FIXTURES / "groups_good.csv")
    version, survey = get_survey(session, "esafety_year9")
    campaign = create_campaign(session, "esafety-2017", "esafety_year9")
    group_id = session.scalars(select(Group.id).where(Group.code == "HILL01")).one()
    records = []
    for i, text in enumerate(TRICKY_TEXTS):
        answers = {"uses_webcam": "yes", "webcam_chat_new_people": "yes", "threatened_on_webcam": "no",
                   "social_networks_used": ["snapchat", "instagram"] if i % 2 else ["none"],
                   "esafety_worries": text, "quote_consent": "prefer_not_to_say"}
        if i % 3 == 0:
            answers = {"uses_webcam": "no", "esafety_help": text}
        records.append(ResponseRecord(datetime(2017, 3, 1, 9, i), group_id, answers))
    insert_responses(session, version, campaign, records)
    session.commit()
    return survey


def _answers_by_campaign(session, survey, name):
    campaign = session.scalars(select(Campaign).where(Campaign.name == name)).one()
    responses = session.scalars(select(Response).where(Response.campaign_id == campaign.id).order_by(Response.id))
    return [(r.submitted_at, from_rows(survey, session.scalars(select(Answer).where(Answer.response_id == r.id))))
            for r in responses]


def test_export_then_import_gives_the_same_answers(session, loaded, tmp_path):
    out = tmp_path / "export.csv"
    report = export_responses(session, "esafety_year9", out, campaign_name="esafety-2017")
    assert report.rows == len(TRICKY_TEXTS)
    imported = import_responses(session, "esafety_year9", out, "esafety-2017-copy")
    session.commit()
    assert imported.imported == len(TRICKY_TEXTS)
    assert _answers_by_campaign(session, loaded, "esafety-2017-copy") == _answers_by_campaign(
        session, loaded, "esafety-2017")


def test_export_layout_and_formula_neutralised(session, loaded, tmp_path):
    out = tmp_path / "export.csv"
    export_responses(session, "esafety_year9", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8 (emoji, Arabic) correctly
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    _, survey = get_survey(session, "esafety_year9")
    assert header == ["response_id", "campaign", "submitted_at", "group", *(q.id for q in survey.questions)]
    assert rows[1][1:4] == ["esafety-2017", "2017-03-01T09:00:00Z", "HILL01"]
    cells = [c for row in rows[1:] for c in row]
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)  # nothing a spreadsheet would run
    assert "'=HYPERLINK(\"http://evil\",\"click\")" in cells
    assert "snapchat;instagram" not in cells and "instagram;snapchat" in cells  # survey option order


def test_export_streams_in_chunks(session, loaded):
    header, rows = iter_export_rows(session, "esafety_year9", chunk_size=4)
    ids = [row[0] for row in rows]
    assert ids == sorted(ids) and len(ids) == len(TRICKY_TEXTS)


def test_export_to_excel(session, loaded, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "export.xlsx"
    export_responses(session, "esafety_year9", out)
    sheet = load_workbook(out).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "'=HYPERLINK(\"http://evil\",\"click\")" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_unknown_campaign_is_named(session, loaded, tmp_path):
    with pytest.raises(CampaignNotFound, match="esafety-2017"):
        export_responses(session, "esafety_year9", tmp_path / "x.csv", campaign_name="esafety-2030")
