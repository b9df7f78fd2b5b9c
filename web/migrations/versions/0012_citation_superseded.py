"""Citations remember whether their document was marked superseded when they were drafted.

The Prüfhinweise (web/answers/checks.py) name such sources, and the source card labels them, as the
core does when drafting. Existing rows count as not superseded, which is what the web app showed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("citations") as batch:
        batch.add_column(sa.Column("superseded", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_column("citations", "superseded")
