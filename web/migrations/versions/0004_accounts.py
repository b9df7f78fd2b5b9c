"""Accounts: server-side sessions, an atomic login counter, organisational units on users and inquiries.

An existing installation keeps working: the default unit „Allgemein“ is created here, every
existing inquiry is put into it, and its inquiries every staff member sees.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("user_agent", sa.String(300)),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    op.create_table(
        "login_attempt_counts",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("period", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_login_attempt_counts_expires_at", "login_attempt_counts", ["expires_at"])
    units = op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "user_units",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    )
    op.bulk_insert(units, [{"id": 1, "name": "Allgemein", "is_default": True}])
    if op.get_bind().dialect.name == "postgresql":  # an explicit id leaves the sequence behind: the next unit got 1
        op.execute("SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT max(id) FROM units))")
    # ADD COLUMN, not a batch copy of the table: on SQLite the copy drops the old table, and with foreign keys
    # on that deletes every question and answer of every inquiry (ON DELETE CASCADE).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE inquiries ADD COLUMN unit_id INTEGER REFERENCES units (id)")
    else:
        op.add_column("inquiries", sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=True))
    op.create_index("ix_inquiries_unit_id", "inquiries", ["unit_id"])
    op.execute("UPDATE inquiries SET unit_id = 1")


def downgrade():
    op.drop_index("ix_inquiries_unit_id", "inquiries")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops no column that is part of a foreign key: the table is copied without it (web/migrations/env.py
        # turns foreign keys off, so dropping the old table keeps the questions and answers).
        with op.batch_alter_table("inquiries", recreate="always") as batch:
            batch.drop_column("unit_id")
    else:
        op.drop_column("inquiries", "unit_id")
    op.drop_table("user_units")
    op.drop_table("units")
    op.drop_index("ix_login_attempt_counts_expires_at", "login_attempt_counts")
    op.drop_table("login_attempt_counts")
    op.drop_index("ix_user_sessions_user_id", "user_sessions")
    op.drop_table("user_sessions")
