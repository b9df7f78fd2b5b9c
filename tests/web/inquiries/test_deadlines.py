"""Deadlines that follow the law: the period of each kind with the rule it comes from, a period ending on a weekend
or a public holiday of the Land moving to the next working day (§ 31 Abs. 3 VwVfG, § 193 BGB), and extensions with a
reason that the list and the page then follow (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.web.conftest import post
from tests.web.inquiries.test_inquiries import new_inquiry
from tests.web.letters.test_letter import approved
from web.config import extendable_kinds
from web.database import db
from web.inquiries.deadlines import compute_deadline, deadline_for, period_rule
from web.models import AuditEntry, DeadlineExtension, Inquiry


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


def test_the_inquiry_page_names_the_legal_rule_and_says_why_its_deadline_moved(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", kind="ltranspg", received_on="2026-12-01")
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert (
        "Frist nach § 12 Abs. 3 LTranspG: ein Monat ab Eingang. Das Fristende 01.01.2027 fällt auf einen Feiertag "
        "(Neujahr), daher verschoben auf den nächsten Werktag, den 04.01.2027" in page
    )


def test_each_kind_names_where_its_period_comes_from():
    assert period_rule("ifg", "1m") == "Frist nach § 7 Abs. 5 Satz 2 IFG: ein Monat ab Eingang"
    assert period_rule("vig", "1m") == "Frist nach § 5 Abs. 2 VIG: ein Monat ab Eingang"
    assert period_rule("council", "4w") == "Frist nach der Geschäftsordnung des Kreistages: 4 Wochen ab Eingang"
    assert period_rule("citizen", "10d").endswith("für Bürgeranfragen: 10 Tage ab Eingang")
    # A county that sets another period than the statute's is not told the statute says so.
    assert period_rule("ifg", "2m") == (
        "Frist nach Vorgabe der Kreisverwaltung: 2 Monate ab Eingang (gesetzlich ein Monat nach § 7 Abs. 5 Satz 2 IFG)"
    )


def test_a_council_inquiry_follows_the_period_of_the_geschaeftsordnung_as_configured(app, staff):
    app.config["DEADLINES"] = app.config["DEADLINES"] | {"council": "4w"}
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", kind="council", received_on="2026-01-14")
    with app.app_context():
        assert db.session.get(Inquiry, 1).deadline == date(2026, 2, 11)
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert "Frist nach der Geschäftsordnung des Kreistages: 4 Wochen ab Eingang; endet am 11.02.2026." in page
    # The Geschäftsordnung provides for no extension unless the county says so.
    assert "Frist verlängern" not in page
    refused = post(staff, "/inquiries/1/deadline", {"new_deadline": "2026-03-02", "reason": "Umfangreich."})
    assert refused.status_code == 400 and "keine Fristverlängerung vorgesehen" in refused.get_data(as_text=True)


def extend(client, new_deadline: str, reason: str, **kwargs):
    return post(client, "/inquiries/1/deadline", {"new_deadline": new_deadline, "reason": reason}, **kwargs)


def test_staff_extend_a_deadline_with_a_reason_and_the_page_and_audit_log_say_who_when_and_why(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", kind="ltranspg", received_on="2026-12-01")
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert "Umweltinformationen auf höchstens zwei Monate" in page  # what § 12 Abs. 3 LTranspG allows
    # 31 January 2027 is a Sunday: the new deadline, too, ends on the next working day.
    response = extend(staff, "2027-01-31", "Umfangreiche Akten aus drei Fachbereichen.", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Die Frist wurde bis zum 01.02.2027 verlängert. Der 31.01.2027 fällt auf einen Sonntag" in page
    assert (
        "hat die Frist am" in page
        and "vom 04.01.2027 auf den 01.02.2027 verlängert. Begründung: <q>Umfangreiche Akten aus drei Fachbereichen.</q>"
        in page
    )
    assert "Die Frist wurde verlängert (siehe Fristverlängerungen)." in page
    with app.app_context():
        assert db.session.get(Inquiry, 1).deadline == date(2027, 2, 1)
        step = db.session.scalar(select(DeadlineExtension))
        assert (step.previous_deadline, step.new_deadline, step.extended_by.username) == (
            date(2027, 1, 4),
            date(2027, 2, 1),
            "sabine",
        )
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deadline_extended"))
        assert (
            "Frist verlängert vom 04.01.2027 auf den 01.02.2027" in entry.detail
            and "drei Fachbereichen" in entry.detail
        )


def test_an_extension_without_a_reason_or_to_an_earlier_date_is_refused_and_keeps_what_was_entered(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", kind="ifg", received_on="2026-12-01")
    refused = extend(staff, "2027-02-15", "")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Bitte begründen, warum die Frist verlängert wird" in page
    assert 'value="2027-02-15"' in page and '<details class="deadline-extension" open>' in page
    refused = extend(staff, "2027-01-04", "Dritte beteiligt (§ 8 IFG).")
    page = refused.get_data(as_text=True)
    assert "Das neue Fristende muss nach der bisherigen Frist (04.01.2027) liegen." in page
    assert "Dritte beteiligt (§ 8 IFG).</textarea>" in page
    assert "Bitte das neue Fristende als Datum angeben" in extend(staff, "morgen", "Dritte.").get_data(as_text=True)
    assert extend(staff, "15.02.2027", "Dritte beteiligt (§ 8 IFG).").status_code == 302  # typed the German way
    with app.app_context():
        assert db.session.get(Inquiry, 1).deadline == date(2027, 2, 15)
        assert len(db.session.scalars(select(DeadlineExtension)).all()) == 1


def test_the_list_sorts_and_counts_by_the_extended_deadline(app, staff):
    new_inquiry(staff, reference="A-1", text="1. Erste Frage?", kind="ltranspg", received_on="2026-11-20")
    new_inquiry(staff, reference="B-2", text="1. Zweite Frage?", kind="ltranspg", received_on="2026-11-25")
    listed = staff.get("/inquiries/").get_data(as_text=True)
    assert listed.index("A-1") < listed.index("B-2")  # 21.12.2026 before 28.12.2026
    extend(staff, "2027-03-01", "Beteiligung Dritter.")
    listed = staff.get("/inquiries/").get_data(as_text=True)
    assert listed.index("B-2") < listed.index("A-1") and "01.03.2027" in listed and "21.12.2026" not in listed


def test_extending_the_deadline_of_an_approved_reply_keeps_the_approval_the_letter_holds_no_deadline(
    app, staff, reviewer
):
    app.config["DEADLINE_EXTENDABLE"] = extendable_kinds("council")  # a Geschäftsordnung with a Zwischenbescheid
    approved(app, staff, reviewer)
    assert extend(staff, "2026-06-01", "Zwischenbescheid an die Fraktion.").status_code == 302
    with app.app_context():
        inquiry = db.session.get(Inquiry, 1)
        assert inquiry.reply_approved and inquiry.deadline == date(2026, 6, 1)
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reply_approval_revoked")) is None
    assert staff.get("/inquiries/1/letter/download").status_code == 200


def test_unknown_kinds_in_the_extension_setting_are_named():
    assert extendable_kinds("keine") == frozenset()
    with pytest.raises(ValueError, match="unbekannte Arten \\(kreistag\\)"):
        extendable_kinds("ifg, kreistag")


def test_the_details_form_moves_a_deadline_later_only_with_a_corrected_receipt_not_as_an_extension(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", kind="ifg", received_on="2026-12-01")
    form = {"reference": "FWG-2026-01", "kind": "ifg", "subject": "Schulen", "received_on": "2026-12-01"}
    refused = post(staff, "/inquiries/1/edit", form | {"deadline": "2027-03-01"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "bitte über „Frist verlängern“ auf der Anfrage eintragen" in page
    assert 'value="2027-03-01"' in page
    assert post(staff, "/inquiries/1/edit", form | {"deadline": "2026-12-30"}).status_code == 302  # earlier: fine
    corrected = form | {"received_on": "2026-12-10", "deadline": "2027-01-11"}  # the receipt was typed wrongly
    assert post(staff, "/inquiries/1/edit", corrected).status_code == 302
    with app.app_context():
        assert db.session.get(Inquiry, 1).deadline == date(2027, 1, 11)


def test_vig_refuses_an_extension_beyond_two_months_from_receipt_naming_the_rule_and_the_latest_date(app, staff):
    new_inquiry(staff, text="1. Welche Betriebe wurden kontrolliert?", kind="vig", received_on="2026-12-01")
    assert "Nach § 5 Abs. 2 VIG höchstens 2 Monate ab Eingang." in staff.get("/inquiries/1").get_data(as_text=True)
    refused = extend(staff, "2027-02-10", "Anhörung des betroffenen Betriebs.")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert (
        "Nach § 5 Abs. 2 VIG darf die Frist höchstens 2 Monate ab Eingang (01.12.2026) betragen. "
        "Das späteste mögliche Fristende ist der 01.02.2027" in page
    )
    assert 'value="2027-02-10"' in page and "Anhörung des betroffenen Betriebs.</textarea>" in page
    assert extend(staff, "2027-02-01", "Anhörung des betroffenen Betriebs.").status_code == 302
    with app.app_context():
        assert db.session.get(Inquiry, 1).deadline == date(2027, 2, 1)


def test_ltranspg_caps_an_extension_at_two_months_only_for_environmental_information(app, staff):
    # Two months from 30 November 2026 end on Saturday 30 January 2027, so the latest deadline is Monday 1 February.
    new_inquiry(staff, text="1. Wie hoch sind die Nitratwerte?", kind="ltranspg", received_on="2026-11-30")
    refused = post(
        staff,
        "/inquiries/1/deadline",
        {"new_deadline": "2027-02-15", "reason": "Messreihen dreier Wasserwerke.", "cap_applies": "1"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Nach § 12 Abs. 3 LTranspG darf die Frist bei Umweltinformationen höchstens 2 Monate ab Eingang" in page
    assert "Das späteste mögliche Fristende ist der 01.02.2027" in page
    assert 'name="cap_applies" type="checkbox" value="1" checked' in page  # kept as ticked
    # Not about the environment: the LTranspG lets the period run longer where size or complexity need it.
    assert extend(staff, "2027-02-15", "Umfangreiche Akten aus drei Fachbereichen.").status_code == 302
    with app.app_context():
        assert db.session.get(Inquiry, 1).deadline == date(2027, 2, 15)


def test_ifg_has_no_hard_cap_on_an_extension(app, staff):
    new_inquiry(staff, text="1. Wie viele Gutachten gibt es?", kind="ifg", received_on="2026-12-01")
    assert extend(staff, "2027-06-01", "Beteiligung mehrerer Dritter (§ 8 IFG).").status_code == 302
