"""An index for the login throttle's count of one account's recent failures.

It replaces the index on `action` alone, which is its first column.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_log_login_failures", "audit_log", ["action", "object_id", "at"], unique=False)
    op.drop_index("ix_audit_log_action", table_name="audit_log")


def downgrade():
    op.create_index("ix_audit_log_action", "audit_log", ["action"], unique=False)
    op.drop_index("ix_audit_log_login_failures", table_name="audit_log")
