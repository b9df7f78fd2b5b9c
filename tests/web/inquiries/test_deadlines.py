"""Deadlines that follow the law: a period ending on a weekend or a public holiday of the Land moves to the next
working day (§ 31 Abs. 3 VwVfG, § 193 BGB; issue 14)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.web.inquiries.test_inquiries import new_inquiry
from web.database import db
from web.inquiries.deadlines import compute_deadline, deadline_for
from web.models import Inquiry


def test_a_month_from_the_first_of_december_ends_on_the_first_working_day_after_new_year():
    deadline = deadline_for(date(2026, 12, 1), "1m", "RP")
    assert deadline.due == date(2027, 1, 4)  # 1 January is Neujahr, 2 and 3 January a weekend
    assert "Neujahr" in deadline.rule_de and "04.01.2027" in deadline.rule_de


def test_a_period_ending_on_good_friday_moves_past_easter_monday():
    assert compute_deadline(date(2027, 2, 26), "1m", "RP") == date(2027, 3, 30)
    assert compute_deadline(date(2026, 3, 3), "1m", "RP") == date(2026, 4, 7)  # Karfreitag 3.4. to Ostermontag 6.4.


def test_holidays_differ_by_land():
    # Heilige Drei Könige is a holiday in Baden-Württemberg, not in Rhineland-Palatinate.
    assert compute_deadline(date(2026, 12, 6), "1m", "BW") == date(2027, 1, 7)
    assert compute_deadline(date(2026, 12, 6), "1m", "RP") == date(2027, 1, 6)
    # Reformationstag (31 October) in Lower Saxony, not in Rhineland-Palatinate; 31 October 2025 is a Friday.
    assert compute_deadline(date(2025, 9, 30), "31d", "NI") == date(2025, 11, 3)
    assert compute_deadline(date(2025, 9, 30), "31d", "RP") == date(2025, 10, 31)


def test_a_deadline_on_a_working_day_stays_and_says_so():
    deadline = deadline_for(date(2026, 3, 2), "14d")
    assert deadline.due == date(2026, 3, 16) and deadline.moved_because is None


def test_an_unknown_land_is_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="DRAFTER_STATE"):
        compute_deadline(date(2026, 12, 1), "1m", "XX")


@pytest.mark.parametrize(("state", "expected"), [("RP", date(2027, 1, 6)), ("BW", date(2027, 1, 7))])
def test_a_new_inquiry_gets_the_deadline_of_the_configured_land(app, staff, state, expected):
    app.config["STATE"] = state
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", received_on="2026-12-06")
    with app.app_context():
        assert db.session.scalar(select(Inquiry.deadline)) == expected


def test_the_inquiry_page_says_why_its_deadline_moved(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", received_on="2026-12-01")
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert "04.01.2027" in page
    assert "Das Fristende 01.01.2027 fällt auf einen Feiertag (Neujahr)" in page
