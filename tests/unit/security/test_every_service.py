"""Every service that takes an actor refuses the wrong role on the server; every one that changes data also
writes the audit trail. Services are found by looking, not by a list kept by hand, so a new one is covered:

1. Discovery: every public function in `voice` (outside voice.ui) whose first parameters are
   `(session, actor)`. Each must be classified below, as changing data (with an example call) or as a read.
2. Refusal, for all of them: called with no role and with each role alone, it must raise AccessDenied for
   anyone without its roles BEFORE it touches the database (the session given is None).
3. For each service that changes data, on a real database: the wrong role changes nothing, the right role
   writes at least one audit entry in its own name.
4. Functions that write to the database WITHOUT an actor are listed by a source scan and must be known here,
   with the reason (the young person's own response, start-up, the operator's CLI, audited there).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

import voice
from tests.unit.evidence.test_plan_import import SMALL as SMALL_PLAN
from voice.analysis import examples, review, safeguarding, store
from voice.evidence import priorities, quotes
from voice.evidence import you_said_we_did as yswd
from voice.evidence.plan_file import parse_plan
from voice.models import AuditEvent, Base
from voice.responses import links
from voice.security import accounts, audit, retention
from voice.security.access import ANONYMOUS, SYSTEM, AccessDenied, Actor
from voice.security.roles import ADMIN, BOARD, FACILITATOR, ROLES, SAFEGUARDING
from voice.surveys import drafts, editor

REPO = Path(__file__).resolve().parents[3]
PASSWORD = "orange kettle winter 42"
SKIP_MODULES = ("voice.ui", "voice.migrations")
NOT_SERVICES = {"voice.security.audit.record"}  # the audit writer itself: every service calls it

# Reads: they change nothing in the database (some write an audit entry of the viewing, which is fine).
READS = {
    "voice.analysis.review.list_answers", "voice.analysis.review.answer_page", "voice.analysis.review.agreement",
    "voice.analysis.review.review_counts", "voice.analysis.review.uncovered", "voice.analysis.review.filter_choices",
    "voice.analysis.safeguarding.list_queue", "voice.analysis.safeguarding.queue_summary",
    "voice.analysis.safeguarding.open_item", "voice.analysis.store.codebook_history",
    "voice.analysis.store.codebook_yaml", "voice.evidence.quotes.consenting_answers",
    "voice.evidence.quotes.quote_candidates", "voice.evidence.quotes.quote_usage", "voice.evidence.quotes.quote_page",
    "voice.evidence.quotes.quote_counts", "voice.evidence.quotes.list_quotes", "voice.reports.board.board_overview",
    "voice.reports.board.period_ids", "voice.reports.board_report.build_board_report",
    # Writes a file of aggregates and approved quotes only; nothing in the database changes.
    "voice.reports.board_report.write_board_report",
    "voice.responses.links.list_campaign_summaries", "voice.responses.links.campaign_links",
    "voice.security.accounts.list_users", "voice.security.audit.list_events", "voice.security.audit.list_actions",
    "voice.security.retention.preview_erasure", "voice.surveys.drafts.list_drafts", "voice.surveys.drafts.load_draft",
    "voice.analysis.examples.kept_examples", "voice.analysis.examples.quality_figures",
    "voice.analysis.examples.sentiment_corrections", "voice.analysis.safeguarding.filter_choices",
}

# Functions that write without an actor, and why that is right (found by the source scan in test 4).
WITHOUT_ACTOR = {
    "voice.responses.service.start_response": "a young person's own response: no account, never audited",
    "voice.responses.service.save_step": "a young person's own response",
    "voice.responses.service.submit": "a young person's own response",
    "voice.analysis.store.analyse_new_answers": "the analysis pipeline (on submit, on the workspace, `voice analyse`)",
    "voice.analysis.store.seed_codebook": "start-up: the codebook file becomes version 1",
    "voice.surveys.registry.publish": "start-up sync of survey files; the editor's publish_draft is audited",
    "voice.surveys.registry.ensure_default_campaign": "part of publishing a survey",
    "voice.responses.campaigns.create_campaign": "`voice campaigns create` audits it as system; the page uses "
                                                 "links.open_campaign",
    "voice.responses.groups.import_groups": "`voice groups import` audits it as system",
    "voice.safeguarding.notify.enqueue": "the pipeline's message to the leads (counts and a link, no words), "
                                         "written with the items it announces",
    "voice.safeguarding.records.forget_answers": "part of erase_response and run_retention, which are audited",
    "voice.security.web_sessions.issue_ticket": "signing in itself: the sign-in is audited (accounts)",
    "voice.security.web_sessions.redeem_ticket": "signing in itself: the ticket becomes the session's cookie",
    "voice.security.web_sessions.start": "signing in itself: a fresh server-side session",
    "voice.stats.release.release_due": "release in steps: marks submitted answers as counted in figures; no "
                                       "one's data changes",
}


def public_functions():
    """(qualified name, function) for every public function defined in `voice`, outside voice.ui."""
    for info in pkgutil.walk_packages(voice.__path__, "voice."):
        if info.name.startswith(SKIP_MODULES) or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(fn) and fn.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", fn


def discover() -> dict[str, object]:
    return {name: fn for name, fn in public_functions()
            if list(inspect.signature(fn).parameters)[:2] == ["session", "actor"] and name not in NOT_SERVICES}


SERVICES = discover()


def _dummy(parameter: inspect.Parameter):
    # A file name where one is expected (a service may read its format from it first); None for the rest.
    return Path("probe.docx") if "Path" in str(parameter.annotation) else None


def _dummy_call(fn, actor: Actor) -> None:
    """Call with session None and dummies for every other required argument: only the role check can pass."""
    kwargs = {}
    args = [None, actor]
    for p in list(inspect.signature(fn).parameters.values())[2:]:
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = _dummy(p)
        else:
            args.append(_dummy(p))
    fn(*args, **kwargs)


def allowed_roles(fn) -> set[str]:
    """The roles the service lets through (found by asking it, with nothing else to go on)."""
    allowed = set()
    for role in ROLES:
        try:
            _dummy_call(fn, Actor("probe", frozenset({role})))
        except AccessDenied:
            continue
        except Exception:  # past the role check, then stopped by the missing session: allowed
            allowed.add(role)
        else:
            allowed.add(role)
    return allowed


# --- 1 and 2: discovery and refusal, for every service ----------------------------------------------------


def test_every_service_is_classified():
    assert len(SERVICES) > 60
    unknown = sorted(set(SERVICES) - set(EXAMPLES) - READS)
    assert not unknown, (f"New services taking an actor: {unknown}. Add each to EXAMPLES (it changes data: show "
                         "that it writes the audit trail) or to READS.")
    gone = sorted((set(EXAMPLES) | READS) - set(SERVICES))
    assert not gone, f"Classified but no longer found (renamed?): {gone}"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_service_refuses_no_role_before_touching_anything(name):
    with pytest.raises(AccessDenied):
        _dummy_call(SERVICES[name], ANONYMOUS)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_service_refuses_the_roles_it_does_not_name(name):
    allowed = allowed_roles(SERVICES[name])
    assert allowed, f"{name} lets no role through"
    for role in set(ROLES) - allowed:
        with pytest.raises(AccessDenied):
            _dummy_call(SERVICES[name], Actor("probe", frozenset({role})))


def test_the_roles_match_who_does_the_work():
    """Spot checks that the discovered roles are the intended ones."""
    assert allowed_roles(SERVICES["voice.evidence.you_said_we_did.create_item"]) == {FACILITATOR}
    assert allowed_roles(SERVICES["voice.evidence.priorities.set_rag"]) == {FACILITATOR, ADMIN}
    assert allowed_roles(SERVICES["voice.analysis.review.accept_suggested"]) == {FACILITATOR}
    assert allowed_roles(SERVICES["voice.security.accounts.reset_password"]) == {ADMIN}
    assert allowed_roles(SERVICES["voice.analysis.safeguarding.record_outcome"]) == {SAFEGUARDING}
    assert BOARD not in allowed_roles(SERVICES["voice.evidence.quotes.withdraw_quote"])


# --- 3: every data-changing service, on a real database ----------------------------------------------------


@pytest.fixture
def world(session, published_surveys, tmp_path):
    """Enough of everything for each service to do real work: answers, a plan, quotes, an item, accounts."""
    from tests.unit.workspace.conftest import Maker

    fac = Actor("fran", frozenset({FACILITATOR}))
    make = Maker(session)
    make.response({"esafety_help": "More lessons about staying safe online please"}, consent="yes")
    make.response({"esafety_help": "Teachers should listen when we report bullying"}, consent="yes")
    make.response({"esafety_worries": "my stepdad hits me and I am scared to go home"})
    store.analyse_new_answers(session)
    priorities.import_plan_file(session, SYSTEM, REPO / "surveys" / "analysis" / priorities.DEFAULT_PLAN_FILE)
    answers = review.list_answers(session, fac)
    approved = quotes.approve_quote(session, fac, quotes.make_quote(session, fac, answers[0].answer_id).id)
    draft = quotes.make_quote(session, fac, answers[1].answer_id)
    item = yswd.create_item(session, fac, you_said="You said lessons come too late", raised_at=date(2020, 2, 1),
                            we_did="We moved them to Year 5", quote_ids=[approved.id])
    accounts.create_user(session, SYSTEM, "fran", [FACILITATOR], PASSWORD)
    accounts.create_user(session, SYSTEM, "bea", [BOARD], None)
    drafts.start_new(session, SYSTEM, "ypag_test", "A YPAG test survey")
    voice_of_child = priorities.find_priority(session, "voice_of_child")
    plan_dir = tmp_path / "definitions"
    plan_dir.mkdir()
    (plan_dir / priorities.DEFAULT_PLAN_FILE).write_text(SMALL_PLAN, encoding="utf-8")  # a period not loaded yet
    session.flush()
    return {"answers": [a.answer_id for a in answers], "approved": approved.id, "draft": draft.id,
            "item": item.id, "priority": voice_of_child.id, "action": voice_of_child.actions[0].id,
            "plans": plan_dir, "tmp": tmp_path}


def _flagged(session, world) -> None:
    world["flagged"] = safeguarding.list_queue(session, Actor("dee", frozenset({SAFEGUARDING})))[0].id


def _complete_draft(s, w):
    draft = drafts.load_draft(s, SYSTEM, "ypag_test")
    draft = editor.add_question(draft, editor.sections(draft)[0]["id"],
                                {"id": "feel_safe", "type": "yes_no", "text": {"en": "Do you feel safe?"}})
    drafts.save_draft(s, SYSTEM, draft)


OTHER = Actor("other", frozenset({FACILITATOR}))  # prepares what the example then changes


def _batch(s, w):
    w["batch"] = review.accept_suggested(s, Actor("doer", frozenset({FACILITATOR})), w["answers"])


def _erase(s, a, w):
    from voice.models import Response

    # The first response (not the one a lead must see): without ORDER BY, SQLite may read the codes in
    # index order, and receipt codes are random.
    return retention.erase_response(s, a, s.scalars(select(Response.receipt_code).order_by(Response.id)).first())


def _clearer_codebook(s, a, w):
    text = store.codebook_yaml(s, a).replace("name: Online safety", "name: Staying safe online", 1)
    return store.save_codebook(s, a, text, "clearer name")


# name -> (roles of the actor who does it, the call[, what to prepare first]). Each runs on a fresh `world`.
EXAMPLES = {
    "voice.analysis.review.set_decision": (
        {FACILITATOR}, lambda s, a, w: review.set_decision(s, a, w["answers"][0], "online_safety", "accepted")),
    "voice.analysis.review.review_answer": (
        {FACILITATOR}, lambda s, a, w: review.review_answer(s, a, w["answers"][0], ["online_safety"])),
    "voice.analysis.review.accept_suggested": (
        {FACILITATOR}, lambda s, a, w: review.accept_suggested(s, a, w["answers"])),
    "voice.analysis.review.undo_accept": ({FACILITATOR}, lambda s, a, w: review.undo_accept(s, a, w["batch"]), _batch),
    "voice.analysis.safeguarding.mark_reviewed": (
        {SAFEGUARDING}, lambda s, a, w: safeguarding.mark_reviewed(s, a, w["flagged"]), _flagged),
    "voice.analysis.safeguarding.record_outcome": (
        {SAFEGUARDING}, lambda s, a, w: safeguarding.record_outcome(s, a, w["flagged"], "action_taken",
                                                                     "Passed to the school's DSL"),
        _flagged, lambda s, w: safeguarding.mark_reviewed(s, Actor("dee", frozenset({SAFEGUARDING})), w["flagged"])),
    "voice.analysis.store.save_codebook": ({FACILITATOR}, _clearer_codebook),
    "voice.analysis.safeguarding.add_note": (
        {SAFEGUARDING}, lambda s, a, w: safeguarding.add_note(s, a, w["flagged"], "Called the school"), _flagged),
    "voice.analysis.examples.correct_sentiment": (
        {FACILITATOR}, lambda s, a, w: examples.correct_sentiment(s, a, w["answers"][0], "positive")),
    "voice.analysis.store.add_theme": (
        {FACILITATOR}, lambda s, a, w: store.add_theme(s, a, "buses", "Buses", ["bus", "buses"])),
    "voice.evidence.priorities.import_plan_file": (
        {ADMIN}, lambda s, a, w: priorities.import_plan_file(s, a, w["plans"] / priorities.DEFAULT_PLAN_FILE)),
    "voice.evidence.priorities.import_plan": (
        {FACILITATOR}, lambda s, a, w: priorities.import_plan(s, a, parse_plan(SMALL_PLAN, "small.yaml"))),
    "voice.evidence.priorities.seed_default_plan": (
        {ADMIN}, lambda s, a, w: priorities.seed_default_plan(s, a, w["plans"])),
    "voice.evidence.priorities.set_current_period": (
        {ADMIN}, lambda s, a, w: priorities.set_current_period(s, a, "2020/21")),
    "voice.evidence.priorities.delete_priority": (
        {ADMIN}, lambda s, a, w: priorities.delete_priority(s, a, priorities.find_priority(s, "statutory").id)),
    "voice.evidence.priorities.add_action": (
        {FACILITATOR}, lambda s, a, w: priorities.add_action(s, a, w["priority"], what="Ask the YPAG again")),
    "voice.evidence.priorities.update_action": (
        {FACILITATOR}, lambda s, a, w: priorities.update_action(s, a, w["action"], progress="Started")),
    "voice.evidence.priorities.set_rag": (
        {ADMIN}, lambda s, a, w: priorities.set_rag(s, a, w["priority"], "amber", "Replies are late.")),
    "voice.evidence.priorities.add_measure": (
        {FACILITATOR}, lambda s, a, w: priorities.add_measure(
            s, a, w["priority"], survey_id="esafety_year9", question_id="uses_webcam", option_ids=["yes"],
            label="% who use a webcam", polarity="no_polarity")),
    "voice.evidence.priorities.link_quote": (
        {FACILITATOR}, lambda s, a, w: priorities.link_quote(s, a, w["draft"], ["mental_health"])),
    "voice.evidence.quotes.make_quote": (
        {FACILITATOR}, lambda s, a, w: quotes.make_quote(s, a, w["answers"][1]),
        lambda s, w: quotes.discard_quote(s, OTHER, w["draft"])),
    "voice.evidence.quotes.edit_quote_text": (
        {FACILITATOR}, lambda s, a, w: quotes.edit_quote_text(s, a, w["draft"], "Teachers should listen")),
    "voice.evidence.quotes.set_quote_tags": (
        {FACILITATOR}, lambda s, a, w: quotes.set_quote_tags(s, a, w["draft"], ["bullying"], ["mental_health"])),
    "voice.evidence.quotes.approve_quote": ({FACILITATOR}, lambda s, a, w: quotes.approve_quote(s, a, w["draft"])),
    "voice.evidence.quotes.discard_quote": ({FACILITATOR}, lambda s, a, w: quotes.discard_quote(s, a, w["draft"])),
    "voice.evidence.quotes.withdraw_quote": (
        {FACILITATOR}, lambda s, a, w: quotes.withdraw_quote(s, a, w["approved"], "the young person asked")),
    "voice.evidence.quotes.reinstate_quote": (
        {FACILITATOR}, lambda s, a, w: quotes.reinstate_quote(s, a, w["approved"]),
        lambda s, w: quotes.withdraw_quote(s, OTHER, w["approved"])),
    "voice.evidence.you_said_we_did.create_item": (
        {FACILITATOR}, lambda s, a, w: yswd.create_item(s, a, you_said="You said the park is dark",
                                                        raised_at=date(2020, 3, 1))),
    "voice.evidence.you_said_we_did.update_item": (
        {FACILITATOR}, lambda s, a, w: yswd.update_item(s, a, w["item"], status="done")),
    "voice.evidence.you_said_we_did.publish_item": ({FACILITATOR}, lambda s, a, w: yswd.publish_item(s, a, w["item"])),
    "voice.evidence.you_said_we_did.unpublish_item": (
        {FACILITATOR}, lambda s, a, w: yswd.unpublish_item(s, a, w["item"]),
        lambda s, w: yswd.publish_item(s, OTHER, w["item"])),
    "voice.evidence.you_said_we_did.delete_item": ({FACILITATOR}, lambda s, a, w: yswd.delete_item(s, a, w["item"])),
    "voice.responses.links.open_campaign": (
        {FACILITATOR}, lambda s, a, w: links.open_campaign(s, a, "esafety_year9", "spring-2027", None, None,
                                                           "Spring 2027", [])),
    "voice.security.accounts.create_user": (
        {ADMIN}, lambda s, a, w: accounts.create_user(s, a, "newbie", [BOARD], None)),
    "voice.security.accounts.set_roles": (
        {ADMIN}, lambda s, a, w: accounts.set_roles(s, a, "bea", [BOARD, FACILITATOR])),
    "voice.security.accounts.set_password": (
        {ADMIN}, lambda s, a, w: accounts.set_password(s, a, "bea", "purple elephant dances")),
    "voice.security.accounts.reset_password": ({ADMIN}, lambda s, a, w: accounts.reset_password(s, a, "fran")),
    # Changes the actor's own password, so the actor must be the account: "fran", with the example's roles.
    "voice.security.accounts.change_own_password": (
        {FACILITATOR}, lambda s, a, w: accounts.change_own_password(s, Actor("fran", a.roles), PASSWORD,
                                                                    "purple elephant dances")),
    "voice.security.accounts.deactivate_user": ({ADMIN}, lambda s, a, w: accounts.deactivate_user(s, a, "bea")),
    "voice.security.accounts.reactivate_user": ({ADMIN}, lambda s, a, w: accounts.reactivate_user(s, a, "bea")),
    "voice.security.audit.export_events": (
        {ADMIN}, lambda s, a, w: audit.export_events(s, a, w["tmp"] / "audit.csv")),
    "voice.security.retention.run_retention": (
        {ADMIN}, lambda s, a, w: retention.run_retention(s, a)),
    "voice.security.retention.erase_response": ({ADMIN}, _erase),
    "voice.surveys.drafts.save_draft": (
        {FACILITATOR}, lambda s, a, w: drafts.save_draft(s, a, drafts.load_draft(s, SYSTEM, "ypag_test"))),
    "voice.surveys.drafts.start_new": (
        {FACILITATOR}, lambda s, a, w: drafts.start_new(s, a, "ypag_other", "Another survey")),
    "voice.surveys.drafts.start_from": (
        {ADMIN}, lambda s, a, w: drafts.start_from(s, a, "esafety_year9", "esafety_copy")),
    "voice.surveys.drafts.import_draft": (
        {FACILITATOR}, lambda s, a, w: drafts.import_draft(
            s, a, {**drafts.load_draft(s, SYSTEM, "ypag_test"), "id": "ypag_imported"})),
    "voice.surveys.drafts.discard_draft": ({FACILITATOR}, lambda s, a, w: drafts.discard_draft(s, a, "ypag_test")),
    "voice.surveys.drafts.publish_draft": (
        {FACILITATOR}, lambda s, a, w: drafts.publish_draft(s, a, "ypag_test", listed=False), _complete_draft),
    "voice.surveys.drafts.set_listed": ({ADMIN}, lambda s, a, w: drafts.set_listed(s, a, "esafety_year9", False)),
}


def _counts(session) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _audit_entries(session, username: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == username)) or 0


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_data_changing_service_refuses_the_wrong_role_and_audits_the_right_one(session, world, name):
    roles, example, *prepare = EXAMPLES[name]
    allowed = allowed_roles(SERVICES[name])
    assert roles <= allowed, f"the example's roles {roles} are not let through ({allowed})"
    for step in prepare:
        step(session, world)
    session.flush()
    before = _counts(session)
    wrong = Actor("wrong", frozenset(set(ROLES) - allowed)) if set(ROLES) - allowed else ANONYMOUS
    with pytest.raises(AccessDenied):
        example(session, wrong, world)
    session.flush()
    assert _counts(session) == before, "a refused call changed the database"

    doer = Actor("doer", frozenset(roles))
    example(session, doer, world)
    session.flush()
    who = "fran" if name.endswith("change_own_password") else "doer"
    assert _audit_entries(session, who) >= 1, f"{name} changed data without an audit entry"


# --- 4: writes without an actor ---------------------------------------------------------------------------

_WRITES = re.compile(r"session\.(add|add_all|delete|merge)\(|\.execute\(\s*(delete|update|insert)\(")


def test_every_write_without_an_actor_is_known_and_explained():
    found = {name for name, fn in public_functions()
             if "session" in (params := inspect.signature(fn).parameters) and "actor" not in params
             and _WRITES.search(inspect.getsource(fn))}
    unexplained = sorted(found - set(WITHOUT_ACTOR))
    assert not unexplained, (f"{unexplained} change data without taking an actor: take `actor`, check the role "
                             "with require() and write the audit trail (or explain here why not).")
