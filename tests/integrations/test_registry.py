from datetime import date

import pytest

from integrations import (
    AGENCIES,
    CheckResult,
    CircuitBreaker,
    EducationClient,
    FakePartnerClient,
    HealthClient,
    PartnerNotConfigured,
    PartnerUnavailable,
    PoliceClient,
    Subject,
    build_clients,
    require_client,
)


def test_build_clients_maps_every_agency_and_leaves_unconfigured_ones_as_none() -> None:
    clients = build_clients(
        {"police": ("http://127.0.0.1:9/", "token"), "health": (None, "token"), "education": ("http://x", None)},
        timeout=(1.0, 2.0),
    )
    assert set(clients) == set(AGENCIES)
    assert isinstance(clients["police"], PoliceClient)
    assert clients["health"] is None
    assert clients["education"] is None


def test_build_clients_builds_each_agency_with_its_own_class_and_breaker() -> None:
    breaker = CircuitBreaker(failure_threshold=1)
    config = {agency: ("http://127.0.0.1:9", "token") for agency in AGENCIES}
    clients = build_clients(config, breakers={"health": breaker})
    assert isinstance(clients["police"], PoliceClient)
    assert isinstance(clients["education"], EducationClient)
    health = clients["health"]
    assert isinstance(health, HealthClient)
    assert health.breaker is breaker


def test_an_agency_missing_from_the_config_is_not_configured() -> None:
    clients = build_clients({})
    assert clients == {"police": None, "health": None, "education": None}
    with pytest.raises(PartnerNotConfigured, match="health") as raised:
        require_client(clients, "health")
    assert not raised.value.retryable


def test_build_clients_refuses_unknown_agencies() -> None:
    with pytest.raises(ValueError, match="housing"):
        build_clients({"housing": ("http://x", "token")})


@pytest.mark.parametrize("url", ["ftp://partner.example", "partner.example"])
def test_clients_refuse_a_base_url_that_is_not_http(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        PoliceClient(url, "token")


@pytest.mark.parametrize("token", ["", " padded "])
def test_clients_refuse_an_empty_or_padded_token(token: str) -> None:
    with pytest.raises(ValueError, match="token"):
        HealthClient("http://127.0.0.1:9", token)


def test_fake_client_answers_as_told_and_records_subjects() -> None:
    subject = Subject(first_name="Lucy", last_name="Chen", date_of_birth=date(2015, 11, 11))
    result = CheckResult(agency="police", found=True, summary="1 incident.", facts={"incident_count": 1})
    fake = FakePartnerClient("police", result=result)
    assert fake.check(subject) is result
    assert fake.calls == [subject]


def test_fake_client_raises_the_error_it_was_given() -> None:
    fake = FakePartnerClient("education", error=PartnerUnavailable("education", "down"))
    with pytest.raises(PartnerUnavailable, match="education: down") as raised:
        fake.check(Subject(first_name="Lucy", last_name="Chen"))
    assert raised.value.retryable
