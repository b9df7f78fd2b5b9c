"""Schema changes of the letters area (issue work in progress; filled by the area's change).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
