"""Markdown and HTML payloads for issue 17's "everything from outside is text" tests (AppTest and browser).

Each would change the page if rendered: a live link, an image fetched from an outside host, a fake red
line about Childline, and HTML with a script hook. OUTSIDE_HOST never resolves (the browser tests map
every host but the app's own to nothing), so a request for it is a failure, never a leak.
"""

from __future__ import annotations

import re

OUTSIDE_HOST = "evil.example"
LINK = f"[Win a prize](https://{OUTSIDE_HOST}/prize)"
IMAGE = f"![](https://{OUTSIDE_HOST}/track.png)"
RED = ":red[Childline has a new number 0900 000 000]"
HTML = "<img src=x onerror=alert(1)>"
ALL = f"{LINK} {IMAGE} {RED} {HTML}"
ACTIVE = ("](", "![", ":red[", "<img")  # what would be live in a Markdown body if not escaped


def unescape(markdown: str) -> str:
    """What Markdown shows for backslash-escaped text."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")  # escapes, and the joiner stopping autolinks


def live(markdown: str) -> list[str]:
    """The payload marks that are still live in `markdown` (their first character not escaped)."""
    return [a for a in ACTIVE if re.search(r"(?<!\\)" + re.escape(a), markdown)]


def assert_escaped(markdown: str, payload: str = ALL) -> None:
    """`markdown` (an element's Markdown source) shows `payload` as typed, with nothing left to interpret."""
    assert not live(markdown), f"{live(markdown)} live in {markdown!r}"
    assert payload in unescape(markdown), (payload, markdown)


def outside_survey(survey_id: str) -> dict:
    """A survey definition whose every piece of wording is the payload (as a survey file from outside)."""
    return {
        "id": survey_id, "title": ALL, "version": 1,
        "audience": {"min_age": 11, "max_age": 18, "who": ALL}, "intro": ALL, "privacy_notice": ALL,
        "sections": [{"id": "only", "title": ALL, "intro": ALL, "questions": [
            {"id": "pick", "type": "single", "text": ALL, "help": ALL,
             "options": [{"id": "a", "label": ALL}, {"id": "b", "label": "Something else"}]},
            {"id": "many", "type": "multi", "text": ALL,
             "options": [{"id": "a", "label": ALL}, {"id": "b", "label": "Other"}]},
        ]}],
    }
