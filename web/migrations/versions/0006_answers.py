"""Citations remember whose passage they quote: the authority and whether it is another one.

The Prüfhinweise of an answer (web/answers/checks.py) name sources of another authority; the
core marks them on its `Citation` when drafting, and this keeps the mark with the citation row.
Existing rows count as the own authority's, which is what the web app showed for them so far.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("citations") as batch:
        batch.add_column(sa.Column("authority", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("other_authority", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    # DROP COLUMN, not a batch copy of the table (which reflected the table anew and failed on it)
    op.drop_column("citations", "other_authority")
    op.drop_column("citations", "authority")
