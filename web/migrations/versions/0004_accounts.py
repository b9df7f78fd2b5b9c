"""Schema changes of the accounts area (issue work in progress; filled by the area's change).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
