"""Idempotency keys: claimed by an insert the database arbitrates, completed in the work's own transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import IdempotencyRecord
from mash.problems import IdempotencyKeyInFlight, IdempotencyKeyReused

IN_FLIGHT = "in_flight"
COMPLETED = "completed"
CLAIM_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class Replay:
    """The response stored for a request that already completed under this key."""

    status: int
    body: dict[str, Any]
    contact_id: str | None


@dataclass(frozen=True)
class Claim:
    """A key this request now holds until it completes or releases it."""

    record_id: str


def request_hash(document: Any) -> str:
    """Return a digest of a request body that ignores key order and spacing."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def claim(session: Session, organisation: str, key: str, digest: str, now: datetime | None = None) -> Claim | Replay:
    """Claim a key for this request, or return the stored response of the request that completed under it."""
    now = now or utcnow()
    record = IdempotencyRecord(
        organisation=organisation,
        key=key,
        request_hash=digest,
        state=IN_FLIGHT,
        locked_until=now + CLAIM_LEASE,
        created_at=now,
    )
    try:
        with session.begin():
            session.add(record)
        return Claim(record.id)
    except IntegrityError:
        session.rollback()
    with session.begin():
        existing = session.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.organisation == organisation, IdempotencyRecord.key == key
            )
        ).scalar_one()
        if existing.request_hash != digest:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was first used with a different request body; use a new key."
            )
        if existing.state == COMPLETED:
            assert existing.response_status is not None and existing.response_body is not None
            return Replay(existing.response_status, existing.response_body, existing.contact_id)
        taken = session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == existing.id, IdempotencyRecord.locked_until < now)
            .values(locked_until=now + CLAIM_LEASE)
            .returning(IdempotencyRecord.id)
        ).first()
    if taken:
        return Claim(existing.id)
    raise IdempotencyKeyInFlight("The first request with this Idempotency-Key has not finished yet; retry shortly.")


def complete(session: Session, held: Claim, status: int, body: dict[str, Any], contact_id: str | None) -> None:
    """Store the response under the key, inside the caller's transaction."""
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == held.record_id)
        .values(state=COMPLETED, response_status=status, response_body=body, contact_id=contact_id)
    )


def release(session: Session, held: Claim) -> None:
    """Give a key back after the request failed, so that a retry can use it."""
    with session.begin():
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == held.record_id, IdempotencyRecord.state == IN_FLIGHT
            )
        )
