"""The audit log as the administration reads it: German actions, people by name, objects by what they are.

The rows keep their codes and JSON (exports and filters use them); this module only words them: an
action like „draft_generated“ reads „Entwurf erstellt“, the object „draft 12“ reads „Antwort 1a
(FWG/2026/1)“, the detail `{"revision": 2}` reads „Version: 2“. Codes without a German label (an
action added later) are shown as they are rather than hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from web.database import db
from web.models import AuditEntry, Draft, Inquiry, Question, User

ACTIONS = {
    "login": "Angemeldet",
    "login_failed": "Anmeldung fehlgeschlagen",
    "logout": "Abgemeldet",
    "logout_everywhere": "Überall abgemeldet",
    "password_changed": "Passwort geändert",
    "password_reset": "Passwort zurückgesetzt",
    "sessions_ended": "Sitzungen beendet",
    "admin_created": "Administration angelegt",
    "user_created": "Konto angelegt",
    "user_changed": "Konto geändert",
    "unit_created": "Fachbereich angelegt",
    "access_history_exported": "Zugriffe exportiert",
    "inquiry_created": "Anfrage angelegt",
    "inquiry_updated": "Anfrage geändert",
    "inquiry_read": "Anfrage mit Personendaten angesehen",
    "deadline_extended": "Frist verlängert",
    "extension_notice_exported": "Zwischennachricht erstellt",
    "inquiry_moved": "Anfrage an einen anderen Fachbereich abgegeben",
    "split_edited": "Aufteilung geändert",
    "drafting_started": "Entwürfe angefordert",
    "redraft_requested": "Neuer Entwurf angefordert",
    "draft_generated": "Entwurf erstellt",
    "draft_edited": "Antwort bearbeitet",
    "source_added": "Fundstelle übernommen",
    "answer_deleted": "Antwort gelöscht",
    "comment_added": "Kommentar geschrieben",
    "submitted": "Zur Prüfung gegeben",
    "withdrawn": "Aus der Prüfung zurückgezogen",
    "approved": "Antwort freigegeben",
    "changes_requested": "Antwort zurückgegeben",
    "reopened": "Freigabe aufgehoben",
    "approval_revoked": "Freigabe entzogen",
    "reply_approved": "Gesamtantwort freigegeben",
    "reply_changes_requested": "Änderung der Gesamtantwort erbeten",
    "reply_reopened": "Gesamtantwort wieder geöffnet",
    "reply_approval_revoked": "Freigabe der Gesamtantwort entzogen",
    "letter_frame_updated": "Brieftext geändert",
    "letter_exported": "Brief erstellt",
    "letter_template_uploaded": "Briefvorlage hochgeladen",
    "letter_template_reset": "Briefvorlage zurückgesetzt",
    "marked_sent": "Als versandt markiert",
    "sent_inquiry_reopened": "Versandte Anfrage wieder geöffnet",
    "documents_uploaded": "Dokumente hochgeladen",
    "document_ingested": "Dokument eingelesen",
    "document_updated": "Dokument geändert",
    "document_removed": "Dokument entfernt",
    "reindex_requested": "Neuindizierung angefordert",
    "reindexed": "Neu indiziert",
}

DETAILS = {
    "active": "aktiv",
    "authority": "Behörde",
    "change": "Änderung",
    "changes": "Änderungen",
    "chunk_id": "Passage",
    "chunks": "Abschnitte",
    "citations": "Zitate",
    "comment": "Kommentar",
    "date": "Datum",
    "doc_type": "Art",
    "email_changed": "E-Mail-Adresse geändert",
    "evidence": "Ergebnis",
    "fields": "Felder",
    "file": "Datei",
    "filename": "Datei",
    "files": "Dateien",
    "format": "Format",
    "kind": "Art",
    "method": "Verfahren",
    "name": "Name",
    "origin": "Herkunft (verschlüsselt)",
    "page": "Seite",
    "questions": "Fragen",
    "reason": "Grund",
    "revision": "Version",
    "roles": "Rollen",
    "roles_before": "Rollen vorher",
    "sessions_ended": "beendete Sitzungen",
    "size": "Größe in Bytes",
    "sources": "Quellen",
    "status": "Ergebnis",
    "summary": "Änderung",
    "superseded_by": "ersetzt durch",
    "title": "Titel",
    "unchanged": "unveränderter automatischer Entwurf",
    "units": "Fachbereiche",
    "units_before": "Fachbereiche vorher",
    "username": "Benutzername",
    "via": "über",
    "was": "vorher",
}

OBJECTS = {
    "user": "Konto",
    "inquiry": "Anfrage",
    "draft": "Antwort",
    "question": "Frage",
    "document": "Dokument",
    "unit": "Fachbereich",
    "ingestion_batch": "Upload",
    "knowledge_base": "Wissensbasis",
    "letter_template": "Briefvorlage",
}


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    person: str
    action: str
    object: str
    inquiry: str
    details: list[str]


def action_de(action: str) -> str:
    return ACTIONS.get(action, action)


def readable_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """The entries worded in German, with the names of people, answers and inquiries loaded in three queries."""
    users = _by_id(User, {e.user_id for e in entries} | _ids(entries, "user"))
    inquiries = _by_id(Inquiry, {e.inquiry_id for e in entries} | _ids(entries, "inquiry"))
    answers = dict(
        db.session.execute(
            select(Draft.id, Question.label).join(Question).where(Draft.id.in_(_ids(entries, "draft")))
        ).all()
    )
    questions = dict(
        db.session.execute(select(Question.id, Question.label).where(Question.id.in_(_ids(entries, "question")))).all()
    )
    return [_row(entry, users, inquiries, answers, questions) for entry in entries]


def _ids(entries: list[AuditEntry], object_type: str) -> set[int]:
    return {int(e.object_id) for e in entries if e.object_type == object_type and (e.object_id or "").isdigit()}


def _by_id(model: type, ids: set[int | None]) -> dict[int, object]:
    wanted = {i for i in ids if i is not None}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(wanted)))} if wanted else {}


def _row(entry: AuditEntry, users: dict, inquiries: dict, answers: dict, questions: dict) -> AuditRow:
    user = users.get(entry.user_id)
    person = f"{user.display_name} ({entry.username})" if user else entry.username
    inquiry = inquiries.get(entry.inquiry_id)
    return AuditRow(
        at=entry.at,
        person=person,
        action=action_de(entry.action),
        object=_object(entry, users, inquiries, answers, questions),
        inquiry=inquiry.reference if inquiry else ("–" if entry.inquiry_id is None else f"Nr. {entry.inquiry_id}"),
        details=_details(entry.detail),
    )


def _object(entry: AuditEntry, users: dict, inquiries: dict, answers: dict, questions: dict) -> str:
    kind = OBJECTS.get(entry.object_type, entry.object_type)
    key = int(entry.object_id) if (entry.object_id or "").isdigit() else None
    if entry.object_type == "draft" and key in answers:
        return f"Antwort {answers[key]}"
    if entry.object_type == "question" and key in questions:
        return f"Frage {questions[key]}"
    if entry.object_type == "inquiry" and key in inquiries:
        return f"Anfrage {inquiries[key].reference}"
    if entry.object_type == "user" and key in users:
        return f"Konto {users[key].username}"
    return f"{kind} {entry.object_id}" if entry.object_id else kind


def _details(detail: str | None) -> list[str]:
    if not detail:
        return []
    try:
        values = json.loads(detail)
    except ValueError:
        return [detail]
    if not isinstance(values, dict):
        return [str(values)]
    return [f"{DETAILS.get(key, key)}: {_value(value)}" for key, value in values.items() if value not in (None, "", [])]


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{DETAILS.get(k, k)} {_value(v)}" for k, v in value.items())
    return str(value)
