"""The inquiry list's rows, rendered once for each distinct content rather than on every view.

The list is the page staff open most, and its fifty rows cost more to format and escape than
everything else on it. A row's HTML depends only on what it shows: the inquiry's listed columns,
its answer progress, today's date (the deadline note counts days) and the link prefix. With all
of them as the key, a cached row can never be stale: any change makes a new key, and the least
recently shown rows fall out of the bounded cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import Flask, current_app
from markupsafe import Markup

from web.inquiries.deadlines import DeadlineState, deadline_state
from web.models import InquiryKind, InquiryStatus
from web.templating import date_de

CACHED_ROWS = 4096  # about 5 MB of HTML per worker process
ROW_TEMPLATE = "inquiries/_row.html"

_KIND_LABELS = {kind.value: kind.label_de for kind in InquiryKind}
_STATUS_LABELS = {status.value: status.label_de for status in InquiryStatus}


@dataclass(frozen=True, slots=True)
class _ListRow:
    """One row of the inquiry list, every cell already in the words it is shown in."""

    href: str
    reference: str
    subject: str
    kind: str
    received: str
    deadline: DeadlineState
    status: str
    status_label: str
    approved: str
    assignee: str


@dataclass(frozen=True, slots=True)
class RowData:
    """Everything a row shows, as read from the database: the cache key."""

    id: int
    reference: str
    subject: str
    kind: str
    received_on: date
    deadline: date
    status: str
    assignee_name: str | None
    progress: tuple[int, int] | None  # (approved answers, questions); None without questions


def init_app(app: Flask) -> None:
    # Templates edited while developing must show at once, so no cache when they reload.
    @lru_cache(maxsize=0 if app.jinja_env.auto_reload else CACHED_ROWS)
    def render(data: RowData, today: date, detail_base: str) -> Markup:
        return app.jinja_env.get_template(ROW_TEMPLATE).module.row(_list_row(data, today, detail_base))

    app.extensions["inquiry_rows"] = render


def rendered_rows(rows: Iterable[RowData], today: date, detail_base: str) -> list[Markup]:
    """Each row's `<tr>`; `detail_base` is the inquiry link without its id."""
    render = current_app.extensions["inquiry_rows"]
    return [render(data, today, detail_base) for data in rows]


def _list_row(data: RowData, today: date, detail_base: str) -> _ListRow:
    progress = data.progress
    return _ListRow(
        href=f"{detail_base}{data.id}",
        reference=data.reference,
        subject=data.subject,
        kind=_KIND_LABELS[data.kind],
        received=date_de(data.received_on),
        deadline=deadline_state(data.deadline, data.status, today),
        status=data.status,
        status_label=_STATUS_LABELS[data.status],
        approved=f"{progress[0]} von {progress[1]}" if progress else "–",
        assignee=data.assignee_name or "–",
    )
