"""Reading the inquiry form: validated fields, the text from paste or upload, German messages per field.

Errors are collected per field so the form can be shown again with everything the user
typed; only a file input cannot be refilled by the browser. An uploaded file is read in the
background (web/inquiries/file_reading.py); its text comes back here as `FileText`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr

from flask import current_app
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from drafter.inquiry_metadata import read_inquiry_metadata
from web.inquiries.deadlines import compute_deadline
from web.knowledge.ingestion import safe_filename
from web.models import InquiryKind
from web.templating import today_local

PERSONAL_FIELDS = (
    "requester_name",
    "requester_organisation",
    "requester_email",
    "requester_street",
    "requester_postcode",
    "requester_city",
    "requester_reference",
)
# The fields an inquiry's own text can fill, with the names the form shows.
FROM_TEXT = {
    "subject": "Betreff",
    "received_on": "Eingangsdatum",
    "requester_name": "Name",
    "requester_email": "E-Mail",
}


@dataclass(frozen=True)
class FileText:
    """What a file given with the form said: its text, its name, its own headers (an e-mail's sender, subject, date)."""

    text: str
    filename: str
    headers: dict[str, str]


@dataclass
class InquiryInput:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    text: str = ""
    filename: str | None = None
    received_on: date | None = None
    deadline: date | None = None
    found: list[str] = field(default_factory=list)
    """The fields filled from the inquiry's text (keys of FROM_TEXT)."""


def read_metadata_form(form: ImmutableMultiDict) -> InquiryInput:
    """The fields shared by creating and editing an inquiry."""
    values = {
        key: form.get(key, "").strip()
        for key in ("reference", "kind", "subject", "received_on", "deadline", "assignee_id", *PERSONAL_FIELDS)
    }
    result = InquiryInput(values=values)
    if not values["reference"]:
        result.errors["reference"] = "Bitte das Aktenzeichen angeben."
    if values["kind"] not in {k.value for k in InquiryKind}:
        result.errors["kind"] = "Bitte die Art der Anfrage auswählen."
    result.received_on = _date(values["received_on"], "received_on", result, "Eingangsdatum")
    if values["deadline"]:
        result.deadline = _date(values["deadline"], "deadline", result, "Frist")
    if values["requester_email"] and "@" not in values["requester_email"]:
        result.errors["requester_email"] = "Die E-Mail-Adresse ist unvollständig (es fehlt „@“)."
    if result.received_on and not result.deadline and "kind" not in result.errors:
        period = current_app.config["DEADLINES"][values["kind"]]
        result.deadline = compute_deadline(result.received_on, period, current_app.config["STATE"])
    if result.received_on and result.deadline and result.deadline < result.received_on:
        result.errors["deadline"] = "Die Frist darf nicht vor dem Eingangsdatum liegen."
    return result


def upload_problem(form: ImmutableMultiDict, upload: FileStorage | None) -> str | None:
    """Why a file given with the form is not read at all: text pasted as well (which one is meant?)."""
    if upload is not None and upload.filename and form.get("text", "").strip():
        return "Bitte entweder Text einfügen oder eine Datei hochladen, nicht beides."
    return None


def read_new_inquiry(form: ImmutableMultiDict, from_file: FileText | None = None) -> InquiryInput:
    """Fields plus the inquiry text, taken from the pasted text or from the file read in the background.

    Fields left empty are filled from what the text says about itself; a received date that
    neither staff nor the text give is today.
    """
    text, filename, headers = _inquiry_text(form, from_file)
    values = form.to_dict()
    for key, value in (found_in_text(text, headers) if text else {}).items():
        if not values.get(key, "").strip():
            values[key] = value
    if not values.get("received_on", "").strip():
        values["received_on"] = today_local().isoformat()
    result = read_metadata_form(ImmutableMultiDict(values))
    result.values["text"] = form.get("text", "").strip()
    result.text, result.filename = text, filename
    if not text:
        result.errors["text"] = "Bitte den Text der Anfrage einfügen oder eine Datei hochladen."
    return result


def read_from_text(form: ImmutableMultiDict, from_file: FileText | None = None) -> InquiryInput:
    """The form again with subject, received date and requester as the inquiry's text gives them, for staff
    to check before the inquiry is created; an uploaded file's text moves into the text field."""
    text, filename, headers = _inquiry_text(form, from_file)
    result = InquiryInput(values={key: value.strip() for key, value in form.items()}, text=text, filename=filename)
    if not text:
        result.errors["text"] = "Bitte zuerst den Text der Anfrage einfügen oder eine Datei auswählen."
        return result
    found = found_in_text(text, headers)
    result.values |= found | {"text": text, "source_filename": filename or ""}
    result.found = list(found)
    return result


def found_in_text(text: str, headers: Mapping[str, str]) -> dict[str, str]:
    """Form values the inquiry gives about itself: subject, received date, the requester's name and address.

    `headers` are the uploaded file's own (an e-mail's sender, subject and date). The requester's
    data goes into the inquiry's fields only, never into the knowledge base.
    """
    found = read_inquiry_metadata(text, headers)
    _, address = parseaddr(headers.get("sender", ""))
    values = {
        "subject": found.subject,
        "received_on": found.received.isoformat() if found.received else None,
        "requester_name": found.requester,
        "requester_email": address if "@" in address else None,
    }
    return {key: value for key, value in values.items() if value}


def _inquiry_text(form: ImmutableMultiDict, from_file: FileText | None) -> tuple[str, str | None, Mapping[str, str]]:
    """Text, file name and the file's own headers, from the file read or from the pasted text.

    Text read from a file earlier (read_from_text) comes back pasted, with the file's name in a hidden field.
    """
    if from_file is not None:
        return from_file.text, from_file.filename, from_file.headers
    pasted = form.get("text", "").strip()
    earlier = form.get("source_filename", "").strip()
    return pasted, safe_filename(earlier) if pasted and earlier else None, {}


def _date(text: str, key: str, result: InquiryInput, label: str) -> date | None:
    if not text:
        result.errors[key] = f"Bitte das Datum „{label}“ angeben."
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        result.errors[key] = f"„{text}“ ist kein gültiges Datum für „{label}“ (Format JJJJ-MM-TT)."
        return None
