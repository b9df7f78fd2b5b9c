"""E-mails (.eml): the body as text, headers as metadata; attachments are named, not read."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from drafter.config import ParseLimits
from drafter.models import LoadedDocument
from drafter.text_cleaning import normalize_text

from .decoding import decode_text
from .html_files import check_blocks, html_to_text

_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_SIGNATURE_SEPARATOR = "-- "


def load_email(path: Path, data: bytes, limits: ParseLimits) -> LoadedDocument:
    message = message_from_bytes(data, policy=policy.default)
    metadata = {}
    for key, name in (("subject", "subject"), ("sender", "from")):
        if value := _header(message, name):
            metadata[key] = value
    if day := _sent_on(message):
        metadata["date"] = day
    if names := _attachment_names(message):
        metadata["attachments"] = ", ".join(names)
    if "subject" in metadata:
        metadata["title"] = metadata["subject"]
    return LoadedDocument(
        path=path, text=_body(message, path, limits), title=metadata.get("title", ""), metadata=metadata
    )


def _body(message: EmailMessage, path: Path, limits: ParseLimits) -> str:
    """The plain-text body if there is one with text, else the HTML body as text."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None and (text := _plain_text(plain)):
        return text
    html = message.get_body(preferencelist=("html",))
    if html is None:
        return ""
    markup = _part_text(html)
    check_blocks(path, markup, limits)
    return html_to_text(markup).text


def _plain_text(part: EmailMessage) -> str:
    text = _part_text(part).replace("\r\n", "\n")
    if str(part.get_param("format", "")).lower() == "flowed":
        text = unflow(text, delete_space=str(part.get_param("delsp", "")).lower() == "yes")
    return normalize_text(_QUOTE_MARKERS.sub("", text))


def _part_text(part: EmailMessage) -> str:
    """The part's text from its raw bytes: its declared charset is checked, not trusted."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_text(payload, part.get_content_charset())


def unflow(text: str, delete_space: bool = False) -> str:
    """Join the soft line breaks of a `format=flowed` body (RFC 3676, Thunderbird's default).

    A line ending in a space continues on the next line; quote markers are dropped.
    """
    lines: list[str] = []
    paragraph = ""
    for line in text.split("\n"):
        content = line.lstrip(">")
        content = content.removeprefix(" ")
        soft = content.endswith(" ") and content != _SIGNATURE_SEPARATOR
        paragraph += content[:-1] if soft and delete_space else content
        if not soft:
            lines.append(paragraph)
            paragraph = ""
    if paragraph:
        lines.append(paragraph)
    return "\n".join(lines)


def _header(message: EmailMessage, name: str) -> str:
    # The header parser of `email` still raises odd errors on malformed headers; a bad header
    # must not cost the body, so it is read as missing.
    try:
        value = message[name]
    except Exception:
        return ""
    return normalize_text(" ".join(str(value).split())) if value is not None else ""


def _sent_on(message: EmailMessage) -> str | None:
    try:
        sent = message["date"]
        moment = getattr(sent, "datetime", None)
    except Exception:  # see _header
        return None
    return moment.date().isoformat() if moment is not None else None


def _attachment_names(message: EmailMessage) -> list[str]:
    names: list[str] = []
    for part in message.walk():
        try:
            name = part.get_filename()
            # Logos in a signature come as inline images; an inline PDF is still an attachment.
            decoration = part.get_content_disposition() == "inline" and part.get_content_maintype() == "image"
        except Exception:  # see _header
            continue
        if name and not decoration and (name := " ".join(name.split())) not in names:
            names.append(name)
    return names
