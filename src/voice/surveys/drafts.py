"""Drafts in the database, and publishing them as a new survey version.

A draft is saved after every accepted edit (the page calls `save_draft`), so closing the tab or a
dropped connection loses nothing. Publishing runs the full survey-file checks, stores a new
SurveyVersion with `registry.publish` (responses keep the version they answered) and removes the draft.

Surveys that come from a file in surveys/ are re-published from that file whenever the app starts,
so an in-app change under the same id would be undone: the editor edits a COPY of those (new id).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.models import SurveyDraft, SurveyRecord, SurveyVersion
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import ADMIN, FACILITATOR
from voice.surveys import editor
from voice.surveys.editor import Draft, EditProblem, EditRefused
from voice.surveys.registry import get_survey, list_survey_ids, publish

EDITOR_SOURCE = "editor"
EDITORS = (FACILITATOR, ADMIN)


@dataclass(frozen=True)
class DraftInfo:
    survey_id: str
    title: str
    updated_by: str
    updated_at: datetime
    published: bool  # a version of this survey is already served


def is_file_survey(session: Session, survey_id: str) -> bool:
    """True when the survey is published from a file in surveys/ (re-published on every start)."""
    rec = session.get(SurveyRecord, survey_id)
    return rec is not None and not (rec.source or "").startswith(EDITOR_SOURCE)


def list_drafts(session: Session, actor: Actor) -> list[DraftInfo]:
    require(actor, *EDITORS)
    published = set(list_survey_ids(session))
    rows = session.scalars(select(SurveyDraft).order_by(SurveyDraft.updated_at.desc()))
    return [DraftInfo(d.survey_id, _title(d.data), d.updated_by, d.updated_at, d.survey_id in published)
            for d in rows]


def load_draft(session: Session, actor: Actor, survey_id: str) -> Draft | None:
    require(actor, *EDITORS)
    row = _row(session, survey_id)
    return copy.deepcopy(row.data) if row else None


def save_draft(session: Session, actor: Actor, draft: Draft) -> None:
    """Store the draft (insert or replace). Called after every accepted edit."""
    require(actor, *EDITORS)
    survey_id = draft.get("id")
    row = _row(session, survey_id)
    if row is None:
        row = SurveyDraft(survey_id=survey_id, data={})
        session.add(row)
    # A fresh dict: JSON columns only notice a new object, not changes inside the old one.
    row.data = copy.deepcopy(draft)
    row.updated_by = actor.username
    row.updated_at = utcnow()
    session.flush()
    record(session, actor, "survey_draft_saved", "survey", survey_id, questions=len(editor.questions(draft)))


def start_new(session: Session, actor: Actor, survey_id: str, title: str, **kwargs) -> Draft:
    """A new, empty survey draft, saved at once. Refused if the id is taken by a survey or a draft."""
    require(actor, *EDITORS)
    check_id_free(session, survey_id)
    draft = editor.new_draft(survey_id, title, **kwargs)
    save_draft(session, actor, draft)
    record(session, actor, "survey_draft_started", "survey", survey_id)
    return draft


def start_from(session: Session, actor: Actor, source_id: str, new_id: str | None = None,
               new_title: str | None = None) -> Draft:
    """A draft from a served survey: the same id (to change it) or a copy under `new_id`.

    A survey from a file must be copied under a new id (see the module note)."""
    require(actor, *EDITORS)
    version, survey = get_survey(session, source_id)
    target = new_id or source_id
    if target == source_id and is_file_survey(session, source_id):
        raise EditRefused([EditProblem("survey", "id", f"'{source_id}' comes from a survey file and would be put "
                                                       "back from the file when the app restarts: give the copy "
                                                       "a new id (e.g. " + source_id + "_2)")])
    if target != source_id:
        check_id_free(session, target)
    elif _row(session, target) is not None:
        raise EditRefused([EditProblem("survey", "id", f"there is already a draft of '{target}': open it "
                                                       "instead, or discard it first")])
    draft = editor.draft_from_survey(survey, new_id=target if target != source_id else None, new_title=new_title)
    save_draft(session, actor, draft)
    row = _row(session, target)
    assert row is not None  # saved just above
    row.based_on_version_id = version.id if target == source_id else None
    record(session, actor, "survey_draft_started", "survey", target, based_on=source_id)
    return draft


def import_draft(session: Session, actor: Actor, data: Draft) -> None:
    """Save survey data from elsewhere (an XLSForm) as a new draft, to check and publish in the editor."""
    require(actor, *EDITORS)
    check_id_free(session, data.get("id"))
    save_draft(session, actor, data)
    record(session, actor, "survey_draft_imported", "survey", data.get("id"))


def discard_draft(session: Session, actor: Actor, survey_id: str) -> None:
    require(actor, *EDITORS)
    row = _row(session, survey_id)
    if row is not None:
        session.delete(row)
        record(session, actor, "survey_draft_discarded", "survey", survey_id)


def publish_draft(session: Session, actor: Actor, survey_id: str, *, listed: bool) -> SurveyVersion:
    """Check the draft as a survey file and serve it as a new version; the draft is then removed.

    `listed`: whether the young people's front page lists it (asked every time: a survey for one YPAG
    meeting should not appear to every school). Unlisted, it is still open to anyone with its link.
    Pressing Publish twice finds no draft left and returns the version already published.
    Raises EditRefused listing everything still to fix (nothing is published then)."""
    require(actor, *EDITORS)
    row = _row(session, survey_id)
    if row is None:
        record_row = session.get(SurveyRecord, survey_id)
        if record_row is not None and record_row.source == EDITOR_SOURCE and record_row.current_version_id:
            return session.get_one(SurveyVersion, record_row.current_version_id)  # a second press: already done
        raise EditRefused([EditProblem("survey", "", f"there is no draft of '{survey_id}' to publish")])
    if is_file_survey(session, survey_id):
        raise EditRefused([EditProblem("survey", "id", f"'{survey_id}' is published from a survey file; "
                                                       "change the file, or publish this draft under a new id")])
    survey = editor.draft_to_survey(row.data)
    version = publish(session, survey, source=EDITOR_SOURCE)
    session.get_one(SurveyRecord, survey_id).listed = bool(listed)
    session.delete(row)
    record(session, actor, "survey_published", "survey", survey_id, revision=version.revision, listed=bool(listed))
    session.flush()
    return version


def set_listed(session: Session, actor: Actor, survey_id: str, listed: bool) -> None:
    """List a published survey on the young people's front page, or take it off (its link keeps working)."""
    require(actor, *EDITORS)
    record_row = session.get(SurveyRecord, survey_id)
    if record_row is None or record_row.archived:
        raise EditRefused([EditProblem("survey", "id", f"there is no published survey '{survey_id}'")])
    if bool(record_row.listed) == bool(listed):
        return
    record_row.listed = bool(listed)
    session.flush()
    record(session, actor, "survey_listing_changed", "survey", survey_id, listed=bool(listed))


def check_id_free(session: Session, survey_id: str | None) -> None:
    if survey_id in list_survey_ids(session) or session.get(SurveyRecord, survey_id) is not None:
        raise EditRefused([EditProblem("survey", "id", f"a survey called '{survey_id}' already exists; "
                                                       "choose another id")])
    if _row(session, survey_id) is not None:
        raise EditRefused([EditProblem("survey", "id", f"there is already a draft called '{survey_id}'; "
                                                       "open it, or choose another id")])


def _row(session: Session, survey_id: str | None) -> SurveyDraft | None:
    if not survey_id:
        return None
    return session.scalars(select(SurveyDraft).where(SurveyDraft.survey_id == survey_id)).first()


def _title(data: dict) -> str:
    title = data.get("title")
    if isinstance(title, dict):
        return title.get("en") or next(iter(title.values()), "")
    return str(title or data.get("id"))
