"""The managers' figures on a small hand-built front door whose answers are worked out here.

Easter 2026: Good Friday is 3 April and Easter Monday 6 April, so one working day from Thursday 2 April 10:00 is
Tuesday 7 April 10:00. Times below are UTC; British Summer Time is UTC+1 from 29 March 2026.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from mash.models import (
    Child,
    ChildMatch,
    Contact,
    Decision,
    Feedback,
    Flag,
    Recommendation,
    SharingRecord,
    Team,
    TeamMember,
    User,
)
from mash.services import organisations

URL = "/api/v1/reports/front-door?from=2026-03-30&to=2026-04-10"


def at(day: int, hour: int, minute: int = 0, month: int = 4, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class Door:
    """Writes contacts, children and decisions with exact times."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.user = User(name="Builder", role="screener", organisation_record=organisations.council(session))
        session.add(self.user)
        session.flush()
        self.count = 0

    def contact(self, received: datetime, source: str, child_of: Child | None = None) -> tuple[Contact, Child]:
        self.count += 1
        contact = Contact(
            reference=f"H{self.count}",
            status="awaiting_decision",
            organisation="Org",
            submitted_by_id=self.user.id,
            agency_type="police",
            source_code=source,
            consent_status="given",
            categories=["neglect"],
            indicators=[],
            summary="Hand-built.",
            received_at=received,
            acknowledged_at=received,
        )
        child = Child(position=0, gender="female")
        contact.children.append(child)
        self.session.add(contact)
        self.session.flush()
        if child_of is not None:
            self.session.add(
                ChildMatch(
                    child_id=child.id,
                    known_child_id=child_of.id,
                    score=1.0,
                    band="likely",
                    evidence=[],
                    status="confirmed",
                    created_at=received,
                )
            )
        return contact, child

    def decide(
        self, contact: Contact, when: datetime, outcome: str, rag: str, recommended: tuple[str, str] | None = None
    ) -> Decision:
        rec_outcome, rec_rag = recommended or (outcome, rag)
        decision = Decision(
            contact_id=contact.id,
            decided_by=self.user.id,
            role="screener",
            decided_at=when,
            outcome=outcome,
            rag=rag,
            rationale="Hand-built.",
            children=[{"child_id": contact.children[0].id, "outcome": outcome, "rationale": None}],
            override=(outcome, rag) != (rec_outcome, rec_rag),
            recommended_outcome=rec_outcome,
            recommended_rag=rec_rag,
        )
        contact.status = "decided"
        self.session.add(decision)
        self.session.flush()
        return decision

    def feedback(self, contact: Contact, decision: Decision, due: datetime, delivered: datetime | None) -> None:
        self.session.add(
            Feedback(
                contact_id=contact.id,
                decision_id=decision.id,
                outcome=decision.outcome,
                decided_at=decision.decided_at,
                message="Thank you.",
                channel="webhook",
                status="delivered" if delivered else "pending",
                due_by=due,
                delivered_at=delivered,
            )
        )

    def check(
        self, contact: Contact, agency: str, requested: datetime, due: datetime, answered: datetime | None
    ) -> None:
        self.session.add(
            SharingRecord(
                contact_id=contact.id,
                agency=agency,
                direction="requested",
                purpose="MASH check",
                legal_basis="Children Act 1989 s.47",
                consent_status="given",
                requested_at=requested,
                due_by=due,
                status="answered" if answered else "overdue",
                answered_at=answered,
            )
        )

    def flag(self, contact: Contact, raised: datetime, resolved: datetime | None) -> None:
        self.session.add(
            Flag(
                contact_id=contact.id,
                kind="systemic_consultation",
                status="resolved" if resolved else "open",
                raised_by=self.user.id,
                raised_at=raised,
                note="Hand-built.",
                resolved_by=self.user.id if resolved else None,
                resolved_at=resolved,
            )
        )


@pytest.fixture
def figures(app: Flask, client: FlaskClient, manager: dict[str, str]) -> dict[str, Any]:
    session = app.extensions["mash.sessionmaker"]()
    with session.begin():
        door = Door(session)
        # Child X: closed at the door 11 months before C1 (a re-referral within 12 months).
        earlier_x, x = door.contact(at(20, 9, month=4, year=2025), "6")
        door.decide(earlier_x, at(30, 9, month=4, year=2025), "nfa", "green")
        # Child Y: signposted 13 months before C2 (not within 12 months).
        earlier_y, y = door.contact(at(20, 9, month=2, year=2025), "2A")
        door.decide(earlier_y, at(1, 9, month=3, year=2025), "signpost", "green")
        # Child Z: two earlier contacts this winter, the third in the period.
        e3, z3 = door.contact(at(1, 10, month=12, year=2025), "6")
        door.decide(e3, at(2, 10, month=12, year=2025), "nfa", "green")
        e4, z4 = door.contact(at(15, 10, month=1), "6", child_of=z3)
        door.decide(e4, at(16, 10, month=1), "early_help", "green")

        c1, _ = door.contact(at(2, 9), "6", child_of=x)  # Thursday 10:00 BST
        d1 = door.decide(c1, at(7, 8, 30), "assessment", "amber", ("early_help", "green"))  # Tuesday 09:30 BST
        c2, _ = door.contact(at(2, 14), "2A", child_of=y)  # Thursday 15:00 BST
        d2 = door.decide(c2, at(7, 15), "early_help", "green", ("assessment", "amber"))  # Tuesday 16:00 BST
        c3, _ = door.contact(at(30, 9, month=3), "6", child_of=z4)  # Monday 10:00 BST
        d3 = door.decide(c3, at(30, 14, month=3), "strategy_discussion", "red")  # five hours later
        c4, _ = door.contact(at(8, 9), "2A")
        session.add(
            Recommendation(
                contact_id=c4.id,
                outcome="early_help",
                rag="amber",
                level=2,
                decision_due_by=at(9, 9),
                reasons=[],
                children=[],
                checks=[],
                rulebook_version="test",
                screened_at=at(8, 9, 5),
            )
        )
        door.feedback(c1, d1, due=at(8, 8), delivered=at(7, 9))
        door.feedback(c2, d2, due=at(8, 15), delivered=at(9, 9))
        door.feedback(c3, d3, due=at(31, 14, month=3), delivered=None)
        door.check(c3, "police", at(30, 9, month=3), at(30, 11, month=3), at(30, 10, month=3))
        door.check(c1, "police", at(2, 9), at(7, 9), at(8, 9))
        door.check(c1, "health", at(2, 9), at(7, 9), None)
        door.flag(c3, at(31, 9, month=3), at(1, 9))
        door.flag(c4, at(9, 9), None)
        team = Team(name="Assessment", kind="assessment", caseload_cap=10)
        team.members.extend([TeamMember(name="A", caseload=8), TeamMember(name="B", caseload=12)])
        session.add(team)
    session.close()
    response = client.get(URL, headers=manager)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    return dict(response.get_json())


def test_contacts_by_source_and_week(figures: dict[str, Any]) -> None:
    assert figures["contacts"] == {
        "total": 4,
        "by_source": {"2A": 2, "6": 2},
        "by_week": [
            {"week_starting": "2026-03-30", "contacts": 3, "by_source": {"2A": 1, "6": 2}},
            {"week_starting": "2026-04-06", "contacts": 1, "by_source": {"2A": 1}},
        ],
    }


def test_timeliness_across_the_easter_bank_holidays(figures: dict[str, Any]) -> None:
    timeliness = figures["timeliness"]
    assert (timeliness["decided"], timeliness["undecided"]) == (3, 1)
    # C1 (Tuesday 09:30, due Tuesday 10:00) and C3 (same day) within a working day; C2 (Tuesday 16:00) not.
    assert timeliness["within_one_working_day"] == 2
    # C1 amber within its day, C2 green within three days; C3 red took five hours of four.
    assert timeliness["within_rag_deadline"] == 2
    assert timeliness["share_within_rag_deadline"] == round(2 / 3, 4)
    assert timeliness["hours_to_decision"] == {
        "red": {"decided": 1, "within_deadline": 0, "median": 5.0, "p90": 5.0},
        "amber": {"decided": 1, "within_deadline": 1, "median": 119.5, "p90": 119.5},
        "green": {"decided": 1, "within_deadline": 1, "median": 121.0, "p90": 121.0},
    }


def test_outcomes_conversion_and_overrides_each_way(figures: dict[str, Any]) -> None:
    assert figures["outcomes"] == {
        "by_source": {"2A": {"early_help": 1}, "6": {"assessment": 1, "strategy_discussion": 1}},
        "conversion": {"decided": 3, "referrals": 2, "rate": round(2 / 3, 4)},
    }
    assert figures["overrides"] == {
        "decisions": 3,
        "overrides": 2,
        "rate": round(2 / 3, 4),
        "up": 1,
        "down": 1,
        "children_only": 0,
        "no_recommendation": 0,
    }


def test_repeat_children_and_re_referrals_at_11_and_13_months(figures: dict[str, Any]) -> None:
    assert figures["children"] == {
        "children_on_contacts": 4,
        "with_three_or_more_contacts_in_12_months": 1,
        "re_referrals_within_12_months": 2,
        "re_referral_rate": 0.5,
        "re_referrals_after_closing_at_the_door": 1,
    }


def test_feedback_flags_and_checks(figures: dict[str, Any]) -> None:
    assert figures["feedback"] == {
        "owed": 3,
        "on_time": 1,
        "late": 1,
        "overdue": 1,
        "not_yet_due": 0,
        "share_on_time": round(1 / 3, 4),
    }
    flags = figures["flags"]
    assert (flags["open_now"], flags["resolved"], flags["hours_to_resolve"]) == (1, 1, {"median": 24.0, "p90": 24.0})
    assert flags["oldest_open_hours"] >= (datetime.now(UTC) - at(9, 9)).total_seconds() / 3600 - 1
    assert figures["checks"] == {
        "health": {
            "requested": 1,
            "answered_on_time": 0,
            "answered_late": 0,
            "overdue": 1,
            "failed": 0,
            "pending": 0,
            "share_on_time": 0.0,
        },
        "police": {
            "requested": 2,
            "answered_on_time": 1,
            "answered_late": 1,
            "overdue": 0,
            "failed": 0,
            "pending": 0,
            "share_on_time": 0.5,
        },
    }


def test_the_queue_now_and_team_caseloads(figures: dict[str, Any]) -> None:
    queue = figures["queue"]
    assert (queue["waiting"], queue["overdue"], queue["screening_failed"]) == (1, 1, 0)
    assert queue["by_rag"]["amber"]["waiting"] == 1 and queue["by_rag"]["red"]["waiting"] == 0
    assert queue["by_rag"]["amber"]["by_age"] == {
        "under_4_hours": 0,
        "4_to_24_hours": 0,
        "1_to_3_days": 0,
        "over_3_days": 1,
    }
    waited = (datetime.now(UTC) - at(8, 9)).total_seconds() / 3600
    assert waited - 1 <= queue["by_rag"]["amber"]["oldest_age_hours"] <= waited + 1
    assert figures["teams"] == [
        {
            "team": "Assessment",
            "kind": "assessment",
            "workers": 2,
            "caseload": 20,
            "capacity": 20,
            "free": 0,
            "use": 1.0,
        }
    ]


def test_the_queue_by_how_long_contacts_have_waited(app: Flask, client: FlaskClient, manager: dict[str, str]) -> None:
    now = datetime.now(UTC)
    session = app.extensions["mash.sessionmaker"]()
    with session.begin():
        door = Door(session)
        # Waited 1, 5, 30 and 100 hours: one in each band; the red one waited 5 hours, an hour past its deadline.
        for hours, rag in ((1, "amber"), (5, "red"), (30, "amber"), (100, "green")):
            waiting, _ = door.contact(now - timedelta(hours=hours), "6")
            due = now - timedelta(hours=1) if rag == "red" else now + timedelta(days=1)
            session.add(
                Recommendation(
                    contact_id=waiting.id,
                    outcome="early_help",
                    rag=rag,
                    level=2,
                    decision_due_by=due,
                    reasons=[],
                    children=[],
                    checks=[],
                    rulebook_version="test",
                    screened_at=waiting.received_at,
                )
            )
    session.close()
    queue = client.get(URL, headers=manager).get_json()["queue"]
    assert (queue["waiting"], queue["overdue"]) == (4, 1)
    assert {rag: found["by_age"] for rag, found in queue["by_rag"].items()} == {
        "red": {"under_4_hours": 0, "4_to_24_hours": 1, "1_to_3_days": 0, "over_3_days": 0},
        "amber": {"under_4_hours": 1, "4_to_24_hours": 0, "1_to_3_days": 1, "over_3_days": 0},
        "green": {"under_4_hours": 0, "4_to_24_hours": 0, "1_to_3_days": 0, "over_3_days": 1},
    }
    assert queue["by_rag"]["amber"]["median_age_hours"] == pytest.approx(1, abs=0.1)
    assert queue["by_rag"]["amber"]["oldest_age_hours"] == pytest.approx(30, abs=0.1)


def test_figures_are_for_managers_and_admins(client: FlaskClient, screener: dict[str, str]) -> None:
    assert client.get(URL, headers=screener).status_code == 403


def test_the_figures_are_declared_in_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    answer = spec["paths"]["/api/v1/reports/front-door"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/FrontDoorFigures")
    assert "timeliness" in spec["components"]["schemas"]["FrontDoorFigures"]["properties"]
