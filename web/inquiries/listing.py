"""The inquiry list's rows: each inquiry's listed columns in the words the list shows them in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from web.inquiries.deadlines import DeadlineState, deadline_state
from web.models import InquiryKind, InquiryStatus
from web.templating import date_de


@dataclass(frozen=True, slots=True)
class RowData:
    """What a row shows, as read from the database."""

    id: int
    reference: str
    subject: str
    kind: str
    received_on: date
    deadline: date
    status: str
    assignee_name: str | None
    progress: tuple[int, int] | None  # (approved answers, questions); None without questions


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of the inquiry list, every cell in the words it is shown in."""

    id: int
    reference: str
    subject: str
    kind: str
    received: str
    deadline: DeadlineState
    status: str
    status_label: str
    approved: str
    assignee: str


def list_row(data: RowData, today: date) -> ListRow:
    progress = data.progress
    return ListRow(
        id=data.id,
        reference=data.reference,
        subject=data.subject,
        kind=InquiryKind(data.kind).label_de,
        received=date_de(data.received_on),
        deadline=deadline_state(data.deadline, data.status, today),
        status=data.status,
        status_label=InquiryStatus(data.status).label_de,
        approved=f"{progress[0]} von {progress[1]}" if progress else "–",
        assignee=data.assignee_name or "–",
    )
