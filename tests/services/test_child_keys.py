"""Each child's blocking keys: stored with it, kept in step with its details, gone with it, and what they find."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from mash.matching import stored_keys
from mash.models import Child, ChildKey, Contact
from mash.services import matching
from tests.api.helpers import GREEN, child, contact, post_contact


def _session(app: Flask) -> Session:
    return app.extensions["mash.sessionmaker"]()


def _keys(session: Session, child_id: str) -> set[str]:
    return set(session.execute(select(ChildKey.key).where(ChildKey.child_id == child_id)).scalars())


def _only_child(session: Session, contact_id: str) -> Child:
    return session.execute(select(Child).where(Child.contact_id == contact_id)).scalar_one()


def test_a_posted_child_is_stored_with_its_keys(app: Flask, client: FlaskClient, partner: dict[str, str]) -> None:
    kid = child("Alfie", "Hendry", "2015-03-07", address={"line_1": "1 Mare Street", "postcode": "e8 1aa"})
    contact_id = post_contact(client, partner, contact("K1", **GREEN, children=[kid]))

    with _session(app) as session, session.begin():
        stored = _only_child(session, contact_id)
        assert _keys(session, stored.id) == stored_keys("Alfie", "Hendry", date(2015, 3, 7), "e8 1aa")
        assert "dp:2015-03-07:E81AA" in _keys(session, stored.id)


def test_the_keys_follow_a_change_of_the_childs_details(
    app: Flask, client: FlaskClient, partner: dict[str, str]
) -> None:
    contact_id = post_contact(
        client, partner, contact("K2", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")])
    )

    with _session(app) as session, session.begin():
        stored = _only_child(session, contact_id)
        stored.first_name, stored.date_of_birth = "Oliver", date(2015, 3, 8)
    with _session(app) as session, session.begin():
        child_id = _only_child(session, contact_id).id
        assert _keys(session, child_id) == stored_keys("Oliver", "Hendry", date(2015, 3, 8), None)


def test_a_child_written_again_unchanged_keeps_its_keys_without_a_statement(
    app: Flask, client: FlaskClient, partner: dict[str, str]
) -> None:
    contact_id = post_contact(
        client, partner, contact("K3", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")])
    )
    written: list[str] = []
    engine = app.extensions["mash.engine"]

    def record(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        written.append(sql)

    with _session(app) as session, session.begin():
        stored = _only_child(session, contact_id)
        event.listen(engine, "before_cursor_execute", record)
        stored.school_or_setting = "Gayhurst Primary"
        session.flush()
        event.remove(engine, "before_cursor_execute", record)
    assert not any("child_keys" in sql for sql in written), written


def test_deleting_a_contact_deletes_its_childrens_keys(
    app: Flask, client: FlaskClient, partner: dict[str, str]
) -> None:
    contact_id = post_contact(
        client, partner, contact("K4", **GREEN, children=[child("Alfie", "Hendry", "2015-03-07")])
    )

    with _session(app) as session, session.begin():
        child_id = _only_child(session, contact_id).id
        session.execute(delete(Contact).where(Contact.id == contact_id))
    with _session(app) as session, session.begin():
        assert _keys(session, child_id) == set()


def test_candidates_leave_out_strangers_born_the_same_day_and_keep_the_child_typed_again(
    app: Flask, client: FlaskClient, partner: dict[str, str]
) -> None:
    known = post_contact(client, partner, contact("K5", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")]))
    strangers = [("Oliver", "Okafor"), ("Priya", "Patel"), ("Noah", "Nguyen"), ("Zainab", "Begum"), ("Leo", "Murphy")]
    for n, (first, last) in enumerate(strangers):
        post_contact(client, partner, contact(f"S{n}", **GREEN, children=[child(first, last, "2015-03-07")]))
    again = post_contact(client, partner, contact("K6", **GREEN, children=[child("Alfie", "Hendrie", "2015-03-17")]))

    with _session(app) as session, session.begin():
        new = session.get(Contact, again)
        assert new is not None
        found = matching.candidates(session, new, new.children[0])
        assert [candidate.contact_id for candidate in found] == [known]


def test_a_child_with_only_an_nhs_number_in_common_is_a_candidate(
    app: Flask, client: FlaskClient, partner: dict[str, str]
) -> None:
    known = post_contact(
        client, partner, contact("K7", **GREEN, children=[child("Leo", "Brown", "2018-10-10", nhs_number="9434765919")])
    )
    again = post_contact(
        client, partner, contact("K8", **GREEN, children=[child("Max", "Green", "2011-01-01", nhs_number="9434765919")])
    )

    with _session(app) as session, session.begin():
        new = session.get(Contact, again)
        assert new is not None
        assert [c.contact_id for c in matching.candidates(session, new, new.children[0])] == [known]
