"""An inquiry under the LTranspG keeps whether staff said it concerns environmental information
(„Umweltinformationen“, capped at two months by § 12 Abs. 3 LTranspG) when they extended its deadline, so the
next extension form comes ticked as before. Existing inquiries are taken as not concerning it, as the form
assumed until ticked.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN, not a batch copy: on SQLite the copy drops the old table (see 0010).
    op.add_column(
        "inquiries", sa.Column("environmental_information", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade():
    op.drop_column("inquiries", "environmental_information")
