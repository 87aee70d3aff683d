"""Safeguarding records: one item per response with its indicators; records outlive erasure; outbox.

Revision ID: i14_safeguarding_records
Revises: i18_web_sessions

- safeguarding_items: one per response (at most one open per response), no longer deleted with the
  response (response_id SET NULL), with where it came from, a history (notes included) and when the
  answers were erased. `answer_id`, `matches` and `note` move out (indicators; history).
- safeguarding_indicators: what raised an item (a flagged free-text answer, or a marked closed answer).
- safeguarding_screenings: responses checked against their survey's risk markers.
- notification_outbox: messages to the leads, sent after the transaction that wrote them commits.

Existing per-answer items become items with one text indicator each; the OPEN items of one response
are merged into one (the oldest keeps its number; the history says which numbers were merged).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "i14_safeguarding_records"
down_revision = "i18_web_sessions"
branch_labels = None
depends_on = None

OPEN = ("new", "reviewed")


def _json(value, default):
    if value is None:
        return default
    if isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace(" ", "T")
    return value.isoformat(timespec="seconds")


def _words(text) -> str:
    """A survey wording (plain text or {language: text}) in English."""
    if isinstance(text, dict):
        return str(text.get("en") or next(iter(text.values()), ""))
    return str(text or "")


def _question_labels(definition) -> dict[str, str]:
    labels = {}
    for section in (definition or {}).get("sections") or []:
        for question in section.get("questions") or []:
            if isinstance(question, dict) and question.get("id"):
                labels[str(question["id"])] = _words(question.get("text"))
    return labels


def upgrade() -> None:
    bind = op.get_bind()
    old_items = bind.execute(sa.text(
        "SELECT i.id, i.answer_id, i.response_id, i.survey_id, i.categories, i.matches, i.status, i.created_at, "
        "i.reviewed_by, i.reviewed_at, i.outcome_by, i.outcome_at, i.note, a.question_id, r.survey_version_id, "
        "c.name AS campaign, g.name AS group_name, s.title "
        "FROM safeguarding_items i "
        "LEFT JOIN answers a ON a.id = i.answer_id "
        "LEFT JOIN responses r ON r.id = i.response_id "
        "LEFT JOIN campaigns c ON c.id = r.campaign_id "
        "LEFT JOIN groups g ON g.id = r.group_id "
        "LEFT JOIN surveys s ON s.id = i.survey_id "
        "ORDER BY i.id").columns(  # typed, so SQLite gives datetimes (not strings) and JSON as data
        sa.column("id", sa.Integer), sa.column("answer_id", sa.Integer), sa.column("response_id", sa.Integer),
        sa.column("survey_id", sa.String), sa.column("categories", sa.JSON), sa.column("matches", sa.JSON),
        sa.column("status", sa.String), sa.column("created_at", sa.DateTime), sa.column("reviewed_by", sa.String),
        sa.column("reviewed_at", sa.DateTime), sa.column("outcome_by", sa.String), sa.column("outcome_at", sa.DateTime),
        sa.column("note", sa.Text), sa.column("question_id", sa.String), sa.column("survey_version_id", sa.Integer),
        sa.column("campaign", sa.String), sa.column("group_name", sa.String), sa.column("title", sa.String))).all()
    definitions = {row[0]: _json(row[1], {}) for row in bind.execute(sa.text(
        "SELECT id, definition FROM survey_versions").columns(sa.column("id", sa.Integer),
                                                              sa.column("definition", sa.JSON))).all()}

    # The item table itself. Batch mode: SQLite copies the table (ids kept), PostgreSQL alters it.
    with op.batch_alter_table("safeguarding_items", schema=None) as batch_op:
        batch_op.drop_constraint("uq_safeguarding_items_answer_id", type_="unique")
        batch_op.drop_constraint("fk_safeguarding_items_answer_id_answers", type_="foreignkey")
        batch_op.drop_constraint("fk_safeguarding_items_response_id_responses", type_="foreignkey")
        batch_op.drop_column("answer_id")
        batch_op.drop_column("matches")
        batch_op.drop_column("note")
        batch_op.alter_column("response_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key("fk_safeguarding_items_response_id_responses", "responses", ["response_id"],
                                    ["id"], ondelete="SET NULL")
        batch_op.add_column(sa.Column("survey_title", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("campaign", sa.String(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("group_name", sa.Text(), nullable=False, server_default=""))
        # Defaults fill the rows already there (set properly below): a second batch would copy the table again,
        # and on SQLite dropping a table that indicators point at deletes them (ON DELETE CASCADE).
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=False,
                                      server_default=sa.text("CURRENT_TIMESTAMP")))
        batch_op.add_column(sa.Column("history", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("answers_erased_at", sa.DateTime(), nullable=True))

    op.create_table(
        "safeguarding_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("question_label", sa.Text(), nullable=False),
        sa.Column("option_id", sa.String(length=64), nullable=False),
        sa.Column("option_label", sa.Text(), nullable=False),
        sa.Column("matches", sa.JSON(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"],
                                name=op.f("fk_safeguarding_indicators_answer_id_answers"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["item_id"], ["safeguarding_items.id"],
                                name=op.f("fk_safeguarding_indicators_item_id_safeguarding_items"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_indicators")),
        sa.UniqueConstraint("answer_id", name=op.f("uq_safeguarding_indicators_answer_id")),
    )
    with op.batch_alter_table("safeguarding_indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safeguarding_indicators_item_id"), ["item_id"], unique=False)

    op.create_table(
        "safeguarding_screenings",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("markers_version", sa.String(length=32), nullable=False),
        sa.Column("screened_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"],
                                name=op.f("fk_safeguarding_screenings_response_id_responses"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_safeguarding_screenings")),
    )

    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("new_items", sa.Integer(), nullable=False),
        sa.Column("updated_items", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_to", sa.Text(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    with op.batch_alter_table("notification_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_notification_outbox_pending", ["sent_at", "next_attempt_at"], unique=False)

    items = sa.table(
        "safeguarding_items", sa.column("id", sa.Integer), sa.column("response_id", sa.Integer),
        sa.column("survey_title", sa.Text), sa.column("campaign", sa.String), sa.column("group_name", sa.Text),
        sa.column("categories", sa.JSON), sa.column("status", sa.String), sa.column("updated_at", sa.DateTime),
        sa.column("history", sa.JSON), sa.column("reviewed_by", sa.String), sa.column("reviewed_at", sa.DateTime))
    indicators = sa.table(
        "safeguarding_indicators", sa.column("item_id", sa.Integer), sa.column("answer_id", sa.Integer),
        sa.column("kind", sa.String), sa.column("categories", sa.JSON), sa.column("question_id", sa.String),
        sa.column("question_label", sa.Text), sa.column("option_id", sa.String), sa.column("option_label", sa.Text),
        sa.column("matches", sa.JSON), sa.column("why", sa.Text), sa.column("created_at", sa.DateTime))

    state: dict[int, dict] = {}
    open_by_response: dict[int, list[int]] = defaultdict(list)
    for (item_id, answer_id, response_id, survey_id, categories, matches, status, created_at, reviewed_by,
         reviewed_at, outcome_by, outcome_at, note, question_id, version_id, campaign, group, title) in old_items:
        categories = list(_json(categories, []))
        label = _question_labels(definitions.get(version_id)).get(question_id or "", "")
        history = [{"at": _iso(created_at), "by": "system", "event": "created"}]
        if reviewed_by:
            history.append({"at": _iso(reviewed_at), "by": reviewed_by, "event": "reviewed"})
        if outcome_by:
            history.append({"at": _iso(outcome_at), "by": outcome_by, "event": "closed", "status": status})
        if (note or "").strip():
            # Notes were one text with "[date UTC, name]" lines: kept whole, dated at the last change.
            history.append({"at": _iso(outcome_at or reviewed_at or created_at), "by": outcome_by or reviewed_by or "",
                            "event": "note", "note": note.strip()})
        history.sort(key=lambda e: e["at"])
        state[item_id] = {"categories": categories, "history": history, "status": status, "created_at": created_at,
                          "campaign": campaign or "", "group": group or "", "title": title or survey_id,
                          "response_id": response_id}
        bind.execute(indicators.insert().values(
            item_id=item_id, answer_id=answer_id, kind="text", categories=categories, question_id=question_id or "",
            question_label=label, option_id="", option_label="", matches=list(_json(matches, [])),
            why="The free-text answer" + (f" to \u201c{label}\u201d" if label else "")
                + " has words the concern check looks for.",
            created_at=created_at))
        if status in OPEN and response_id is not None:
            open_by_response[response_id].append(item_id)

    # One open item per response: the oldest keeps its number and takes the others' indicators and history.
    merged_away: set[int] = set()
    for ids in open_by_response.values():
        if len(ids) < 2:
            continue
        keep, others = ids[0], ids[1:]
        kept = state[keep]
        for other in others:
            kept["categories"] += [c for c in state[other]["categories"] if c not in kept["categories"]]
            kept["history"] += state[other]["history"]
            if state[other]["status"] == "new":
                kept["status"] = "new"  # something in it has not been read yet
            bind.execute(sa.text("UPDATE safeguarding_indicators SET item_id = :keep WHERE item_id = :other"),
                         {"keep": keep, "other": other})
            merged_away.add(other)
        kept["history"].sort(key=lambda e: e["at"])
        kept["history"].append({"at": _iso(datetime.now(timezone.utc).replace(tzinfo=None)), "by": "system",
                                "event": "merged", "merged_items": others})
    for item_id, s in state.items():
        if item_id in merged_away:
            continue
        values = dict(survey_title=s["title"], campaign=s["campaign"], group_name=s["group"],
                      categories=s["categories"], status=s["status"], history=s["history"],
                      updated_at=s["created_at"])
        if s["status"] == "new":
            values.update(reviewed_by=None, reviewed_at=None)
        bind.execute(items.update().where(items.c.id == item_id).values(**values))
    if merged_away:
        bind.execute(sa.text("DELETE FROM safeguarding_items WHERE id IN ({})".format(
            ", ".join(str(int(i)) for i in sorted(merged_away)))))

    op.create_index("uq_safeguarding_items_open_response", "safeguarding_items", ["response_id"], unique=True,
                    sqlite_where=sa.text("status IN ('new', 'reviewed')"),
                    postgresql_where=sa.text("status IN ('new', 'reviewed')"))


def downgrade() -> None:
    raise NotImplementedError("Safeguarding records are not converted back: restore the backup taken before upgrading.")
