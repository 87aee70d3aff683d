"""staff sessions and one-time tickets kept on the server (issue 18)

Revision ID: i18_web_sessions
Revises: i15_release_in_steps
"""
from alembic import op
import sqlalchemy as sa


revision = "i18_web_sessions"
down_revision = "i15_release_in_steps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("next_path", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_tickets")),
        sa.UniqueConstraint("ticket_hash", name=op.f("uq_web_tickets_ticket_hash")),
    )
    with op.batch_alter_table("web_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_tickets_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("idle_seconds", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index("ix_web_sessions_purpose_subject", ["purpose", "subject"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_web_sessions_purpose_subject")
        batch_op.drop_index(batch_op.f("ix_web_sessions_expires_at"))
    op.drop_table("web_sessions")
    with op.batch_alter_table("web_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_tickets_expires_at"))
    op.drop_table("web_tickets")
