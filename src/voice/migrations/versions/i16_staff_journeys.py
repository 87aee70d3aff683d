"""staff journeys: must-change password, front-page listing, "you said, we did" form token

- users.must_change_password: set by an admin's password reset; the person chooses a new password
  at their next sign-in.
- surveys.listed: whether the young people's front page lists the survey (its link works either way).
  Existing surveys stay listed.
- you_said_we_did.request_token: the Save form's one-off token, unique, so a second press or a retry
  finds the item it already made instead of adding a duplicate.

Revision ID: i16_staff_journeys
Revises: i14_safeguarding_records
"""
from alembic import op
import sqlalchemy as sa


revision = "i16_staff_journeys"
down_revision = "i14_safeguarding_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN (no batch copy): SQLite can add a column with a default in place, and
    # copying `surveys` would trip the foreign keys that point at it.
    op.add_column("users", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column("surveys", sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("you_said_we_did", sa.Column("request_token", sa.String(length=64), nullable=True))
    op.create_index("ix_you_said_we_did_request_token", "you_said_we_did", ["request_token"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_you_said_we_did_request_token", table_name="you_said_we_did")
    with op.batch_alter_table("you_said_we_did", schema=None) as batch_op:
        batch_op.drop_column("request_token")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("listed")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
