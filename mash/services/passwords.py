"""Passwords: argon2 hashes and the NCSC's advice (length over complexity, no common passwords)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256
DENY_LIST = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"

# OWASP's password storage guidance: argon2id with 19 MiB of memory, 2 iterations, 1 degree of parallelism.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _common() -> frozenset[str]:
    lines = DENY_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def problem(password: str) -> str | None:
    """Say what is wrong with a new password, in words a person can act on, or None if it will do."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more: three random words make a strong one"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    folded = password.casefold()
    if folded in _common() or len(set(folded)) < 4:
        return "Password is too common: choose three random words instead"
    return None


def hash_password(password: str) -> str:
    """Return the argon2id hash under which a password is stored."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Say whether a password matches its stored hash (a missing hash never matches, taking as long)."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Say whether a stored hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


_DUMMY = _hasher.hash("not a password anyone has")
