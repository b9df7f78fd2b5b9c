"""Reading the inquiry form: validated fields, the text from paste or upload, German messages per field.

Errors are collected per field so the form can be shown again with everything the user
typed; only a file input cannot be refilled by the browser.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from drafter.errors import DocumentError
from drafter.loaders import load_document
from web.inquiries.deadlines import compute_deadline
from web.knowledge.ingestion import safe_filename
from web.models import InquiryKind

PERSONAL_FIELDS = ("requester_name", "requester_email", "requester_street", "requester_postcode", "requester_city")


@dataclass
class InquiryInput:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    text: str = ""
    filename: str | None = None
    received_on: date | None = None
    deadline: date | None = None


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
        result.deadline = compute_deadline(result.received_on, period)
    if result.received_on and result.deadline and result.deadline < result.received_on:
        result.errors["deadline"] = "Die Frist darf nicht vor dem Eingangsdatum liegen."
    return result


def read_new_inquiry(form: ImmutableMultiDict, upload: FileStorage | None) -> InquiryInput:
    """Fields plus the inquiry text, taken from the pasted text or from the uploaded file."""
    has_file = upload is not None and bool(upload.filename)
    pasted = form.get("text", "").strip()
    metadata: dict[str, str] = {}
    text, filename, file_error = pasted, None, None
    if has_file and pasted:
        file_error = "Bitte entweder Text einfügen oder eine Datei hochladen, nicht beides."
    elif has_file:
        filename = safe_filename(upload.filename)
        try:
            loaded = _load_upload(upload, filename)
            text, metadata = loaded.text.strip(), loaded.metadata
        except DocumentError as error:
            file_error = str(error)
    result = read_metadata_form(_prefill(form, metadata))
    result.values["text"] = pasted
    result.text, result.filename = text, filename
    if file_error:
        result.errors["file"] = file_error
    elif not text:
        result.errors["text"] = "Bitte den Text der Anfrage einfügen oder eine Datei hochladen."
    if not result.values["subject"] and text:
        result.values["subject"] = metadata.get("subject") or _first_line(text)
    return result


def _load_upload(upload: FileStorage, filename: str):
    suffix = Path(filename).suffix.lower()
    limit = current_app.config["MAX_FILE_BYTES"]
    with tempfile.TemporaryDirectory(prefix="anfrage-") as folder:
        path = Path(folder) / filename
        upload.save(path)
        if not suffix:
            path = path.rename(path.with_suffix(".txt"))
        return load_document(path, max_bytes=limit)


def _prefill(form: ImmutableMultiDict, metadata: dict[str, str]) -> ImmutableMultiDict:
    """Fill empty fields from an e-mail's headers: sender, subject and date."""
    if not metadata:
        return form
    values = form.to_dict()
    name, address = parseaddr(metadata.get("sender", ""))
    defaults = {
        "subject": metadata.get("subject", ""),
        "received_on": metadata.get("date", ""),
        "requester_name": name,
        "requester_email": address,
    }
    for key, value in defaults.items():
        if value and not values.get(key, "").strip():
            values[key] = value
    return ImmutableMultiDict(values)


def _date(text: str, key: str, result: InquiryInput, label: str) -> date | None:
    if not text:
        result.errors[key] = f"Bitte das Datum „{label}“ angeben."
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        result.errors[key] = f"„{text}“ ist kein gültiges Datum für „{label}“ (Format JJJJ-MM-TT)."
        return None


def _first_line(text: str, limit: int = 120) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"
