from datetime import date

import pytest
from pytest_httpserver import HTTPServer

from integrations import EducationClient, PartnerResponseInvalid, Subject, SubjectIncomplete
from integrations.education import PUPIL_SEARCHES_PATH


def pupil(**overrides: object) -> dict[str, object]:
    match: dict[str, object] = {
        "school": {"name": "Rye Lane Academy", "urn": "990104"},
        "on_roll": True,
        "attendance_percent": 71.0,
        "suspensions": 3,
        "permanent_exclusions": 0,
        "sen_status": "sen_support",
    }
    match.update(overrides)
    return match


@pytest.fixture
def client(httpserver: HTTPServer) -> EducationClient:
    return EducationClient(httpserver.url_for("/"), "dfe-token", timeout=(1.0, 1.0))


@pytest.fixture
def jordan() -> Subject:
    return Subject(first_name="Jordan", last_name="Campbell", date_of_birth=date(2010, 1, 19))


def test_pupil_on_roll_reports_attendance_exclusions_and_sen(
    httpserver: HTTPServer, client: EducationClient, jordan: Subject
) -> None:
    httpserver.expect_request(
        PUPIL_SEARCHES_PATH,
        method="POST",
        headers={"Authorization": "Bearer dfe-token"},
        json={"first_name": "Jordan", "last_name": "Campbell", "date_of_birth": "2010-01-19", "school": None},
    ).respond_with_json({"matches": [pupil()]})

    result = client.check(jordan)

    assert result.agency == "education"
    assert result.found
    assert result.facts == {
        "match_count": 1,
        "school": "Rye Lane Academy",
        "school_urn": "990104",
        "on_roll": True,
        "attendance_percent": 71.0,
        "suspensions": 3,
        "permanent_exclusions": 0,
        "sen_status": "sen_support",
    }
    assert result.summary.splitlines() == [
        "On roll at Rye Lane Academy.",
        "Attendance this academic year: 71%.",
        "Suspensions: 3; permanent exclusions: 0.",
        "Special educational needs: SEN support.",
    ]


def test_pupil_off_roll_without_attendance(httpserver: HTTPServer, client: EducationClient, jordan: Subject) -> None:
    httpserver.expect_request(PUPIL_SEARCHES_PATH).respond_with_json(
        {"matches": [pupil(on_roll=False, attendance_percent=None, suspensions=0, sen_status="ehcp")]}
    )

    result = client.check(jordan)

    assert result.facts["on_roll"] is False
    assert result.facts["attendance_percent"] is None
    assert result.summary.splitlines() == [
        "No longer on roll; last school Rye Lane Academy.",
        "Attendance not recorded this academic year.",
        "No suspensions or exclusions this academic year.",
        "Special educational needs: education, health and care plan.",
    ]


def test_no_matching_pupil_is_not_found(httpserver: HTTPServer, client: EducationClient, jordan: Subject) -> None:
    httpserver.expect_request(PUPIL_SEARCHES_PATH).respond_with_json({"matches": []})

    result = client.check(jordan)

    assert not result.found
    assert result.facts == {"match_count": 0}
    assert result.summary == "No pupil record matches these details."


def test_several_matching_pupils_are_ambiguous(
    httpserver: HTTPServer, client: EducationClient, jordan: Subject
) -> None:
    other = pupil(school={"name": "Hollybrook Academy", "urn": "990103"})
    httpserver.expect_request(PUPIL_SEARCHES_PATH).respond_with_json({"matches": [pupil(), other]})

    result = client.check(jordan)

    assert result.ambiguous
    assert not result.found
    assert result.facts == {"match_count": 2}
    assert "Hollybrook" not in result.summary


def test_the_known_school_narrows_the_search(httpserver: HTTPServer, client: EducationClient) -> None:
    httpserver.expect_request(
        PUPIL_SEARCHES_PATH,
        json={
            "first_name": "Oliver",
            "last_name": "Smith",
            "date_of_birth": "2014-03-11",
            "school": "Hollybrook Academy",
        },
    ).respond_with_json({"matches": [pupil(school={"name": "Hollybrook Academy", "urn": "990103"})]})

    result = client.check(
        Subject(first_name="Oliver", last_name="Smith", date_of_birth=date(2014, 3, 11), school="Hollybrook Academy")
    )

    assert result.facts["school"] == "Hollybrook Academy"


def test_a_subject_without_a_birth_date_is_refused(httpserver: HTTPServer, client: EducationClient) -> None:
    with pytest.raises(SubjectIncomplete, match="date of birth"):
        client.check(Subject(first_name="Jordan", last_name="Campbell"))
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"pupils": []}, r"body\.matches: missing"),
        ({"matches": [pupil(sen_status="statement")]}, r"matches\[0\]\.sen_status: expected one of ehcp"),
        ({"matches": [pupil(attendance_percent=101)]}, r"matches\[0\]\.attendance_percent: expected a percentage"),
        ({"matches": [pupil(attendance_percent="71%")]}, r"matches\[0\]\.attendance_percent: expected a number"),
        ({"matches": [pupil(suspensions=-1)]}, r"matches\[0\]\.suspensions: expected a non-negative integer"),
        ({"matches": [pupil(permanent_exclusions=True)]}, r"matches\[0\]\.permanent_exclusions"),
        ({"matches": [pupil(on_roll="yes")]}, r"matches\[0\]\.on_roll"),
        ({"matches": [pupil(school="Rye Lane Academy")]}, r"matches\[0\]\.school: expected an object"),
        ({"matches": [pupil(school={"name": "Rye Lane Academy"})]}, r"matches\[0\]\.school\.urn: missing"),
    ],
)
def test_a_body_of_the_wrong_shape_is_invalid(
    httpserver: HTTPServer, client: EducationClient, jordan: Subject, body: object, problem: str
) -> None:
    httpserver.expect_request(PUPIL_SEARCHES_PATH).respond_with_json(body)

    with pytest.raises(PartnerResponseInvalid, match=problem):
        client.check(jordan)
