"""responses.released_at: figures of an open campaign are released in steps (voice.stats.release)

Every response already submitted counts as released, so the figures people have seen do not change
on upgrade; from now on a campaign that is still open adds new answers to its figures only in steps
of at least 10 (or all of them when it closes).

Revision ID: i15_release_in_steps
Revises: i13_analysis_examples
"""
from alembic import op
import sqlalchemy as sa


revision = "i15_release_in_steps"
down_revision = "i13_analysis_examples"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE responses SET released_at = COALESCE(submitted_at, updated_at) WHERE status = 'submitted'")


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("released_at")
