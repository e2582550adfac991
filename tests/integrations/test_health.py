from datetime import date
from urllib.parse import urlencode

import pytest
from pytest_httpserver import HTTPServer

from integrations import HealthClient, PartnerResponseInvalid, Subject, SubjectIncomplete
from integrations.health import CPIS_EXTENSION_URL, NHS_NUMBER_SYSTEM, PATIENT_SEARCH_PATH
from tests.integrations.conftest import NHS_NUMBER

OTHER_NHS_NUMBER = "9990020000"


def patient(
    nhs_number: str = NHS_NUMBER, *, gp: str | None = "Elmfield Medical Practice", flag: str | None = None
) -> dict[str, object]:
    resource: dict[str, object] = {
        "resourceType": "Patient",
        "id": nhs_number,
        "identifier": [
            {"system": "https://example.org/local-id", "value": "A-77"},
            {"system": NHS_NUMBER_SYSTEM, "value": nhs_number},
        ],
        "name": [{"family": "Rahman", "given": ["Amira"]}],
        "birthDate": "2019-04-02",
        "address": [{"line": ["14 Larkspur Road"], "postalCode": "SW2 5QT"}],
        "extension": [{"url": "https://example.org/other-extension", "valueString": "ignored"}],
    }
    if gp is not None:
        resource["generalPractitioner"] = [{"type": "Organization", "display": gp}]
    if flag is not None:
        resource["extension"] = [{"url": CPIS_EXTENSION_URL, "valueCode": flag}]
    return resource


def bundle(*resources: dict[str, object], **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"search": {"mode": "match"}, "resource": resource} for resource in resources],
    }
    body.update(overrides)
    return body


@pytest.fixture
def client(httpserver: HTTPServer) -> HealthClient:
    return HealthClient(httpserver.url_for("/"), "nhs-token", timeout=(1.0, 1.0))


def test_search_by_nhs_number_reports_gp_and_cp_is_flag(
    httpserver: HTTPServer, client: HealthClient, child: Subject
) -> None:
    httpserver.expect_request(
        PATIENT_SEARCH_PATH,
        method="POST",
        query_string="",
        data=urlencode({"identifier": f"{NHS_NUMBER_SYSTEM}|{NHS_NUMBER}"}),
        headers={
            "Authorization": "Bearer nhs-token",
            "Accept": "application/fhir+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    ).respond_with_json(bundle(patient(flag="child_protection_plan")), content_type="application/fhir+json")

    result = client.check(child)

    assert result.agency == "health"
    assert result.found
    assert result.facts == {
        "match_count": 1,
        "nhs_number": NHS_NUMBER,
        "registered_gp": "Elmfield Medical Practice",
        "cp_is_flag": "child_protection_plan",
    }
    assert result.summary == "Registered GP: Elmfield Medical Practice.\nCP-IS: on a child protection plan."


def test_search_by_name_and_birth_date_without_an_nhs_number(httpserver: HTTPServer, client: HealthClient) -> None:
    httpserver.expect_request(
        PATIENT_SEARCH_PATH,
        method="POST",
        query_string="",
        data=urlencode({"family": "Murphy", "given": "Ciara", "birthdate": "2009-03-17"}),
    ).respond_with_json(bundle(patient(OTHER_NHS_NUMBER, flag="looked_after")))

    result = client.check(Subject(first_name=" Ciara ", last_name="Murphy", date_of_birth=date(2009, 3, 17)))

    assert result.found
    assert result.facts["nhs_number"] == OTHER_NHS_NUMBER
    assert result.facts["cp_is_flag"] == "looked_after"
    assert "CP-IS: looked after by a local authority." in result.summary


def test_patient_without_flag_or_gp(httpserver: HTTPServer, client: HealthClient, child: Subject) -> None:
    httpserver.expect_request(PATIENT_SEARCH_PATH).respond_with_json(bundle(patient(gp=None)))

    result = client.check(child)

    assert result.facts["cp_is_flag"] == "none"
    assert result.facts["registered_gp"] is None
    assert result.summary == "No registered GP recorded.\nCP-IS: no flag."


@pytest.mark.parametrize("empty", [bundle(), {"resourceType": "Bundle", "type": "searchset"}])
def test_no_matching_patient_is_not_found(
    httpserver: HTTPServer, client: HealthClient, child: Subject, empty: dict[str, object]
) -> None:
    httpserver.expect_request(PATIENT_SEARCH_PATH).respond_with_json(empty)

    result = client.check(child)

    assert not result.found
    assert not result.ambiguous
    assert result.facts == {"match_count": 0}


def test_several_matches_are_reported_as_ambiguous_not_guessed(httpserver: HTTPServer, client: HealthClient) -> None:
    httpserver.expect_request(PATIENT_SEARCH_PATH).respond_with_json(
        bundle(patient(NHS_NUMBER, flag="child_protection_plan"), patient(OTHER_NHS_NUMBER))
    )

    result = client.check(Subject(first_name="Oliver", last_name="Smith", date_of_birth=date(2014, 3, 11)))

    assert result.ambiguous
    assert not result.found
    assert result.facts == {"match_count": 2}
    assert "2 NHS patient records match" in result.summary
    assert "child protection" not in result.summary


@pytest.mark.parametrize(
    "subject",
    [
        Subject(first_name="Amira", last_name="Rahman"),
        Subject(first_name="", last_name="Rahman", date_of_birth=date(2019, 4, 2)),
    ],
)
def test_a_subject_without_nhs_number_or_name_and_birth_date_is_refused(
    httpserver: HTTPServer, client: HealthClient, subject: Subject
) -> None:
    with pytest.raises(SubjectIncomplete, match="NHS number"):
        client.check(subject)
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"resourceType": "OperationOutcome"}, r"Bundle\.resourceType: expected one of Bundle"),
        (bundle(patient(), type="collection"), r"Bundle\.type"),
        (bundle(patient(), total=2), r"Bundle\.total"),
        (bundle(patient(), entry={"resource": {}}), r"Bundle\.entry: expected an array"),
        (bundle({"resourceType": "Practitioner", "id": "x"}), r"entry\[0\]\.resource\.resourceType"),
        (bundle({**patient(), "id": None}), r"entry\[0\]\.resource\.id: missing"),
        ({"resourceType": "Bundle", "type": "searchset", "entry": [{"fullUrl": "x"}]}, r"entry\[0\]\.resource"),
        (bundle(patient(flag="at_risk")), r"extension\[0\]\.valueCode: expected one of"),
        (
            bundle(
                {
                    **patient(),
                    "extension": [
                        {"url": CPIS_EXTENSION_URL, "valueCode": "looked_after"},
                        {"url": CPIS_EXTENSION_URL, "valueCode": "child_protection_plan"},
                    ],
                }
            ),
            "more than one CP-IS flag",
        ),
        (bundle(patient(OTHER_NHS_NUMBER)), "NHS number differs from the one searched for"),
        (
            bundle({**patient(), "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": "9990010006"}]}),
            r"identifier\[0\]\.value: not a valid NHS number",
        ),
        (bundle({**patient(), "generalPractitioner": {"display": "x"}}), r"generalPractitioner: expected an array"),
        (bundle({**patient(), "generalPractitioner": [{"display": 7}]}), r"generalPractitioner\[0\]\.display"),
    ],
)
def test_a_bundle_of_the_wrong_shape_is_invalid(
    httpserver: HTTPServer, client: HealthClient, child: Subject, body: object, problem: str
) -> None:
    httpserver.expect_request(PATIENT_SEARCH_PATH).respond_with_json(body)

    with pytest.raises(PartnerResponseInvalid, match=problem) as raised:
        client.check(child)
    assert NHS_NUMBER not in str(raised.value)
