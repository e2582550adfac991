"""Settings read from the environment in one place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///instance/mash.sqlite3"


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number") from exc


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number") from exc


def _ints(environ: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        return tuple(int(part) for part in raw.split(","))
    except ValueError as exc:
        raise ValueError(f"{name} must be whole numbers separated by commas") from exc


def _timescales(environ: Mapping[str, str], prefix: str, default: Mapping[str, str]) -> dict[str, str]:
    return {rag: environ.get(f"{prefix}_{rag.upper()}") or spec for rag, spec in default.items()}


@dataclass(frozen=True)
class PartnerSettings:
    """Where one partner agency's system answers, and the credential it expects."""

    url: str | None = None
    token: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    max_body_bytes: int = 256 * 1024
    rulebook_path: str | None = None
    narrative_terms_path: str | None = None
    decision_timescales: Mapping[str, str] = field(
        default_factory=lambda: {"red": "4 hours", "amber": "1 working day", "green": "3 working days"}
    )
    caseload_cap: int = 15
    claim_minutes: int = 30
    sweep_seconds: int = 30
    screening_retry_after_seconds: int = 60
    job_retries: int = 3
    job_timeout_seconds: int | None = None
    job_retry_intervals: tuple[int, ...] = (5, 30, 120)
    partner_timeout_seconds: float = 5.0
    partner_breaker_failures: int = 5
    partner_breaker_reset_seconds: float = 60.0
    checks_timescales: Mapping[str, str] = field(
        default_factory=lambda: {"red": "2 hours", "amber": "1 working day", "green": "3 working days"}
    )
    police: PartnerSettings = PartnerSettings()
    health: PartnerSettings = PartnerSettings()
    education: PartnerSettings = PartnerSettings()
    log_level: str = "INFO"
    council_name: str = "Example Council"
    session_idle_minutes: int = 30
    session_max_hours: int = 10
    sign_in_failures: int = 5
    lockout_minutes: int = 15
    secure_cookies: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from the environment (os.environ unless given)."""
        env = os.environ if environ is None else environ
        base = cls()
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("MASH_SECRET_KEY") or base.secret_key,
            max_body_bytes=_int(env, "MASH_MAX_BODY_BYTES", base.max_body_bytes),
            rulebook_path=env.get("MASH_RULEBOOK") or None,
            narrative_terms_path=env.get("MASH_NARRATIVE_TERMS") or None,
            decision_timescales=_timescales(env, "MASH_DECISION", base.decision_timescales),
            caseload_cap=_int(env, "MASH_CASELOAD_CAP", base.caseload_cap),
            claim_minutes=_int(env, "MASH_CLAIM_MINUTES", base.claim_minutes),
            sweep_seconds=_int(env, "MASH_SWEEP_SECONDS", base.sweep_seconds),
            screening_retry_after_seconds=_int(
                env, "MASH_SCREENING_RETRY_AFTER_SECONDS", base.screening_retry_after_seconds
            ),
            job_retries=_int(env, "MASH_JOB_RETRIES", base.job_retries),
            job_timeout_seconds=_int(env, "MASH_JOB_TIMEOUT_SECONDS", 0) or None,
            job_retry_intervals=_ints(env, "MASH_JOB_RETRY_INTERVALS", base.job_retry_intervals),
            partner_timeout_seconds=_float(env, "MASH_PARTNER_TIMEOUT_SECONDS", base.partner_timeout_seconds),
            partner_breaker_failures=_int(env, "MASH_PARTNER_BREAKER_FAILURES", base.partner_breaker_failures),
            partner_breaker_reset_seconds=_float(
                env, "MASH_PARTNER_BREAKER_RESET_SECONDS", base.partner_breaker_reset_seconds
            ),
            checks_timescales=_timescales(env, "MASH_CHECKS", base.checks_timescales),
            police=PartnerSettings(env.get("MASH_POLICE_URL") or None, env.get("MASH_POLICE_TOKEN") or None),
            health=PartnerSettings(env.get("MASH_HEALTH_URL") or None, env.get("MASH_HEALTH_TOKEN") or None),
            education=PartnerSettings(env.get("MASH_EDUCATION_URL") or None, env.get("MASH_EDUCATION_TOKEN") or None),
            log_level=env.get("MASH_LOG_LEVEL") or base.log_level,
            council_name=env.get("MASH_COUNCIL_NAME") or base.council_name,
            session_idle_minutes=_int(env, "MASH_SESSION_IDLE_MINUTES", base.session_idle_minutes),
            session_max_hours=_int(env, "MASH_SESSION_MAX_HOURS", base.session_max_hours),
            sign_in_failures=_int(env, "MASH_SIGN_IN_FAILURES", base.sign_in_failures),
            lockout_minutes=_int(env, "MASH_LOCKOUT_MINUTES", base.lockout_minutes),
        )

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with some settings replaced (for tests and commands)."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return replace(self, **overrides)
