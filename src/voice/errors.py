"""The one error family: every exception the product raises on purpose is a `VoiceError`.

Three kinds, chosen by what the person can do about it:

- `NotFound`: the thing named does not exist (an unknown survey, receipt code, priority id).
- `Refused`: it exists, but this may not be done now (a role missing, an item held for safeguarding).
- `Invalid`: what was given cannot be used; `.problems` lists every thing to fix at once.

`str(error)` is written for the person who asked: plain, kind, saying what to do instead (`message`
holds the same words, except a DefinitionError's, which is its first problem's). Pages show it through
`voice.ui.errors.show_error`; the CLI prints it. Each kind also keeps the builtin base the older classes
had (`LookupError`, `PermissionError`, `ValueError`), so an `except ValueError` written before the family
existed still catches what it caught.

Not in the family: `voice.db.DatabaseUnavailable` (the same request will work in a moment, so it is
retried and shown as "try again", never as something the person got wrong) and parser-internal
exceptions that never leave their module.
"""

from __future__ import annotations

from typing import Iterable


class VoiceError(Exception):
    """Base of the family. `message` is safe to show to the person who asked."""

    default_message = "That could not be done."

    def __init__(self, message: str | None = None, *args: object):
        self.message = message if message else self.default_message
        super().__init__(self.message, *args)


class NotFound(VoiceError, LookupError):
    default_message = "We couldn't find that. Check the name or code and try again."


class Refused(VoiceError, PermissionError):
    default_message = "Not found or not allowed."


class Invalid(VoiceError, ValueError):
    """What was given cannot be used. `problems` is a tuple: `voice.definitions.Problem`s (file, line,
    field, code), other placed problems (a spreadsheet row, an editor field), or plain strings.

    `Invalid("The name is missing.")` is one problem; `Invalid(problems)` lists several, and the message
    joins them one per line unless a summary is given: `Invalid(problems, "Nothing was imported: …")`.
    """

    default_message = "That can't be used as it is. Please check it and try again."

    def __init__(self, problems: str | Iterable[object] = (), message: str | None = None):
        if isinstance(problems, str):
            problems = (problems,)
        self.problems: tuple = tuple(problems)
        super().__init__(message or "\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # pickling (multiprocessing, st.cache_data) keeps the problems
        if type(self).__init__ is Invalid.__init__:
            return (type(self), (self.problems, self.message))
        return super().__reduce__()


__all__ = ["Invalid", "NotFound", "Refused", "VoiceError"]
