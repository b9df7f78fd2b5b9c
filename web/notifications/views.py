"""The signed-in user's notifications: the list, opening one (which marks it read) and marking all read."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.accounts.permissions import ADMINISTER, login_only, roles_required
from web.answers.checks import plural
from web.database import db
from web.models import Draft, JobState, MailJob, Notification
from web.notifications.mail import headline, notification_link
from web.notifications.notify import QUEUE, mark_read, unread_count

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")

SHOWN = 100


@bp.route("/")
@login_only
def index():
    notifications = db.session.scalars(
        select(Notification)
        .options(selectinload(Notification.draft).joinedload(Draft.question))
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
        .limit(SHOWN)
    ).all()
    unread = sum(n.read_at is None for n in notifications)
    return render_template(
        "notifications/index.html",
        notifications=notifications,
        headline=headline,
        unread=plural(unread, "ungelesene Benachrichtigung", "ungelesene Benachrichtigungen"),
        any_unread=unread > 0,
    )


@bp.route("/<int:notification_id>")
@login_only
def open_notification(notification_id: int):
    """Follow a notification to its answer or inquiry; reading it there marks it read."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    mark_read(current_user, notification.id)
    db.session.commit()
    return redirect(notification_link(notification))


@bp.route("/mail/<int:job_id>/retry", methods=["POST"])
@roles_required(*ADMINISTER)
def retry_mail(job_id: int):
    """Send a mail the server did not take once more, e.g. after the SMTP settings were corrected."""
    job = db.session.get(MailJob, job_id)
    if job is None:
        abort(404)
    if job.state != JobState.FAILED:
        flash("Diese E-Mail wird schon versandt oder ist versandt.", "info")
    else:
        job.state, job.error, job.finished_at, job.attempts = JobState.QUEUED, None, None, 0
        db.session.commit()
        current_app.extensions["drafter_jobs"].submit(QUEUE, [job.id])
        flash(f"Die E-Mail an {job.recipient} wird erneut versandt.", "success")
    return redirect(url_for("tasks.index"))


@bp.route("/read", methods=["POST"])
@login_only
def read_all():
    mark_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


def init_app(app: Flask) -> None:
    @app.context_processor
    def _unread_notifications():
        if not current_user.is_authenticated:
            return {}
        return {"unread_notifications": unread_count(current_user)}
