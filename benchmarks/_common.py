"""What the HTTP and job benchmarks share: services started and stopped here, wrk, the contact body, the report.

Everything runs on 127.0.0.1. Servers are gunicorn processes on free ports; databases are a SQLite file in a
temporary folder and a PostgreSQL database created for the run and dropped after it; Redis is one database
index (9 unless told otherwise), refused if it holds anything and flushed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from redis import Redis
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "results"
CONTACT_EXAMPLE = REPO / "tests" / "data" / "contract_example.json"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
BENCH_DATABASE = "mash_bench"
SLOT = re.compile(r"@@(REF|NHS|FIRST|LAST|DOB)@@")
BODY_BYTES = 3 * 1024
ENGLISH_NHS_NUMBERS = 400_000_000  # 400 000 000 to 499 999 999: England, Wales and the Isle of Man
FIRST_NAMES = ("Amira", "Oliver", "Chidinma", "Jack", "Maryam", "Noah", "Zofia", "Leo", "Priya", "Archie", "Aoife")
LAST_NAMES = ("Khan", "Smith", "Okafor", "Nguyen", "Kowalski", "Murphy", "Patel", "Mensah", "Jones", "Begum", "Chen")
DOB_START = date(2008, 1, 1)
DOB_DAYS = 5_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BUSY_LOAD = 0.5
PACKAGES = ("flask", "flask-smorest", "marshmallow", "sqlalchemy", "psycopg", "gunicorn", "rq", "redis")
FREE_TEXT = (
    "Officers attended after a neighbour reported shouting and a child crying. The mother said her partner "
    "had pushed her against a wall in front of the children and took her phone so that she could not call for "
    "help. The partner had left before officers arrived. The four-year-old was awake, quiet and clinging to "
    "her mother; the home was cold and there was little food in the kitchen. This is the third call to the "
    "address in two months. "
)


def add_service_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options that say where PostgreSQL and Redis answer."""
    parser.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES_URL,
        help=f"a PostgreSQL database to connect to while creating and dropping {BENCH_DATABASE} (default: %(default)s)",
    )
    parser.add_argument(
        "--redis",
        default=DEFAULT_REDIS_URL,
        help="a Redis database index for this run alone: refused if not empty, flushed after (default: %(default)s)",
    )


def contact_body_template(size: int = BODY_BYTES) -> str:
    """Return the contract example lengthened to about `size` bytes, with @@slots@@ for what varies per contact."""
    document = json.loads(CONTACT_EXAMPLE.read_text(encoding="utf-8"))
    document["referrer"]["external_reference"] = "@@REF@@"
    child = document["children"][0]
    child.update(first_name="@@FIRST@@", last_name="@@LAST@@", date_of_birth="@@DOB@@", nhs_number="@@NHS@@")
    concerns = document["concerns"]
    concerns["worries"] = "The children saw the assault; the partner has a history of violence."
    concerns["strengths"] = "The mother called for help and wants the partner kept away."
    concerns["needs"] = "A strategy discussion, and support for the mother and the children."
    shortfall = size - len(json.dumps(document))
    repeats = shortfall // len(FREE_TEXT) + 1
    concerns["summary"] = (concerns["summary"] + " " + FREE_TEXT * repeats)[: len(concerns["summary"]) + shortfall]
    return json.dumps(document)


def nhs_number(n: int) -> tuple[str, int]:
    """Return the first valid NHS number from the nine digits of `n` on, and the `n` it used."""
    while True:
        digits = f"{n:09d}"
        check = 11 - sum(int(digit) * (10 - i) for i, digit in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check), n
        n += 1


def slot_values(tag: str, n: int) -> tuple[dict[str, str], int]:
    """Return what fills the body's slots for contact number `n`, and the `n` used (the wrk script does the same).

    Every contact is about a different child: a unique NHS number, one of 121 names and one of 5,000 dates of
    birth, so that history and matching find a handful of earlier children with the same keys, not all of them.
    """
    nhs, n = nhs_number(n)
    return {
        "REF": f"{tag}-{n}",
        "NHS": nhs,
        "FIRST": FIRST_NAMES[n % len(FIRST_NAMES)],
        "LAST": LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)],
        "DOB": (DOB_START + timedelta(days=n % DOB_DAYS)).isoformat(),
    }, n


def fill(template: str, values: Mapping[str, str]) -> str:
    """Put the values into the body template's slots."""
    return SLOT.sub(lambda match: values[match.group(1)], template)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def clean_environment(overrides: Mapping[str, str]) -> dict[str, str]:
    """Return this environment without MASH_*, BENCH_*, DATABASE_URL or REDIS_URL, plus `overrides`.

    The load comes from one address, so the per-client rate limit is raised far above it (the limiter still runs).
    """
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MASH_", "BENCH_")) and name not in ("DATABASE_URL", "REDIS_URL")
    }
    return {**kept, "MASH_LOG_LEVEL": "WARNING", "MASH_RATE_LIMIT": "10000000 per minute", **overrides}


def mash(environment: Mapping[str, str], *arguments: str) -> str:
    """Run the `mash` command and return its last line of output."""
    done = subprocess.run(
        [str(BIN / "mash"), *arguments], env=dict(environment), cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"mash {' '.join(arguments)} failed:\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def prepare_mash_database(environment: Mapping[str, str]) -> dict[str, str]:
    """Migrate the database the environment names and create a police partner and a screener; return their tokens."""
    mash(environment, "db", "upgrade")
    mash(environment, "organisations", "add", "Metropolitan Police", "--agency-type", "police")
    return {
        "partner": mash(
            environment,
            *("users", "create", "Bench Police", "--role", "partner"),
            *("--organisation", "Metropolitan Police", "--agency-type", "police"),
        ),
        "screener": mash(environment, "users", "create", "Bench Screener", "--role", "screener"),
    }


def _process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds_with_children(pid: int) -> float:
    """Return the CPU time a process has used so far, with that of the children it has waited for (work-horses)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(field) for field in fields[11:15]) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError):
                continue
    return found


class Gunicorn:
    """Gunicorn on a free loopback port for the length of a `with` block: sync workers, or gthread with `threads`."""

    def __init__(
        self, app: str, environment: Mapping[str, str], ready_path: str, log: Path, workers: int = 2, threads: int = 1
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [
            str(BIN / "gunicorn"),
            # The repository's gunicorn.conf.py is production's (gthread, JSON logs): the benchmark sets its own.
            # benchmarks/ is on the path so the floor app imports as `floors` (pysbd installs a package `benchmarks`).
            *("--config", str(self._empty_config(log)), "--pythonpath", str(REPO / "benchmarks")),
            *("--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"),
            *(("--worker-class", "gthread", "--threads", str(threads)) if threads > 1 else ("--worker-class", "sync")),
            *("--chdir", str(REPO), "--log-level", "warning", "--no-control-socket", "--error-logfile", str(log)),
            app,
        ]
        self.environment = dict(environment)
        self.ready_path = ready_path
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(self.command, env=self.environment, cwd=REPO)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log}:\n{self._log_tail()}")
            if len(_children(self.process.pid)) >= self.workers and self._answers():
                return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer {self.ready_path} within 30 s:\n{self._log_tail()}")

    def __exit__(self, *_exc: object) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    @staticmethod
    def _empty_config(log: Path) -> Path:
        config = log.with_name("gunicorn-benchmark.conf.py")
        config.write_text("# the benchmark's gunicorn settings are all on its command line\n", encoding="utf-8")
        return config

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as response:
                return int(response.status) == 200
        except (urllib.error.URLError, OSError):  # refused, reset, or a worker still starting (timeout)
            return False

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def cpu_seconds(self) -> float:
        """Return the CPU time the workers have used so far."""
        assert self.process is not None
        total = 0.0
        for pid in _children(self.process.pid):
            try:
                total += _process_cpu_seconds(pid)
            except OSError:
                continue
        return total


def require_wrk() -> str:
    """Return the path of wrk, or stop with how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "This benchmark drives HTTP load with wrk, which is not installed.\n"
            "Install it with:  sudo apt-get install -y wrk   (Debian/Ubuntu; `brew install wrk` on macOS)"
        )
    return path


def _lua_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    equals = "=" * level
    return f"[{equals}[{text}]{equals}]"


def _lua_headers(headers: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"[ {_lua_string(name)} ] = {_lua_string(value)}" for name, value in headers.items()) + "}"


_LUA_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK_RESULT %d %d %.1f %.1f %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""

_LUA_THREADS = """
local threads_made = 0
function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_id", threads_made)
end
"""

_LUA_POST = """
local pieces = {{{pieces}}}
local slots = {{{slots}}}
local first_names = {{{first_names}}}
local last_names = {{{last_names}}}
local headers = {headers}
local path = {path}
local tag = {tag}
local idempotent = {idempotent}
local nhs_base = {nhs_base}
local dob_start = {dob_start}
local dob_days = {dob_days}
local next_n = nil

-- Mirrors _common.nhs_number and _common.slot_values.
local function nhs_number(n)
  while true do
    local digits = string.format("%09d", n)
    local total = 0
    for i = 1, 9 do
      total = total + (string.byte(digits, i) - 48) * (11 - i)
    end
    local check = 11 - total % 11
    if check == 11 then check = 0 end
    if check ~= 10 then return digits .. check, n end
    n = n + 1
  end
end

local function slot_values(n)
  local values = {{}}
  values.NHS, n = nhs_number(n)
  values.REF = tag .. "-" .. n
  values.FIRST = first_names[n % #first_names + 1]
  values.LAST = last_names[math.floor(n / #first_names) % #last_names + 1]
  values.DOB = os.date("!%Y-%m-%d", dob_start + (n % dob_days) * 86400)
  return values, n
end

function request()
  local values
  values, next_n = slot_values(next_n or (nhs_base + (thread_id - 1) * 400000))
  next_n = next_n + 1
  local parts = {{}}
  for i = 1, #slots do
    parts[#parts + 1] = pieces[i]
    parts[#parts + 1] = values[slots[i]]
  end
  parts[#parts + 1] = pieces[#pieces]
  if idempotent then headers["Idempotency-Key"] = values.REF end
  return wrk.format("POST", path, headers, table.concat(parts))
end
"""

_LUA_GET = """
local paths = {{{paths}}}
local headers = {headers}
local index = nil

function request()
  index = (index or thread_id * 7) % #paths + 1
  return wrk.format("GET", paths[index], headers)
end
"""


def _lua_list(values: Sequence[str]) -> str:
    return ", ".join(_lua_string(value) for value in values)


def post_script(path: str, template: str, headers: Mapping[str, str], run: int, *, idempotent: bool = False) -> str:
    """Return a wrk script that POSTs the template with the slots filled afresh for every request."""
    split = SLOT.split(template)
    return (
        _LUA_THREADS
        + _LUA_POST.format(
            pieces=_lua_list(split[0::2]),
            slots=_lua_list(split[1::2]),
            first_names=_lua_list(FIRST_NAMES),
            last_names=_lua_list(LAST_NAMES),
            headers=_lua_headers({"Content-Type": "application/json", **headers}),
            path=_lua_string(path),
            tag=_lua_string(f"BENCH-{run}"),
            idempotent="true" if idempotent else "false",
            nhs_base=ENGLISH_NHS_NUMBERS + run * 1_000_000,
            dob_start=int(datetime.combine(DOB_START, datetime.min.time(), UTC).timestamp()),
            dob_days=DOB_DAYS,
        )
        + _LUA_DONE
    )


def get_script(paths: Sequence[str], headers: Mapping[str, str]) -> str:
    """Return a wrk script that GETs the paths in turn."""
    return _LUA_THREADS + _LUA_GET.format(paths=_lua_list(paths), headers=_lua_headers(headers)) + _LUA_DONE


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured; CPU figures are in cores (1.0 is one core busy for the whole run)."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: float
    wrk_cpu: float

    @property
    def per_second(self) -> float:
        """Return the completed requests per second."""
        return self.requests / self.seconds


class Wrk:
    """Runs wrk against one server at a fixed concurrency, each run with a warm-up before it."""

    def __init__(self, executable: str, folder: Path, seconds: float, warmup: float, connections: int = 8) -> None:
        self.executable = executable
        self.folder = folder
        self.seconds = seconds
        self.warmup = warmup
        self.connections = connections
        self.runs = 0

    def next_run(self) -> int:
        """Return a number no earlier run had, which scripts put into their references."""
        self.runs += 1
        return self.runs

    def measure(self, server: Gunicorn, script: Callable[[int], str]) -> LoadResult:
        """Warm the server up, then measure it; `script` makes the wrk script for a run number."""
        if self.warmup > 0:
            self._run(server, script, self.warmup)
        return self._run(server, script, self.seconds)

    def _run(self, server: Gunicorn, script: Callable[[int], str], seconds: float) -> LoadResult:
        run = self.next_run()
        script_path = self.folder / f"wrk-{run}.lua"
        script_path.write_text(script(run), encoding="utf-8")
        command = [
            self.executable,
            *("--threads", "2", "--connections", str(self.connections), "--duration", f"{max(1, round(seconds))}s"),
            *("--timeout", "5s", "--script", str(script_path), server.url),
        ]
        before_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
        before_server = server.cpu_seconds()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        server_cpu = server.cpu_seconds() - before_server
        after_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
        lines = [line for line in done.stdout.splitlines() if line.startswith("WRK_RESULT ")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        requests, duration_us, p50_us, p99_us, *errors = lines[-1].split()[1:]
        elapsed = int(duration_us) / 1e6
        wrk_cpu = (after_wrk.ru_utime + after_wrk.ru_stime) - (before_wrk.ru_utime + before_wrk.ru_stime)
        return LoadResult(
            requests=int(requests),
            seconds=elapsed,
            p50_ms=float(p50_us) / 1000,
            p99_ms=float(p99_us) / 1000,
            errors=sum(int(count) for count in errors),
            server_cpu=server_cpu / elapsed,
            wrk_cpu=wrk_cpu / elapsed,
        )


@contextmanager
def postgres_database(admin_url: str, name: str = BENCH_DATABASE) -> Iterator[str]:
    """Create a PostgreSQL database afresh for the run and drop it afterwards; yield its URL."""

    def drop(connection: psycopg.Connection[Any]) -> None:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    with psycopg.connect(admin_url, autocommit=True) as connection:
        drop(connection)
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            drop(connection)


@contextmanager
def redis_database(url: str) -> Iterator[Redis]:
    """Use one Redis database index for the run: refuse it if it holds anything; flush it afterwards."""
    redis = Redis.from_url(url)
    keys = redis.dbsize()
    if keys:
        index = redis.connection_pool.connection_kwargs.get("db", 0)
        raise SystemExit(
            f"Redis database {index} at {url} holds {keys} keys; this benchmark needs one of its own and flushes "
            f"it afterwards. Pass --redis with another index, or empty it (redis-cli -n {index} flushdb) if it is "
            "left over from an interrupted run."
        )
    try:
        yield redis
    finally:
        redis.flushdb()
        redis.close()


def load_average() -> float:
    """Return the one-minute load average, and warn when other work is already using this machine."""
    load = os.getloadavg()[0]
    if load > BUSY_LOAD:
        print(f"warning: load average {load:.2f} before the run: other processes are busy, so the figures will be low")
    return load


def _revision() -> str | None:
    done = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


def environment_report(arguments: Sequence[str], load_before: float) -> dict[str, Any]:
    """Describe the code, the machine, its load, the packages and the command, for the JSON report."""
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "command": " ".join(["python", *arguments]),
        "revision": _revision(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "packages": {name: version(name) for name in PACKAGES},
    }


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> None:
    """Print rows as an aligned text table: `columns` are (key, heading) pairs; the first is left-aligned."""
    cells = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max(len(heading), *(len(line[i]) for line in cells)) for i, (_, heading) in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        first, *rest = values
        return "  ".join([first.ljust(widths[0]), *(v.rjust(w) for v, w in zip(rest, widths[1:], strict=True))])

    print(line([heading for _, heading in columns]))
    for values in cells:
        print(line(values))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_results(name: str, report: Mapping[str, Any]) -> Path:
    """Write the report to benchmarks/results/<name>.json and return the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(report, indent=2, default=_json_default) + "\n", encoding="utf-8")
    return path


def _json_default(value: Any) -> Any:
    if isinstance(value, LoadResult):
        return {**asdict(value), "per_second": round(value.per_second, 1)}
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
