"""An in-memory PartnerClient for tests of code that calls partners, so they need no HTTP server."""

from integrations.base import CheckResult, PartnerError, Subject


class FakePartnerClient:
    """Answer every check with one result, or raise one error, and remember the subjects asked about."""

    def __init__(self, agency: str, result: CheckResult | None = None, error: PartnerError | None = None) -> None:
        self.agency = agency
        self.result = result or CheckResult(agency=agency, found=False, summary="No record found.")
        self.error = error
        self.calls: list[Subject] = []

    def check(self, subject: Subject) -> CheckResult:
        """Record subject, then raise the configured error or return the configured result."""
        self.calls.append(subject)
        if self.error is not None:
            raise self.error
        return self.result
