"""The one KnowledgeBase of an app, opened on first use.

Opening it costs little, but the embedding model takes seconds to load, so pages that never
search (the inquiry list, the login) never pay for it. The KnowledgeBase serialises its own
writes; ingestion additionally runs on a single worker thread, one file after another.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from flask import Flask, current_app

from drafter.config import Settings
from drafter.knowledge_base import KnowledgeBase
from web.config import database_url

_open_lock = threading.Lock()


def settings_for(app: Flask) -> Settings:
    """The core settings: DRAFTER_* environment variables, with the web app's data paths and limits.

    Unless DRAFTER_CATALOG_URL says otherwise, the knowledge catalog goes into the PostgreSQL database that
    DATABASE_URL names (beside the web tables, as knowledge_*), so every host on that database shares it; with
    SQLite it stays a file of its own in the data directory.
    """
    configured = app.config.get("DRAFTER_SETTINGS")
    if configured is not None:
        return configured
    settings = Settings.from_env(
        data_dir=Path(app.config["KNOWLEDGE_DIR"]), max_file_bytes=app.config["MAX_FILE_BYTES"]
    )
    database = database_url(Path(app.instance_path))
    if settings.catalog_url is None and database.startswith("postgresql"):
        settings = replace(settings, catalog_url=database)
    return settings


def knowledge_base(app: Flask | None = None) -> KnowledgeBase:
    app = app or current_app._get_current_object()
    kb = app.extensions.get("drafter_kb")
    if kb is None:
        with _open_lock:
            kb = app.extensions.get("drafter_kb")
            if kb is None:
                kb = KnowledgeBase(settings_for(app), embedder=app.config.get("EMBEDDER"))
                app.extensions["drafter_kb"] = kb
    return kb


def close(app: Flask) -> None:
    kb = app.extensions.pop("drafter_kb", None)
    if kb is not None:
        kb.close()
