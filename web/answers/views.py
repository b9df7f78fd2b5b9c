"""The draft workspace: one answer with its sources, editing as revisions, further passages, submitting.

Every save is a new revision (never an overwrite); a save based on an older revision than
the current one is refused with both texts shown, so two colleagues cannot silently
overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from drafter.errors import DocumentNotFound
from drafter.models import DocType, DraftSentence, DraftStatus
from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, READ_INQUIRIES, roles_required
from web.answers import answer_text, rules
from web.answers.citations import citation_record, passage_citation
from web.answers.queries import get_draft
from web.answers.rendering import answer_paragraphs, highlighted, word_diff
from web.answers.rules import WorkflowError, check_editable
from web.answers.workflow import add_revision, submit, withdraw
from web.database import db
from web.inquiries.queries import get_inquiry
from web.knowledge_store import knowledge_base
from web.models import CitationRecord, Comment, Draft, Question, ReviewDecision, RevisionOrigin, Role

bp = Blueprint("drafts", __name__, url_prefix="/answers", template_folder="templates")

FURTHER_PASSAGES = 8


@dataclass
class Source:
    """One cited passage with all quotes from it highlighted."""

    marker: int
    title: str
    doc: str
    doc_type: str
    date: str | None
    page: int | None
    chunk_id: str
    pieces: list[tuple[str, bool]]
    in_text: bool


def sources_of(draft: Draft, paragraphs: list[list[DraftSentence]]) -> list[Source]:
    used = answer_text.markers_in(paragraphs)
    grouped: dict[int, list[CitationRecord]] = {}
    for citation in draft.citations:
        grouped.setdefault(citation.marker, []).append(citation)
    sources = []
    for marker, citations in sorted(grouped.items()):
        first = citations[0]
        sources.append(
            Source(
                marker=marker,
                title=first.title,
                doc=first.doc,
                doc_type=_type_label(first.doc_type),
                date=first.doc_date,
                page=first.page,
                chunk_id=first.chunk_id,
                pieces=highlighted(first.passage_text, [(c.quote_start, c.quote_end) for c in citations]),
                in_text=marker in used,
            )
        )
    return sources


def _type_label(value: str | None) -> str:
    try:
        return DocType(value).label_de
    except ValueError:
        return value or "–"


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
    return render_template(
        "drafts/workspace.html",
        draft=draft,
        inquiry=inquiry,
        current=current,
        paragraphs=answer_paragraphs(paragraphs, {s.marker for s in sources}),
        unverified=rules.has_unverified(draft),
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
    paragraphs = answer_text.parse(text)
    if paragraphs == draft.current.paragraphs:
        flash("Der Text ist unverändert; es wurde keine neue Version angelegt.", "info")
        return redirect(url_for("drafts.workspace", draft_id=draft.id))
    revision = add_revision(draft, paragraphs, RevisionOrigin.EDITED, current_user)
    db.session.flush()
    audit.record("draft_edited", "draft", draft.id, inquiry_id=draft.question.inquiry_id, revision=revision.number)
    db.session.commit()
    flash(f"Gespeichert als Version {revision.number}.", "success")
    return redirect(url_for("drafts.workspace", draft_id=draft.id))


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


@bp.route("/<int:draft_id>/passages")
@roles_required(*READ_INQUIRIES)
def passages(draft_id: int):
    draft = get_draft(draft_id)
    query = request.args.get("q", "").strip() or draft.question.text
    cited = {c.chunk_id for c in draft.citations}
    hits = [h for h in knowledge_base().search(query, k=FURTHER_PASSAGES + len(cited)) if h.chunk.chunk_id not in cited]
    template = "drafts/_passages.html" if request.headers.get("HX-Request") else "drafts/passages.html"
    return render_template(
        template,
        draft=draft,
        inquiry=draft.question.inquiry,
        hits=hits[:FURTHER_PASSAGES],
        query=request.args.get("q", "").strip(),
        can_edit=current_user.has_role(*EDIT_INQUIRIES) and not rules.is_locked(draft),
    )


@bp.route("/<int:draft_id>/passages/add", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def add_passage(draft_id: int):
    draft = get_draft(draft_id)
    try:
        check_editable(draft)
        kb = knowledge_base()
        chunk = kb.chunk(request.form.get("chunk_id", ""))
        document = kb.document(chunk.doc_id)
    except (WorkflowError, DocumentNotFound) as error:
        flash(str(error), "error")
        return redirect(url_for("drafts.workspace", draft_id=draft.id))
    existing = next((c.marker for c in draft.citations if c.chunk_id == chunk.chunk_id), None)
    marker = existing or max((c.marker for c in draft.citations), default=0) + 1
    citation = passage_citation(chunk, document, marker)
    draft.citations.append(citation_record(citation, added_by_id=current_user.id))
    paragraphs = [*draft.current.paragraphs, [DraftSentence(citation.quote, [marker])]]
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
    flash(f"Fundstelle [{marker}] aus „{document.title}“ wurde angefügt (Version {revision.number}).", "success")
    return redirect(url_for("drafts.workspace", draft_id=draft.id, _anchor="antwort"))


@bp.route("/<int:draft_id>/submit", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def submit_one(draft_id: int):
    draft = get_draft(draft_id)
    try:
        submit(draft, current_user)
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
    ready = [q.draft for q in inquiry.questions if q.draft is not None and rules.is_submittable(q.draft)]
    for draft in ready:
        submit(draft, current_user)
    db.session.commit()
    missing = [q.label for q in inquiry.questions if q.draft is None]
    message = f"{len(ready)} Antworten liegen jetzt zur Prüfung vor."
    if missing:
        message += f" Noch ohne Entwurf: {', '.join(missing)}."
    flash(message, "success" if ready else "info")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id, _anchor="fragen"))
