"""The partnership's plan: periods, priorities, actions, RAG status, measures and what links to them.

Every function takes a Session and plain values and returns plain data or model rows; the pages, the
CLI and the board report all call these. Refusals raise `EvidenceRefused` with a message saying what to do.
Every function that changes the plan takes the acting person (`actor`), checks the role itself
(facilitators and admins: PLAN_EDITORS) and writes the audit trail; the CLI acts as SYSTEM.

Import rule (docs/priorities.md): a plan file names its period ("2020/21"). Loading a new period
never touches another. Loading a period that already exists is a no-op when the content is the same,
refused when it differs, and with `replace=True` allowed only while the period has no evidence yet
(no measures, RAG judgements, "you said, we did" items or actions updated in the app): once a plan
has a record, it is kept as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.evidence.common import clean_text, plan_period
# Periods are part of the plan's API: pages and the CLI call priorities.list_periods / current_period.
from voice.evidence.common import current_period as current_period, list_periods as list_periods
from voice.evidence.errors import EvidenceNotFound, EvidenceRefused
from voice.evidence.plan_file import PlanSpec, load_plan_file
from voice.models import Measure, PlanAction, PlanPeriod, Priority, Quote, RagStatus, YouSaidWeDid
from voice.models.evidence import QUOTE_APPROVED
from voice.models.priorities import POLARITIES, RAG_STATUSES
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import ADMIN, FACILITATOR

PLAN_EDITORS = (FACILITATOR, ADMIN)

DEFAULT_PLAN_FILE = "priorities_2020-21.yaml"
CODEBOOK_FILE = "codebook.yaml"


# --- import ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanImportReport:
    period_id: str
    outcome: str  # created | unchanged | replaced
    priorities: int
    actions: int
    measures: int

    def __str__(self) -> str:
        if self.outcome == "unchanged":
            return f"Plan {self.period_id} is already loaded with this content: nothing changed."
        return (f"Plan {self.period_id} {self.outcome}: {self.priorities} priorities, {self.actions} actions, "
                f"{self.measures} measures.")


def import_plan_file(session: Session, actor: Actor, path: str | Path, *, replace: bool = False) -> PlanImportReport:
    """Load a plan file (raises PlanFileError with line and field for a broken file)."""
    require(actor, *PLAN_EDITORS)
    return import_plan(session, actor, load_plan_file(path), replace=replace)


def import_plan(session: Session, actor: Actor, plan: PlanSpec, *, replace: bool = False) -> PlanImportReport:
    require(actor, *PLAN_EDITORS)
    report = _import_plan(session, plan, replace)
    if report.outcome != "unchanged":
        record(session, actor, "plan_imported", "plan_period", report.period_id, outcome=report.outcome,
               priorities=report.priorities, actions=report.actions, measures=report.measures,
               source=Path(plan.source).name)
    return report


def _import_plan(session: Session, plan: PlanSpec, replace: bool) -> PlanImportReport:
    existing = session.get(PlanPeriod, plan.period_id)
    if existing is not None:
        if existing.content_hash == plan.content_hash:
            return _report(plan, "unchanged")
        if not replace:
            raise EvidenceRefused(
                f"Plan {plan.period_id} is already loaded and this file is different. A year's plan is kept as it "
                f"was so the board's record stays true. To correct a plan that has no evidence yet, import it "
                f"again with --replace; for a new year, give the file a new period id (e.g. the next year).")
        evidence = period_evidence_counts(session, plan.period_id)
        if any(evidence.values()):
            held = ", ".join(f"{n} {what}" for what, n in evidence.items() if n)
            raise EvidenceRefused(
                f"Plan {plan.period_id} already has evidence ({held}), so it cannot be replaced. Change it in "
                f"the Priorities page instead, or load the changes as a new period.")
        session.delete(existing)
        session.flush()
    if plan.is_current:
        # One current plan: the newly loaded current year takes over from the last.
        for period in session.scalars(select(PlanPeriod).where(PlanPeriod.is_current.is_(True))):
            period.is_current = False
    period = PlanPeriod(id=plan.period_id, title=plan.title, starts=plan.starts, ends=plan.ends,
                        is_current=plan.is_current, source=Path(plan.source).name, content_hash=plan.content_hash)
    session.add(period)
    for position, spec in enumerate(plan.priorities):
        priority = Priority(key=spec.key, title=spec.title, owner=spec.owner, outcomes=list(spec.outcomes),
                            position=position)
        priority.actions = [PlanAction(position=i, what=a.what, how=a.how, who=a.who, when=a.when,
                                       impact=a.impact, progress=a.progress) for i, a in enumerate(spec.actions)]
        period.priorities.append(priority)
    session.flush()
    for spec, priority in zip(plan.priorities, period.priorities):
        for m in spec.measures:
            session.add(Measure(priority_id=priority.id, survey_id=m.survey_id, question_id=m.question_id,
                                option_ids=list(m.option_ids), label=m.label, polarity=m.polarity,
                                created_by=f"file {Path(plan.source).name}"))
    session.flush()
    return _report(plan, "replaced" if existing is not None else "created")


def _report(plan: PlanSpec, outcome: str) -> PlanImportReport:
    return PlanImportReport(plan.period_id, outcome, len(plan.priorities), sum(len(p.actions) for p in plan.priorities),
                        sum(len(p.measures) for p in plan.priorities))


def seed_default_plan(session: Session, actor: Actor, definitions_dir: Path) -> PlanImportReport | None:
    """Load the built-in 2020/21 plan on first start; never replaces anything already there."""
    require(actor, *PLAN_EDITORS)
    path = Path(definitions_dir) / DEFAULT_PLAN_FILE
    if not path.exists():
        return None
    plan = load_plan_file(path)
    if session.get(PlanPeriod, plan.period_id) is not None:
        return None
    return import_plan(session, actor, plan)


def period_evidence_counts(session: Session, period_id: str) -> dict[str, int]:
    ids = select(Priority.id).where(Priority.period_id == period_id)
    return {
        "measures": _count(session, Measure, Measure.priority_id.in_(ids)),
        "RAG judgements": _count(session, RagStatus, RagStatus.priority_id.in_(ids)),
        '"you said, we did" items': _count(session, YouSaidWeDid, YouSaidWeDid.period_id == period_id),
        "actions updated in the app": _count(session, PlanAction,
                                             PlanAction.priority_id.in_(ids), PlanAction.updated_by.is_not(None)),
    }


def _count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


# --- periods and priorities -------------------------------------------------------------------------

def set_current_period(session: Session, actor: Actor, period_id: str) -> None:
    require(actor, *PLAN_EDITORS)
    target = plan_period(session, period_id)
    for period in session.scalars(select(PlanPeriod)):
        period.is_current = period.id == target.id
    session.flush()
    record(session, actor, "plan_current_set", "plan_period", target.id)


def priorities_of(session: Session, period_id: str | None = None) -> list[Priority]:
    period = plan_period(session, period_id)
    return list(session.scalars(select(Priority).where(Priority.period_id == period.id).order_by(Priority.position)))


def priority_choices(session: Session, period_id: str | None = None) -> dict[str, str]:
    """The plan's priorities as key -> title, in plan order (empty when no plan is loaded): what a survey
    question may serve (the survey editor offers these and refuses others)."""
    if not list_periods(session):
        return {}
    return {p.key: p.title for p in priorities_of(session, period_id)}


def get_priority(session: Session, priority_id: int) -> Priority:
    priority = session.get(Priority, priority_id)
    if priority is None:
        raise EvidenceNotFound(f"There is no priority with id {priority_id}. Choose one from the Priorities page.")
    return priority


def find_priority(session: Session, key: str, period_id: str | None = None) -> Priority:
    period = plan_period(session, period_id)
    priority = session.scalars(select(Priority).where(Priority.period_id == period.id, Priority.key == key)).first()
    if priority is None:
        raise EvidenceNotFound(_unknown_key_message(session, key, period.id))
    return priority


def check_priority_keys(session: Session, period_id: str | None, keys: Iterable[str]) -> list[str]:
    """The keys, de-duplicated in order, if each names a priority of `period_id`; else EvidenceRefused."""
    own = set(session.scalars(select(Priority.key).where(Priority.period_id == period_id)))
    out: list[str] = []
    for key in keys:
        if key not in own:
            raise EvidenceRefused(_unknown_key_message(session, key, period_id))
        if key not in out:
            out.append(key)
    return out


def _unknown_key_message(session: Session, key: str, period_id: str | None) -> str:
    own = list(session.scalars(select(Priority.key).where(Priority.period_id == period_id).order_by(Priority.position)))
    elsewhere = list(session.scalars(select(Priority.period_id).where(Priority.key == key)))
    choose = f"Choose one of the {period_id} priorities: {', '.join(own) or 'none loaded'}."
    if elsewhere:
        return (f"'{key}' is a priority of plan {', '.join(sorted(elsewhere))}, not of {period_id}, which this "
                f"belongs to. {choose}")
    return f"There is no priority '{key}' in plan {period_id}. {choose}"


def priority_evidence_counts(session: Session, priority: Priority) -> dict[str, int]:
    """What would be orphaned if the priority went: the things that point at it."""
    items = [i for i in session.scalars(select(YouSaidWeDid).where(YouSaidWeDid.period_id == priority.period_id))
             if priority.key in (i.priority_ids or [])]
    quotes = [q for q in session.scalars(select(Quote).where(Quote.status == QUOTE_APPROVED))
              if priority.key in (q.priority_ids or [])]
    return {
        "measures": _count(session, Measure, Measure.priority_id == priority.id),
        "RAG judgements": _count(session, RagStatus, RagStatus.priority_id == priority.id),
        '"you said, we did" items': len(items),
        "approved quotes": len(quotes),
    }


def delete_priority(session: Session, actor: Actor, priority_id: int) -> None:
    require(actor, *PLAN_EDITORS)
    priority = get_priority(session, priority_id)
    counts = priority_evidence_counts(session, priority)
    if any(counts.values()):
        held = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        raise EvidenceRefused(
            f"'{priority.title}' has evidence linked to it ({held}), so it stays in plan {priority.period_id}: "
            f"the board's record of what young people said must not lose its place. To drop it from next "
            f"year's plan, load the new year without it.")
    session.delete(priority)
    session.flush()
    record(session, actor, "priority_deleted", "priority", priority_id, key=priority.key, period=priority.period_id)


# --- actions in the plan's columns ------------------------------------------------------------------

ACTION_FIELDS = ("what", "how", "who", "when", "impact", "progress")


def add_action(session: Session, actor: Actor, priority_id: int, **columns: str) -> PlanAction:
    require(actor, *PLAN_EDITORS)
    priority = get_priority(session, priority_id)
    values = _action_values(columns)
    if not values.get("what"):
        raise EvidenceRefused('Say what will be done ("What are we going to do?") before adding the action.')
    action = PlanAction(priority_id=priority.id, position=len(priority.actions), updated_by=actor.username,
                        updated_at=utcnow(), **values)
    session.add(action)
    session.flush()
    record(session, actor, "plan_action_added", "plan_action", action.id, priority=priority.key)
    return action


def update_action(session: Session, actor: Actor, action_id: int, **columns: str) -> PlanAction:
    require(actor, *PLAN_EDITORS)
    action = session.get(PlanAction, action_id)
    if action is None:
        raise EvidenceNotFound(f"There is no action with id {action_id}.")
    values = _action_values(columns)
    if "what" in values and not values["what"]:
        raise EvidenceRefused('An action needs its "What are we going to do?". '
                              'To remove the action, delete it instead.')
    for name, value in values.items():
        setattr(action, name, value)
    action.updated_by, action.updated_at = actor.username, utcnow()
    session.flush()
    record(session, actor, "plan_action_updated", "plan_action", action.id, columns=sorted(values))
    return action


def _action_values(columns: dict[str, str]) -> dict[str, str]:
    unknown = set(columns) - set(ACTION_FIELDS)
    if unknown:
        raise EvidenceRefused(f"Actions have the plan's columns only ({', '.join(ACTION_FIELDS)}), "
                              f"not {', '.join(unknown)}.")
    return {k: clean_text(v) for k, v in columns.items()}


# --- RAG -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RagEntry:
    status: str
    rationale: str
    set_by: str
    set_at: datetime


def set_rag(session: Session, actor: Actor, priority_id: int, status: str, rationale: str,
            at: datetime | None = None) -> RagEntry:
    """Record a person's RAG judgement (signed with their name). Earlier judgements are kept as history."""
    require(actor, *PLAN_EDITORS)
    priority = get_priority(session, priority_id)
    if status not in RAG_STATUSES:
        raise EvidenceRefused(f"RAG status must be one of {', '.join(RAG_STATUSES)}, not '{status}'.")
    rationale = clean_text(rationale)
    if not rationale:
        raise EvidenceRefused("Say why you chose this status: the board will ask, and the next person needs to know.")
    row = RagStatus(priority_id=priority.id, status=status, rationale=rationale, set_by=actor.username,
                    set_at=at or utcnow())
    session.add(row)
    session.flush()
    record(session, actor, "rag_set", "priority", priority.id, key=priority.key, status=status)
    return _rag_entry(row)


def rag_history(session: Session, priority_id: int) -> list[RagEntry]:
    """Newest first: the first entry is the current status."""
    rows = session.scalars(select(RagStatus).where(RagStatus.priority_id == priority_id)
                           .order_by(RagStatus.set_at.desc(), RagStatus.id.desc()))
    return [_rag_entry(r) for r in rows]


def current_rag(session: Session, priority_id: int) -> RagEntry | None:
    history = rag_history(session, priority_id)
    return history[0] if history else None


def _rag_entry(row: RagStatus) -> RagEntry:
    return RagEntry(row.status, row.rationale, row.set_by, row.set_at)


# --- measures -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureInfo:
    id: int
    priority_id: int
    label: str
    survey_id: str
    question_id: str
    option_ids: tuple[str, ...]
    polarity: str


def add_measure(session: Session, actor: Actor, priority_id: int, *, survey_id: str, question_id: str,
                option_ids: Iterable[str], label: str, polarity: str) -> MeasureInfo:
    require(actor, *PLAN_EDITORS)
    priority = get_priority(session, priority_id)
    options = [o for o in dict.fromkeys(option_ids) if o]
    if polarity not in POLARITIES:
        raise EvidenceRefused(f"Polarity must be one of {', '.join(POLARITIES)}: which way should this figure move?")
    if not clean_text(label):
        raise EvidenceRefused('Give the measure a label people will understand, e.g. "% who felt unsafe online".')
    if not options:
        raise EvidenceRefused("Choose the answer(s) the measure counts, e.g. 'yes'.")
    _check_question(session, survey_id, question_id, options)
    row = Measure(priority_id=priority.id, survey_id=survey_id, question_id=question_id, option_ids=options,
                  label=clean_text(label), polarity=polarity, created_by=actor.username)
    session.add(row)
    session.flush()
    record(session, actor, "measure_added", "measure", row.id, priority=priority.key, survey=survey_id,
           question=question_id)
    return measure_info(row)


def _check_question(session: Session, survey_id: str, question_id: str, options: list[str]) -> None:
    from voice.surveys.registry import UnknownSurvey, get_survey

    try:
        _, survey = get_survey(session, survey_id)
    except UnknownSurvey as exc:
        raise EvidenceRefused(str(exc)) from None
    question = survey.question(question_id)
    if question is None or not question.is_closed:
        closed = ", ".join(q.id for q in survey.questions if q.is_closed)
        raise EvidenceRefused(f"'{question_id}' is not a question with answers to count in {survey_id}. "
                      f"Choose one of: {closed}.")
    missing = [o for o in options if question.option(o) is None]
    if missing:
        raise EvidenceRefused(f"{question_id} has no answer {', '.join(missing)}. Its answers: "
                      f"{', '.join(o.id for o in question.options)}.")
    if question.type == "multi" and len(options) > 1:
        # One person can tick several: adding counts would count them twice.
        raise EvidenceRefused("For a tick-all-that-apply question a measure counts one answer. "
                              "Make one measure per answer.")


def measures_of(session: Session, priority_id: int) -> list[MeasureInfo]:
    rows = session.scalars(select(Measure).where(Measure.priority_id == priority_id).order_by(Measure.id))
    return [measure_info(m) for m in rows]


def measure_info(m: Measure) -> MeasureInfo:
    return MeasureInfo(m.id, m.priority_id, m.label, m.survey_id, m.question_id, tuple(m.option_ids or ()), m.polarity)


# --- links from quotes --------------------------------------------------------------------------------

def link_quote(session: Session, actor: Actor, quote_id: int, keys: Iterable[str],
               period_id: str | None = None) -> list[str]:
    """Set the priorities an approved or draft quote gives evidence for (keys of one plan period)."""
    require(actor, *PLAN_EDITORS)
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise EvidenceNotFound(f"There is no quote with id {quote_id}.")
    quote.priority_ids = check_priority_keys(session, plan_period(session, period_id).id, keys)
    session.flush()
    record(session, actor, "quote_priorities_linked", "quote", quote.id, priorities=list(quote.priority_ids))
    return list(quote.priority_ids)


def codebook_themes(codebook=None):
    """The codebook's themes (`codebook`: a voice.analysis Codebook; by default the definitions folder's)."""
    if codebook is None:
        from voice.analysis.codebook import load_codebook
        from voice.config import get_settings

        path = get_settings().definitions_dir / CODEBOOK_FILE
        if not path.exists():
            return ()
        codebook = load_codebook(path)
    return codebook.themes


def known_theme_ids(codebook=None) -> dict[str, str]:
    """Theme id -> name from the codebook (empty when there is no codebook file)."""
    return {t.id: t.name for t in codebook_themes(codebook)}


def today() -> date:
    return utcnow().date()
