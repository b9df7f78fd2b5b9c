"""The reply letter as a German authority sends it (issue 14): DIN 5008 Form B on A4, the information block with
„Unser Zeichen“ once, answers under their section headings as the inquiry numbered them, the signature by kind,
an annex naming each document once; the frame edited before export; and control characters Word writes (issue 17).
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from tests.test_trust import CARE_STATISTICS, MOBILE_2025
from tests.web.conftest import login, post, wait_for_jobs
from tests.web.knowledge.test_knowledge import upload
from tests.web.review.test_review import _approve_all, drafted
from web.answers import answer_text
from web.database import db
from web.letters.docx_letter import TemplateInvalid, check_template, default_template, fill_template, xml_safe
from web.letters.letter import Letter, LetterAnswer, LetterSection, LetterSource, answer_heading
from web.models import AuditEntry, CitationRecord, Draft, Inquiry, Question, User

TWIPS_PER_MM = 1440 / 25.4


def sample_letter(**changes) -> Letter:
    values = {
        "authority": "Kreisverwaltung Talbach",
        "authority_address": "Hauptstraße 1 · 55555 Talbach",
        "return_line": "Kreisverwaltung Talbach · Hauptstraße 1 · 55555 Talbach",
        "recipient": ["FWG-Kreistagsfraktion", "Marktplatz 3", "55555 Talbach"],
        "their_reference": "FWG-17",
        "their_message": "14.01.2026",
        "our_reference": "FWG/2026/1",
        "contact": "Sabine Sachbearbeiterin",
        "phone": "06131 123-45",
        "email": "poststelle@talbach.example",
        "date": "01.12.2026",
        "subject": "Anfrage aus dem Kreistag: Digitalisierung",
        "salutation": "Sehr geehrte Damen und Herren,",
        "introduction": "Ihre Anfrage beantworten wir wie folgt:",
        "sections": [
            LetterSection("I. Schulen", [LetterAnswer("Zu 1.", "", "Es gibt 12 Schulen.")]),
            LetterSection("II. Kitas", [LetterAnswer("Zu 1.", "", "Es gibt 30 Kitas.")]),
        ],
        "remedy_note": None,
        "closing": "Für Rückfragen stehen wir Ihnen gern zur Verfügung.",
        "signature": ["Dr. Max Muster", "Landrat"],
    }
    return Letter(**(values | changes))


def docx_of(letter: Letter) -> Document:
    return Document(io.BytesIO(fill_template(default_template(), letter)))


def frame_of(document: Document, text: str) -> dict[str, int]:
    """Position and size (in mm) of the framed paragraph holding `text`."""
    for paragraph in document.paragraphs:
        frame = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:framePr')}")
        if text in paragraph.text and frame is not None:
            return {key: round(int(frame.get(qn(f"w:{key}"))) / TWIPS_PER_MM, 1) for key in ("x", "y", "w")}
    raise AssertionError(f"kein Rahmen mit „{text}“")


def test_the_letter_is_din_a4_with_address_field_and_information_block_where_din_5008_form_b_puts_them():
    document = docx_of(sample_letter())
    section = document.sections[0]
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210.0, 297.0)
    assert round(section.left_margin.mm) == 25 and round(section.right_margin.mm) >= 20
    assert frame_of(document, "FWG-Kreistagsfraktion") == {"x": 20.0, "y": 62.7, "w": 85.0}
    assert frame_of(document, "Kreisverwaltung Talbach · Hauptstraße 1") == {"x": 20.0, "y": 57.7, "w": 85.0}
    assert frame_of(document, "Unser Zeichen: FWG/2026/1") == {"x": 125.0, "y": 50.0, "w": 75.0}
    info = next(p.text for p in document.paragraphs if "Unser Zeichen" in p.text).splitlines()
    assert info == [
        "Ihr Zeichen: FWG-17",
        "Ihre Nachricht vom: 14.01.2026",
        "Unser Zeichen: FWG/2026/1",
        "Ansprechpartner: Sabine Sachbearbeiterin",
        "Telefon: 06131 123-45",
        "E-Mail: poststelle@talbach.example",
        "Datum: 01.12.2026",
    ]
    letterhead = section.first_page_header.paragraphs[0].text
    assert letterhead == "Kreisverwaltung Talbach\nHauptstraße 1 · 55555 Talbach"
    footer = section.first_page_footer._element.xml
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert "Seite " in section.first_page_footer.paragraphs[0].text


def test_unser_zeichen_appears_once_and_answers_stand_under_their_sections():
    document = docx_of(sample_letter())
    everything = "\n".join(p.text for p in document.paragraphs)
    assert everything.count("Unser Zeichen") == 1
    assert "{{" not in everything
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Sehr geehrte Damen und Herren,")
    assert texts[start : start + 8] == [
        "Sehr geehrte Damen und Herren,",
        "Ihre Anfrage beantworten wir wie folgt:",
        "I. Schulen",
        "Zu 1.",
        "Es gibt 12 Schulen.",
        "II. Kitas",
        "Zu 1.",
        "Es gibt 30 Kitas.",
    ]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == ["I. Schulen", "II. Kitas"]
    assert document.core_properties.language == "de-DE"


def test_answer_headings_follow_the_labels_as_printed():
    assert [answer_heading(label) for label in ("3", "1a", "b", "1.1", "II.")] == [
        "Zu 3.",
        "Zu 1a)",
        "Zu b)",
        "Zu 1.1",
        "Zu II.",
    ]


def test_the_annex_lists_each_document_once():
    sources = [LetterSource(1, "Haushaltsplan 2026", "Beschluss, 15.12.2025, Kreisverwaltung Talbach")]
    texts = [p.text for p in docx_of(sample_letter(annex=sources)).paragraphs]
    assert "Anlage: Verwendete Quellen" in texts
    assert texts.count("[1] Haushaltsplan 2026 (Beschluss, 15.12.2025, Kreisverwaltung Talbach)") == 1


def test_words_line_and_page_breaks_become_line_breaks_and_other_control_characters_go():
    assert xml_safe("Erste Zeile\x0bzweite\x0cdritte") == "Erste Zeile\nzweite\ndritte"
    assert xml_safe("Nullbyte\x00, Glocke\x07, Tab\tbleibt") == "Nullbyte, Glocke, Tab\tbleibt"


def test_a_letter_with_control_characters_is_written():
    letter = sample_letter(
        authority="Kreisverwaltung\x07",
        recipient=["Erika\x00 Mustermann"],
        sections=[LetterSection(None, [LetterAnswer("Zu 1.", "", "Erste Zeile\x0bzweite Zeile.")])],
    )
    texts = [p.text for p in docx_of(letter).paragraphs]
    assert "Erste Zeile\nzweite Zeile." in texts
    assert "Erika Mustermann" in texts


def approved(app, staff, reviewer, **inquiry_fields) -> None:
    ids = drafted(app, staff)
    with app.app_context():
        inquiry = db.session.get(Inquiry, 1)
        for key, value in inquiry_fields.items():
            setattr(inquiry, key, value)
        db.session.commit()
    _approve_all(app, staff, reviewer, ids)
    post(reviewer, "/review/inquiries/1/approve")


def exported(client, query: str = "format=docx") -> Document:
    response = client.get(f"/inquiries/1/letter/download?{query}")
    assert response.status_code == 200, response.headers.get("Location")
    return Document(io.BytesIO(response.data))


def test_a_table_of_figures_quoted_in_an_answer_keeps_its_rows_on_lines_of_their_own_in_the_letter(
    app, staff, reviewer
):
    curator = login(app, "curator")
    upload(curator, [(io.BytesIO(CARE_STATISTICS.encode()), "2026-04-antwort-eingliederungshilfe.txt")])
    wait_for_jobs(app)
    question = "Wie viele Leistungsberechtigte der Eingliederungshilfe gibt es zuletzt im Landkreis?"
    ids = drafted(app, staff, f"Anfrage der Fraktion\n\n1. {question}\n")
    table = "Jahr Leistungsberechtigte\n2022 1.184\n2023 1.231\n2024 1.297\n2025 1.342"
    assert f"{table} [1]" in staff.get(f"/answers/{ids[0]}").get_data(as_text=True)
    changed = table.replace("2025 1.342", "2025 1.400")  # a figure the source does not give: the check reads the rows
    post(staff, f"/answers/{ids[0]}/save", {"text": f"{changed} [1]", "base_revision": 1})
    assert "tag-unbelegt" in staff.get(f"/answers/{ids[0]}").get_data(as_text=True)
    post(staff, f"/answers/{ids[0]}/save", {"text": f"{table} [1]", "base_revision": 2})  # the rest deleted
    with app.app_context():
        assert len(db.session.get(Draft, ids[0]).revisions) == 3
    assert "tag-unbelegt" not in staff.get(f"/answers/{ids[0]}").get_data(as_text=True)  # the table still checks
    _approve_all(app, staff, reviewer, ids)
    post(reviewer, "/review/inquiries/1/approve")
    texts = [p.text for p in exported(staff).paragraphs]
    assert table in texts


def test_an_older_figure_keeps_its_date_mark_in_the_workspace_through_an_edit_and_in_the_letter(app, staff, reviewer):
    curator = login(app, "curator")  # a newer report than the sample knowledge's, stating the same figure anew
    upload(curator, [(io.BytesIO(MOBILE_2025.encode()), "2025-09-sachstandsbericht.txt")])
    wait_for_jobs(app)
    ids = drafted(app, staff, "Anfrage\n\n1. Wie viele Beschäftigte haben eine Vereinbarung über mobiles Arbeiten?\n")
    older = "536 der rund 1.080 Beschäftigten haben eine Vereinbarung über mobiles Arbeiten (November 2024: 448)."
    page = staff.get(f"/answers/{ids[0]}").get_data(as_text=True)
    assert f"{older} (Stand 09/2025)" in page  # shown, and so in the editor's text
    with app.app_context():
        text = db.session.get(Draft, ids[0]).current.text
    post(staff, f"/answers/{ids[0]}/save", {"text": text.replace(" abgeschlossen.", "."), "base_revision": 1})
    with app.app_context():
        draft = db.session.get(Draft, ids[0])
        assert len(draft.revisions) == 2
        [sentence] = [s for s in draft.current.sentences if s.text == older]
        assert (sentence.note, sentence.verified) == ("Stand 09/2025", True)  # the mark is not checked as a quote
    _approve_all(app, staff, reviewer, ids)
    post(reviewer, "/review/inquiries/1/approve")
    assert any(f"{older} (Stand 09/2025)" in p.text for p in exported(staff).paragraphs)


def test_a_council_reply_is_signed_by_the_landrat_and_addressed_to_the_group(app, staff, reviewer):
    app.config["COUNCIL_SIGNATORY"] = "Dr. Max Muster"
    approved(
        app,
        staff,
        reviewer,
        requester_organisation="FWG-Kreistagsfraktion",
        requester_street="Marktplatz 3",
        requester_postcode="55555",
        requester_city="Talbach",
    )
    texts = [p.text for p in exported(staff).paragraphs]
    assert "FWG-Kreistagsfraktion\nFWG-Fraktion\nMarktplatz 3\n55555 Talbach" in texts
    assert "\n\nDr. Max Muster\nLandrat" in texts
    assert not any("Im Auftrag" in text for text in texts)
    assert "Sehr geehrte Damen und Herren," in texts


def test_an_ifg_reply_is_signed_im_auftrag_by_the_person_handling_it(app, staff, reviewer):
    with app.app_context():
        sabine = db.session.scalar(select(User.id).where(User.username == "sabine"))
    approved(app, staff, reviewer, kind="ifg", requester_name="Erika Mustermann", assignee_id=sabine)
    texts = [p.text for p in exported(staff).paragraphs]
    assert "\n\nIm Auftrag\nSabine Sachbearbeiterin" in texts
    assert "Guten Tag Erika Mustermann," in texts
    assert any("Informationsfreiheitsgesetzes" in text for text in texts)


def test_answers_under_repeated_labels_keep_their_sections_and_the_annex_has_no_duplicates(app, staff, reviewer):
    ids = drafted(app, staff)
    with app.app_context():
        questions = db.session.scalars(select(Question).order_by(Question.position)).all()
        for question, (label, group) in zip(
            questions, [("1", "I. Digitales"), ("2", "I. Digitales"), ("1", "II. Daten")], strict=True
        ):
            question.label, question.group_title = label, group
        db.session.commit()
    # Two answers cite the same document: the annex lists it once, under one number.
    with app.app_context():
        first, second = (db.session.get(Draft, draft_id) for draft_id in ids[:2])
        shared, other = (
            next(c for c in d.citations if c.marker in answer_text.markers_in(d.current.paragraphs))
            for d in (first, second)
        )
        other.doc, other.title = shared.doc, shared.title
        for citation in db.session.scalars(select(CitationRecord).where(CitationRecord.doc == shared.doc)):
            citation.authority = "Statistisches Landesamt Rheinland-Pfalz"
        db.session.commit()
    _approve_all(app, staff, reviewer, ids)
    post(reviewer, "/review/inquiries/1/approve")
    texts = [p.text for p in exported(staff, "format=docx&sources=1").paragraphs]
    body = texts[texts.index("I. Digitales") :]
    assert [t for t in body if t.startswith("Zu ") or t.endswith(("Digitales", "Daten"))] == [
        "I. Digitales",
        "Zu 1.",
        "Zu 2.",
        "II. Daten",
        "Zu 1.",
    ]
    annex = texts[texts.index("Anlage: Verwendete Quellen") + 1 :]
    assert annex and len(annex) == len(set(annex))
    with app.app_context():
        cited = {
            (c.doc, c.title)
            for draft in db.session.scalars(select(Draft))
            for c in draft.citations
            if c.marker in answer_text.markers_in(draft.current.paragraphs)
        }
        citations = sum(len(draft.citations) for draft in db.session.scalars(select(Draft)))
    assert len(annex) == len(cited) < citations
    assert any(line.endswith("Statistisches Landesamt Rheinland-Pfalz)") for line in annex)
    assert sorted(line.split("] ", 1)[1].rsplit(" (", 1)[0] for line in annex) == sorted(t for _, t in cited)


def test_the_introduction_edited_before_export_is_in_the_letter(app, staff, reviewer):
    approved(app, staff, reviewer)
    page = staff.get("/inquiries/1/letter/").get_data(as_text=True)
    assert "Ihre Anfrage vom 14.01.2026 beantworten wir" in page
    response = post(
        staff,
        "/inquiries/1/letter/frame",
        {
            "letter_subject": "Digitalisierung der Kreisverwaltung",
            "letter_introduction": "gern beantworten wir Ihre Fragen zur Digitalisierung:",
            "letter_closing": "Wir hoffen, Ihnen damit geholfen zu haben.",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Die Freigabe der Gesamtantwort wurde zurückgenommen" in page
    post(reviewer, "/review/inquiries/1/approve")
    texts = [p.text for p in exported(staff).paragraphs]
    assert "gern beantworten wir Ihre Fragen zur Digitalisierung:" in texts
    assert "Wir hoffen, Ihnen damit geholfen zu haben." in texts
    assert "Digitalisierung der Kreisverwaltung" in texts


def test_editing_the_kind_of_an_approved_inquiry_revokes_the_approval_visibly_and_audited(app, staff, reviewer):
    approved(app, staff, reviewer)
    with app.app_context():
        assert db.session.get(Inquiry, 1).reply_approved
    form = {"reference": "FWG/2026/1", "kind": "citizen", "subject": "Anfrage der Fraktion"}
    form |= {"received_on": "2026-01-14", "deadline": "2026-02-16", "requester_name": "FWG-Fraktion"}
    page = post(staff, "/inquiries/1/edit", form, follow_redirects=True).get_data(as_text=True)
    assert "Die Freigabe der Gesamtantwort wurde zurückgenommen" in page and "Art und Rechtsgrundlage" in page
    with app.app_context():
        assert db.session.get(Inquiry, 1).reply_approved is False
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reply_approval_revoked"))
    assert staff.get("/inquiries/1/letter/download").status_code == 302


def template_docx(*paragraphs: str, header: str | None = None) -> bytes:
    """A county's letter template: its header line and its paragraphs with placeholders."""
    template = Document()
    if header is not None:
        template.sections[0].header.paragraphs[0].text = header
    for paragraph in paragraphs:
        template.add_paragraph(paragraph)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def upload_template(admin, data: bytes) -> str:
    """The page the administration sees after uploading `data` as the letter template."""
    return post(
        admin,
        "/admin/letter-template/",
        {"file": (io.BytesIO(data), "vorlage.docx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)


def test_an_administrator_uploads_the_countys_template_and_letters_use_it(app, staff, reviewer):
    admin = login(app, "admin")
    template = template_docx(
        "An: {{Empfänger}}",
        "Az.: {{Unser Zeichen}} vom {{Datum}}",
        "{{Betreff}}",
        "{{Brieftext}}",
        header="LANDKREIS TALBACH – Der Landrat",
    )
    assert "kein Word-Dokument" in upload_template(admin, b"kein docx")
    assert "Die Briefvorlage wurde übernommen" in upload_template(admin, template)
    approved(app, staff, reviewer)
    document = exported(staff)
    assert document.sections[0].header.paragraphs[0].text == "LANDKREIS TALBACH – Der Landrat"
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "An: FWG-Fraktion\n[PLZ Ort]"
    assert texts[1].startswith("Az.: FWG/2026/1 vom ")
    assert any(t.startswith("Zu 1a)") for t in texts)


def test_a_template_without_the_letter_text_placeholder_is_refused(app):
    page = upload_template(login(app, "admin"), template_docx("{{Empfänger}} {{Unbekannt}}"))
    assert "Unbekannte Platzhalter: {{Unbekannt}}" in page


def test_docx_export_of_an_answer_with_a_vertical_tab_succeeds(app, staff, reviewer):
    ids = drafted(app, staff)
    text = "Seit 2025 gilt:\x0bEs sind 158 Leistungen. [1]"
    assert post(staff, f"/answers/{ids[0]}/save", {"text": text, "base_revision": 1}).status_code == 302
    _approve_all(app, staff, reviewer, ids)
    post(reviewer, "/review/inquiries/1/approve")
    paragraphs = [p.text for p in exported(staff, "format=docx&sources=1").paragraphs]
    assert "Seit 2025 gilt:\nEs sind 158 Leistungen. [1]" in paragraphs


def test_answers_of_a_sent_inquiry_stay_locked_until_an_administrator_reopens_it_with_a_reason(app, staff, reviewer):
    approved(app, staff, reviewer)
    post(staff, "/inquiries/1/sent")
    with app.app_context():
        draft_id = db.session.scalar(select(Draft.id).order_by(Draft.id))
    page = post(
        reviewer, f"/review/answers/{draft_id}/reopen", {"comment": "Zahl prüfen."}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Die Anfrage ist als versandt vermerkt" in page
    with app.app_context():
        assert db.session.get(Draft, draft_id).status == "approved"
    admin = login(app, "admin")
    assert "FWG/2026/1" in admin.get("/admin/sent-inquiries/").get_data(as_text=True)
    refused = post(admin, "/admin/sent-inquiries/1/reopen", {"reason": ""}, follow_redirects=True)
    assert "Bitte begründen" in refused.get_data(as_text=True)
    post(admin, "/admin/sent-inquiries/1/reopen", {"reason": "Bürger meldet Zahlendreher."})
    with app.app_context():
        assert db.session.get(Inquiry, 1).sent_at is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sent_inquiry_reopened"))
        assert "Zahlendreher" in entry.detail
    post(reviewer, f"/review/answers/{draft_id}/reopen", {"comment": "Zahl prüfen."})
    with app.app_context():
        assert db.session.get(Draft, draft_id).status == "draft"


def test_a_template_with_the_letter_text_inside_other_text_is_refused():
    with pytest.raises(TemplateInvalid, match="in einem eigenen Absatz"):
        check_template(template_docx("{{Empfänger}}", "Text: {{Brieftext}}"))
