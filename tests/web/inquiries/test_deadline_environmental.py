"""Whether an LTranspG request concerns environmental information (capped at two months by § 12 Abs. 3 LTranspG)
is kept with the inquiry when staff extend its deadline, so a second extension comes ticked as they left it."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.conftest import post
from tests.web.inquiries.test_deadlines import extend
from tests.web.inquiries.test_inquiries import new_inquiry
from web.database import db
from web.models import Inquiry

TICKED = 'name="cap_applies" type="checkbox" value="1" checked'


def _environmental(app) -> bool:
    with app.app_context():
        return db.session.scalars(select(Inquiry)).one().environmental_information


def _extend_ticked(client, new_deadline: str, reason: str):
    return post(client, "/inquiries/1/deadline", {"new_deadline": new_deadline, "reason": reason, "cap_applies": "1"})


def test_the_environmental_information_box_stays_ticked_for_the_next_extension(app, staff):
    # Received on 30 November 2026: two months end on Saturday 30 January 2027, the latest deadline is 1 February.
    new_inquiry(staff, text="1. Wie hoch sind die Nitratwerte?", kind="ltranspg", received_on="2026-11-30")
    assert TICKED not in staff.get("/inquiries/1").get_data(as_text=True)

    assert _extend_ticked(staff, "2027-01-15", "Messreihen dreier Wasserwerke.").status_code == 302
    assert _environmental(app)
    assert TICKED in staff.get("/inquiries/1").get_data(as_text=True)

    # The form as it comes, ticked: the cap holds for the second extension without ticking again.
    refused = _extend_ticked(staff, "2027-02-15", "Ein weiteres Wasserwerk meldet spät.")
    assert refused.status_code == 400
    assert "Das späteste mögliche Fristende ist der 01.02.2027" in refused.get_data(as_text=True)

    # Staff untick it: not about the environment after all, and the form remembers that, too.
    assert (
        extend(staff, "2027-02-15", "Doch keine Umweltinformationen: Akten aus drei Fachbereichen.").status_code == 302
    )
    assert not _environmental(app)
    assert TICKED not in staff.get("/inquiries/1").get_data(as_text=True)
