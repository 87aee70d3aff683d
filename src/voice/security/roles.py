"""Roles. A young person has no account and no role: surveys and the published page only."""

FACILITATOR = "facilitator"
SAFEGUARDING = "safeguarding_lead"
BOARD = "board_member"
ADMIN = "admin"
ROLES = (FACILITATOR, SAFEGUARDING, BOARD, ADMIN)
