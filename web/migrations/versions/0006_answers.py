"""Schema changes of the answers area (issue work in progress; filled by the area's change).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
