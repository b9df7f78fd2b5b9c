"""Answer deadlines: received date plus the period configured for the kind of inquiry.

A month runs to the same day of the next month, or its last day when that day does not exist
(31 January → 28/29 February, as § 188 BGB counts). A deadline falling on a Saturday or Sunday
moves to the following Monday (§ 31 Abs. 3 VwVfG); public holidays differ by Land and are left
to the person who can correct the date on the inquiry.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from web.config import parse_period
from web.models import OPEN_INQUIRY_STATUSES


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def compute_deadline(received: date, period: str) -> date:
    months, days = parse_period(period)
    deadline = add_months(received, months) + timedelta(days=days)
    while deadline.weekday() >= 5:
        deadline += timedelta(days=1)
    return deadline


def days_left(deadline: date, today: date) -> int:
    return (deadline - today).days


@dataclass(frozen=True)
class DeadlineState:
    """How a deadline reads in a list: the date, a note in words and a level for styling."""

    date_text: str
    note: str
    level: str  # "overdue", "soon", "open" or "closed"


def deadline_state(deadline: date, status: str, today: date, soon_days: int = 3) -> DeadlineState:
    """The deadline of an inquiry in `status`; one that is no longer open (sent) has nothing left to count."""
    text = deadline.strftime("%d.%m.%Y")
    left = days_left(deadline, today)
    if status not in OPEN_INQUIRY_STATUSES:
        return DeadlineState(text, "", "closed")
    if left < 0:
        return DeadlineState(text, f"überfällig seit {-left} {'Tag' if left == -1 else 'Tagen'}", "overdue")
    if left <= soon_days:
        note = "heute fällig" if left == 0 else f"noch {left} {'Tag' if left == 1 else 'Tage'}"
        return DeadlineState(text, note, "soon")
    return DeadlineState(text, f"noch {left} Tage", "open")
