"""Inquiry files keep how far their reading has got („Seite 3 von 12 wird erkannt“), as knowledge uploads do, so
the page that waits for a scanned file can say which page is being read (web/job_progress.py). Existing rows
have no progress; their page says, as before, that the file is being read.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN, not a batch copy: on SQLite the copy drops the old table (see 0010).
    op.add_column("inquiry_file_jobs", sa.Column("progress", sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column("inquiry_file_jobs", "progress")
