"""Issue 15: an account from the county's directory carries the DN of its entry, and an ingestion job how far
the recognition of a scan has got.

An account without a DN is local and signs in with its own password, as every account did before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN, not a batch copy of the table: on SQLite the copy drops the old table, and with foreign keys
    # on that deletes what refers to the accounts (ON DELETE CASCADE).
    op.add_column("users", sa.Column("directory_dn", sa.String(500), nullable=True))
    op.create_index("ix_users_directory_dn", "users", ["directory_dn"], unique=True)
    op.add_column("ingestion_jobs", sa.Column("progress", sa.String(200), nullable=True))


def downgrade():
    op.drop_column("ingestion_jobs", "progress")
    op.drop_index("ix_users_directory_dn", "users")
    op.drop_column("users", "directory_dn")
