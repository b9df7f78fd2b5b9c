"""Leases for running jobs (issue 16): the process that runs a job renews its heartbeat_at, and a host whose
jobs' heartbeats are older than the lease is taken for dead, so another host takes the jobs over. Existing rows
have no heartbeat; a running one among them is judged by its start (web/jobs.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JOB_TABLES = ("drafting_jobs", "ingestion_jobs", "inquiry_file_jobs", "mail_jobs")


def upgrade():
    # ADD COLUMN, not a batch copy: on SQLite the copy drops the old table (see 0010).
    for table in JOB_TABLES:
        op.add_column(table, sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade():
    for table in JOB_TABLES:
        op.drop_column(table, "heartbeat_at")
