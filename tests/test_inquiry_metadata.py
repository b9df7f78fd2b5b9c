"""Subject, received date and requester taken from the inquiry, as staff would read them off it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from drafter.inquiry_metadata import InquiryMetadata, read_inquiry_metadata
from drafter.loaders import load_document

from .conftest import ROOT

LETTER = """\
Fraktion Grüne Mitte im Kreistag Talbach
Petra Probe, Fraktionsvorsitzende
Am Markt 3, 56000 Talbach

An die
Landrätin des Landkreises Talbach

Talbach, 14. Januar 2026

Anfrage gemäß § 15 der Geschäftsordnung
Sanierung der Kreisstraße K 7 zwischen Talbach und
Oberdorf

Sehr geehrte Frau Landrätin,

1. Wann beginnt die Sanierung?
2. Was kostet sie?

Mit freundlichen Grüßen

Petra Probe
Fraktionsvorsitzende
"""

COUNCIL_FORM = """\
LANDKREIS TALBACH
Der Landrat

ANFRAGE

Kreisrätin Erika Beispiel
Kreisrat Jan Muster

vom 20.08.2025
Gremium:
Termin:

öffentlich

Radverkehr im Kreisgebiet - Lücken im Netz und Auswirkungen auf die
Schulwege

1. Wie viele Kilometer Radwege fehlen?

unterzeichnet von:
Erika Beispiel
Jan Muster
"""

PASTED_MAIL = """\
Von: Max Mustermann <max@example.org>
Gesendet: Montag, 19. Januar 2026 20:16
An: Poststelle Landkreis Talbach
Betreff: AW: Windpark Talbach-Süd

Sehr geehrte Damen und Herren,

wie viele Windräder sind geplant?

Viele Grüße
Max
"""


def test_a_letter_gives_its_title_date_line_and_signature():
    metadata = read_inquiry_metadata(LETTER)

    assert metadata == InquiryMetadata(
        subject="Sanierung der Kreisstraße K 7 zwischen Talbach und Oberdorf",
        received=date(2026, 1, 14),
        requester="Petra Probe",
    )


def test_a_council_form_skips_letterhead_names_and_fields_for_its_subject():
    metadata = read_inquiry_metadata(COUNCIL_FORM)

    assert metadata.subject == "Radverkehr im Kreisgebiet - Lücken im Netz und Auswirkungen auf die Schulwege"
    assert metadata.received == date(2025, 8, 20)
    assert metadata.requester == "Erika Beispiel, Jan Muster"


def test_pasted_mail_headers_win_over_the_salutation_and_the_greeting():
    metadata = read_inquiry_metadata(PASTED_MAIL)

    assert metadata == InquiryMetadata("Windpark Talbach-Süd", date(2026, 1, 19), "Max Mustermann")


def test_the_headers_of_a_quoted_mail_below_the_text_are_not_the_requesters():
    text = (
        "Sehr geehrte Damen und Herren,\n\nwann fährt der Bus?\n\nMit freundlichen Grüßen\nErika Beispiel\n\n"
        "Von: Landratsamt Talbach\nGesendet: Montag, 3. März 2025 10:12\n\nSehr geehrte Frau Beispiel, …\n\n"
        "Mit freundlichen Grüßen\nHans Amtmann\n"
    )

    metadata = read_inquiry_metadata(text)

    assert (metadata.requester, metadata.received) == ("Erika Beispiel", None)


def test_the_file_formats_headers_win_over_the_text():
    headers = {"subject": "Ladepunkte", "sender": "Jan Beispiel <jan@example.org>", "date": "2026-01-19"}

    metadata = read_inquiry_metadata(PASTED_MAIL, headers)

    assert metadata == InquiryMetadata("Ladepunkte", date(2026, 1, 19), "Jan Beispiel")


def test_a_betreff_line_is_the_subject_never_the_salutation():
    text = "Sehr geehrter Herr Landrat,\n\nBetreff: Schulbusse\n\nwann fährt der Bus?\n"

    assert read_inquiry_metadata(text).subject == "Schulbusse"


def test_what_the_text_does_not_say_stays_empty():
    metadata = read_inquiry_metadata("Sehr geehrter Herr Landrat,\n\nwann fährt der Bus?\n")

    assert metadata == InquiryMetadata(None, None, None)
    assert metadata.to_json() == {"subject": None, "received": None, "requester": None}


def test_split_command_adds_the_metadata_beside_the_questions(tmp_path: Path):
    inquiry = tmp_path / "anfrage.txt"
    inquiry.write_text(
        "Betreff: Radweg\n\nI. Verkehr\n1. Wann kommt der Radweg?\nII. Schulen\n1. Wie viele Schulen?\n\n"
        "Mit freundlichen Grüßen\nErika Beispiel\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DRAFTER_LLM_URL": ""}

    result = subprocess.run(
        [sys.executable, "-m", "drafter", "split", str(inquiry), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "questions": [
            {"label": "1", "text": "Wann kommt der Radweg?", "group": "I. Verkehr"},
            {"label": "1", "text": "Wie viele Schulen?", "group": "II. Schulen"},
        ],
        "subject": "Radweg",
        "received": None,
        "requester": "Erika Beispiel",
    }


def test_the_sample_e_mail_inquiry_gives_subject_date_and_sender_from_its_headers():
    document = load_document(ROOT / "knowledge" / "inquiries" / "2026-ifg-anfrage-buerger.eml")

    metadata = read_inquiry_metadata(document.text, document.metadata)

    assert metadata == InquiryMetadata(
        subject="Antrag nach dem Landestransparenzgesetz - Online-Dienste, Ladepunkte, Glasfaser",
        received=date(2026, 1, 19),
        requester="Jan Beispielmann",
    )
