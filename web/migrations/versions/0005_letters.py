"""The reply letter's frame kept with the inquiry: the requester's organisation and reference, and staff's
wording of subject, introduction and closing (issue 14); all optional, so existing inquiries keep the defaults.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("requester_organisation", sa.String(length=200)),
    ("requester_reference", sa.String(length=100)),
    ("letter_subject", sa.String(length=300)),
    ("letter_introduction", sa.Text()),
    ("letter_closing", sa.Text()),
)


def upgrade():
    with op.batch_alter_table("inquiries") as batch_op:
        for name, column_type in COLUMNS:
            batch_op.add_column(sa.Column(name, column_type, nullable=True))


def downgrade():
    with op.batch_alter_table("inquiries") as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
