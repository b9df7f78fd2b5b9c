"""Knowledge-base pages: documents, their passages and full text, uploads with progress, search.

Everyone who drafts or reviews may read and search (to check a source); only curators
upload, change metadata, delete and re-index.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from drafter.errors import DocumentNotFound, KnowledgeBaseBusy
from drafter.models import DocType
from drafter.retrieval.highlight import highlight_terms
from web import audit
from web.accounts.permissions import CURATE, READ_KNOWLEDGE, roles_required
from web.answers.sources import MAX_QUERY_CHARS, hit_explanation, search_query
from web.database import db
from web.knowledge.ingestion import QUEUE, accept_uploads, queue_reindex, remove_source_file
from web.knowledge_store import knowledge_base
from web.models import IngestionJob, JobState

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge", template_folder="templates")

SEARCH_RESULTS = 20
RECENT_JOBS = 100


def _doc_type(value: str | None) -> DocType | None:
    try:
        return DocType(value) if value else None
    except ValueError:
        return None


def _iso_date(value: str | None) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def _document(doc_id: str):
    try:
        return knowledge_base().document(doc_id)
    except DocumentNotFound:
        abort(404)


@bp.route("/")
@roles_required(*READ_KNOWLEDGE)
def index():
    doc_type = _doc_type(request.args.get("type"))
    text = request.args.get("q", "").strip().lower()
    documents = knowledge_base().documents()
    shown = [
        d
        for d in documents
        if (doc_type is None or d.doc_type == doc_type)
        and (not text or text in d.title.lower() or text in d.name.lower())
    ]
    shown.sort(key=lambda d: (d.date or "", d.name), reverse=True)
    active = db.session.scalar(
        select(IngestionJob.id).where(IngestionJob.state.in_([JobState.QUEUED, JobState.RUNNING])).limit(1)
    )
    return render_template(
        "knowledge/index.html",
        documents=shown,
        total=len(documents),
        doc_types=list(DocType),
        doc_type=doc_type,
        q=request.args.get("q", ""),
        jobs_active=active is not None,
    )


@bp.route("/upload", methods=["GET", "POST"])
@roles_required(*CURATE)
def upload():
    limit_mb = current_app.config["MAX_FILE_BYTES"] / 1_048_576
    if request.method == "GET":
        return render_template("knowledge/upload.html", doc_types=list(DocType), limit_mb=limit_mb, errors={})
    files = [f for f in request.files.getlist("files") if f and f.filename]
    errors = {}
    if not files:
        errors["files"] = "Bitte mindestens eine Datei auswählen."
    raw_date = request.form.get("date", "").strip()
    doc_date = _iso_date(raw_date)
    if raw_date and doc_date is None:
        errors["date"] = f"„{raw_date}“ ist kein gültiges Datum (Format JJJJ-MM-TT)."
    if errors:
        return render_template("knowledge/upload.html", doc_types=list(DocType), limit_mb=limit_mb, errors=errors), 400
    batch, jobs = accept_uploads(files, _doc_type(request.form.get("doc_type")), doc_date, current_user)
    db.session.commit()
    current_app.extensions["drafter_jobs"].submit(QUEUE, [j.id for j in jobs if j.state == JobState.QUEUED])
    refused = [j for j in jobs if j.state == JobState.FAILED]
    if refused:
        flash(
            f"{len(refused)} von {len(jobs)} Dateien konnten nicht angenommen werden; die Gründe stehen unten. "
            "Die übrigen werden eingelesen.",
            "warning",
        )
    else:
        flash(f"{len(jobs)} Dateien werden eingelesen.", "success")
    return redirect(url_for("knowledge.batch", batch=batch))


@bp.route("/uploads/<batch>")
@roles_required(*CURATE)
def batch(batch: str):
    jobs = db.session.scalars(select(IngestionJob).where(IngestionJob.batch == batch).order_by(IngestionJob.id)).all()
    if not jobs:
        abort(404)
    busy = any(j.state in {JobState.QUEUED, JobState.RUNNING} for j in jobs)
    if request.headers.get("HX-Request"):  # polled every two seconds; 286 tells htmx to stop
        return render_template("knowledge/_jobs.html", jobs=jobs, busy=busy), (200 if busy else 286)
    return render_template("knowledge/batch.html", jobs=jobs, busy=busy, batch=batch)


@bp.route("/jobs")
@roles_required(*CURATE)
def jobs():
    recent = db.session.scalars(select(IngestionJob).order_by(IngestionJob.id.desc()).limit(RECENT_JOBS)).all()
    return render_template("knowledge/jobs.html", jobs=recent)


@bp.route("/documents/<doc_id>")
@roles_required(*READ_KNOWLEDGE)
def document(doc_id: str):
    info = _document(doc_id)
    kb = knowledge_base()
    others = [d for d in kb.documents() if d.doc_id != doc_id]
    return render_template(
        "knowledge/document.html",
        document=info,
        chunks=kb.chunks(doc_id),
        doc_types=list(DocType),
        others=others,
        successor=next((d for d in others if d.doc_id == info.superseded_by), None),
    )


@bp.route("/documents/<doc_id>/text")
@roles_required(*READ_KNOWLEDGE)
def document_text(doc_id: str):
    kb = knowledge_base()
    info = _document(doc_id)
    text = kb.document_text(doc_id)
    passage = None
    chunk_id = request.args.get("passage")
    if chunk_id:
        try:
            passage = kb.chunk(chunk_id)
        except DocumentNotFound:
            passage = None
    if passage is not None and passage.doc_id == doc_id:
        pieces = [
            (text[: passage.char_start], False),
            (text[passage.char_start : passage.char_end], True),
            (text[passage.char_end :], False),
        ]
    else:
        passage, pieces = None, [(text, False)]
    return render_template("knowledge/text.html", document=info, pieces=pieces, passage=passage)


@bp.route("/passages/<chunk_id>")
@roles_required(*READ_KNOWLEDGE)
def passage(chunk_id: str):
    try:
        chunk = knowledge_base().chunk(chunk_id)
    except DocumentNotFound:
        flash(
            "Diese Fundstelle ist nicht mehr in der Wissensbasis (Dokument entfernt oder neu eingelesen). "
            "Der zitierte Wortlaut bleibt im Entwurf erhalten.",
            "warning",
        )
        return redirect(url_for("knowledge.index"))
    return redirect(
        url_for("knowledge.document_text", doc_id=chunk.doc_id, passage=chunk.chunk_id, _anchor="fundstelle")
    )


@bp.route("/documents/<doc_id>/metadata", methods=["POST"])
@roles_required(*CURATE)
def update_metadata(doc_id: str):
    _document(doc_id)
    raw_date = request.form.get("date", "").strip()
    if raw_date and _iso_date(raw_date) is None:
        flash(f"„{raw_date}“ ist kein gültiges Datum (Format JJJJ-MM-TT); nichts wurde geändert.", "error")
        return redirect(url_for("knowledge.document", doc_id=doc_id))
    title = request.form.get("title", "").strip() or None
    doc_type = _doc_type(request.form.get("doc_type"))
    authority = request.form.get("authority", "").strip() or None
    superseded_by = request.form.get("superseded_by", "").strip()  # empty: not superseded (any more)
    try:
        knowledge_base().update_metadata(
            doc_id,
            doc_type=doc_type,
            title=title,
            date=_iso_date(raw_date),
            authority=authority,
            superseded_by=superseded_by,
        )
    except DocumentNotFound:
        flash("Das Dokument, das dieses ersetzen soll, gibt es nicht mehr; nichts wurde geändert.", "error")
        return redirect(url_for("knowledge.document", doc_id=doc_id))
    except KnowledgeBaseBusy as busy:
        flash(str(busy), "error")
        return redirect(url_for("knowledge.document", doc_id=doc_id))
    audit.record(
        "document_updated",
        "document",
        doc_id,
        doc_type=str(doc_type) if doc_type else None,
        title=title,
        date=raw_date or None,
        authority=authority,
        superseded_by=superseded_by or None,
    )
    db.session.commit()
    flash("Die Angaben zum Dokument wurden gespeichert.", "success")
    return redirect(url_for("knowledge.document", doc_id=doc_id))


@bp.route("/documents/<doc_id>/delete", methods=["POST"])
@roles_required(*CURATE)
def delete(doc_id: str):
    _document(doc_id)
    try:
        removed = knowledge_base().remove(doc_id)
    except KnowledgeBaseBusy as busy:
        flash(str(busy), "error")
        return redirect(url_for("knowledge.document", doc_id=doc_id))
    remove_source_file(removed.source)
    audit.record("document_removed", "document", doc_id, name=removed.name, title=removed.title)
    db.session.commit()
    flash(
        f"„{removed.title}“ wurde aus der Wissensbasis entfernt. Bestehende Entwürfe behalten ihre Zitate.", "success"
    )
    return redirect(url_for("knowledge.index"))


@bp.route("/reindex", methods=["POST"])
@roles_required(*CURATE)
def reindex():
    job = queue_reindex(current_user)
    db.session.commit()
    current_app.extensions["drafter_jobs"].submit(QUEUE, [job.id])
    flash("Die Neuindizierung wurde gestartet. Diese Seite zeigt den Stand; sie darf geschlossen werden.", "success")
    return redirect(url_for("knowledge.batch", batch=job.batch))


@bp.route("/search", methods=["GET", "POST"])
@roles_required(*READ_KNOWLEDGE)
def search():
    """GET for links to a search, POST from the form: a long pasted passage would not fit into a URL."""
    entered = request.form if request.method == "POST" else request.args
    query, shortened = search_query(entered.get("q", ""))
    selected = [t for t in (_doc_type(v) for v in entered.getlist("type")) if t]
    date_from, date_to = _iso_date(entered.get("from")), _iso_date(entered.get("to"))
    hits = []
    if query:
        hits = knowledge_base().search(
            query, k=SEARCH_RESULTS, doc_types=selected or None, date_from=date_from, date_to=date_to
        )
    return render_template(
        "knowledge/search.html",
        query=query,
        shortened=shortened,
        max_query_chars=f"{MAX_QUERY_CHARS:,}".replace(",", "."),
        hits=[(hit, highlight_terms(hit.chunk.text, query), hit_explanation(hit, query)) for hit in hits],
        doc_types=list(DocType),
        selected=selected,
        date_from=date_from or "",
        date_to=date_to or "",
    )
