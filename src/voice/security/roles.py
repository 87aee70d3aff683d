"""Roles. A young person has no account and no role: surveys and the published page only."""

FACILITATOR = "facilitator"
SAFEGUARDING = "safeguarding_lead"
BOARD = "board_member"
ADMIN = "admin"
ROLES = (FACILITATOR, SAFEGUARDING, BOARD, ADMIN)
ROLE_NAMES = {FACILITATOR: "Facilitator", SAFEGUARDING: "Safeguarding lead", BOARD: "Board member",
              ADMIN: "Administrator"}


def role_name(role: str) -> str:
    """How a role reads on screen: 'Safeguarding lead' for safeguarding_lead."""
    return ROLE_NAMES.get(role, role)
