"""Refusals the pages and the CLI show as they are: each says what to do instead."""

from __future__ import annotations


class Refused(ValueError):
    """A request the evidence services will not carry out. `message` is written for the person asking."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class NotFound(Refused):
    pass
