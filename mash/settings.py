"""Settings read from the environment in one place."""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import limits
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from mash.enums import OUTCOMES
from mash.identity_settings import OAuthSettings, OidcSettings
from mash.screening.clock import Timescale
from mash.setting_checks import SettingError, https_url, masked_url, url

DEFAULT_DATABASE_URL = "sqlite:///instance/mash.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _whole(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(name, repr(raw), "not a whole number", str(default)) from None
    if value < minimum:
        raise SettingError(name, repr(raw), f"must be at least {minimum}", str(default))
    return value


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        amount = limits.parse(raw).amount
    except ValueError:
        raise SettingError(name, repr(raw), "not a rate such as '600 per minute'", default) from None
    if amount < 1:
        raise SettingError(name, repr(raw), "must allow at least one request", default)
    return raw


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(name, repr(raw), "not a number", f"{default:g}") from None
    if not math.isfinite(value) or value <= 0:
        raise SettingError(name, repr(raw), "must be a number above 0", f"{default:g}")
    return value


def _wholes(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    example = ",".join(str(n) for n in default)
    try:
        values = tuple(int(part) for part in raw.split(","))
    except ValueError:
        raise SettingError(name, repr(raw), "not whole numbers separated by commas", example) from None
    if any(value < 0 for value in values):
        raise SettingError(name, repr(raw), "seconds cannot be negative", example)
    return values


def _timescales(env: Mapping[str, str], prefix: str, default: Mapping[str, str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for rag, spec in default.items():
        name = f"{prefix}_{rag.upper()}"
        raw = (env.get(name) or "").strip()
        if raw:
            try:
                amount = Timescale.parse(raw).amount
            except ValueError:
                raise SettingError(
                    name, repr(raw), "not a timescale ('2 hours', '6 working hours', '1 working day')", f'"{spec}"'
                ) from None
            if amount <= 0:
                raise SettingError(name, repr(raw), "a timescale must be longer than nothing", f'"{spec}"')
        chosen[rag] = raw or spec
    return chosen


def _outcomes(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if raw.lower() == "none":
        return ()
    values = tuple(dict.fromkeys(part.strip() for part in raw.split(",")))
    unknown = [value for value in values if value not in OUTCOMES]
    if unknown:
        raise SettingError(
            name,
            repr(raw),
            f"not an outcome: {', '.join(unknown)} (use {', '.join(OUTCOMES)}, or none)",
            "nfa,signpost",
        )
    return values


def _database_url(env: Mapping[str, str]) -> str:
    raw = (env.get("DATABASE_URL") or "").strip()
    if not raw:
        return DEFAULT_DATABASE_URL
    example = "postgresql://mash:secret@127.0.0.1:5432/mash"
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingError("DATABASE_URL", "'***'", "not a database URL", example) from None
    shown = repr(url.render_as_string(hide_password=True))
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingError("DATABASE_URL", shown, "only sqlite and postgresql databases are supported", example)
    if url.get_backend_name() == "postgresql" and url.get_driver_name() not in ("psycopg", "postgresql", ""):
        raise SettingError("DATABASE_URL", shown, "PostgreSQL is reached with the psycopg (3) driver", example)
    return raw


def _log_level(env: Mapping[str, str]) -> str:
    raw = (env.get("MASH_LOG_LEVEL") or "").strip()
    if not raw:
        return "INFO"
    if raw.upper() not in LOG_LEVELS:
        raise SettingError("MASH_LOG_LEVEL", repr(raw), f"not one of {', '.join(LOG_LEVELS)}", "WARNING")
    return raw.upper()


def _readable_file(env: Mapping[str, str], name: str, example: str) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not Path(raw).is_file():
        raise SettingError(name, repr(raw), "no such file", example)
    if not os.access(raw, os.R_OK):
        raise SettingError(name, repr(raw), "the file cannot be read", example)
    return raw


def _metrics_token(env: Mapping[str, str]) -> str | None:
    raw = (env.get("MASH_METRICS_TOKEN") or "").strip()
    if raw and len(raw) < 32:
        raise SettingError(
            "MASH_METRICS_TOKEN", "'***'", "too short: use at least 32 random characters", "$(openssl rand -hex 32)"
        )
    return raw or None


def _partner(env: Mapping[str, str], agency: str) -> PartnerSettings:
    found = https_url(env, f"MASH_{agency.upper()}_URL", f"https://{agency}-mash.example.gov.uk/api")
    return PartnerSettings(found, (env.get(f"MASH_{agency.upper()}_TOKEN") or "").strip() or None)


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
    retention_path: str | None = None
    decision_timescales: Mapping[str, str] = field(
        default_factory=lambda: {"red": "4 hours", "amber": "1 working day", "green": "3 working days"}
    )
    caseload_cap: int = 15
    claim_minutes: int = 30
    break_glass_minutes: int = 30
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
    metrics_token: str | None = None
    job_result_ttl_seconds: int = 300
    token_days: int = 365
    proxy_count: int = 0
    rate_limit: str = "600 per minute"
    account_rate_limit: str = "1200 per minute"
    failed_auth_limit: str = "20 per minute"
    feedback_after_oversight: tuple[str, ...] = ("nfa",)
    mash_phone: str = "020 7946 0000"
    oauth: OAuthSettings = field(default_factory=OAuthSettings)
    oidc: OidcSettings = field(default_factory=OidcSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check the settings from the environment (os.environ unless given); raise SettingError."""
        env = os.environ if environ is None else environ
        base = cls()
        return cls(
            database_url=_database_url(env),
            redis_url=url(env, "REDIS_URL", ("redis", "rediss", "unix"), "redis://127.0.0.1:6379/0"),
            secret_key=(env.get("MASH_SECRET_KEY") or "").strip() or base.secret_key,
            max_body_bytes=_whole(env, "MASH_MAX_BODY_BYTES", base.max_body_bytes, minimum=1024),
            rulebook_path=_readable_file(env, "MASH_RULEBOOK", "/etc/mash/rulebook.yaml"),
            narrative_terms_path=_readable_file(env, "MASH_NARRATIVE_TERMS", "/etc/mash/narrative-terms.yaml"),
            retention_path=_readable_file(env, "MASH_RETENTION", "/etc/mash/retention.yaml"),
            decision_timescales=_timescales(env, "MASH_DECISION", base.decision_timescales),
            caseload_cap=_whole(env, "MASH_CASELOAD_CAP", base.caseload_cap),
            claim_minutes=_whole(env, "MASH_CLAIM_MINUTES", base.claim_minutes),
            break_glass_minutes=_whole(env, "MASH_BREAK_GLASS_MINUTES", base.break_glass_minutes),
            sweep_seconds=_whole(env, "MASH_SWEEP_SECONDS", base.sweep_seconds),
            screening_retry_after_seconds=_whole(
                env, "MASH_SCREENING_RETRY_AFTER_SECONDS", base.screening_retry_after_seconds
            ),
            job_retries=_whole(env, "MASH_JOB_RETRIES", base.job_retries, minimum=0),
            job_timeout_seconds=_whole(env, "MASH_JOB_TIMEOUT_SECONDS", 0) or None,
            job_retry_intervals=_wholes(env, "MASH_JOB_RETRY_INTERVALS", base.job_retry_intervals),
            partner_timeout_seconds=_number(env, "MASH_PARTNER_TIMEOUT_SECONDS", base.partner_timeout_seconds),
            partner_breaker_failures=_whole(env, "MASH_PARTNER_BREAKER_FAILURES", base.partner_breaker_failures),
            partner_breaker_reset_seconds=_number(
                env, "MASH_PARTNER_BREAKER_RESET_SECONDS", base.partner_breaker_reset_seconds
            ),
            checks_timescales=_timescales(env, "MASH_CHECKS", base.checks_timescales),
            police=_partner(env, "police"),
            health=_partner(env, "health"),
            education=_partner(env, "education"),
            log_level=_log_level(env),
            council_name=(env.get("MASH_COUNCIL_NAME") or "").strip() or base.council_name,
            session_idle_minutes=_whole(env, "MASH_SESSION_IDLE_MINUTES", base.session_idle_minutes),
            session_max_hours=_whole(env, "MASH_SESSION_MAX_HOURS", base.session_max_hours),
            sign_in_failures=_whole(env, "MASH_SIGN_IN_FAILURES", base.sign_in_failures),
            lockout_minutes=_whole(env, "MASH_LOCKOUT_MINUTES", base.lockout_minutes),
            metrics_token=_metrics_token(env),
            job_result_ttl_seconds=_whole(env, "MASH_JOB_RESULT_TTL_SECONDS", base.job_result_ttl_seconds, minimum=0),
            token_days=_whole(env, "MASH_TOKEN_DAYS", base.token_days, minimum=0),
            proxy_count=_whole(env, "MASH_PROXY_COUNT", base.proxy_count, minimum=0),
            rate_limit=_rate(env, "MASH_RATE_LIMIT", base.rate_limit),
            account_rate_limit=_rate(env, "MASH_ACCOUNT_RATE_LIMIT", base.account_rate_limit),
            failed_auth_limit=_rate(env, "MASH_FAILED_AUTH_LIMIT", base.failed_auth_limit),
            feedback_after_oversight=_outcomes(env, "MASH_FEEDBACK_AFTER_OVERSIGHT", base.feedback_after_oversight),
            mash_phone=(env.get("MASH_PHONE") or "").strip() or base.mash_phone,
            oauth=OAuthSettings.from_env(env),
            oidc=OidcSettings.from_env(env),
        )

    def effective(self) -> list[tuple[str, str]]:
        """List every variable with the value in force, secrets and passwords masked."""
        rows = [
            ("DATABASE_URL", masked_url(self.database_url)),
            ("REDIS_URL", masked_url(self.redis_url) if self.redis_url else "(unset: jobs run in the web process)"),
            ("MASH_SECRET_KEY", "***"),
            ("MASH_RULEBOOK", self.rulebook_path or "(the default rulebook)"),
            ("MASH_NARRATIVE_TERMS", self.narrative_terms_path or "(the default terms)"),
            ("MASH_RETENTION", self.retention_path or "(the default retention schedule)"),
        ]
        rows += [(f"MASH_DECISION_{rag.upper()}", spec) for rag, spec in self.decision_timescales.items()]
        rows += [(f"MASH_CHECKS_{rag.upper()}", spec) for rag, spec in self.checks_timescales.items()]
        rows += [
            ("MASH_CASELOAD_CAP", str(self.caseload_cap)),
            ("MASH_CLAIM_MINUTES", str(self.claim_minutes)),
            ("MASH_BREAK_GLASS_MINUTES", str(self.break_glass_minutes)),
            ("MASH_SWEEP_SECONDS", str(self.sweep_seconds)),
            ("MASH_SCREENING_RETRY_AFTER_SECONDS", str(self.screening_retry_after_seconds)),
            ("MASH_JOB_RETRIES", str(self.job_retries)),
            ("MASH_JOB_RETRY_INTERVALS", ",".join(str(n) for n in self.job_retry_intervals)),
            ("MASH_JOB_TIMEOUT_SECONDS", str(self.job_timeout_seconds or "(each job's own)")),
            ("MASH_JOB_RESULT_TTL_SECONDS", str(self.job_result_ttl_seconds)),
        ]
        for agency in ("police", "health", "education"):
            partner: PartnerSettings = getattr(self, agency)
            rows.append((f"MASH_{agency.upper()}_URL", partner.url or "(unset: checks are not_configured)"))
            rows.append((f"MASH_{agency.upper()}_TOKEN", "***" if partner.token else "(unset)"))
        rows += [
            ("MASH_PARTNER_TIMEOUT_SECONDS", f"{self.partner_timeout_seconds:g}"),
            ("MASH_PARTNER_BREAKER_FAILURES", str(self.partner_breaker_failures)),
            ("MASH_PARTNER_BREAKER_RESET_SECONDS", f"{self.partner_breaker_reset_seconds:g}"),
            ("MASH_MAX_BODY_BYTES", str(self.max_body_bytes)),
            ("MASH_LOG_LEVEL", self.log_level),
            ("MASH_COUNCIL_NAME", self.council_name),
            ("MASH_PHONE", self.mash_phone),
            ("MASH_FEEDBACK_AFTER_OVERSIGHT", ",".join(self.feedback_after_oversight) or "none"),
            ("MASH_SESSION_IDLE_MINUTES", str(self.session_idle_minutes)),
            ("MASH_SESSION_MAX_HOURS", str(self.session_max_hours)),
            ("MASH_SIGN_IN_FAILURES", str(self.sign_in_failures)),
            ("MASH_LOCKOUT_MINUTES", str(self.lockout_minutes)),
            ("MASH_METRICS_TOKEN", "***" if self.metrics_token else "(unset: managers' and admins' tokens only)"),
            ("MASH_TOKEN_DAYS", str(self.token_days) if self.token_days else "0 (tokens never expire)"),
            ("MASH_PROXY_COUNT", str(self.proxy_count)),
            ("MASH_RATE_LIMIT", self.rate_limit),
            ("MASH_ACCOUNT_RATE_LIMIT", self.account_rate_limit),
            ("MASH_FAILED_AUTH_LIMIT", self.failed_auth_limit),
        ]
        return rows + self.oauth.effective() + self.oidc.effective()

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with some settings replaced (for tests and commands)."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return replace(self, **overrides)
