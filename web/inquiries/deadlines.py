"""Answer deadlines: received date plus the legal period of the kind of inquiry, and their extensions.

A month runs to the same day of the next month, or its last day when that day does not exist
(31 January → 28/29 February, as § 188 BGB counts). A deadline falling on a Saturday, Sunday or
a public holiday of the county's Land moves to the next working day (§ 31 Abs. 3 VwVfG, § 193 BGB).
The holidays come from the `holidays` package, which follows each Land's law (Fronleichnam in RP,
Reformationstag in NI, Heilige Drei Könige in BW …), so no table of our own has to be kept up to date.

The periods themselves are configured per kind (DRAFTER_DEADLINE_*, web/config.py); `LEGAL_PERIODS`
says where each comes from, so the inquiry page can name the rule it applied, and whether the law
lets it be extended. An extension needs a reason and is kept (`DeadlineExtension`); it changes no
text of the letter, so it leaves an approval of the reply standing.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from web.config import parse_period
from web.models import OPEN_INQUIRY_STATUSES, Inquiry

# The Länder by the abbreviations the `holidays` package and DRAFTER_STATE use.
STATES = ("BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH")
MAX_REASON = 2_000


@dataclass(frozen=True)
class ExtensionCap:
    """How long a statute lets an extended period run at most, counted from receipt, and the rule that says so;
    `applies_to` names the requests it covers when it covers only some (the environmental information under
    the LTranspG), which staff then confirm when they extend."""

    maximum: str
    rule: str
    applies_to: str | None = None


@dataclass(frozen=True)
class LegalPeriod:
    """Where the period of a kind of inquiry comes from: a statute with its own period, or a rule the county
    sets (Geschäftsordnung, its own service standard); how the period may be extended, in German; and the
    longest an extension may make it, where the statute caps it."""

    basis: str
    statutory: str | None
    extension: str
    cap: ExtensionCap | None = None


LEGAL_PERIODS = {
    "ifg": LegalPeriod(
        "§ 7 Abs. 5 Satz 2 IFG",
        "1m",
        "Der Zugang soll innerhalb eines Monats erfolgen; wo das nicht gelingt (etwa bei Beteiligung Dritter "
        "nach § 8 IFG oder großem Umfang), bitte die Gründe nennen und die antragstellende Person unterrichten.",
    ),
    "ltranspg": LegalPeriod(
        "§ 12 Abs. 3 LTranspG",
        "1m",
        "Verlängerbar, soweit Umfang oder Komplexität es erfordern (bei Umweltinformationen auf höchstens zwei "
        "Monate); die antragstellende Person ist vor Ablauf der Monatsfrist unter Angabe der Gründe zu unterrichten.",
        ExtensionCap("2m", "§ 12 Abs. 3 LTranspG", applies_to="Umweltinformationen"),
    ),
    "vig": LegalPeriod(
        "§ 5 Abs. 2 VIG",
        "1m",
        "Bei Beteiligung Dritter verlängert sich die Frist auf zwei Monate; die antragstellende Person ist darüber "
        "zu unterrichten.",
        ExtensionCap("2m", "§ 5 Abs. 2 VIG"),
    ),
    "council": LegalPeriod(
        "der Geschäftsordnung des Kreistages",
        None,
        "Nur, wenn die Geschäftsordnung es vorsieht (etwa mit einem Zwischenbescheid an die Fragenden).",
    ),
    "citizen": LegalPeriod(
        "der Vorgabe der Kreisverwaltung für Bürgeranfragen",
        None,
        "Bitte die Anfragenden über die neue Frist unterrichten.",
    ),
}


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


def period_de(period: str) -> str:
    """A configured period in words: "1m" → „ein Monat“, "3w" → „3 Wochen“, "14d" → „14 Tage“."""
    months, days = parse_period(period)
    if months:
        return "ein Monat" if months == 1 else f"{months} Monate"
    if days and days % 7 == 0:
        return "eine Woche" if days == 7 else f"{days // 7} Wochen"
    return "ein Tag" if days == 1 else f"{days} Tage"


def period_rule(kind: str, period: str) -> str:
    """The rule a kind's deadline follows, as the inquiry page names it: „Frist nach § 7 Abs. 5 Satz 2 IFG: ein
    Monat ab Eingang“. A period configured apart from the statute's says so instead of citing the statute for it."""
    legal = LEGAL_PERIODS[kind]
    if legal.statutory is None or parse_period(legal.statutory) == parse_period(period):
        return f"Frist nach {legal.basis}: {period_de(period)} ab Eingang"
    return (
        f"Frist nach Vorgabe der Kreisverwaltung: {period_de(period)} ab Eingang "
        f"(gesetzlich {period_de(legal.statutory)} nach {legal.basis})"
    )


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and, when it moved, why: the day the period ended on and the reason in German."""

    due: date
    period_end: date
    moved_because: str | None
    rule: str = "Frist"

    @property
    def rule_de(self) -> str:
        """How the deadline came about, as the inquiry page shows it."""
        if self.moved_because is None:
            return f"{self.rule}; endet am {self.due:%d.%m.%Y}."
        return (
            f"{self.rule}. Das Fristende {self.period_end:%d.%m.%Y} fällt auf {self.moved_because}, daher "
            f"verschoben auf den nächsten Werktag, den {self.due:%d.%m.%Y} (§ 31 Abs. 3 VwVfG, § 193 BGB)."
        )


def working_day(day: date, state: str) -> tuple[date, str | None]:
    """`day`, or the next working day when it is a Saturday, Sunday or public holiday, with why it moved."""
    closed = public_holidays(state, day.year)
    due, reasons = day, []
    while due.weekday() >= 5 or due in closed:
        reasons.append(closed.get(due) or ("einen Samstag" if due.weekday() == 5 else "einen Sonntag"))
        due += timedelta(days=1)
    if not reasons:
        return due, None
    first = reasons[0]
    return due, first if first.startswith("einen ") else f"einen Feiertag ({first})"


def deadline_for(received: date, period: str, state: str = "RP", rule: str = "Frist") -> Deadline:
    """The deadline for an inquiry received on `received` with `period` ("1m", "14d") in the Land `state`."""
    months, days = parse_period(period)
    period_end = add_months(received, months) + timedelta(days=days)
    due, moved_because = working_day(period_end, state)
    return Deadline(due, period_end, moved_because, rule)


def legal_deadline(received: date, kind: str, config: Mapping) -> Deadline:
    """The deadline the configured period of `kind` gives, with the rule it follows."""
    period = config["DEADLINES"][kind]
    return deadline_for(received, period, config["STATE"], period_rule(kind, period))


def deadline_note(inquiry: Inquiry, config: Mapping, extended: bool) -> str:
    """How an inquiry's deadline came about, in German: the rule applied, and that it was extended or set by hand."""
    computed = legal_deadline(inquiry.received_on, inquiry.kind, config)
    if extended:
        return f"{computed.rule_de} Die Frist wurde verlängert (siehe Fristverlängerungen)."
    if computed.due != inquiry.deadline:
        return f"Frist von Hand festgelegt; nach der Regel ({computed.rule}) wäre es der {computed.due:%d.%m.%Y}."
    return computed.rule_de


def compute_deadline(received: date, period: str, state: str = "RP") -> date:
    """The due date alone; see `deadline_for` for the reason when it moved."""
    return deadline_for(received, period, state).due


class ExtensionRefused(ValueError):
    """A deadline extension that cannot be recorded; the German message says what to do instead."""


def may_extend(inquiry: Inquiry, config: Mapping) -> bool:
    """Staff may extend the deadline of an open inquiry whose kind allows it (DRAFTER_DEADLINE_EXTENDABLE)."""
    return inquiry.status in OPEN_INQUIRY_STATUSES and inquiry.kind in config["DEADLINE_EXTENDABLE"]


def extension(
    inquiry: Inquiry, new_deadline: date | None, reason: str, config: Mapping, cap_applies: bool = False
) -> tuple[date, str | None]:
    """The new deadline staff asked for, moved to a working day, and why it moved; refused with the reason when
    the kind does not allow an extension, no reason is given, the date is not later than the current one or
    beyond the statute's cap. A cap that covers only some requests applies when staff say so (`cap_applies`)."""
    if inquiry.sent_at:
        raise ExtensionRefused("Die Anfrage ist als versandt vermerkt; ihre Frist läuft nicht mehr.")
    if not may_extend(inquiry, config):
        raise ExtensionRefused(
            f"Für „{inquiry.kind_enum.label_de}“ ist keine Fristverlängerung vorgesehen. "
            f"{LEGAL_PERIODS[inquiry.kind].extension} Bitte die Antwort in der Frist geben oder die "
            "Administration bitten, die Verlängerung für diese Art zuzulassen (DRAFTER_DEADLINE_EXTENDABLE)."
        )
    if not reason.strip():
        raise ExtensionRefused("Bitte begründen, warum die Frist verlängert wird; die Begründung wird gespeichert.")
    if len(reason) > MAX_REASON:
        raise ExtensionRefused(f"Die Begründung ist länger als {MAX_REASON} Zeichen; bitte kürzen.")
    if new_deadline is None:
        raise ExtensionRefused("Bitte das neue Fristende als Datum angeben (TT.MM.JJJJ).")
    if new_deadline <= inquiry.deadline:
        raise ExtensionRefused(
            f"Das neue Fristende muss nach der bisherigen Frist ({inquiry.deadline:%d.%m.%Y}) liegen."
        )
    due, moved_because = working_day(new_deadline, config["STATE"])
    cap = LEGAL_PERIODS[inquiry.kind].cap
    if cap is not None and (cap.applies_to is None or cap_applies):
        latest = compute_deadline(inquiry.received_on, cap.maximum, config["STATE"])  # the cap from receipt
        if due > latest:
            covered = f" bei {cap.applies_to}" if cap.applies_to else ""
            raise ExtensionRefused(
                f"Nach {cap.rule} darf die Frist{covered} höchstens {period_de(cap.maximum)} ab Eingang "
                f"({inquiry.received_on:%d.%m.%Y}) betragen. Das späteste mögliche Fristende ist der "
                f"{latest:%d.%m.%Y}; bitte ein Datum bis dahin eintragen."
            )
    return due, moved_because


def hand_set_deadline_problem(inquiry: Inquiry, deadline: date, received_on: date, kind: str) -> str | None:
    """Why the details form may not set `deadline`, or None. A later deadline with the same receipt and kind is an
    extension, which needs its reason („Frist verlängern“); correcting the received date or the kind moves it freely."""
    if deadline <= inquiry.deadline or received_on != inquiry.received_on or kind != inquiry.kind:
        return None
    return (
        f"Eine spätere Frist als den {inquiry.deadline:%d.%m.%Y} bitte über „Frist verlängern“ auf der Anfrage "
        "eintragen; dort wird die Begründung gespeichert. Hier lassen sich Eingangsdatum und Art korrigieren."
    )


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
