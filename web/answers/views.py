"""The draft workspace: one answer with its sources, editing as revisions, further passages, submitting.

Every save is a new revision (never an overwrite); a save based on an older revision than
the current one is refused with both texts shown, so two colleagues cannot silently
overwrite each other.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from drafter.errors import DocumentNotFound
from drafter.models import DraftSentence, DraftStatus, SearchHit
from drafter.retrieval.highlight import highlight_terms
from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, READ_INQUIRIES, roles_required
from web.answers import answer_text, rules
from web.answers.checks import (
    SentenceState,
    check_sentences,
    checked_paragraphs,
    machine_sentences,
    plural,
    review_notes,
)
from web.answers.citations import citation_record, passage_citation, quotable_sentences
from web.answers.queries import get_draft
from web.answers.rendering import answer_paragraphs, word_diff
from web.answers.rules import WorkflowError, check_editable
from web.answers.sources import MAX_QUERY_CHARS, hit_explanation, search_query, sources_of
from web.answers.workflow import add_revision, submit, withdraw
from web.database import db
from web.inquiries.queries import get_inquiry
from web.knowledge_store import knowledge_base
from web.models import Comment, Draft, Question, ReviewDecision, RevisionOrigin, Role

bp = Blueprint("drafts", __name__, url_prefix="/answers", template_folder="templates")
bp.add_app_template_test(rules.is_unchanged_machine_draft, "is_unchanged_draft")

FURTHER_PASSAGES = 8
MAX_ANSWER_CHARS = 30_000
"""An answer to one question longer than this is a pasted document, not an answer; it also bounds the diff."""


def _workspace(draft: Draft, *, edit_text: str | None = None, conflict=None, status: int = 200):
    inquiry = draft.question.inquiry
    current = draft.current
    siblings = db.session.execute(
        select(Draft.id, Question.label)
        .join(Question)
        .where(Question.inquiry_id == inquiry.id)
        .order_by(Question.position)
    ).all()
    index = next(i for i, row in enumerate(siblings) if row.id == draft.id)
    comments = db.session.scalars(select(Comment).where(Comment.draft_id == draft.id).order_by(Comment.id)).all()
    decisions = db.session.scalars(
        select(ReviewDecision).where(ReviewDecision.draft_id == draft.id).order_by(ReviewDecision.id)
    ).all()
    paragraphs = current.paragraphs
    sources = sources_of(draft, paragraphs)
    checked = check_sentences(paragraphs, draft.citations, machine_sentences(draft))
    return render_template(
        "drafts/workspace.html",
        draft=draft,
        inquiry=inquiry,
        current=current,
        paragraphs=answer_paragraphs(checked, {s.marker for s in sources}),
        unverified=any(c.state != SentenceState.BELEGT for paragraph in checked for c in paragraph),
        notes=review_notes(draft, max_age_years=current_app.config["SOURCE_MAX_AGE_YEARS"]),
        unchanged_machine_draft=rules.is_unchanged_machine_draft(draft),
        max_answer_chars=MAX_ANSWER_CHARS,
        no_basis=draft.outcome == DraftStatus.INSUFFICIENT_EVIDENCE and current.origin == RevisionOrigin.GENERATED,
        sources=sources,
        previous=siblings[index - 1] if index > 0 else None,
        following=siblings[index + 1] if index + 1 < len(siblings) else None,
        comments=comments,
        decisions=decisions,
        can_edit=current_user.has_role(*EDIT_INQUIRIES) and not rules.is_locked(draft),
        can_submit=rules.is_submittable(draft),
        can_review=current_user.has_role(Role.REVIEWER),
        is_author=not rules.may_approve(draft, current_user),
        edit_text=current.text if edit_text is None else edit_text,
        conflict=conflict,
    ), status


@bp.route("/<int:draft_id>")
@roles_required(*READ_INQUIRIES)
def workspace(draft_id: int):
    return _workspace(get_draft(draft_id))


@bp.route("/<int:draft_id>/save", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def save(draft_id: int):
    draft = get_draft(draft_id)
    text = request.form.get("text", "").replace("\r\n", "\n").strip()
    base = request.form.get("base_revision", type=int)
    try:
        check_editable(draft)
    except WorkflowError as error:
        flash(str(error), "error")
        return _workspace(draft, edit_text=text, status=409)
    if base != draft.current.number:
        flash(
            f"{draft.current.author.display_name} hat die Antwort inzwischen geändert (Version "
            f"{draft.current.number}). Ihr Text ist unten erhalten; bitte mit der aktuellen Fassung abgleichen "
            "und erneut speichern.",
            "error",
        )
        return _workspace(draft, edit_text=text, conflict=word_diff(draft.current.text, text), status=409)
    if not text:
        flash("Eine leere Antwort kann nicht gespeichert werden.", "error")
        return _workspace(draft, edit_text=text, status=400)
    if len(text) > MAX_ANSWER_CHARS:
        flash(
            f"Die Antwort ist mit {len(text):,} Zeichen zu lang (höchstens {MAX_ANSWER_CHARS:,}). Bitte kürzen und "
            "erneut speichern; Ihr Text ist unten erhalten.".replace(",", "."),
            "error",
        )
        return _workspace(draft, edit_text=text, status=400)
    paragraphs = checked_paragraphs(answer_text.parse(text), draft.citations, machine_sentences(draft))
    if paragraphs == draft.current.paragraphs:
        flash("Der Text ist unverändert; es wurde keine neue Version angelegt.", "info")
        return redirect(url_for("drafts.workspace", draft_id=draft.id))
    try:
        revision = add_revision(draft, paragraphs, RevisionOrigin.EDITED, current_user)
        db.session.flush()
        audit.record("draft_edited", "draft", draft.id, inquiry_id=draft.question.inquiry_id, revision=revision.number)
        db.session.commit()
    except (IntegrityError, OperationalError):
        return _save_conflict(draft_id, text)
    flagged = sum(not s.verified for s in revision.sentences)
    if flagged:
        flash(
            f"Gespeichert als Version {revision.number}. {plural(flagged, 'Satz ist', 'Sätze sind')} nicht belegt; "
            "sie sind im Text markiert.",
            "warning",
        )
    else:
        flash(f"Gespeichert als Version {revision.number}.", "success")
    return redirect(url_for("drafts.workspace", draft_id=draft.id))


def _save_conflict(draft_id: int, text: str):
    """A colleague saved the same answer at the same moment: their version stands, this text is kept beside it.

    Both saves were based on the same version; the database lets only one of them take the next
    number (or, on SQLite, holds the write lock), so the other ends here instead of in an error page.
    """
    db.session.rollback()
    draft = get_draft(draft_id)
    flash(
        f"{draft.current.author.display_name} hat die Antwort gleichzeitig gespeichert (Version "
        f"{draft.current.number}). Ihr Text ist unten erhalten; bitte mit der aktuellen Fassung abgleichen "
        "und erneut speichern.",
        "error",
    )
    return _workspace(draft, edit_text=text, conflict=word_diff(draft.current.text, text), status=409)


@bp.route("/<int:draft_id>/revisions")
@roles_required(*READ_INQUIRIES)
def revisions(draft_id: int):
    draft = get_draft(draft_id)
    number = request.args.get("version", type=int) or draft.current.number
    by_number = {r.number: r for r in draft.revisions}
    revision = by_number.get(number) or abort(404)
    previous = by_number.get(number - 1)
    diff = word_diff(previous.text, revision.text) if previous else [("insert", revision.text)]
    return render_template(
        "drafts/revisions.html",
        draft=draft,
        inquiry=draft.question.inquiry,
        revision=revision,
        previous=previous,
        diff=diff,
    )


@bp.route("/<int:draft_id>/passages", methods=["GET", "POST"])
@roles_required(*READ_INQUIRIES)
def passages(draft_id: int):
    """POST from the search form, since pasted search text may not fit into a URL; GET for links."""
    draft = get_draft(draft_id)
    entered, shortened = search_query((request.form if request.method == "POST" else request.args).get("q", ""))
    query = entered or draft.question.text
    cited = {c.chunk_id for c in draft.citations}
    hits = [h for h in knowledge_base().search(query, k=FURTHER_PASSAGES + len(cited)) if h.chunk.chunk_id not in cited]
    template = "drafts/_passages.html" if request.headers.get("HX-Request") else "drafts/passages.html"
    return render_template(
        template,
        draft=draft,
        inquiry=draft.question.inquiry,
        hits=[
            (hit, _quotable(hit), hit_explanation(hit, query), highlight_terms(hit.chunk.text, query))
            for hit in hits[:FURTHER_PASSAGES]
        ],
        found=plural(min(len(hits), FURTHER_PASSAGES), "weitere Fundstelle", "weitere Fundstellen"),
        answer_sentences=[s.text for s in draft.current.sentences],
        query=entered,
        shortened=shortened,
        max_query_chars=f"{MAX_QUERY_CHARS:,}".replace(",", "."),
        can_edit=current_user.has_role(*EDIT_INQUIRIES) and not rules.is_locked(draft),
    )


def _span(value: str) -> tuple[int, int] | None:
    """A chosen sentence of a passage, sent as „start-end“."""
    start, _, end = value.partition("-")
    return (int(start), int(end)) if start.isdigit() and end.isdigit() else None


def _quotable(hit: SearchHit) -> list[tuple[int, int, str]]:
    return [(start, end, hit.chunk.text[start:end]) for start, end in quotable_sentences(hit.chunk)]


@bp.route("/<int:draft_id>/passages/add", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def add_passage(draft_id: int):
    """Quote one sentence of a passage as a new paragraph, or cite it for a sentence staff wrote („für Satz“)."""
    draft = get_draft(draft_id)
    try:
        check_editable(draft)
        kb = knowledge_base()
        chunk = kb.chunk(request.form.get("chunk_id", ""))
        document = kb.document(chunk.doc_id)
    except (WorkflowError, DocumentNotFound) as error:
        flash(str(error), "error")
        return redirect(url_for("drafts.workspace", draft_id=draft.id))
    span = _span(request.form.get("span", ""))
    if span not in quotable_sentences(chunk):
        flash("Bitte einen Satz der Fundstelle auswählen; Überschriften lassen sich nicht übernehmen.", "error")
        return redirect(url_for("drafts.workspace", draft_id=draft.id))
    paragraphs = draft.current.paragraphs
    sentences = [s for paragraph in paragraphs for s in paragraph]
    target = request.form.get("sentence", type=int) if request.form.get("sentence") else None
    if target is not None and not 0 <= target < len(sentences):
        flash("Diesen Satz gibt es in der aktuellen Fassung nicht mehr. Bitte die Seite neu laden.", "error")
        return redirect(url_for("drafts.workspace", draft_id=draft.id))
    existing = next(
        (c.marker for c in draft.citations if (c.chunk_id, c.quote_start, c.quote_end) == (chunk.chunk_id, *span)),
        None,
    )
    marker = existing or max((c.marker for c in draft.citations), default=0) + 1
    citation = passage_citation(chunk, document, marker, *span, knowledge_base().settings.authority_name)
    if existing is None:
        draft.citations.append(citation_record(citation, added_by_id=current_user.id))
    if target is None:
        paragraphs = [*paragraphs, [DraftSentence(citation.quote, [marker])]]
    else:
        sentences[target].markers.append(marker)
    paragraphs = checked_paragraphs(paragraphs, draft.citations, machine_sentences(draft))
    revision = add_revision(draft, paragraphs, RevisionOrigin.SOURCE_ADDED, current_user)
    db.session.flush()
    audit.record(
        "source_added",
        "draft",
        draft.id,
        inquiry_id=draft.question.inquiry_id,
        chunk_id=chunk.chunk_id,
        revision=revision.number,
    )
    db.session.commit()
    if target is None:
        message = f"Ein Satz aus „{document.title}“ wurde mit Fundstelle [{marker}] angefügt"
    else:
        message = f"Fundstelle [{marker}] aus „{document.title}“ belegt jetzt Satz {target + 1}"
    flash(f"{message} (Version {revision.number}).", "success")
    return redirect(url_for("drafts.workspace", draft_id=draft.id, _anchor="antwort"))


@bp.route("/<int:draft_id>/submit", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def submit_one(draft_id: int):
    draft = get_draft(draft_id)
    try:
        submit(draft, current_user, confirmed_unchanged=request.form.get("confirm_unchanged") == "1")
        db.session.commit()
        flash(f"Antwort {draft.question.label} liegt jetzt zur Prüfung vor.", "success")
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("drafts.workspace", draft_id=draft.id))


@bp.route("/<int:draft_id>/withdraw", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def withdraw_one(draft_id: int):
    draft = get_draft(draft_id)
    try:
        withdraw(draft, current_user)
        db.session.commit()
        flash(f"Antwort {draft.question.label} ist wieder in Bearbeitung.", "success")
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("drafts.workspace", draft_id=draft.id))


@bp.route("/inquiry/<int:inquiry_id>/submit-all", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def submit_all(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    confirmed = set(request.form.getlist("confirm_unchanged", type=int))
    ready, unconfirmed = [], []
    for question in inquiry.questions:
        draft = question.draft
        if draft is None or not rules.is_submittable(draft):
            continue
        if rules.is_unchanged_machine_draft(draft) and draft.id not in confirmed:
            unconfirmed.append(question.label)
        else:
            ready.append(draft)
    for draft in ready:
        submit(draft, current_user, confirmed_unchanged=True)
    db.session.commit()
    missing = [q.label for q in inquiry.questions if q.draft is None]
    message = f"{plural(len(ready), 'Antwort liegt', 'Antworten liegen')} jetzt zur Prüfung vor."
    if not ready:
        message = "Keine Antwort wurde zur Prüfung gegeben."
    if unconfirmed:
        message += (
            f" Unverändert übernommene automatische Entwürfe ({', '.join(unconfirmed)}) bitte einzeln in der "
            "Antwort prüfen und mit „Unverändert einreichen“ bestätigen."
        )
    if missing:
        message += f" Noch ohne Entwurf: {', '.join(missing)}."
    flash(message, "success" if ready else "info")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id, _anchor="fragen"))
