"""Schema changes of the splits area (issue work in progress; filled by the area's change).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
