import json
from datetime import date

import pytest
from pytest_httpserver import HTTPServer

from integrations import PartnerResponseInvalid, PoliceClient, Subject, SubjectIncomplete
from integrations.police import PERSON_CHECKS_PATH

DA_JUNE = {"reference": "CAD 4417/03JUN26", "date": "2026-06-03", "category": "domestic_abuse", "linked_to": "address"}
DA_SEPT = {"reference": "CAD 2231/14SEP26", "date": "2026-09-14", "category": "domestic_abuse", "linked_to": "address"}
MISSING = {"reference": "CAD 6120/02JUL26", "date": "2026-07-02", "category": "missing_person", "linked_to": "person"}


def incident(**overrides: str) -> dict[str, str]:
    return {**DA_SEPT, **overrides}


def answer(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "person_match": "single",
        "address_match": True,
        "incidents": [DA_JUNE, DA_SEPT, MISSING],
        "warning_markers": ["weapons", "violence", "weapons"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def client(httpserver: HTTPServer) -> PoliceClient:
    return PoliceClient(httpserver.url_for("/"), "police-token", timeout=(1.0, 1.0))


def test_known_child_reports_incidents_domestic_abuse_and_markers(
    httpserver: HTTPServer, client: PoliceClient, child: Subject
) -> None:
    httpserver.expect_request(
        PERSON_CHECKS_PATH,
        method="POST",
        headers={"Authorization": "Bearer police-token"},
        json={
            "person": {"first_name": "Amira", "last_name": "Rahman", "date_of_birth": "2019-04-02"},
            "address": {"line_1": "14 Larkspur Road", "postcode": "SW2 5QT"},
        },
    ).respond_with_json(answer())

    result = client.check(child)

    assert result.agency == "police"
    assert result.found
    assert not result.ambiguous
    assert result.facts == {
        "person_match": "single",
        "incident_count": 3,
        "domestic_abuse_incidents": 2,
        "last_incident_date": "2026-09-14",
        "warning_markers": ["violence", "weapons"],
    }
    assert "3 incidents" in result.summary
    assert "2 of them domestic abuse" in result.summary
    assert "Warning markers: violence, weapons." in result.summary
    assert "Larkspur" not in result.summary
    assert "Rahman" not in result.summary


def test_unknown_child_is_not_found(httpserver: HTTPServer, client: PoliceClient, child: Subject) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH, method="POST").respond_with_json(
        answer(person_match="none", address_match=False, incidents=[], warning_markers=[])
    )

    result = client.check(child)

    assert not result.found
    assert result.facts["incident_count"] == 0
    assert result.facts["last_incident_date"] is None
    assert result.summary == "No incidents or warning markers for the child or their address."


def test_several_person_matches_are_ambiguous_but_address_incidents_still_count(
    httpserver: HTTPServer, client: PoliceClient, child: Subject
) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json(
        answer(person_match="multiple", incidents=[DA_JUNE, DA_SEPT], warning_markers=[])
    )

    result = client.check(child)

    assert result.ambiguous
    assert result.found
    assert result.facts["domestic_abuse_incidents"] == 2
    assert "More than one person" in result.summary


def test_address_only_search_sends_no_person(httpserver: HTTPServer, client: PoliceClient) -> None:
    httpserver.expect_request(
        PERSON_CHECKS_PATH, json={"person": None, "address": {"line_1": None, "postcode": "SE15 4JH"}}
    ).respond_with_json(answer(person_match="none", incidents=[], warning_markers=["drugs"]))

    result = client.check(Subject(first_name="", last_name="", postcode="SE15 4JH"))

    assert result.found
    assert result.facts["warning_markers"] == ["drugs"]


def test_subject_without_name_or_postcode_is_refused_before_calling(
    httpserver: HTTPServer, client: PoliceClient
) -> None:
    with pytest.raises(SubjectIncomplete, match="police"):
        client.check(Subject(first_name="Amira", last_name=" ", date_of_birth=date(2019, 4, 2)))
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (["not", "an", "object"], "body: expected an object"),
        (answer(incidents=None), r"body\.incidents: missing"),
        (answer(person_match="maybe"), r"body\.person_match: expected one of"),
        (answer(address_match="yes"), r"body\.address_match: expected true or false"),
        (answer(incidents=[incident(date="14/09/2026")]), r"body\.incidents\[0\]\.date: expected a YYYY-MM-DD"),
        (answer(incidents=[incident(date="2026-02-30")]), r"body\.incidents\[0\]\.date"),
        (answer(incidents=[incident(category="Domestic Abuse")]), r"body\.incidents\[0\]\.category"),
        (answer(incidents=[incident(linked_to="car")]), r"body\.incidents\[0\]\.linked_to"),
        (answer(incidents=[incident(reference="")]), r"body\.incidents\[0\]\.reference"),
        (answer(warning_markers=[7]), r"body\.warning_markers\[0\]"),
        (answer(person_match="none"), "person-linked incidents without a single person match"),
    ],
)
def test_a_body_of_the_wrong_shape_is_invalid(
    httpserver: HTTPServer, client: PoliceClient, child: Subject, body: object, problem: str
) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_json(body)

    with pytest.raises(PartnerResponseInvalid, match=problem):
        client.check(child)


@pytest.mark.parametrize(
    ("data", "content_type", "problem"),
    [
        ('{"person_match": "single", ', "application/json", "not valid JSON"),
        ('{"person_match": NaN}', "application/json", "not valid JSON"),
        ('{"person_match": "none", "person_match": "single"}', "application/json", "not valid JSON"),
        ('\ufeff{"person_match": "single"}', "application/json", "not valid JSON"),
        ("<html>Service page</html>", "text/html", "expected a JSON body"),
        ("[" * 5000 + "]" * 5000, "application/json", "not valid JSON"),
        (json.dumps({"padding": "x" * 1_100_000}), "application/json", "larger than"),
    ],
)
def test_a_body_that_is_not_usable_json_is_invalid(
    httpserver: HTTPServer, client: PoliceClient, child: Subject, data: str, content_type: str, problem: str
) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_data(data, content_type=content_type)

    with pytest.raises(PartnerResponseInvalid, match=problem) as raised:
        client.check(child)
    assert not raised.value.retryable


def test_a_redirect_is_not_followed(httpserver: HTTPServer, client: PoliceClient, child: Subject) -> None:
    httpserver.expect_request(PERSON_CHECKS_PATH).respond_with_data(
        "", status=302, headers={"Location": "http://elsewhere.example/"}
    )

    with pytest.raises(PartnerResponseInvalid, match="unexpected HTTP status 302"):
        client.check(child)
    assert len(httpserver.log) == 1
