"""Refusals the pages and the CLI show as they are: each says what to do instead."""

from __future__ import annotations

from voice.errors import Invalid, NotFound


class EvidenceRefused(Invalid):
    """A request the evidence services will not carry out (a missing field, a link to something that is not
    there, a change the item's state does not allow). `message` is written for the person asking."""


class EvidenceNotFound(EvidenceRefused, NotFound):
    """The priority, action, measure, item or plan period named does not exist."""
