"""A survey's title as staff see it, so two surveys that share a title are told apart everywhere.

The Year 6 and the Year 9 e-safety surveys are both called "Staying safe online" (young people see their
own survey only, so that is the right title for them). In staff menus, pages, reports and command output
a shared title gets who the survey is for: "Staying safe online — Pupils in Year 9", from the survey file's
`audience.who` where it has one, else its ages: "Staying safe online — ages 13 to 14" (docs/survey-files.md).
A title no other survey uses is shown as it is.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.models import SurveyRecord
from voice.surveys.schema import Survey, tr

DASH = " — "


def audience_words(survey: Survey) -> str:
    """Who the survey is for, in a few words: the file's `audience.who`, else its ages."""
    who = tr(getattr(survey, "audience_who", None) or {}).strip()
    if who:
        return who
    low, high = survey.audience_min_age, survey.audience_max_age
    return f"age {low}" if low == high else f"ages {low} to {high}"


def display_title(survey: Survey, shared: bool = True) -> str:
    """"Staying safe online — Pupils in Year 9" when another survey has the same title, else the title."""
    title = tr(survey.title)
    return f"{title}{DASH}{audience_words(survey)}" if shared else title


def survey_titles(session: Session) -> dict[str, str]:
    """Every survey's display title by id (archived surveys too: their campaigns still appear in reports)."""
    from voice.surveys.registry import UnknownSurvey, get_survey

    records = list(session.execute(select(SurveyRecord.id, SurveyRecord.title)))
    seen: dict[str, int] = {}
    for _, title in records:
        seen[(title or "").strip().lower()] = seen.get((title or "").strip().lower(), 0) + 1
    out: dict[str, str] = {}
    for survey_id, title in records:
        if seen[(title or "").strip().lower()] < 2:
            out[survey_id] = title or survey_id
            continue
        try:
            _, survey = get_survey(session, survey_id)
        except UnknownSurvey:
            out[survey_id] = f"{title}{DASH}{survey_id}"
            continue
        out[survey_id] = display_title(survey)
    # Two surveys for the same ages with the same title still need telling apart: add the id.
    counts: dict[str, int] = {}
    for text in out.values():
        counts[text] = counts.get(text, 0) + 1
    return {sid: (f"{text} ({sid})" if counts[text] > 1 else text) for sid, text in out.items()}


def survey_title(session: Session, survey_id: str) -> str:
    return survey_titles(session).get(survey_id, survey_id)


__all__ = ["audience_words", "display_title", "survey_title", "survey_titles"]
