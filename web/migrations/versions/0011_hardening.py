"""Schema changes for crash safety and moving inquiries (issue 17): every job counts its attempts, so a job whose
process keeps dying is failed after JOB_MAX_ATTEMPTS instead of being retried for ever; a file given for a new
inquiry is read by a job of its own (inquiry_file_jobs), outside the request.

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
    op.create_table(
        "inquiry_file_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("stored_path", sa.Text(), nullable=True),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("headers", sa.Text(), nullable=True),
        sa.Column("inquiry_id", sa.Integer(), sa.ForeignKey("inquiries.id", ondelete="SET NULL"), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("owner", sa.String(120), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_inquiry_file_jobs_state", "inquiry_file_jobs", ["state"])


def downgrade():
    op.drop_index("ix_inquiry_file_jobs_state", "inquiry_file_jobs")
    op.drop_table("inquiry_file_jobs")
    for table in JOB_TABLES:
        op.drop_column(table, "attempts")
