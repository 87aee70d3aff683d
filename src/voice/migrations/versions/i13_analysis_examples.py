"""analysis_examples: labelled examples kept from leads' outcomes and facilitators' sentiment corrections

Revision ID: i13_analysis_examples
Revises: 0001_initial
"""
from alembic import op
import sqlalchemy as sa


revision = "i13_analysis_examples"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("concern", sa.Boolean(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name=op.f("fk_analysis_examples_answer_id_answers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_examples")),
        sa.UniqueConstraint("answer_id", "kind", name=op.f("uq_analysis_examples_answer_id")),
    )
    with op.batch_alter_table("analysis_examples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analysis_examples_answer_id"), ["answer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("analysis_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analysis_examples_answer_id"))
    op.drop_table("analysis_examples")
