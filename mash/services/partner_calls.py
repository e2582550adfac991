"""One call to a partner agency's system, tried in three transactions: read what the call needs, call the partner
outside any transaction (a slow partner holds no lock and no connection), then record what came of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from integrations import FailureCode, PartnerError, PartnerUnavailable

P = TypeVar("P")
R = TypeVar("R")


def attempt(
    session: Session,
    prepare: Callable[[], P | None],
    call: Callable[[P], R],
    *,
    permanent: tuple[type[PartnerError], ...],
    answered: Callable[[R], bool],
    refused: Callable[[FailureCode], None],
    unavailable: Callable[[FailureCode], None],
) -> bool:
    """Try one partner call; return whether its answer was recorded.

    `prepare` reads in a transaction what the call needs (None: nothing is left to do). The call runs outside any
    transaction. Then, in a transaction of its own, `answered` records the answer and says whether it did;
    `refused` records a permanent failure; `unavailable` notes an attempt at a partner that could not answer now,
    and the error propagates so that RQ retries."""
    with session.begin():
        prepared = prepare()
    if prepared is None:
        return False
    try:
        result = call(prepared)
    except PartnerUnavailable as exc:
        with session.begin():
            unavailable(exc.code)
        raise
    except permanent as exc:
        with session.begin():
            refused(exc.code)
        return False
    with session.begin():
        return answered(result)
