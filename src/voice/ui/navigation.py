"""Which pages each role gets. A page left out of the list cannot be opened by URL at all;
each staff page also checks the role itself (voice.ui.guard) and the services check again.

Add a page: one PageSpec line here, and `require_page(<the same roles>)` as its first line.
tests/app/test_access.py then checks it for every role automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from voice.security.roles import ADMIN, BOARD, FACILITATOR, ROLES, SAFEGUARDING


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root
    title: str
    icon: str
    roles: frozenset[str]  # empty: everyone, signed in or not
    section: str
    url_path: str | None = None
    signed_out_only: bool = False  # e.g. sign in: in the menu only while nobody is signed in
    hidden: bool = False  # reachable by its roles (links, switch_page) but not listed in the menu


PUBLIC: frozenset[str] = frozenset()
STAFF = frozenset(ROLES)
SURVEY_PAGE = "pages/survey.py"
STAFF_HOME = "pages/staff_home.py"
SIGN_IN = "pages/sign_in.py"

PAGES: tuple[PageSpec, ...] = (
    PageSpec(SURVEY_PAGE, "Take a survey", ":material/edit_note:", PUBLIC, "Young people"),
    PageSpec(SIGN_IN, "Staff sign in", ":material/login:", PUBLIC, "Staff", url_path="sign_in",
             signed_out_only=True),
    PageSpec(STAFF_HOME, "Home", ":material/home:", STAFF, "Staff", url_path="staff"),
    PageSpec("pages/survey_editor.py", "Survey editor", ":material/edit_document:", frozenset({FACILITATOR, ADMIN}),
             "Surveys", url_path="survey_editor"),
    PageSpec("pages/campaigns.py", "Campaigns and links", ":material/qr_code_2:", frozenset({FACILITATOR, ADMIN}),
             "Surveys", url_path="campaigns"),
    PageSpec("pages/workspace.py", "Workspace", ":material/label:", frozenset({FACILITATOR}), "Evidence",
             url_path="workspace"),
    PageSpec("pages/quotes.py", "Quotes", ":material/format_quote:", frozenset({FACILITATOR}), "Evidence",
             url_path="quotes"),
    PageSpec("pages/codebook.py", "Codebook", ":material/menu_book:", frozenset({FACILITATOR}), "Evidence",
             url_path="codebook"),
    PageSpec("pages/safeguarding.py", "Safeguarding queue", ":material/shield_person:", frozenset({SAFEGUARDING}),
             "Safeguarding", url_path="safeguarding"),
    PageSpec("pages/analysis_quality.py", "Analysis quality", ":material/fact_check:",
             frozenset({SAFEGUARDING, FACILITATOR}), "Evidence", url_path="analysis_quality"),
    PageSpec("pages/erase_response.py", "Erase a response", ":material/delete:",
             frozenset({ADMIN, FACILITATOR, SAFEGUARDING}), "Admin", url_path="erase"),
    PageSpec("pages/admin_users.py", "Accounts", ":material/manage_accounts:", frozenset({ADMIN}), "Admin",
             url_path="accounts"),
    PageSpec("pages/admin_audit.py", "Audit trail", ":material/history:", frozenset({ADMIN}), "Admin",
             url_path="audit"),
    PageSpec("pages/you_said_we_did.py", "You said, we did", ":material/forum:", PUBLIC, "Young people",
             url_path="you_said_we_did"),
    PageSpec("pages/priorities.py", "Priorities", ":material/flag:", frozenset({FACILITATOR, ADMIN}), "Evidence",
             url_path="priorities"),
    PageSpec("pages/yswd_manage.py", "You said, we did: manage", ":material/edit_square:", frozenset({FACILITATOR}),
             "Evidence", url_path="yswd_manage"),
    PageSpec("pages/results.py", "Results", ":material/bar_chart:", frozenset({FACILITATOR, BOARD, ADMIN}),
             "Results", url_path="results"),
    PageSpec("pages/board_overview.py", "Board overview", ":material/dashboard:",
             frozenset({FACILITATOR, BOARD, ADMIN}), "Board", url_path="board"),
    PageSpec("pages/board_priority.py", "Priority in depth", ":material/zoom_in:",
             frozenset({FACILITATOR, BOARD, ADMIN}), "Board", url_path="board_priority", hidden=True),
)


def pages_for(roles: frozenset[str]) -> list[PageSpec]:
    """The menu for someone holding `roles` (empty: a young person, or staff not signed in)."""
    return [p for p in PAGES
            if (not p.roles or p.roles & roles) and not (p.signed_out_only and roles) and not p.hidden]


def hidden_pages_for(roles: frozenset[str]) -> list[PageSpec]:
    """Pages kept reachable but out of the menu: sign-in, once signed in, so the run straight after
    signing in still finds the page it was on and can forward to the staff home page; and pages marked
    `hidden` (a priority in depth, opened from the board overview) for the roles that may open them."""
    return [p for p in PAGES if (p.signed_out_only and roles) or (p.hidden and p.roles & roles)]


def sign_in_addresses(roles: frozenset[str]) -> list[PageSpec]:
    """While nobody is signed in: the staff pages whose address shows the sign-in page (and opens the page
    itself after signing in), so a bookmark or a link to /safeguarding never lands on the survey page."""
    return [] if roles else [p for p in PAGES if p.roles and p.url_path]


def default_page(roles: frozenset[str], survey_link: bool = False) -> str:
    """The page at the site's root address. A young person's survey link (`/?survey=…`) opens the survey
    even for signed-in staff (a facilitator checking a link stays signed in now, across tabs)."""
    return STAFF_HOME if roles & STAFF and not survey_link else SURVEY_PAGE


__all__ = ["ADMIN", "BOARD", "FACILITATOR", "PAGES", "PUBLIC", "SAFEGUARDING", "STAFF", "PageSpec",
           "default_page", "hidden_pages_for", "pages_for", "sign_in_addresses"]


@lru_cache(maxsize=1)
def staff_paths() -> frozenset[str]:
    """Addresses of staff pages and sign-in: the only pages that get the browser-id cookie (serve.py gives
    them to voice.web.middleware), so young people's devices never carry it."""
    return frozenset("/" + p.url_path for p in PAGES if p.url_path and (p.roles or p.signed_out_only))
