"""drafter's web application for staff, curators and reviewers (Flask, server-rendered, htmx).

`create_app` follows Flask's tutorial: defaults (here read from environment variables),
then an optional `config.py` in the instance folder, then the test configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask

from web import config as web_config


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("DRAFTER_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
    )
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # database and secret key: for this service only
    app.config.from_mapping(web_config.defaults_from_env(instance))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = web_config.secret_key(instance)

    from web import cli, database, security, templating
    from web import jobs as web_jobs
    from web.accounts import admin, auth, directory, sessions, visibility
    from web.answers import drafting_views
    from web.answers import views as answers
    from web.answers.drafting import run_drafting_job
    from web.inquiries import deadline_views, split_views, unit_views
    from web.inquiries import views as inquiries
    from web.inquiries.file_reading import remove_file_leftovers, run_inquiry_file_job
    from web.knowledge import views as knowledge
    from web.knowledge.ingestion import remove_upload_leftovers, run_ingestion_job
    from web.letters import sent_views as sent_inquiries
    from web.letters import template_views as letter_template
    from web.letters import views as letters
    from web.models import DraftingJob, IngestionJob, InquiryFileJob, MailJob
    from web.notifications import mail
    from web.notifications import views as notifications
    from web.review import views as review
    from web.tasks import views as tasks

    blueprints = (auth, inquiries, deadline_views, split_views, unit_views, drafting_views, answers, review, letters)
    for area in (*blueprints, letter_template, sent_inquiries, knowledge, admin, tasks, notifications):
        app.register_blueprint(area.bp)
    database.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    directory.init_app(app)
    visibility.init_app(app)
    cli.init_app(app)
    templating.init_app(app)
    notifications.init_app(app)
    _check_every_view_is_guarded(app)

    runner = web_jobs.JobRunner(app)
    runner.register("drafting", DraftingJob, run_drafting_job, app.config["WORKER_THREADS"])
    runner.register("ingestion", IngestionJob, run_ingestion_job, 1, remove_upload_leftovers)
    runner.register("inquiry_files", InquiryFileJob, run_inquiry_file_job, 2, remove_file_leftovers)
    runner.register("mail", MailJob, mail.send_mail_job, 1)
    app.extensions["drafter_jobs"] = runner
    if app.config["START_WORKERS"] and _serves_requests():
        runner.start()

        @app.before_request
        def _workers_after_fork():
            runner.ensure_started()

    return app


def _serves_requests() -> bool:
    """False inside maintenance commands (`flask db upgrade`, `create-admin`): they must not pick up jobs."""
    context = click.get_current_context(silent=True)
    if context is None:  # gunicorn, tests, any WSGI server
        return True
    while context is not None:
        if context.info_name == "run":
            return True
        context = context.parent
    return False


def _check_every_view_is_guarded(app: Flask) -> None:
    """Fail at start-up, not in production, when a view forgot to say who may use it."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static" and not hasattr(view, "allowed_roles"):
            raise RuntimeError(f"Die Ansicht {endpoint} legt nicht fest, welche Rollen sie nutzen dürfen.")
