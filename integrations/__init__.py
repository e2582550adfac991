"""Clients for the partner agencies a MASH asks for information: police, health and education."""

from collections.abc import Mapping

from integrations.base import (
    DEFAULT_TIMEOUT,
    CheckResult,
    CircuitBreaker,
    FactValue,
    FailureCode,
    PartnerClient,
    PartnerError,
    PartnerNotConfigured,
    PartnerRejected,
    PartnerResponseInvalid,
    PartnerUnavailable,
    RetryPolicy,
    Subject,
    SubjectIncomplete,
    Timeout,
    build_session,
    is_valid_nhs_number,
)
from integrations.education import EducationClient
from integrations.fake import FakePartnerClient
from integrations.health import HealthClient
from integrations.police import PoliceClient

AGENCIES = ("police", "health", "education")
PartnerConfig = Mapping[str, tuple[str | None, str | None]]


def build_clients(
    config: PartnerConfig,
    timeout: Timeout = DEFAULT_TIMEOUT,
    *,
    retry: RetryPolicy | None = None,
    breakers: Mapping[str, CircuitBreaker] | None = None,
) -> dict[str, PartnerClient | None]:
    """Build a client for every agency, mapping an agency without a URL or token to None (not configured)."""
    unknown = sorted(set(config) - set(AGENCIES))
    if unknown:
        raise ValueError(f"unknown partner agencies: {', '.join(unknown)}")
    classes: dict[str, type[PoliceClient] | type[HealthClient] | type[EducationClient]] = {
        "police": PoliceClient,
        "health": HealthClient,
        "education": EducationClient,
    }
    clients: dict[str, PartnerClient | None] = {}
    for agency in AGENCIES:
        url, token = config.get(agency, (None, None))
        if not url or not token:
            clients[agency] = None
            continue
        breaker = breakers.get(agency) if breakers else None
        clients[agency] = classes[agency](url, token, timeout=timeout, breaker=breaker, retry=retry)
    return clients


def require_client(clients: Mapping[str, PartnerClient | None], agency: str) -> PartnerClient:
    """Return the client for agency, raising PartnerNotConfigured when it has none."""
    client = clients.get(agency)
    if client is None:
        raise PartnerNotConfigured(agency, "no base URL or token is configured for this agency")
    return client


__all__ = [
    "AGENCIES",
    "DEFAULT_TIMEOUT",
    "CheckResult",
    "CircuitBreaker",
    "EducationClient",
    "FactValue",
    "FailureCode",
    "FakePartnerClient",
    "HealthClient",
    "PartnerClient",
    "PartnerConfig",
    "PartnerError",
    "PartnerNotConfigured",
    "PartnerRejected",
    "PartnerResponseInvalid",
    "PartnerUnavailable",
    "PoliceClient",
    "RetryPolicy",
    "Subject",
    "SubjectIncomplete",
    "Timeout",
    "build_clients",
    "build_session",
    "is_valid_nhs_number",
    "require_client",
]
