"""The audit trail's hash chain: each event sealed with the hash of the one before, and the check of the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mash.models import AuditEvent

GENESIS = "0" * 64
CHAIN_LOCK = 0x6D617368_61756474  # "mashaudt": the PostgreSQL advisory lock that orders appends to the chain
VERIFY_BATCH = 1000


def event_hash(event: AuditEvent) -> str:
    """Return the SHA-256 (hex) of an event's fields and the hash of the event before it."""
    fields: list[Any] = [
        event.seq,
        event.id,
        event.at.astimezone(UTC).isoformat(),
        event.user_id,
        event.role,
        event.action,
        event.contact_id,
        event.request_id,
        event.detail,
    ]
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{event.prev_hash}\n{canonical}".encode()).hexdigest()


def tail(session: Session) -> tuple[int, str]:
    """Return the sequence number and hash of the newest event (0 and the genesis hash for none), holding the chain
    for this transaction: on PostgreSQL an advisory lock, on SQLite the write lock every writing transaction holds."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK)))
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def seal(events: list[AuditEvent], seq: int, prev_hash: str) -> None:
    """Number and hash new events after the event (`seq`, `prev_hash`)."""
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev_hash
        event.hash = prev_hash = event_hash(event)


@dataclass(frozen=True)
class BrokenLink:
    """The first place the chain does not hold."""

    seq: int
    event_id: str
    reason: str


def verify(session: Session) -> tuple[int, BrokenLink | None]:
    """Walk the chain in order; return how many events were checked and the first broken link, if any."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    with session.begin():
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=VERIFY_BATCH))
        for event in rows.scalars():
            if event.seq != expected_seq:
                reason = f"events {expected_seq} to {event.seq - 1} are missing (deleted)"
                return checked, BrokenLink(event.seq, event.id, reason)
            if event.prev_hash != prev_hash:
                return checked, BrokenLink(event.seq, event.id, "it does not follow the event before it")
            if event_hash(event) != event.hash:
                return checked, BrokenLink(event.seq, event.id, "its fields were changed after it was written")
            expected_seq, prev_hash, checked = expected_seq + 1, event.hash, checked + 1
    return checked, None
