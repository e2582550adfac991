import copy
from collections.abc import Callable
from datetime import date

import pytest
import requests

from integrations import (
    EducationClient,
    HealthClient,
    PartnerClient,
    PartnerRejected,
    PartnerResponseInvalid,
    PartnerUnavailable,
    PoliceClient,
    RetryPolicy,
    Subject,
)
from integrations.simulator.dataset import load_dataset
from tests.partners import Simulator

AMIRA = Subject(
    first_name="Amira",
    last_name="Rahman",
    date_of_birth=date(2019, 4, 2),
    nhs_number="9990010005",
    postcode="SW2 5QT",
    address_line_1="14 Larkspur Road",
    school="Oakfield Primary School",
)
OLIVER = Subject(first_name="Oliver", last_name="Smith", date_of_birth=date(2014, 3, 11))
JORDAN = Subject(first_name="Jordan", last_name="Campbell", date_of_birth=date(2010, 1, 19), postcode="SE15 4JH")
CIARA = Subject(first_name="Ciara", last_name="Murphy", date_of_birth=date(2009, 3, 17))
LUCY = Subject(first_name="Lucy", last_name="Chen", date_of_birth=date(2015, 11, 11), postcode="SE1 8NP")
ClientClass = type[PoliceClient] | type[HealthClient] | type[EducationClient]
CLIENTS: list[ClientClass] = [PoliceClient, HealthClient, EducationClient]


def connect(
    simulator: Simulator,
    client_class: ClientClass,
    *,
    token: str = "token",
    timeout: tuple[float, float] = (1.0, 2.0),
    retry: RetryPolicy | None = None,
) -> PartnerClient:
    return client_class(simulator.url, token, timeout=timeout, retry=retry or RetryPolicy(backoff_factor=0))


def test_police_report_domestic_abuse_at_the_home_without_naming_adults(simulator: Simulator) -> None:
    result = connect(simulator, PoliceClient).check(AMIRA)

    assert result.found
    assert result.facts["person_match"] == "none"
    assert result.facts["domestic_abuse_incidents"] == 3
    assert result.facts["warning_markers"] == ["weapons"]
    assert result.facts["last_incident_date"] == "2026-11-20"
    for personal in ("Nasima", "Rafiq", "Larkspur", "SW2", "CAD"):
        assert personal not in result.summary


def test_police_report_person_linked_missing_episodes(simulator: Simulator) -> None:
    result = connect(simulator, PoliceClient).check(JORDAN)

    assert result.facts["person_match"] == "single"
    assert result.facts["incident_count"] == 2
    assert result.facts["domestic_abuse_incidents"] == 0


def test_police_hold_nothing_about_a_family_they_never_met(simulator: Simulator) -> None:
    result = connect(simulator, PoliceClient).check(LUCY)

    assert not result.found
    assert result.facts["person_match"] == "none"
    assert result.facts["incident_count"] == 0
    assert result.summary == "No incidents or warning markers for the child or their address."


def test_health_finds_a_child_protection_plan_by_nhs_number(simulator: Simulator) -> None:
    result = connect(simulator, HealthClient).check(AMIRA)

    assert result.facts["cp_is_flag"] == "child_protection_plan"
    assert result.facts["registered_gp"] == "Elmfield Medical Practice"
    [search] = simulator.requests()
    assert (search["method"], search["query"]) == ("POST", {})
    assert search["form"] == {"identifier": "https://fhir.nhs.uk/Id/nhs-number|9990010005"}


def test_health_finds_a_looked_after_child_by_name_and_birth_date(simulator: Simulator) -> None:
    result = connect(simulator, HealthClient).check(CIARA)

    assert result.found
    assert result.facts["cp_is_flag"] == "looked_after"
    assert isinstance(result.facts["nhs_number"], str)
    [search] = simulator.requests()
    assert (search["method"], search["query"]) == ("POST", {})
    assert search["form"] == {"family": "Murphy", "given": "Ciara", "birthdate": "2009-03-17"}


def test_health_reports_two_children_of_the_same_name_and_birth_date_as_ambiguous(simulator: Simulator) -> None:
    result = connect(simulator, HealthClient).check(OLIVER)

    assert result.ambiguous
    assert result.facts == {"match_count": 2}


def test_health_knows_nothing_of_an_unknown_child(simulator: Simulator) -> None:
    result = connect(simulator, HealthClient).check(Subject("Nobody", "Known", date_of_birth=date(2015, 1, 1)))

    assert not result.found


def test_education_reports_poor_attendance(simulator: Simulator) -> None:
    result = connect(simulator, EducationClient).check(JORDAN)

    assert result.facts["attendance_percent"] == 71.0
    assert result.facts["suspensions"] == 3
    assert result.facts["sen_status"] == "sen_support"


def test_education_is_ambiguous_until_the_school_is_known(simulator: Simulator) -> None:
    client = connect(simulator, EducationClient)

    assert client.check(OLIVER).ambiguous
    narrowed = client.check(
        Subject(OLIVER.first_name, OLIVER.last_name, OLIVER.date_of_birth, school="parkside community school")
    )
    assert narrowed.facts["school"] == "Parkside Community School"


def test_education_holds_nothing_for_a_baby(simulator: Simulator) -> None:
    result = connect(simulator, EducationClient).check(Subject("Jakub", "Nowak", date_of_birth=date(2025, 12, 1)))

    assert not result.found


@pytest.mark.parametrize("client_class", CLIENTS)
def test_slow_mode_makes_clients_time_out(simulator: Simulator, client_class: ClientClass) -> None:
    assert simulator.control(mode="slow", delay=0.5).ok

    with pytest.raises(PartnerUnavailable, match="timed out"):
        connect(simulator, client_class, timeout=(1.0, 0.1)).check(AMIRA)


def test_switching_back_to_normal_at_run_time_recovers(simulator: Simulator) -> None:
    client = connect(simulator, HealthClient, retry=RetryPolicy(retries=0))
    simulator.control(mode="error", status=500)
    with pytest.raises(PartnerUnavailable, match="HTTP 500"):
        client.check(AMIRA)

    simulator.control(mode="normal")

    assert client.check(AMIRA).found


def test_errors_for_a_few_requests_are_retried_and_succeed(simulator: Simulator) -> None:
    simulator.control(mode="error", status=503, times=2)

    result = connect(simulator, PoliceClient).check(AMIRA)

    assert result.found
    assert [entry["status"] for entry in simulator.requests()] == [503, 503, 200]
    assert simulator.behaviour()["mode"] == "normal"


def test_persistent_errors_are_unavailable_after_bounded_retries(simulator: Simulator) -> None:
    simulator.control(mode="error", status=502)

    with pytest.raises(PartnerUnavailable, match="HTTP 502"):
        connect(simulator, EducationClient, retry=RetryPolicy(retries=2, backoff_factor=0)).check(JORDAN)

    assert len(simulator.requests()) == 3


def test_rate_limiting_with_retry_after_is_honoured(simulator: Simulator) -> None:
    simulator.control(mode="error", status=429, retry_after=1, times=1)

    connect(simulator, HealthClient).check(AMIRA)

    first, second = simulator.requests()
    assert first["status"] == 429
    assert second["status"] == 200
    assert second["at"] - first["at"] >= 0.9


@pytest.mark.parametrize("client_class", CLIENTS)
@pytest.mark.parametrize(("mode", "problem"), [("malformed", "not valid JSON"), ("invalid", "missing")])
def test_broken_bodies_are_invalid(simulator: Simulator, client_class: ClientClass, mode: str, problem: str) -> None:
    simulator.control(mode=mode)

    with pytest.raises(PartnerResponseInvalid, match=problem):
        connect(simulator, client_class).check(AMIRA)


@pytest.mark.parametrize("client_class", CLIENTS)
def test_reject_mode_refuses_every_token(simulator: Simulator, client_class: ClientClass) -> None:
    simulator.control(mode="reject")

    with pytest.raises(PartnerRejected) as raised:
        connect(simulator, client_class).check(AMIRA)

    assert raised.value.status == 401
    assert len(simulator.requests()) == 1


def test_only_the_named_agencies_misbehave(simulator: Simulator) -> None:
    simulator.control(mode="error", status=503, agencies=["health"])

    assert connect(simulator, PoliceClient).check(AMIRA).found
    with pytest.raises(PartnerUnavailable):
        connect(simulator, HealthClient, retry=RetryPolicy(retries=0)).check(AMIRA)


def test_behaviour_can_be_set_when_the_simulator_is_created(start_simulator: Callable[..., Simulator]) -> None:
    simulator = start_simulator(behaviour={"mode": "reject"})

    with pytest.raises(PartnerRejected):
        connect(simulator, PoliceClient).check(AMIRA)


def test_only_accepted_tokens_are_let_in(start_simulator: Callable[..., Simulator]) -> None:
    simulator = start_simulator(tokens={"right"})

    with pytest.raises(PartnerRejected, match="HTTP 401"):
        connect(simulator, EducationClient, token="wrong").check(JORDAN)
    assert connect(simulator, EducationClient, token="right").check(JORDAN).found
    assert [entry["authorised"] for entry in simulator.requests()] == [False, True]


def test_a_custom_data_set_replaces_the_packaged_one(start_simulator: Callable[..., Simulator]) -> None:
    dataset = copy.deepcopy(load_dataset())
    dataset["families"] = [family for family in dataset["families"] if family["id"] == "F03"]
    simulator = start_simulator(dataset=dataset)

    assert connect(simulator, HealthClient).check(JORDAN).found
    assert not connect(simulator, HealthClient).check(AMIRA).found


def test_the_request_log_records_each_partner_request_and_can_be_cleared(simulator: Simulator) -> None:
    connect(simulator, PoliceClient).check(AMIRA)

    (entry,) = simulator.requests()
    assert entry["agency"] == "police"
    assert entry["method"] == "POST"
    assert entry["path"] == "/police/v1/person-checks"
    assert entry["json"]["person"]["last_name"] == "Rahman"
    assert entry["authorised"] is True
    assert entry["status"] == 200
    assert "token" not in str(entry)
    simulator.forget_requests()
    assert simulator.requests() == []


def test_the_control_route_reports_the_current_behaviour(simulator: Simulator) -> None:
    simulator.control(mode="slow")

    assert simulator.behaviour() == {
        "mode": "slow",
        "delay": 2.0,
        "status": 503,
        "retry_after": None,
        "times": None,
        "agencies": ["police", "health", "education"],
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"mode": "broken"}, "mode must be one of"),
        ({"mode": "slow", "delay": -1}, "delay must be"),
        ({"mode": "slow", "delay": 600}, "delay must be"),
        ({"mode": "error", "status": 418}, "status must be one of"),
        ({"mode": "error", "times": 0}, "times must be"),
        ({"mode": "error", "retry_after": 1.5}, "retry_after must be"),
        ({"mode": "error", "agencies": ["fire"]}, "agencies must be"),
        ({"mode": "error", "colour": "red"}, "unknown fields: colour"),
    ],
)
def test_the_control_route_refuses_nonsense(simulator: Simulator, body: dict[str, object], problem: str) -> None:
    response = simulator.control(**body)

    assert response.status_code == 400
    assert problem in response.json()["error"]
    assert simulator.behaviour()["mode"] == "normal"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/police/v1/person-checks", {}),
        ("/police/v1/person-checks", {"person": {"first_name": "Amira"}}),
        ("/education/v1/pupil-searches", {"first_name": "Amira", "last_name": "Rahman", "date_of_birth": "2/4/19"}),
    ],
)
def test_partner_routes_refuse_bad_searches_with_400(simulator: Simulator, path: str, body: dict[str, object]) -> None:
    response = requests.post(simulator.url + path, json=body, headers={"Authorization": "Bearer t"}, timeout=5)

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"


def test_the_fhir_route_answers_a_bad_search_with_an_operation_outcome(simulator: Simulator) -> None:
    response = requests.get(
        simulator.url + "/fhir/Patient", params={"given": "Amira"}, headers={"Authorization": "Bearer t"}, timeout=5
    )

    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
