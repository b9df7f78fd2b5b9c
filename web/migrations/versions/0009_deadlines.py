"""Deadline extensions (issue 14): each time staff move an inquiry's deadline later, with the reason.

The inquiry's `deadline` keeps holding the date in force, so the list, the review queue and every
count of days left read it as before; these rows say who moved it, from when to when, and why.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deadline_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("previous_deadline", sa.Date(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extended_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["extended_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deadline_extensions_inquiry_id", "deadline_extensions", ["inquiry_id"], unique=False)


def downgrade():
    op.drop_index("ix_deadline_extensions_inquiry_id", "deadline_extensions")
    op.drop_table("deadline_extensions")
