"""Who may see what: the one place that decides. Every service returning protected data calls `require`.

    from voice.security.access import Actor, require
    def list_queue(session, actor: Actor, ...):
        require(actor, SAFEGUARDING)          # raises AccessDenied for anyone else
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voice.errors import Refused
from voice.security.roles import ADMIN, BOARD, FACILITATOR, ROLES, SAFEGUARDING


class AccessDenied(Refused):
    """The actor lacks every role that would allow this. The message is safe to show."""

    def __init__(self, actor: "Actor", roles: tuple[str, ...]):
        self.actor, self.roles = actor, roles
        super().__init__("Not found or not allowed.")


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in member of staff, the operator's CLI (SYSTEM) or a young person (ANONYMOUS)."""

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


# The CLI runs on the server as the operator, who can already read the database: it may do anything.
SYSTEM = Actor("system", frozenset(ROLES))
# A young person taking a survey: no roles at all.
ANONYMOUS = Actor("anonymous", frozenset())


def require(actor: Actor, *roles: str) -> Actor:
    """Return `actor` if it holds at least one of `roles`, else raise AccessDenied.

    With no roles given, any signed-in member of staff (any role) will do.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:  # a typo here would silently lock everyone out (or in): fail loudly for the developer
        raise ValueError(f"Unknown role(s): {', '.join(sorted(unknown))}")
    allowed = set(roles) or set(ROLES)
    if not actor.roles & allowed:
        raise AccessDenied(actor, tuple(sorted(allowed)))
    return actor


__all__ = ["ADMIN", "ANONYMOUS", "BOARD", "FACILITATOR", "SAFEGUARDING", "SYSTEM", "AccessDenied", "Actor",
           "require"]
