"""Schema changes for crash safety and moving inquiries (issue 17): every job counts its attempts, so a job whose
process keeps dying is failed after JOB_MAX_ATTEMPTS instead of being retried for ever.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JOB_TABLES = ("drafting_jobs", "ingestion_jobs", "mail_jobs")


def upgrade():
    # ADD COLUMN, not a batch copy: on SQLite the copy drops the old table (see 0010).
    for table in JOB_TABLES:
        op.add_column(table, sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    for table in JOB_TABLES:
        op.drop_column(table, "attempts")
