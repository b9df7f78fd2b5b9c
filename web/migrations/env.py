"""Alembic environment: runs migrations on the Flask app's engine (SQLite or PostgreSQL).

Unlike Flask-Migrate's template it does not call logging.fileConfig, which would silence
the app's own loggers every time the app applies migrations on start.
"""

import logging

from alembic import context
from flask import current_app

from drafter.catalog import SHARED_TABLE_PREFIX

logger = logging.getLogger("alembic.env")
config = context.config
target_db = current_app.extensions["migrate"].db


def _ours(name, type_, parent_names) -> bool:
    """The knowledge catalog keeps its own tables in the same PostgreSQL database (drafter/catalog.py creates
    them); autogenerate must not propose to drop them."""
    return not (type_ == "table" and name and name.startswith(SHARED_TABLE_PREFIX))


def run_migrations_offline() -> None:
    url = target_db.engine.url.render_as_string(hide_password=False)
    context.configure(
        url=url, target_metadata=target_db.metadata, literal_binds=True, render_as_batch=True, include_name=_ours
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("Keine Änderungen am Schema gefunden.")

    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", skip_empty)
    options.setdefault("render_as_batch", True)  # SQLite can only alter tables by copying them
    options.setdefault("include_name", _ours)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch copy drops the old table; with foreign keys on, that deletes (ON DELETE CASCADE) or refuses
            # (a plain reference) what refers to its rows. The pragma works only outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata, **options)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:  # the connection goes back to the pool: with foreign keys on, as every other one
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
