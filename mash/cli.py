"""The `mash` command: database, users, the development server, workers, demo data, rules, partners."""

from __future__ import annotations

import errno
import gc
import json
import multiprocessing
import os
import socket
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import FlaskGroup
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.serializers import JSONSerializer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import configure_mappers
from werkzeug.serving import run_simple

from integrations.simulator.server import MODES as SIMULATOR_MODES
from integrations.simulator.server import serve as serve_simulator
from mash import accounts_cli, audit_cli, migrations, organisations_cli, retention_cli, sar_cli, tokens_cli
from mash.app import create_app
from mash.db import get_session
from mash.enums import AGENCY_TYPES, ROLES
from mash.jobs.registry import JOBS, QUEUES, resolve
from mash.jobs.relay import start_sweeper
from mash.problems import Problem
from mash.reports_cli import qa, reports
from mash.screening.corpus import corpus_report, evaluate_corpus, load_corpus
from mash.screening.explain import explain
from mash.screening.narrative import NarrativeTermsError, load_reader
from mash.screening.narrative import evaluate as narrative_evaluation
from mash.screening.rulebook import (
    RulebookError,
    check_rulebook,
    default_rulebook,
    load_council_rulebook,
    parse_council_rulebook,
)
from mash.services import feedback, screening, tokens
from mash.services import rules_compare as rules_compare_service
from mash.services.demo import load_demo
from mash.services.retention_policy import RetentionPolicyError
from mash.services.users import UserInvalid, create_user
from mash.serving import QuietRequestHandler, closed_when_written
from mash.settings import SettingError, Settings
from mash.web import session_cookie_name

NARRATIVE_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "screening" / "narrative" / "corpus"
SCREENING_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "screening" / "corpus"


@click.group(
    cls=FlaskGroup,
    create_app=lambda: create_app(),
    add_version_option=False,
    add_default_commands=False,
    load_dotenv=False,
)
def cli() -> None:
    """MASH Front Door: the front door service for children's social care.

    Settings come from the environment (or a file given with -e); every command checks them first.
    """
    try:
        Settings.from_env()
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None


# Flask's --app and --debug mean nothing for this command; its -e loads settings from a file.
cli.params[:] = [param for param in cli.params if param.name not in ("app", "debug")]
for param in cli.params:
    if isinstance(param, click.Option) and param.name == "env_file":
        param.help = "Load settings from this file (KEY=value lines) first; the environment still wins."


@cli.group()
def config() -> None:
    """Inspect the settings."""


@config.command("check", with_appcontext=False)
def config_check() -> None:
    """Print the configuration in force, secrets masked (the settings were checked on the way in)."""
    for name, value in Settings.from_env().effective():
        click.echo(f"{name}={value}")
    click.echo("settings: ok", err=True)


@cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for every one).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def run(host: str, port: int) -> None:
    """Run the development server (with jobs in-process and the outbox sweep when REDIS_URL is unset)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = app.config["MASH_SETTINGS"]
    _check_port_free(host, port)
    app.config["SESSION_COOKIE_SECURE"] = False  # the development server speaks plain HTTP
    app.config["SESSION_COOKIE_NAME"] = session_cookie_name(secure=False)
    if not settings.redis_url:
        start_sweeper(app.extensions["mash.relay"], settings.sweep_seconds)
    mode = "jobs on Redis" if settings.redis_url else "jobs in-process"
    click.echo(f"MASH Front Door on http://{host}:{port}/ (API docs at /api/v1/docs/; {mode})")
    run_simple(
        host, port, closed_when_written(app), threaded=True, use_reloader=False, request_handler=QuietRequestHandler
    )


def _check_port_free(host: str, port: int) -> None:
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = "already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}; choose another with --port") from None


def _sweep_forever(interval: float, parent: int) -> None:
    app = create_app()
    relay = app.extensions["mash.relay"]
    stop = threading.Event()
    while not stop.wait(interval):
        if os.getppid() != parent:
            return
        relay.sweep()


@cli.command("worker")
@click.option(
    "--queue", "queues", multiple=True, default=QUEUES, show_default=True, help="A queue to work on (repeatable)."
)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--sweep/--no-sweep", default=True, show_default=True, help="Run the outbox sweep beside the worker.")
def worker(queues: tuple[str, ...], burst: bool, sweep: bool) -> None:
    """Run an RQ worker (forking a work-horse per job) with the scheduler and the outbox sweep."""
    settings = current_app.config["MASH_SETTINGS"]
    if not settings.redis_url:
        raise click.UsageError("REDIS_URL is not set: without Redis, jobs run inside the web process")
    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    redis.ping()
    if sweep:
        context = multiprocessing.get_context("spawn")
        context.Process(
            target=_sweep_forever, args=(settings.sweep_seconds, os.getpid()), name="mash-sweep", daemon=True
        ).start()
    screening.warm_up(settings)
    screening.rehearse(current_app.extensions["mash.sessionmaker"], settings)
    for spec in JOBS.values():
        resolve(spec.func)
    configure_mappers()
    # Objects built so far live as long as the worker: keep the work-horses' collector off their shared pages.
    gc.freeze()
    rq_worker = Worker(
        [Queue(name, connection=redis, serializer=JSONSerializer) for name in queues],
        connection=redis,
        serializer=JSONSerializer,
    )
    rq_worker.work(with_scheduler=True, burst=burst, logging_level=settings.log_level)


@cli.group()
def rules() -> None:
    """Check and explain the screening rules."""


@rules.command("check", with_appcontext=False)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
def rules_check(path: Path) -> None:
    """Validate a rulebook file; name the line of every problem."""
    problems = check_rulebook(path)
    for problem in problems:
        click.echo(f"{path}:{problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{path}: ok")


@rules.command("explain")
@click.argument("contact")
def rules_explain(contact: str) -> None:
    """Print which rules fire for a stored CONTACT (its reference, MASH-2026-000041, or its id), and why."""
    settings = current_app.config["MASH_SETTINGS"]
    stored, result, due = screening.explain_contact(get_session(), contact, settings)
    click.echo(f"Contact {stored.reference}")
    click.echo(explain(result, due), nl=False)


@rules.command("evaluate", with_appcontext=False)
@click.option(
    "--narrative",
    "corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=NARRATIVE_CORPUS,
    show_default=True,
    help="A directory of labelled sentences (*.yaml).",
)
@click.option(
    "--screening",
    "screening_corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=SCREENING_CORPUS,
    show_default=True,
    help="A directory of synthetic contacts with their acceptable outcomes (*.yaml).",
)
@click.option(
    "--terms", type=click.Path(exists=True, dir_okay=False), default=None, help="A council's narrative terms."
)
@click.option("--rulebook", type=click.Path(exists=True, dir_okay=False), default=None, help="A council's rulebook.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="The lowest precision and recall that pass.",
)
@click.option(
    "--max-below-floor",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="How many corpus contacts may be recommended below their floor before the command fails (a ratchet).",
)
@click.option("--misses", is_flag=True, help="Also print every text where the reader and the label disagree.")
def rules_evaluate(
    corpus: Path,
    screening_corpus: Path,
    terms: str | None,
    rulebook: str | None,
    threshold: float,
    max_below_floor: int,
    misses: bool,
) -> None:
    """Print the reader's precision and recall and the screening corpus's agreement.

    Exit 1 when precision or recall is below the threshold, or more contacts than --max-below-floor are
    recommended below their floor.
    """
    try:
        cases = narrative_evaluation.load_corpus(corpus)
        reader = load_reader(terms)
        contacts = load_corpus(screening_corpus)
        rules_in_use = load_council_rulebook(rulebook) if rulebook else default_rulebook()
    except (narrative_evaluation.CorpusError, NarrativeTermsError, RulebookError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    evaluation = narrative_evaluation.evaluate(reader, cases)
    click.echo(f"terms version {reader.version}")
    click.echo(narrative_evaluation.report(evaluation, show_misses=misses), nl=False)
    report = evaluate_corpus(contacts, rules_in_use, reader)
    click.echo(f"rulebook version {rules_in_use.version}")
    click.echo(corpus_report(report), nl=False)
    micro = evaluation.micro
    failed = False
    if micro.precision < threshold or micro.recall < threshold:
        click.echo(
            f"below the threshold {threshold}: precision {micro.precision:.3f}, recall {micro.recall:.3f}", err=True
        )
        failed = True
    if len(report.below_floor) > max_below_floor:
        click.echo(f"{len(report.below_floor)} contacts recommended below their floor", err=True)
        failed = True
    if failed:
        raise SystemExit(1)


@rules.command("compare")
@click.argument("candidate", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "received_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Received on or after.")
@click.option("--to", "received_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Received before.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for tools.")
def rules_compare(candidate: Path, received_from: datetime | None, received_to: datetime | None, as_json: bool) -> None:
    """Replay stored contacts through the current and a candidate rulebook, changing nothing; print the movement."""
    settings = current_app.config["MASH_SETTINGS"]
    try:
        proposed = parse_council_rulebook(candidate.read_text(encoding="utf-8"), str(candidate))
    except RulebookError as exc:
        raise click.ClickException(str(exc)) from exc
    comparison = rules_compare_service.compare_rulebooks(
        get_session(),
        screening.rulebook_for(settings.rulebook_path),
        proposed,
        received_from.replace(tzinfo=UTC) if received_from else None,
        received_to.replace(tzinfo=UTC) if received_to else None,
    )
    if as_json:
        click.echo(json.dumps(comparison.as_dict(), indent=2))
    else:
        click.echo(comparison.table(), nl=False)


@cli.group()
def db() -> None:
    """Manage the database."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="The Alembic revision to migrate to.")
def db_upgrade(revision: str) -> None:
    """Create or migrate the database to the newest schema."""
    migrations.upgrade(current_app.config["MASH_SETTINGS"].database_url, revision)
    click.echo(f"database at {revision}")


@cli.group()
def users() -> None:
    """Manage users and their API tokens."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--organisation", default=None, help="The partner's organisation, an existing one (partners only).")
@click.option(
    "--agency-type", type=click.Choice(AGENCY_TYPES), default=None, help="Checked against the organisation's, if given."
)
@click.option("--email", default=None, help="The address they sign in with (set a password with set-password).")
@click.option(
    "--expires-in-days", type=click.IntRange(0), default=None, help="Token lifetime (MASH_TOKEN_DAYS; 0: never)."
)
@click.option("--oauth-client-id", default=None, help="A partner system's client id at the identity provider.")
def users_create(
    name: str,
    role: str,
    organisation: str | None,
    agency_type: str | None,
    email: str | None,
    expires_in_days: int | None,
    oauth_client_id: str | None,
) -> None:
    """Create a user; the API token is printed alone on the last line."""
    days = current_app.config["MASH_SETTINGS"].token_days if expires_in_days is None else expires_in_days
    try:
        user, token = create_user(
            get_session(),
            name,
            role,
            organisation,
            agency_type,
            email=email,
            token_expires_at=tokens.expiry(days),
            oauth_client_id=oauth_client_id,
        )
    except UserInvalid as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"created {user.role} {user.id} ({user.organisation})")
    click.echo(token)


accounts_cli.register(cli, users)
audit_cli.register(cli)
retention_cli.register(cli)
sar_cli.register(cli)
tokens_cli.register(cli)
organisations_cli.register(cli)


@cli.group()
def webhooks() -> None:
    """Manage partner organisations' feedback webhooks."""


@webhooks.command("register")
@click.argument("organisation")
@click.argument("url")
def webhooks_register(organisation: str, url: str) -> None:
    """Send an organisation's feedback to its webhook; the signing secret is printed alone on the last line."""
    try:
        secret = feedback.register_webhook(get_session(), organisation, url)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"feedback for {organisation} goes to {url}; verify X-MASH-Signature with this secret:")
    click.echo(secret)


@cli.group()
def partners() -> None:
    """Simulated partner agency systems, for demonstrations and tests."""


@partners.command("simulate", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8900, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--mode",
    type=click.Choice(SIMULATOR_MODES),
    default="normal",
    show_default=True,
    help="How the partners behave at first (change it with POST /_control).",
)
@click.option("--delay", type=float, default=None, help="Seconds to wait before each answer.")
def partners_simulate(host: str, port: int, mode: str, delay: float | None) -> None:
    """Serve simulated police, health (FHIR) and education APIs over HTTP until interrupted."""
    _check_port_free(host, port)
    behaviour: dict[str, object] = {"mode": mode}
    if delay is not None:
        behaviour["delay"] = delay
    click.echo(f"partner simulator on http://{host}:{port} ({mode}); steer it with POST /_control")
    serve_simulator(host, port, behaviour=behaviour)


@cli.command("demo")
def demo() -> None:
    """Load a demonstration data set (teams, users of every role, synthetic contacts) and print the tokens."""
    with current_app.extensions["mash.relay"].unit_of_work() as session:
        result = load_demo(session)
    click.echo(f"loaded {result.contacts} demonstration contacts ({result.replayed} were already there)")
    for name, token in result.tokens.items():
        click.echo(f"{name:<28} {token}")
    click.echo("sign in at http://127.0.0.1:5000/ (demonstration passwords: never use these anywhere real)")
    for name, (email, password) in result.sign_ins.items():
        click.echo(f"{name:<28} {email:<44} {password}")


cli.add_command(reports)
cli.add_command(qa)


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _where(variable: str) -> str:
    return dict(Settings.from_env().effective()).get(variable, "(unset)")


def main(args: list[str] | None = None) -> None:
    """Run the `mash` command; a failure a user can cause is one line on stderr and exit status 1."""
    try:
        status = cli.main(args=sys.argv[1:] if args is None else args, prog_name="mash", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1)
    except RulebookError as exc:
        click.echo(f"mash: refusing to start with this rulebook\n{exc}", err=True)
        sys.exit(1)
    except RetentionPolicyError as exc:
        click.echo(f"mash: refusing to start with this retention schedule\n{exc}", err=True)
        sys.exit(1)
    except Problem as exc:
        _fail(exc.detail)
    except OperationalError as exc:
        _fail(f"cannot use the database at {_where('DATABASE_URL')}: {_first_line(exc.orig or exc)}")
    except RedisError as exc:
        _fail(f"cannot reach Redis at {_where('REDIS_URL')}: {_first_line(exc)}")
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}")
    except click.Abort:
        click.echo("mash: interrupted", err=True)
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
