"""The tables of the web app: accounts, inquiries with their drafts and reviews, jobs and the audit log.

Status values are stored as short strings (portable between SQLite and PostgreSQL); the
StrEnums here give them names and their German labels. The requester's personal data lives
only on `Inquiry`; nothing in this module is ever sent to the knowledge base.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafter.models import DraftSentence, DraftStatus
from web.answers import answer_text
from web.database import db, utcnow


class Role(StrEnum):
    STAFF = "staff"
    CURATOR = "curator"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def label_de(self) -> str:
        return {
            Role.STAFF: "Sachbearbeitung",
            Role.CURATOR: "Wissensbasis",
            Role.REVIEWER: "Freigabe",
            Role.ADMIN: "Administration",
        }[self]


class InquiryKind(StrEnum):
    IFG = "ifg"
    LTRANSPG = "ltranspg"
    VIG = "vig"
    COUNCIL = "council"
    CITIZEN = "citizen"

    @property
    def label_de(self) -> str:
        return {
            InquiryKind.IFG: "Antrag nach IFG",
            InquiryKind.LTRANSPG: "Antrag nach LTranspG",
            InquiryKind.VIG: "Antrag nach VIG",
            InquiryKind.COUNCIL: "Anfrage aus dem Kreistag",
            InquiryKind.CITIZEN: "Bürgeranfrage",
        }[self]


class InquiryStatus(StrEnum):
    NEW = "new"
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SENT = "sent"

    @property
    def label_de(self) -> str:
        return {
            InquiryStatus.NEW: "Aufteilung prüfen",
            InquiryStatus.DRAFTING: "In Bearbeitung",
            InquiryStatus.IN_REVIEW: "In Prüfung",
            InquiryStatus.APPROVED: "Freigegeben",
            InquiryStatus.SENT: "Versandt",
        }[self]


# Not yet sent: what the list shows by default and what has a running deadline.
OPEN_INQUIRY_STATUSES = (InquiryStatus.NEW, InquiryStatus.DRAFTING, InquiryStatus.IN_REVIEW, InquiryStatus.APPROVED)


class AnswerStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"

    @property
    def label_de(self) -> str:
        return {
            AnswerStatus.DRAFT: "Entwurf",
            AnswerStatus.IN_REVIEW: "In Prüfung",
            AnswerStatus.CHANGES_REQUESTED: "Änderung erbeten",
            AnswerStatus.APPROVED: "Freigegeben",
        }[self]


class RevisionOrigin(StrEnum):
    """How a revision of an answer came about."""

    GENERATED = "generated"
    EDITED = "edited"
    SOURCE_ADDED = "source_added"

    @property
    def label_de(self) -> str:
        return {
            RevisionOrigin.GENERATED: "automatischer Entwurf",
            RevisionOrigin.EDITED: "bearbeitet",
            RevisionOrigin.SOURCE_ADDED: "Fundstelle übernommen",
        }[self]


class Decision(StrEnum):
    """A reviewer's decision on an answer or on the whole reply."""

    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REOPENED = "reopened"

    @property
    def label_de(self) -> str:
        return {
            Decision.APPROVED: "freigegeben",
            Decision.CHANGES_REQUESTED: "Änderung erbeten",
            Decision.REOPENED: "wieder geöffnet",
        }[self]


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label_de(self) -> str:
        return {
            JobState.QUEUED: "wartet",
            JobState.RUNNING: "läuft",
            JobState.DONE: "fertig",
            JobState.FAILED: "fehlgeschlagen",
        }[self]


class UserRole(db.Model):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Unit(db.Model):
    """An organisational unit (Fachbereich): staff see and edit the inquiries of their units
    (web/accounts/visibility.py). The migration creates the default unit; its inquiries every staff member sees."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    members: Mapped[list[User]] = relationship(secondary="user_units", viewonly=True)


class UserUnit(db.Model):
    __tablename__ = "user_units"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    """Where notifications are mailed (web/notifications/mail.py); set by the administration, empty means none."""
    password_hash: Mapped[str] = mapped_column(String(255))
    directory_dn: Mapped[str | None] = mapped_column(String(500), unique=True, index=True)
    """The account's entry in the county's directory (web/accounts/directory.py); empty for a local account."""
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan")
    """Loaded on demand: a page shows many users (authors, reviewers) but asks only the signed-in one for roles,
    whose loader fetches them with the user (web/accounts/sessions.py)."""

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {Role(row.role) for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    def set_roles(self, roles: set[Role]) -> None:
        self.role_rows = [UserRole(role=str(role)) for role in sorted(roles)]

    units: Mapped[list[Unit]] = relationship(secondary="user_units", order_by="Unit.name")


class UserSession(db.Model):
    """A signed-in browser session (web/accounts/sessions.py). The cookie carries a random token; the row is
    keyed by its SHA-256, so a copy of this table signs nobody in. Rows are revoked, never reused."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    revoked: Mapped[bool] = mapped_column(default=False)


class LoginAttemptCount(db.Model):
    """Login attempts of one throttle key in one fixed time window, counted by one atomic upsert
    (web/accounts/login_throttle.py)."""

    __tablename__ = "login_attempt_counts"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    """The number of the fixed window since the epoch ("window" is a reserved word in SQL)."""
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Inquiry(db.Model):
    __tablename__ = "inquiries"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    source_filename: Mapped[str | None] = mapped_column(String(255))
    received_on: Mapped[date]
    deadline: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=InquiryStatus.NEW, index=True)
    reply_approved: Mapped[bool] = mapped_column(default=False)
    reply_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    drafting_started_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    requester_name: Mapped[str | None] = mapped_column(String(200))
    requester_email: Mapped[str | None] = mapped_column(String(200))
    requester_street: Mapped[str | None] = mapped_column(String(200))
    requester_postcode: Mapped[str | None] = mapped_column(String(20))
    requester_city: Mapped[str | None] = mapped_column(String(120))
    requester_organisation: Mapped[str | None] = mapped_column(String(200))
    requester_reference: Mapped[str | None] = mapped_column(String(100))
    """The requester's own reference („Ihr Zeichen“) for the letter's information block."""
    letter_subject: Mapped[str | None] = mapped_column(String(300))
    letter_introduction: Mapped[str | None] = mapped_column(Text)
    letter_closing: Mapped[str | None] = mapped_column(Text)
    """Staff's wording of the letter's frame (web/letters/letter.py); empty means the default by kind."""
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    """Set on insert when empty (web/accounts/visibility.py): the creator's only unit, else the default unit."""
    environmental_information: Mapped[bool] = mapped_column(default=False)
    """Staff said, when extending the deadline, that the request concerns what a kind's cap covers only in part
    (`ExtensionCap.applies_to`: Umweltinformationen under the LTranspG); the next extension form comes ticked."""

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    questions: Mapped[list[Question]] = relationship(
        back_populates="inquiry", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def kind_enum(self) -> InquiryKind:
        return InquiryKind(self.kind)

    @property
    def status_enum(self) -> InquiryStatus:
        return InquiryStatus(self.status)


class DeadlineExtension(db.Model):
    """The deadline moved later, with the reason (web/inquiries/deadlines.py); `Inquiry.deadline` holds the newest
    date, these rows say who moved it from when to when and why."""

    __tablename__ = "deadline_extensions"
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    previous_deadline: Mapped[date]
    new_deadline: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    extended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    extended_by: Mapped[User] = relationship(lazy="joined")


class Question(db.Model):
    """A sub-question of an inquiry, as detected by the splitter and corrected by staff."""

    __tablename__ = "sub_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    group_title: Mapped[str | None] = mapped_column(Text)

    inquiry: Mapped[Inquiry] = relationship(back_populates="questions")
    draft: Mapped[Draft | None] = relationship(back_populates="question", uselist=False)
    jobs: Mapped[list[DraftingJob]] = relationship(order_by="DraftingJob.id", cascade="all, delete-orphan")

    @property
    def latest_job(self) -> DraftingJob | None:
        return self.jobs[-1] if self.jobs else None


class DraftingJob(db.Model):
    __tablename__ = "drafting_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("sub_questions.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How often a process has claimed the job; bounded by JOB_MAX_ATTEMPTS (web/jobs.py)."""
    heartbeat_at: Mapped[datetime | None]
    """Renewed by the owner while the job runs; a job whose heartbeat is older than the lease is taken over."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def state_enum(self) -> JobState:
        return JobState(self.state)


class Draft(db.Model):
    """The answer to one sub-question; its text lives in revisions, never overwritten."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("sub_questions.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=AnswerStatus.DRAFT, index=True)
    evidence: Mapped[str] = mapped_column(String(30))
    """The drafter's outcome (`drafter.models.DraftStatus`): drafted, insufficient evidence or needs review."""
    method: Mapped[str] = mapped_column(String(30))
    notice: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    question: Mapped[Question] = relationship(back_populates="draft")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    revisions: Mapped[list[DraftRevision]] = relationship(
        order_by="DraftRevision.number", cascade="all, delete-orphan", lazy="selectin"
    )
    citations: Mapped[list[CitationRecord]] = relationship(
        order_by="(CitationRecord.marker, CitationRecord.id)", cascade="all, delete-orphan"
    )  # by id within a marker too: SQLite keeps insertion order by itself, PostgreSQL does not

    @property
    def status_enum(self) -> AnswerStatus:
        return AnswerStatus(self.status)

    @property
    def outcome(self) -> DraftStatus:
        return DraftStatus(self.evidence)

    @property
    def current(self) -> DraftRevision:
        return self.revisions[-1]


class DraftRevision(db.Model):
    __tablename__ = "draft_revisions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    stored_paragraphs: Mapped[list] = mapped_column("paragraphs", JSON, default=list)
    """Paragraphs of sentences {text, markers, verified}, the core's `DraftSentence`s (web/answers/answer_text.py)."""
    origin: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")

    @property
    def paragraphs(self) -> list[list[DraftSentence]]:
        return answer_text.from_stored(self.stored_paragraphs or [])

    @paragraphs.setter
    def paragraphs(self, paragraphs: list[list[DraftSentence]]) -> None:
        self.stored_paragraphs = answer_text.to_stored(paragraphs)

    @property
    def sentences(self) -> list[DraftSentence]:
        return [sentence for paragraph in self.paragraphs for sentence in paragraph]

    @property
    def text(self) -> str:
        """The answer as plain text with its markers, as the editor shows it."""
        return answer_text.render(self.paragraphs)

    @property
    def holds_abstention(self) -> bool:
        """Still the core's „no information“ text: such an answer is neither approved nor exported."""
        return answer_text.holds_abstention(self.paragraphs)

    @property
    def origin_enum(self) -> RevisionOrigin:
        return RevisionOrigin(self.origin)

    @property
    def origin_de(self) -> str:
        return self.origin_enum.label_de


class CitationRecord(db.Model):
    """A quote backing a draft: marker [n] names the passage; one passage may back several sentences."""

    __tablename__ = "citations"
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    marker: Mapped[int] = mapped_column(Integer)
    chunk_id: Mapped[str] = mapped_column(String(200))
    doc: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(Text)
    passage_text: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    quote_start: Mapped[int] = mapped_column(Integer)
    quote_end: Mapped[int] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    doc_type: Mapped[str | None] = mapped_column(String(30))
    doc_date: Mapped[str | None] = mapped_column(String(20))
    authority: Mapped[str | None] = mapped_column(String(300))
    other_authority: Mapped[bool] = mapped_column(default=False)
    """Another authority's passage (`drafter.models.Citation.other_authority`), named in the Prüfhinweise."""
    superseded: Mapped[bool] = mapped_column(default=False)
    """The passage's document was marked superseded (`drafter.models.Citation.superseded`)."""
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewDecision(db.Model):
    """A reviewer's decision on one answer (draft_id set) or on the whole reply (draft_id empty)."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer: Mapped[User] = relationship(lazy="joined")

    @property
    def decision_de(self) -> str:
        return Decision(self.decision).label_de


class Comment(db.Model):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


class IngestionJob(db.Model):
    """One uploaded file on its way into the knowledge base (or a re-index run, kind="reindex")."""

    __tablename__ = "ingestion_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="ingest")
    filename: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer, default=0)
    doc_type: Mapped[str | None] = mapped_column(String(30))
    doc_date: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED, index=True)
    result: Mapped[str | None] = mapped_column(String(20))
    doc_id: Mapped[str | None] = mapped_column(String(200))
    chunks: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How often a process has claimed the job; bounded by JOB_MAX_ATTEMPTS (web/jobs.py)."""
    heartbeat_at: Mapped[datetime | None]
    """Renewed by the owner while the job runs; a job whose heartbeat is older than the lease is taken over."""
    progress: Mapped[str | None] = mapped_column(String(200))
    """How far reading the file has got („Seite 3 von 12 wird erkannt“), shown while the job runs."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User] = relationship(lazy="joined")

    @property
    def state_enum(self) -> JobState:
        return JobState(self.state)


class InquiryFileJob(db.Model):
    """A file given for „Anfrage anlegen“, read in the background (web/inquiries/file_reading.py), with what staff
    typed into the form, so that nothing is lost and a hostile file never holds a request thread."""

    __tablename__ = "inquiry_file_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str | None] = mapped_column(Text)
    step: Mapped[str] = mapped_column(String(20))
    """Either "read" (fill the form from the file for staff to check) or "create" (create the inquiry at once)."""
    form: Mapped[str] = mapped_column(Text)
    """The form as typed, as JSON."""
    text: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[str | None] = mapped_column(Text)
    """The file's own metadata (an e-mail's sender, subject and date), as JSON."""
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiries.id", ondelete="SET NULL"))
    """The inquiry created from this file; set once, so reloading the page never creates a second one."""
    progress: Mapped[str | None] = mapped_column(String(200))
    """How far reading the file has got („Seite 3 von 12 wird erkannt“), shown while the job runs."""
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How often a process has claimed the job; bounded by JOB_MAX_ATTEMPTS (web/jobs.py)."""
    heartbeat_at: Mapped[datetime | None]
    """Renewed by the owner while the job runs; a job whose heartbeat is older than the lease is taken over."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def state_enum(self) -> JobState:
        return JobState(self.state)


class AuditEntry(db.Model):
    """Who did what, when. Rows are only ever inserted (see web.audit and the migration's triggers)."""

    __tablename__ = "audit_log"
    # Finds an account's failed logins in a log that is never pruned (until 0004 the login throttle counted
    # them here; it now counts in login_attempt_counts).
    __table_args__ = (Index("ix_audit_log_login_failures", "action", "object_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))  # indexed as the first column of the throttle's index
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(200))
    inquiry_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class NotificationKind(StrEnum):
    """What a notification tells its recipient (web/notifications/notify.py)."""

    SENT_BACK = "sent_back"
    APPROVED = "approved"
    ASSIGNED = "assigned"

    @property
    def label_de(self) -> str:
        return {
            NotificationKind.SENT_BACK: "Antwort zurückgegeben",
            NotificationKind.APPROVED: "Antwort freigegeben",
            NotificationKind.ASSIGNED: "Anfrage zugewiesen",
        }[self]


class Notification(db.Model):
    """A message to one user about an answer or an inquiry, shown in the app until read."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    inquiry: Mapped[Inquiry] = relationship(lazy="joined")
    draft: Mapped[Draft | None] = relationship()

    @property
    def kind_enum(self) -> NotificationKind:
        return NotificationKind(self.kind)


class MailJob(db.Model):
    """One notification on its way to the SMTP server, run by the job runner (web/jobs.py) after the commit."""

    __tablename__ = "mail_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How often a process has claimed the job; bounded by JOB_MAX_ATTEMPTS (web/jobs.py)."""
    heartbeat_at: Mapped[datetime | None]
    """Renewed by the owner while the job runs; a job whose heartbeat is older than the lease is taken over."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    notification: Mapped[Notification] = relationship()

    @property
    def state_enum(self) -> JobState:
        return JobState(self.state)
