"""„Meine Aufgaben“: one page with the work lists of every role the signed-in user holds."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from web.accounts.permissions import login_only
from web.answers.checks import plural
from web.models import Role
from web.tasks import work_lists
from web.templating import today_local

bp = Blueprint("tasks", __name__, url_prefix="/tasks", template_folder="templates")


@bp.route("/")
@login_only
def index():
    lists: dict = {}
    summary: list[str] = []
    if current_user.has_role(Role.STAFF):
        days = current_app.config["TASKS_DUE_DAYS"]
        lists |= {
            "sent_back": work_lists.sent_back(current_user),
            "to_work": work_lists.inquiries_to_work(current_user),
            "due": work_lists.due_soon(current_user, today_local(), days),
            "due_days": plural(days, "Tag", "Tagen"),
        }
        summary += [
            plural(len(lists["sent_back"]), "Antwort zurückgegeben", "Antworten zurückgegeben"),
            plural(sum(w.open_answers for w in lists["to_work"]), "Antwort zu bearbeiten", "Antworten zu bearbeiten"),
            plural(len(lists["due"]), "Anfrage bald fällig", "Anfragen bald fällig"),
        ]
    if current_user.has_role(Role.REVIEWER):
        lists |= {
            "submitted": work_lists.submitted_for_review(current_user),
            "replies": work_lists.replies_to_approve(current_user),
        }
        summary += [
            plural(len(lists["submitted"]), "Antwort zur Prüfung", "Antworten zur Prüfung"),
            plural(len(lists["replies"]), "Gesamtantwort freizugeben", "Gesamtantworten freizugeben"),
        ]
    if current_user.has_role(Role.CURATOR):
        lists["failed_uploads"] = work_lists.failed_uploads()
        summary.append(plural(len(lists["failed_uploads"]), "fehlgeschlagener Upload", "fehlgeschlagene Uploads"))
    if current_user.has_role(Role.ADMIN):
        lists["failed_mails"] = work_lists.failed_mails()
        summary.append(plural(len(lists["failed_mails"]), "E-Mail nicht versandt", "E-Mails nicht versandt"))
    return render_template("tasks/index.html", summary=summary, plural=plural, **lists)
