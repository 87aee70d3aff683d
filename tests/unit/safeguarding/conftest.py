"""Safeguarding tests share the workspace's makers (submitted responses, actors for each role)."""

from tests.unit.workspace.conftest import BOARD, FACILITATOR, LEAD, Maker, make  # noqa: F401 - fixtures

WEBCAM_THREAT = {"uses_webcam": "yes", "webcam_chat_new_people": "yes", "threatened_on_webcam": "yes"}


def submitted_and_analysed(session) -> None:
    """Commit a submit and wait for the background analysis it started (voice.analysis.store.AnalysisWorker),
    as the app does: the item appears within seconds of the commit, off the young person's request."""
    from voice.analysis.store import analysis_worker

    session.commit()
    assert analysis_worker(session.get_bind()).idle(30), "the background analysis did not finish"
    session.expire_all()
