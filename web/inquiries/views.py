"""Inquiries: the list with deadlines, creating one from pasted text or a file, its overview page."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Integer, func, or_, select, update

from drafter.errors import EmptyInquiry
from drafter.splitting import split_inquiry
from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, READ_INQUIRIES, roles_required
from web.accounts.visibility import visible_inquiries
from web.answers.checks import plural
from web.answers.rules import drafting_busy, export_problem, split_locked
from web.answers.workflow import mark_sent as record_sent
from web.database import db
from web.inquiries import split_editing
from web.inquiries.deadlines import (
    LEGAL_PERIODS,
    deadline_note,
    deadline_state,
    hand_set_deadline_problem,
    may_extend,
    period_de,
)
from web.inquiries.file_reading import QUEUE as FILE_QUEUE
from web.inquiries.file_reading import file_text, queue_file, typed_form
from web.inquiries.form import (
    FROM_TEXT,
    PERSONAL_FIELDS,
    InquiryInput,
    read_from_text,
    read_metadata_form,
    read_new_inquiry,
    upload_problem,
)
from web.inquiries.listing import RowData, list_row
from web.inquiries.queries import get_inquiry, staff_users, units_to_choose
from web.letters.frame import revoke_approval_if_frame_changed
from web.models import (
    OPEN_INQUIRY_STATUSES,
    AnswerStatus,
    Comment,
    DeadlineExtension,
    Draft,
    Inquiry,
    InquiryFileJob,
    InquiryStatus,
    JobState,
    Question,
    ReviewDecision,
    User,
)
from web.notifications import notify
from web.templating import today_local

bp = Blueprint("inquiries", __name__, url_prefix="/inquiries", template_folder="templates")
MAX_COMMENT_CHARS = 10_000
"""A comment on an inquiry or an answer says what to do; longer text belongs in the answer or a document."""
# Deadlines are shown on pages of other areas too (the review queue): a global for every template.
bp.add_app_template_global(deadline_state, "deadline_state")
bp.add_app_template_filter(period_de, "period_de")

SORT_COLUMNS = {
    "deadline": Inquiry.deadline,
    "received": Inquiry.received_on,
    "reference": Inquiry.reference,
    "subject": Inquiry.subject,
    "status": Inquiry.status,
    "assignee": User.display_name,
}
# The columns a list row shows, named as the fields of web.inquiries.listing.RowData.
LIST_COLUMNS = (
    Inquiry.id,
    Inquiry.reference,
    Inquiry.subject,
    Inquiry.kind,
    Inquiry.received_on,
    Inquiry.deadline,
    Inquiry.status,
    User.display_name.label("assignee_name"),
)


@bp.route("/")
@roles_required(*READ_INQUIRIES)
def index():
    args = request.args
    search = args.get("q", "").strip()
    status = args.get("status", "open")
    sort = args.get("sort", "deadline") if args.get("sort") in SORT_COLUMNS else "deadline"
    descending = args.get("dir") == "desc"
    mine = bool(args.get("mine"))
    page = max(1, args.get("page", 1, type=int))
    page_size = current_app.config["PAGE_SIZE"]

    filters = [*_list_filters(search, status, current_user.id if mine else None), visible_inquiries(current_user)]
    column = SORT_COLUMNS[sort]
    # Plain rows rather than ORM objects: the list only reads.
    inquiries = db.session.execute(
        select(*LIST_COLUMNS)
        .outerjoin(User, Inquiry.assignee_id == User.id)
        .where(*filters)
        .order_by(column.desc() if descending else column.asc(), Inquiry.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    # The total is a query of its own: a window count in the page's query sorts every matching row
    # (13 ms at 6,400 inquiries).
    total = db.session.scalar(select(func.count()).select_from(Inquiry).where(*filters))
    progress = _answer_progress([i.id for i in inquiries])
    today = today_local()
    rows = [list_row(RowData(**i._mapping, progress=progress.get(i.id)), today) for i in inquiries]
    list_url = partial(url_for, "inquiries.index", q=search or None, status=status, mine=1 if mine else None)
    sort_links = {
        key: list_url(sort=key, dir=("asc" if descending else "desc") if key == sort else None) for key in SORT_COLUMNS
    }
    current_order = {"sort": sort, "dir": "desc" if descending else None}
    return render_template(
        "inquiries/index.html",
        rows=rows,
        sort_links=sort_links,
        previous_link=list_url(**current_order, page=page - 1),
        next_link=list_url(**current_order, page=page + 1),
        total=total,
        page=page,
        pages=max(1, -(-total // page_size)),
        search=search,
        status=status,
        sort=sort,
        descending=descending,
        mine=mine,
        statuses=list(InquiryStatus),
    )


def _list_filters(search: str, status: str, assignee_id: int | None) -> list:
    """The list's filters: words in reference, subject or requester; "open", "all" or one status; own only."""
    filters = []
    if search:
        pattern = f"%{search}%"
        filters.append(
            or_(Inquiry.reference.ilike(pattern), Inquiry.subject.ilike(pattern), Inquiry.requester_name.ilike(pattern))
        )
    if status == "open":
        filters.append(Inquiry.status.in_(OPEN_INQUIRY_STATUSES))
    elif status in set(InquiryStatus):
        filters.append(Inquiry.status == status)
    if assignee_id is not None:
        filters.append(Inquiry.assignee_id == assignee_id)
    return filters


def _answer_progress(inquiry_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(approved answers, questions) per inquiry, in one query for the whole page."""
    if not inquiry_ids:
        return {}
    rows = db.session.execute(
        select(
            Question.inquiry_id,
            func.sum(func.coalesce((Draft.status == AnswerStatus.APPROVED).cast(Integer), 0)),
            func.count(Question.id),
        )
        .outerjoin(Draft, Draft.question_id == Question.id)
        .where(Question.inquiry_id.in_(inquiry_ids))
        .group_by(Question.inquiry_id)
    ).all()
    return {inquiry_id: (int(done or 0), count) for inquiry_id, done, count in rows}


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDIT_INQUIRIES)
def create():
    if request.method == "GET":
        values = {"assignee_id": str(current_user.id), "kind": "ifg"}
        return render_template("inquiries/new.html", values=values, errors={}, staff=staff_users())
    step = "read" if request.form.get("step") == "read" else "create"
    upload = request.files.get("file")
    problem = upload_problem(request.form, upload)
    if problem is None and upload is not None and upload.filename:
        queued = queue_file(upload, request.form, step, current_user)
        if isinstance(queued, InquiryFileJob):
            db.session.commit()
            current_app.extensions["drafter_jobs"].submit(FILE_QUEUE, [queued.id])
            return redirect(url_for("inquiries.reading", job_id=queued.id))
        problem = queued
    if problem:
        return _form_again(read_new_inquiry(request.form), {"file": problem})
    if step == "read":
        return _text_read(read_from_text(request.form))
    return _create(read_new_inquiry(request.form))


@bp.route("/new/file/<int:job_id>")
@roles_required(*EDIT_INQUIRIES)
def reading(job_id: int):
    """The file given with the form, while it is read (polled) and then as the form would have gone on."""
    job = db.session.get(InquiryFileJob, job_id)
    if job is None or job.requested_by_id != current_user.id:
        abort(404)
    if job.inquiry_id is not None:
        return redirect(url_for("inquiries.detail", inquiry_id=job.inquiry_id))
    busy = job.state in {JobState.QUEUED, JobState.RUNNING}
    if request.headers.get("HX-Request"):  # polled: the fragment while busy, then the whole page once more
        if busy:
            return render_template("inquiries/_reading.html", job=job)
        return "", 200, {"HX-Redirect": url_for("inquiries.reading", job_id=job.id)}
    if busy:
        return render_template("inquiries/reading.html", job=job)
    form = typed_form(job)
    if job.state == JobState.FAILED:
        return _form_again(read_new_inquiry(form), {"file": job.error or ""})
    if job.step == "read":
        return _text_read(read_from_text(form, file_text(job)))
    return _create(read_new_inquiry(form, file_text(job)), job)


def _form_again(entered: InquiryInput, errors: dict[str, str]):
    """The form as typed, with the reason why the file was not taken (the text field's own error would mislead)."""
    entered.errors.pop("text", None)
    entered.errors |= errors
    return render_template("inquiries/new.html", values=entered.values, errors=entered.errors, staff=staff_users()), 400


def _create(entered: InquiryInput, job: InquiryFileJob | None = None):
    if entered.errors:
        return render_template(
            "inquiries/new.html", values=entered.values, errors=entered.errors, staff=staff_users()
        ), 400
    inquiry = Inquiry(
        reference=entered.values["reference"][:100],
        kind=entered.values["kind"],
        subject=entered.values["subject"][:300] or entered.values["reference"],
        text=entered.text,
        source_filename=entered.filename,
        received_on=entered.received_on,
        deadline=entered.deadline,
        assignee_id=_assignee(entered.values["assignee_id"]),
        created_by_id=current_user.id,
        **{key: entered.values[key] or None for key in PERSONAL_FIELDS},
    )
    db.session.add(inquiry)
    try:
        split_editing.replace_all(inquiry, split_inquiry(inquiry.text))
        message = (
            f"Die Anfrage wurde angelegt; {plural(len(inquiry.questions), 'Frage', 'Fragen')} erkannt. Bitte die "
            "Aufteilung prüfen.",
            "success",
        )
    except EmptyInquiry as error:
        message = (f"Die Anfrage wurde angelegt. {error} Fragen können unten von Hand ergänzt werden.", "warning")
    db.session.flush()
    if job is not None and not _created_from(job, inquiry):
        db.session.rollback()  # the page was loaded twice at once; the other load created it
        return redirect(url_for("inquiries.reading", job_id=job.id))
    flash(*message)
    audit.record(
        "inquiry_created",
        "inquiry",
        inquiry.id,
        inquiry_id=inquiry.id,
        kind=inquiry.kind,
        questions=len(inquiry.questions),
        file=entered.filename,
    )
    db.session.commit()
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))


def _created_from(job: InquiryFileJob, inquiry: Inquiry) -> bool:
    """Record the inquiry on its file's job, once: False when another request was first."""
    claimed = db.session.execute(
        update(InquiryFileJob)
        .where(InquiryFileJob.id == job.id, InquiryFileJob.inquiry_id.is_(None))
        .values(inquiry_id=inquiry.id)
    )
    return claimed.rowcount == 1


def _text_read(entered: InquiryInput):
    """Subject, received date and requester taken from the text into the form, to check before creating."""
    return render_template(
        "inquiries/new.html",
        values=entered.values,
        errors=entered.errors,
        staff=staff_users(),
        found=[FROM_TEXT[key] for key in entered.found],
        text_read=not entered.errors,
    ), (400 if entered.errors else 200)


def _assignee(value: str) -> int | None:
    if not value.isdigit():
        return None
    return next((u.id for u in staff_users() if u.id == int(value)), None)


@bp.route("/<int:inquiry_id>")
@roles_required(*READ_INQUIRIES)
def detail(inquiry_id: int):
    return detail_page(get_inquiry(inquiry_id))


def detail_page(inquiry: Inquiry, extension_form: dict[str, str] | None = None, extension_error: str | None = None):
    """The inquiry's page; after a refused deadline extension with what was entered and why it was refused."""
    decisions = db.session.scalars(
        select(ReviewDecision).where(ReviewDecision.inquiry_id == inquiry.id).order_by(ReviewDecision.id)
    ).all()
    comments = db.session.scalars(
        select(Comment).where(Comment.inquiry_id == inquiry.id, Comment.draft_id.is_(None)).order_by(Comment.id)
    ).all()
    extensions = db.session.scalars(
        select(DeadlineExtension).where(DeadlineExtension.inquiry_id == inquiry.id).order_by(DeadlineExtension.id)
    ).all()
    return render_template(
        "inquiries/detail.html",
        inquiry=inquiry,
        decisions=[d for d in decisions if d.draft_id is None],
        comments=comments,
        export_problem=export_problem(inquiry),
        deadline_note=deadline_note(inquiry, current_app.config, extended=bool(extensions)),
        extensions=extensions,
        may_extend_deadline=may_extend(inquiry, current_app.config) and not inquiry.sent_at,
        extension_hint=LEGAL_PERIODS[inquiry.kind].extension,
        extension_cap=LEGAL_PERIODS[inquiry.kind].cap,
        extension_form=extension_form or {},
        extension_error=extension_error,
        units=units_to_choose() if current_app.config["VISIBILITY"] == "unit" else [],
        split_locked=split_locked(inquiry),
        busy=drafting_busy(inquiry),
        split_points=split_editing.split_points,
        suggest_label=split_editing.suggest_label,
        groups=split_editing.groups(inquiry),
    )


@bp.route("/<int:inquiry_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_INQUIRIES)
def edit(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    if request.method == "GET":
        values = {key: getattr(inquiry, key) or "" for key in ("reference", "kind", "subject", *PERSONAL_FIELDS)}
        values |= {
            "received_on": inquiry.received_on.isoformat(),
            "deadline": inquiry.deadline.isoformat(),
            "assignee_id": str(inquiry.assignee_id or ""),
        }
        return render_template("inquiries/edit.html", inquiry=inquiry, values=values, errors={}, staff=staff_users())
    entered = read_metadata_form(request.form)
    if not entered.values["subject"]:
        entered.errors["subject"] = "Bitte einen Betreff angeben."
    if entered.deadline and entered.received_on and "kind" not in entered.errors:
        problem = hand_set_deadline_problem(inquiry, entered.deadline, entered.received_on, entered.values["kind"])
        if problem:
            entered.errors["deadline"] = problem
    if entered.errors:
        return render_template(
            "inquiries/edit.html", inquiry=inquiry, values=entered.values, errors=entered.errors, staff=staff_users()
        ), 400
    changed = []
    updates = {key: entered.values[key] or None for key in ("reference", "kind", "subject", *PERSONAL_FIELDS)}
    updates |= {
        "received_on": entered.received_on,
        "deadline": entered.deadline,
        "assignee_id": _assignee(entered.values["assignee_id"]),
    }
    for key, value in updates.items():
        if getattr(inquiry, key) != value:
            setattr(inquiry, key, value)
            changed.append(key)
    # Personal data is not copied into the audit log; only which fields changed.
    audit.record("inquiry_updated", "inquiry", inquiry.id, inquiry_id=inquiry.id, fields=changed)
    if "assignee_id" in changed:
        notify.inquiry_assigned(inquiry, current_user)
    revoked = revoke_approval_if_frame_changed(inquiry, changed)
    db.session.commit()
    flash("Die Angaben wurden gespeichert.", "success")
    if revoked:
        flash(revoked, "warning")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))


@bp.route("/<int:inquiry_id>/comments", methods=["POST"])
@roles_required(*READ_INQUIRIES)
def comment(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    text = request.form.get("text", "").strip()
    draft_id = request.form.get("draft_id", type=int)
    draft = db.session.get(Draft, draft_id) if draft_id else None
    if draft is not None and draft.question.inquiry_id != inquiry.id:
        abort(404)
    target = (
        url_for("drafts.workspace", draft_id=draft.id, _anchor="kommentare")
        if draft
        else url_for("inquiries.detail", inquiry_id=inquiry.id, _anchor="kommentare")
    )
    if not text:
        flash("Der Kommentar ist leer und wurde nicht gespeichert.", "error")
        return redirect(target)
    if len(text) > MAX_COMMENT_CHARS:
        error = (
            f"Der Kommentar ist mit {len(text):,} Zeichen zu lang (höchstens {MAX_COMMENT_CHARS:,}). Bitte kürzen "
            "und erneut speichern; längere Texte gehören in die Antwort oder in ein Dokument."
        ).replace(",", ".")
        return render_template(
            "inquiries/comment_again.html", inquiry=inquiry, draft=draft, text=text, error=error, back=target
        ), 400
    db.session.add(
        Comment(inquiry_id=inquiry.id, draft_id=draft.id if draft else None, author_id=current_user.id, text=text)
    )
    audit.record(
        "comment_added", "draft" if draft else "inquiry", draft.id if draft else inquiry.id, inquiry_id=inquiry.id
    )
    db.session.commit()
    flash("Kommentar gespeichert.", "success")
    return redirect(target)


@bp.route("/<int:inquiry_id>/sent", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def mark_sent(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    problem = export_problem(inquiry)
    if problem:
        flash(problem, "error")
    else:
        record_sent(inquiry)
        db.session.commit()
        flash("Die Anfrage ist als versandt vermerkt.", "success")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
