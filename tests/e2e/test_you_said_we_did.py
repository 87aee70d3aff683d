"""A young person opens "you said, we did" on a phone and sees what was published, and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from voice.security.access import Actor, SYSTEM

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e

PLAN = Path(__file__).resolve().parents[2] / "surveys" / "analysis" / "priorities_2020-21.yaml"


def _publish_items(database_url: str) -> dict[str, str]:
    """Items made through the services, straight into the running app's database."""
    from voice.db import get_engine, session_scope, upgrade
    from voice.evidence import priorities, you_said_we_did as yswd
    from voice.models import Group

    engine = get_engine(database_url)
    upgrade(engine)
    suffix = str(id(engine))[-5:]  # unique words per run: the database may outlive one test
    words = {
        "published": f"You said worries about being bullied online affect your mental health ({suffix})",
        "we_did": f"We asked every school to teach how to report online bullying ({suffix})",
        "group": f"You said Hill Academy's e-safety lessons came too late ({suffix})",
        "unpublished": f"You said this draft should stay hidden ({suffix})",
    }
    with session_scope(engine) as session:
        priorities.import_plan_file(session, SYSTEM, PLAN)
        if session.scalars(select(Group).where(Group.code == "E2EHILL")).first() is None:
            session.add(Group(code="E2EHILL", name="Hill Academy (test)"))
            session.flush()
        e2e = Actor("e2e", frozenset({"facilitator"}))
        shown = yswd.create_item(session, e2e, you_said=words["published"], raised_at=date(2020, 2, 10),
                                 priority_ids=["mental_health"], audience="ypag",
                                 we_did=words["we_did"], status="done", responded_at=date(2020, 3, 2))
        yswd.publish_item(session, e2e, shown.id)
        school = yswd.create_item(session, e2e, you_said=words["group"], raised_at=date(2020, 2, 10),
                                  audience="E2EHILL", we_did="We moved them to Year 5.")
        yswd.publish_item(session, e2e, school.id)
        yswd.create_item(session, e2e, you_said=words["unpublished"], raised_at=date(2020, 2, 10),
                         we_did="Not ready")
    return words


def test_a_young_person_sees_published_items_on_a_phone(app_server, phone):
    words = _publish_items(app_server.database_url)

    phone.goto(f"{app_server.url}/you_said_we_did")
    wait_idle(phone)
    phone.get_by_text(words["published"]).wait_for()
    assert phone.get_by_text("Page not found").count() == 0
    main = phone.inner_text("[data-testid='stMain']")
    assert "You said" in main and "We did" in main
    assert words["we_did"] in main
    assert "Done · 2 March 2020" in main
    assert words["unpublished"] not in main
    assert words["group"] not in main  # a school's own reply shows only through its link
    assert "Childline" in main and "0800 1111" in main
    # Phone first: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "you_said_we_did_phone")

    phone.goto(f"{app_server.url}/you_said_we_did?group=e2ehill")
    wait_idle(phone)
    phone.get_by_text(words["group"]).wait_for()
    main = phone.inner_text("[data-testid='stMain']")
    assert words["published"] in main and words["unpublished"] not in main
    screenshot(phone, "you_said_we_did_group_phone")
