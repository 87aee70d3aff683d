"""Safeguarding tests share the workspace's makers (submitted responses, actors for each role)."""

from tests.unit.workspace.conftest import BOARD, FACILITATOR, LEAD, Maker, make  # noqa: F401 - fixtures

WEBCAM_THREAT = {"uses_webcam": "yes", "webcam_chat_new_people": "yes", "threatened_on_webcam": "yes"}
