"""What every information-sharing record shares: why and on what basis, how a record is built and locked, and the
words staff read for a check that has no answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations import FailureCode
from mash.db import new_id
from mash.models import Contact, SharingRecord
from mash.problems import InvalidFields

NOT_CONFIGURED: Final = "not_configured"
FAILURE_SUMMARIES: Final[Mapping[str, str]] = {
    NOT_CONFIGURED: "Not requested: no {agency} system is configured for MASH checks.",
    FailureCode.NOT_CONFIGURED: "Not requested: no {agency} system is configured for MASH checks.",
    FailureCode.REJECTED: "The {agency} system refused the request.",
    FailureCode.RESPONSE_INVALID: "The {agency} system answered with something that could not be read.",
    FailureCode.SUBJECT_INCOMPLETE: "The child's details are not enough for a {agency} search.",
    FailureCode.UNAVAILABLE: "The {agency} system could not be reached after {attempts} attempts.",
}


@dataclass(frozen=True)
class Share:
    """Why information is shared, on what legal basis, why without consent if so, and who asked (None: screening)."""

    purpose: str
    legal_basis: str
    without_consent_reason: str | None
    requested_by: str | None


def required_text(**values: str | None) -> list[str]:
    """Return the values stripped, or refuse the share if any is blank."""
    blank = [name for name, value in values.items() if not (value or "").strip()]
    if blank:
        raise InvalidFields(
            "Every share needs " + " and ".join(blank) + ".",
            errors={name: ["Required: every share is recorded with it."] for name in blank},
        )
    return [str(value).strip() for value in values.values()]


def failure_summary(agency: str, error: str, attempts: int) -> str:
    """Return what staff read of a check that failed with this code (a job's failure handler may pass another)."""
    template = FAILURE_SUMMARIES.get(error, "The {agency} check failed.")
    return template.format(agency=agency, attempts=attempts)


def new_record(
    contact: Contact, agency: str, direction: str, share: Share, now: datetime, **fields: Any
) -> SharingRecord:
    """Build a record of a share about a contact, with the contact's consent as it stands."""
    return SharingRecord(
        id=new_id(),
        contact_id=contact.id,
        agency=agency,
        direction=direction,
        purpose=share.purpose,
        legal_basis=share.legal_basis,
        consent_status=contact.consent_status,
        without_consent_reason=share.without_consent_reason,
        requested_by=share.requested_by,
        requested_at=now,
        attempts=0,
        **fields,
    )


def lock(session: Session, record_id: str) -> SharingRecord | None:
    """Return a record read afresh, locked against other workers on PostgreSQL."""
    query = select(SharingRecord).where(SharingRecord.id == record_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()
