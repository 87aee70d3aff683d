"""What the plan's modules share: the plan period asked for (else the current one), and cleaned text."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.evidence.errors import EvidenceNotFound
from voice.models import PlanPeriod


def list_periods(session: Session) -> list[PlanPeriod]:
    return list(session.scalars(select(PlanPeriod).order_by(PlanPeriod.starts.desc())))


def current_period(session: Session) -> PlanPeriod | None:
    """The period marked current, else the latest one."""
    marked = session.scalars(select(PlanPeriod).where(PlanPeriod.is_current.is_(True))).first()
    return marked or session.scalars(select(PlanPeriod).order_by(PlanPeriod.starts.desc())).first()


def plan_period(session: Session, period_id: str | None = None) -> PlanPeriod:
    """The period `period_id`, or the current one when None; EvidenceNotFound when there is none."""
    period = session.get(PlanPeriod, period_id) if period_id else current_period(session)
    if period is None:
        known = ", ".join(p.id for p in list_periods(session)) or "none yet"
        raise EvidenceNotFound(f"There is no plan period '{period_id or 'current'}'. Periods: {known}. "
                       f"Load one with `voice priorities import FILE.yaml`.")
    return period


def clean_text(value: str | None) -> str:
    """Stripped, without NUL: PostgreSQL refuses NUL; people paste from documents that carry one."""
    return (value or "").replace("\x00", "").strip()
