"""What every template can use: German date formats, role checks for the navigation, error pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from drafter.errors import StorageUnavailable
from drafter.models import DraftStatus
from web.answers.checks import plural
from web.database import db
from web.models import AnswerStatus, InquiryKind, JobState, Role

LOCAL_TIME = ZoneInfo("Europe/Berlin")


def date_de(value: date | str | None) -> str:
    if not value:
        return "–"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y")


def datetime_de(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TIME).strftime("%d.%m.%Y, %H:%M Uhr")


def today_local() -> date:
    return datetime.now(LOCAL_TIME).date()


def _error_page(status: int, title: str, message: str):
    if request.headers.get("HX-Request"):
        return render_template("errors/fragment.html", title=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date_de"] = date_de
    app.jinja_env.filters["datetime_de"] = datetime_de
    app.jinja_env.filters["plural"] = plural  # {{ n|plural('Passage', 'Passagen') }}: „1 Passage“, „2 Passagen“
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        return {
            "Role": Role,
            "InquiryKind": InquiryKind,
            "AnswerStatus": AnswerStatus,
            "DraftStatus": DraftStatus,
            "JobState": JobState,
            "today": today_local(),
            "has_role": lambda *roles: current_user.is_authenticated and current_user.has_role(*roles),
        }

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _error_page(
            400,
            "Sicherheitsprüfung fehlgeschlagen",
            "Das Formular war abgelaufen oder unvollständig. Bitte die Seite neu laden und erneut absenden; "
            "Ihre Eingaben bitte vorher kopieren.",
        )

    @app.errorhandler(403)
    def _forbidden(error):
        return _error_page(
            403,
            "Keine Berechtigung",
            "Ihrer Rolle ist diese Seite oder Aktion nicht freigegeben. "
            "Wenden Sie sich bei Bedarf an die Administration.",
        )

    @app.errorhandler(404)
    def _not_found(error):
        return _error_page(404, "Nicht gefunden", "Diese Seite gibt es nicht (mehr). Bitte über das Menü weitergehen.")

    @app.errorhandler(405)
    def _method(error):
        return _error_page(405, "Aktion nicht möglich", "Diese Adresse kann so nicht aufgerufen werden.")

    @app.errorhandler(413)
    def _too_large(error):
        limit = app.config["MAX_CONTENT_LENGTH"] / 1_048_576
        return _error_page(
            413,
            "Upload zu groß",
            f"Alle Dateien eines Uploads zusammen dürfen höchstens {limit:.0f} MB groß sein. "
            "Bitte weniger Dateien auf einmal hochladen; es wurde nichts gespeichert.",
        )

    @app.errorhandler(429)
    def _too_many(error):
        return _error_page(
            429,
            "Zu viele Anmeldeversuche",
            "Aus Sicherheitsgründen sind gerade keine weiteren Versuche möglich. "
            "Bitte warten Sie eine Minute und versuchen Sie es dann erneut.",
        )

    @app.errorhandler(StorageUnavailable)
    def _storage_unavailable(error):
        db.session.rollback()  # nothing of a half-done action is kept
        return _error_page(503, "Speicher nicht beschreibbar", str(error))

    @app.errorhandler(500)
    def _server_error(error):
        # After a failed database write the session refuses every query until rolled back, and the
        # page's header asks for the signed-in user.
        db.session.rollback()
        return _error_page(
            500,
            "Interner Fehler",
            "Die Aktion konnte nicht ausgeführt werden. Bitte erneut versuchen; "
            "bleibt der Fehler, die Administration informieren.",
        )
