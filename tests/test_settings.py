"""Settings are checked when the app, the worker or any command starts: a bad one is one line and exit status 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mash.app import create_app
from mash.settings import SettingError, Settings

BIN = Path(sys.executable).parent
MASH = str(BIN / "mash")
ROOT = Path(__file__).resolve().parent.parent

BAD = [
    ("MASH_DECISION_RED", "four hours", "not a timescale"),
    ("MASH_CHECKS_GREEN", "0 working days", "longer than nothing"),
    ("DATABASE_URL", "mysql://mash@db/mash", "only sqlite and postgresql"),
    ("DATABASE_URL", "not a url", "not a database URL"),
    ("REDIS_URL", "localhost:6379", "must start with redis://"),
    ("MASH_CASELOAD_CAP", "ten", "not a whole number"),
    ("MASH_CLAIM_MINUTES", "0", "at least 1"),
    ("MASH_JOB_RETRY_INTERVALS", "5;30", "separated by commas"),
    ("MASH_PARTNER_TIMEOUT_SECONDS", "-1", "above 0"),
    ("MASH_POLICE_URL", "police.example", "must start with http://"),
    ("MASH_HEALTH_URL", "http://fhir.nhs.example/R4", "must be https://"),
    ("MASH_EDUCATION_URL", "http://10.0.0.8/api", "must be https://"),
    ("MASH_LOG_LEVEL", "loud", "not one of"),
    ("MASH_RULEBOOK", "/no/such/rulebook.yaml", "no such file"),
    ("MASH_MAX_BODY_BYTES", "12", "at least 1024"),
    ("MASH_FEEDBACK_AFTER_OVERSIGHT", "nfa,nothing", "not an outcome: nothing"),
    ("MASH_OAUTH_ISSUER", "http://login.example.gov.uk/realms/mash", "must be https://"),
    ("MASH_OAUTH_JWKS_URL", "http://login.example.gov.uk/certs", "must be https://"),
    ("MASH_OAUTH_ALGORITHMS", "RS256,none", "never none or HS*"),
    ("MASH_OAUTH_ALGORITHMS", "HS256", "not a public-key signature algorithm: HS256"),
    ("MASH_OIDC_ISSUER", "http://login.example.gov.uk/v2.0", "must be https://"),
    ("MASH_LOCAL_SIGN_IN", "no", "must be true or false"),
    ("MASH_LOCAL_SIGN_IN", "false", "nobody could sign in"),
]


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASH_") and k not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "MASH_LOG_LEVEL": "WARNING", **values}


@pytest.mark.parametrize(("name", "value", "problem"), BAD)
def test_a_bad_setting_is_refused_naming_the_variable_the_problem_and_an_example(
    name: str, value: str, problem: str
) -> None:
    with pytest.raises(SettingError) as caught:
        Settings.from_env({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}=") and problem in message and f"(for example {name}=" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"MASH_OAUTH_ISSUER": "https://login.example.gov.uk/realms/mash"}, "MASH_OAUTH_AUDIENCE"),
        ({"MASH_OIDC_ISSUER": "https://login.example.gov.uk/v2.0"}, "MASH_OIDC_CLIENT_ID"),
        (
            {"MASH_OIDC_ISSUER": "https://login.example.gov.uk/v2.0", "MASH_OIDC_CLIENT_ID": "mash"},
            "MASH_OIDC_CLIENT_SECRET",
        ),
    ],
)
def test_an_identity_provider_without_what_it_needs_is_refused_naming_the_missing_setting(
    given: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingError) as caught:
        Settings.from_env(given)
    assert caught.value.name == named


def test_feedback_waits_for_oversight_on_no_further_action_unless_told_otherwise() -> None:
    assert Settings.from_env({}).feedback_after_oversight == ("nfa",)
    assert Settings.from_env({"MASH_FEEDBACK_AFTER_OVERSIGHT": "nfa, signpost"}).feedback_after_oversight == (
        "nfa",
        "signpost",
    )
    assert Settings.from_env({"MASH_FEEDBACK_AFTER_OVERSIGHT": "none"}).feedback_after_oversight == ()


def test_the_app_does_not_start_with_a_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASH_DECISION_RED", "four hours")
    with pytest.raises(SettingError, match="MASH_DECISION_RED"):
        create_app()


@pytest.mark.parametrize("command", [["db", "upgrade"], ["worker", "--burst"], ["run", "--port", "1"], ["demo"]])
def test_every_command_stops_on_a_bad_setting_with_one_line_and_status_1(command: list[str], tmp_path: Path) -> None:
    env = _env(MASH_DECISION_RED="four hours", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    done = subprocess.run([MASH, *command], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: MASH_DECISION_RED='four hours': not a timescale ('2 hours', '6 working hours', '1 working day') "
        '(for example MASH_DECISION_RED="4 hours")'
    ]


def test_gunicorn_with_the_production_config_stops_on_a_bad_setting(tmp_path: Path) -> None:
    env = _env(MASH_CASELOAD_CAP="ten", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", "127.0.0.1:0", "wsgi:app"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 1
    assert "mash: MASH_CASELOAD_CAP='ten': not a whole number (for example MASH_CASELOAD_CAP=15)" in done.stderr
    assert "Traceback" not in done.stderr


def test_config_check_prints_the_configuration_with_secrets_masked(tmp_path: Path) -> None:
    env = _env(
        DATABASE_URL="postgresql://mash:hunter2@db.internal:5432/mash",
        REDIS_URL="redis://:redispass@127.0.0.1:6379/0",
        MASH_SECRET_KEY="very-secret-key",
        MASH_POLICE_URL="https://police.example.gov.uk",
        MASH_POLICE_TOKEN="police-token-123",
        MASH_DECISION_RED="2 hours",
        MASH_OIDC_ISSUER="https://login.example.gov.uk/v2.0",
        MASH_OIDC_CLIENT_ID="mash-staff-pages",
        MASH_OIDC_CLIENT_SECRET="oidc-secret-456",
        MASH_OAUTH_ISSUER="https://login.example.gov.uk/realms/mash",
        MASH_OAUTH_AUDIENCE="mash-api",
    )
    done = subprocess.run([MASH, "config", "check"], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert lines["DATABASE_URL"] == "postgresql://mash:***@db.internal:5432/mash"
    assert lines["REDIS_URL"] == "redis://:***@127.0.0.1:6379/0"
    assert lines["MASH_SECRET_KEY"] == "***" and lines["MASH_POLICE_TOKEN"] == "***"
    assert lines["MASH_DECISION_RED"] == "2 hours" and lines["MASH_DECISION_AMBER"] == "1 working day"
    assert lines["MASH_POLICE_URL"] == "https://police.example.gov.uk"
    assert lines["MASH_OIDC_CLIENT_SECRET"] == "***" and lines["MASH_LOCAL_SIGN_IN"] == "true"
    assert lines["MASH_OAUTH_AUDIENCE"] == "mash-api" and lines["MASH_OAUTH_ALGORITHMS"] == "RS256,ES256"
    assert lines["MASH_OAUTH_JWKS_URL"].startswith("(from the issuer's")
    for secret in ("hunter2", "redispass", "very-secret-key", "police-token-123", "oidc-secret-456"):
        assert secret not in done.stdout + done.stderr


def test_settings_can_come_from_a_file_given_with_e(tmp_path: Path) -> None:
    good = tmp_path / "mash.env"
    good.write_text("MASH_CASELOAD_CAP=12\nMASH_DECISION_GREEN=2 working days\n")
    done = subprocess.run([MASH, "-e", str(good), "config", "check"], env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "MASH_CASELOAD_CAP=12" in done.stdout and "MASH_DECISION_GREEN=2 working days" in done.stdout
    bad = tmp_path / "bad.env"
    bad.write_text("MASH_CASELOAD_CAP=ten\n")
    done = subprocess.run([MASH, "-e", str(bad), "config", "check"], env=_env(), capture_output=True, text=True)
    assert done.returncode == 1
    assert (
        done.stderr.strip() == "Error: MASH_CASELOAD_CAP='ten': not a whole number (for example MASH_CASELOAD_CAP=15)"
    )
