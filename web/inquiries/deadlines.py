"""Answer deadlines: received date plus the period configured for the kind of inquiry.

A month runs to the same day of the next month, or its last day when that day does not exist
(31 January → 28/29 February, as § 188 BGB counts). A deadline falling on a Saturday, Sunday or
a public holiday of the county's Land moves to the next working day (§ 31 Abs. 3 VwVfG, § 193 BGB).
The holidays come from the `holidays` package, which follows each Land's law (Fronleichnam in RP,
Reformationstag in NI, Heilige Drei Könige in BW …), so no table of our own has to be kept up to date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from web.config import parse_period
from web.models import OPEN_INQUIRY_STATUSES

# The Länder by the abbreviations the `holidays` package and DRAFTER_STATE use.
STATES = ("BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH")


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, ending on the month's last day when the same day does not exist (§ 188 BGB)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def public_holidays(state: str, year: int) -> holidays.HolidayBase:
    """The public holidays of the Land `state` in `year` (and the next, for deadlines at the turn of a year)."""
    if state not in STATES:
        raise ValueError(f"Bundesland „{state}“ ist unbekannt; erlaubt sind {', '.join(STATES)} (DRAFTER_STATE).")
    return holidays.country_holidays("DE", subdiv=state, years=[year, year + 1], language="de")


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and, when it moved, why: the day the period ended on and the reason in German."""

    due: date
    period_end: date
    moved_because: str | None

    @property
    def rule_de(self) -> str:
        """How the deadline came about, as the inquiry page shows it."""
        if self.moved_because is None:
            return "Fristende nach Eingang und Frist der Anfrageart."
        return (
            f"Das Fristende {self.period_end:%d.%m.%Y} fällt auf {self.moved_because}; es verschiebt sich auf den "
            f"nächsten Werktag, den {self.due:%d.%m.%Y} (§ 31 Abs. 3 VwVfG, § 193 BGB)."
        )


def deadline_for(received: date, period: str, state: str = "RP") -> Deadline:
    """The deadline for an inquiry received on `received` with `period` ("1m", "14d") in the Land `state`."""
    months, days = parse_period(period)
    period_end = add_months(received, months) + timedelta(days=days)
    closed = public_holidays(state, period_end.year)
    due, reasons = period_end, []
    while due.weekday() >= 5 or due in closed:
        reasons.append(closed.get(due) or ("einen Samstag" if due.weekday() == 5 else "einen Sonntag"))
        due += timedelta(days=1)
    if not reasons:
        return Deadline(due, period_end, None)
    first = reasons[0]
    return Deadline(due, period_end, first if first.startswith("einen ") else f"einen Feiertag ({first})")


def deadline_note(received: date, deadline: date, period: str, state: str) -> str:
    """How an inquiry's deadline came about, in German: the rule applied, or that someone set it by hand."""
    computed = deadline_for(received, period, state)
    if computed.due != deadline:
        return "Frist von Hand festgelegt."
    return computed.rule_de


def compute_deadline(received: date, period: str, state: str = "RP") -> date:
    """The due date alone; see `deadline_for` for the reason when it moved."""
    return deadline_for(received, period, state).due


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
