"""The survey journey on the server: start, save each step, resume, submit once.

Every function takes a Session and plain values and returns plain data, so the survey page,
the load harness and the tests drive exactly the same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Mapping, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voice.config import get_settings
from voice.db import utcnow
from voice.models import Answer, AuditEvent, Campaign, Group, Response
from voice.responses.answers import (
    AnswersRejected, AnswerValue, clean_answers, from_rows, to_rows, unanswered_required,
)
from voice.responses.codes import GROUP_FAILURES_PER_MINUTE, GUESSES, GuessLimiter, new_code, normalise_code
from voice.responses.errors import (
    AlreadySubmitted,
    CampaignClosed,
    ResumeCodeExpired,
    SurveyProblem,
    TooManyTries,
    UnknownCampaign,
    UnknownGroup,
    UnknownResumeCode,
)
from voice.security.audit import record
from voice.surveys import skip_logic
from voice.surveys.registry import ensure_default_campaign, get_survey, survey_of_version
from voice.surveys.schema import Survey
from voice.models import SurveyVersion


@dataclass
class Progress:
    """Where a young person is: enough to draw their current step."""

    resume_code: str
    survey: Survey
    survey_version_id: int
    campaign_name: str
    group_name: str | None
    current_step: int
    status: str
    receipt_code: str | None
    language: str
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    expires_on: date | None = None  # the last day the resume code opens these answers

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


def find_group(session: Session, code: str | None) -> Group | None:
    if not code:
        return None
    group = session.scalars(select(Group).where(func.lower(Group.code) == code.strip().lower())).first()
    if group is None:
        raise UnknownGroup(code)
    return group


def resolve_campaign(session: Session, survey_id: str, name: str | None = None, now: datetime | None = None,
                     must_be_open: bool = True) -> Campaign:
    """The campaign a link means: the one named, else the survey's open campaign, else its always-open one."""
    now = now or utcnow()
    if name:
        campaign = session.scalars(select(Campaign).where(Campaign.name == name.strip(),
                                                          Campaign.survey_id == survey_id)).first()
        if campaign is None or campaign.survey_id != survey_id:
            raise UnknownCampaign(name, survey_id)
        if must_be_open and not campaign.is_open(now):
            raise CampaignClosed(campaign.name)
        return campaign
    candidates = session.scalars(
        select(Campaign).where(Campaign.survey_id == survey_id, Campaign.is_default.is_(False))
        .order_by(Campaign.opens_at.desc())
    ).all()
    for campaign in candidates:
        if campaign.is_open(now):
            return campaign
    return ensure_default_campaign(session, survey_id)


def start_response(session: Session, survey_id: str, group_code: str | None = None,
                   campaign_name: str | None = None, language: str = "en", now: datetime | None = None) -> Progress:
    version, survey = get_survey(session, survey_id)
    group = find_group(session, group_code)
    campaign = resolve_campaign(session, survey_id, campaign_name, now)
    if language not in survey.languages:
        language = survey.languages[0]
    for _ in range(5):  # a code clash is astronomically rare; retry rather than fail
        response = Response(survey_id=survey_id, survey_version_id=version.id, campaign_id=campaign.id,
                            group_id=group.id if group else None, resume_code=new_code(), language=language)
        try:
            with session.begin_nested():
                session.add(response)
            break
        except IntegrityError:
            continue
    return _progress(session, response, survey, campaign, group)


CODE_REFUSED = "resume_code_refused"  # audit action: a typed code that opened nothing


def open_with_code(session: Session, typed: str, client_key: str, group_code: str | None = None,
                   now: datetime | None = None, limiter: GuessLimiter = GUESSES) -> Progress | SurveyProblem:
    """A young person types their code to carry on: their unfinished answers, or the refusal to show.

    Refused, and written to the audit trail (the group, never the code typed): an unknown code, one that
    has run out (`resume_code_days` after starting) and one whose answers were already sent (so a
    finished pupil's code shows nothing to the next person at a shared device). Too many refusals from
    one screen (`client_key`) or for one group in a minute make the screen wait. The refusal is returned,
    not raised, so the caller's commit keeps the audit entry that counts it.
    """
    now = now or utcnow()
    wait = limiter.wait_for(client_key, now)
    bucket = _guess_bucket(session, group_code)
    if wait is None and _group_failures(session, bucket, now) >= GROUP_FAILURES_PER_MINUTE:
        wait = timedelta(minutes=1)
    if wait is not None:
        return TooManyTries(max(1, math.ceil(wait.total_seconds() / 60)))
    response = _lookup(session, typed)
    refusal: SurveyProblem | None = None
    days = get_settings().resume_code_days
    if response is None:
        refusal, reason = UnknownResumeCode(typed), "unknown"
    elif response.status == "submitted":
        refusal, reason = AlreadySubmitted(response.receipt_code or ""), "already_sent"
    elif _expired(response, days, now):
        refusal, reason = ResumeCodeExpired(days), "expired"
    if refusal is not None:
        failures = limiter.failed(client_key, now)
        record(session, "anonymous", CODE_REFUSED, "group", bucket, at=now, reason=reason,
               failures_from_this_screen=failures)
        return refusal
    limiter.succeeded(client_key)
    assert response is not None  # an unknown code was refused above
    return load_progress(session, response.resume_code)


def _guess_bucket(session: Session, group_code: str | None) -> str:
    """The group a try counts against: a real group's code, else "-" (so made-up ?group= values in a
    link cannot each get their own allowance)."""
    try:
        group = find_group(session, group_code)
    except UnknownGroup:
        group = None
    return group.code if group is not None else "-"


def _group_failures(session: Session, bucket: str, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == CODE_REFUSED, AuditEvent.at > now - timedelta(minutes=1),
        AuditEvent.target_type == "group", AuditEvent.target_id == bucket)) or 0


def _expired(response: Response, days: int, now: datetime) -> bool:
    return response.started_at is not None and now > response.started_at + timedelta(days=days)


def load_progress(session: Session, resume_code: str) -> Progress:
    response = _find(session, resume_code)
    version = session.get_one(SurveyVersion, response.survey_version_id)
    survey = survey_of_version(version)
    campaign = session.get_one(Campaign, response.campaign_id)
    group = session.get(Group, response.group_id) if response.group_id else None
    return _progress(session, response, survey, campaign, group)


def save_step(session: Session, resume_code: str, answers: Mapping[str, Any], question_ids: list[str],
              next_step: int) -> Progress:
    """Store the answers to one step's questions and move to `next_step`.

    Answers the young person cleared are removed; answers that skip logic now hides (they went
    back and changed an earlier answer) are removed too. Raises AnswerRejected for an answer
    that cannot be stored as given, before anything is written.
    """
    response = _find(session, resume_code, for_update=True)
    if response.status == "submitted":
        raise AlreadySubmitted(response.receipt_code or "")
    survey = survey_of_version(session.get_one(SurveyVersion, response.survey_version_id))
    cleaned = clean_answers(survey, answers, question_ids)
    step_required = any(q is not None and q.required for q in (survey.question(i) for i in question_ids))
    if step_required and next_step > response.current_step:  # moving on: must-answer questions need an answer
        saved = from_rows(survey, session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                                       Answer.question_id.not_in(question_ids))))
        after = {**saved, **cleaned}
        shown = [q for q in (survey.question(i) for i in question_ids)
                 if q is not None and skip_logic.is_shown(q, after, survey)]
        missing = unanswered_required(shown, after)
        if missing:
            raise AnswersRejected(missing)
    session.execute(delete(Answer).where(Answer.response_id == response.id, Answer.question_id.in_(question_ids)))
    _insert_answers(session, response.id, survey, cleaned)
    all_answers = from_rows(survey, session.scalars(select(Answer).where(Answer.response_id == response.id)))
    kept = skip_logic.prune_hidden(survey, all_answers)
    hidden = [qid for qid in all_answers if qid not in kept]
    if hidden:
        session.execute(delete(Answer).where(Answer.response_id == response.id, Answer.question_id.in_(hidden)))
    response.current_step = max(0, next_step)
    response.updated_at = utcnow()
    session.flush()
    return load_progress(session, resume_code)


def set_step(session: Session, resume_code: str, step: int) -> None:
    """Going back saves nothing new but remembers where the young person is."""
    response = _find(session, resume_code)
    if response.status != "submitted":
        response.current_step = max(0, step)
        response.updated_at = utcnow()


def submit(session: Session, resume_code: str, now: datetime | None = None) -> str:
    """Finish the response; idempotent: a double tap or a retry returns the same receipt code."""
    response = _find(session, resume_code)
    if response.status == "submitted":
        return response.receipt_code or ""
    receipt = new_code()
    # Conditional update: of two racing submits only one changes the row; both then read its receipt.
    changed = session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        update(Response)
        .where(Response.id == response.id, Response.status == "in_progress")
        .values(status="submitted", receipt_code=receipt, submitted_at=now or utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.flush()
    if changed:
        # Queue the free text for analysis once this commits: it runs off the young person's request.
        from voice.analysis.store import on_submitted

        on_submitted(session, response.id)
    session.expire(response)
    return session.get_one(Response, response.id).receipt_code or receipt


def count_submitted(session: Session, survey_id: str | None = None, campaign_id: int | None = None) -> int:
    query = select(func.count()).select_from(Response).where(Response.status == "submitted")
    if survey_id:
        query = query.where(Response.survey_id == survey_id)
    if campaign_id:
        query = query.where(Response.campaign_id == campaign_id)
    return session.scalar(query) or 0


def _insert_answers(session: Session, response_id: int, survey: Survey, answers: Mapping[str, AnswerValue]) -> None:
    rows: list[dict[str, Any]] = []
    for qid, value in answers.items():
        question = survey.question(qid)
        if question is None:  # answers are cleaned against the survey first
            raise KeyError(f"{survey.id} has no question '{qid}'")
        rows.extend({"response_id": response_id, "question_id": r.question_id, "option_id": r.option_id,
                     "text": r.text, "number": r.number} for r in to_rows(question, value))
    if rows:
        session.execute(cast(Table, Answer.__table__).insert(), rows)  # Core: a Table, typed as a FromClause


def _lookup(session: Session, resume_code: str, for_update: bool = False) -> Response | None:
    code = normalise_code(resume_code)
    query = select(Response).where(Response.resume_code == code)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query).first()


def _find(session: Session, resume_code: str, for_update: bool = False) -> Response:
    response = _lookup(session, resume_code, for_update)
    if response is None:
        raise UnknownResumeCode(resume_code)
    return response


def _progress(session: Session, response: Response, survey: Survey, campaign: Campaign,
              group: Group | None) -> Progress:
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id)).all() if response.id else []
    return Progress(
        resume_code=response.resume_code, survey=survey, survey_version_id=response.survey_version_id,
        campaign_name=campaign.name, group_name=group.name if group else None, current_step=response.current_step,
        status=response.status, receipt_code=response.receipt_code, language=response.language,
        answers=from_rows(survey, rows),
        expires_on=(response.started_at + timedelta(days=get_settings().resume_code_days)).date()
        if response.started_at else None,
    )
