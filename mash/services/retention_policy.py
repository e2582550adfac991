"""The retention schedule: classes of records, the date each is kept from and for how long, read from a YAML file
the council edits (`MASH_RETENTION`, or the default in `mash/data/retention.yaml`) and checked when the service starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from mash.enums import CONCERN_CATEGORIES, OUTCOMES

DEFAULT_SCHEDULE = Path(__file__).resolve().parent.parent / "data" / "retention.yaml"
CONTACT = "contact"
TRIGGERS: dict[str, tuple[str, ...]] = {
    CONTACT: ("decided", "youngest_child_born"),
    "referral_draft": ("created", "updated"),
    "idempotency_record": ("created",),
    "security_event": ("created",),
}
RECORD_TYPES = tuple(TRIGGERS)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CLASS_KEYS = frozenset({"id", "records", "when", "trigger", "keep", "basis"})


class RetentionPolicyError(ValueError):
    """A retention schedule that cannot be used; the message names each problem."""


@dataclass(frozen=True)
class RetentionClass:
    """One class of records: which records, the date their clock starts, and how long they are kept after it."""

    id: str
    records: str
    trigger: str
    years: int
    days: int
    basis: str
    outcomes: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()

    def due(self, trigger: date) -> date:
        """Return the first day a record whose clock started on `trigger` may be destroyed."""
        year = trigger.year + self.years
        moved = trigger.replace(year=year, day=28) if (trigger.month, trigger.day) == (2, 29) else trigger
        return moved.replace(year=year) + timedelta(days=self.days)

    def covers(self, outcomes: Iterable[str], categories: Iterable[str]) -> bool:
        """Say whether a contact with these decided outcomes and concern categories is in this class."""
        return bool(self.outcomes.intersection(outcomes) or self.categories.intersection(categories))

    @property
    def period(self) -> str:
        """Say how long, in words."""
        return f"{self.years} years" if self.years else f"{self.days} days"


@dataclass(frozen=True)
class RetentionPolicy:
    """The council's retention schedule in force."""

    version: str
    classes: tuple[RetentionClass, ...]

    def for_records(self, records: str) -> list[RetentionClass]:
        """Return the classes of one record type."""
        return [c for c in self.classes if c.records == records]


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _parse_class(raw: Any, where: str, problems: list[str]) -> RetentionClass | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: a class is a mapping with id, records, trigger, keep and basis")
        return None
    where = f"class {raw.get('id', where)!r}" if isinstance(raw.get("id"), str) else where
    found = len(problems)
    unknown = sorted(set(raw) - _CLASS_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(unknown)}")
    if not isinstance(raw.get("id"), str) or not _ID.match(raw["id"]):
        problems.append(f"{where}: id must be lower-case words joined by hyphens")
    records = raw.get("records")
    if records not in TRIGGERS:
        problems.append(f"{where}: records must be one of {', '.join(RECORD_TYPES)}")
    elif raw.get("trigger") not in TRIGGERS[records]:
        problems.append(f"{where}: trigger for {records} must be one of {', '.join(TRIGGERS[records])}")
    keep = raw.get("keep")
    years = _whole(keep.get("years")) if isinstance(keep, dict) else None
    days = _whole(keep.get("days")) if isinstance(keep, dict) else None
    if not isinstance(keep, dict) or set(keep) not in ({"years"}, {"days"}) or (years or days) is None:
        problems.append(f"{where}: keep must be {{years: N}} or {{days: N}} with N a whole number of at least 1")
    if not isinstance(raw.get("basis"), str) or not raw["basis"].strip():
        problems.append(f"{where}: basis must say which guidance or decision the period follows")
    when = raw.get("when") or {}
    outcomes, categories = set(), set()
    if records != CONTACT and "when" in raw:
        problems.append(f"{where}: when applies to contacts only")
    elif records == CONTACT:
        if not isinstance(when, dict) or not when or set(when) - {"outcomes", "categories"}:
            problems.append(f"{where}: when must name outcomes, categories or both")
        else:
            outcomes, categories = set(when.get("outcomes") or ()), set(when.get("categories") or ())
            for name, values, known in (("outcome", outcomes, OUTCOMES), ("category", categories, CONCERN_CATEGORIES)):
                for value in sorted(values - set(known)):
                    problems.append(f"{where}: unknown {name} {value!r}")
    if len(problems) > found:
        return None
    return RetentionClass(
        raw["id"], str(records), raw["trigger"], years or 0, days or 0, raw["basis"].strip(),
        frozenset(outcomes), frozenset(categories),
    )  # fmt: skip


def parse_policy(text: str, name: str = "retention schedule") -> RetentionPolicy:
    """Parse and check a retention schedule; raise RetentionPolicyError naming every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RetentionPolicyError(f"{name}: not YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("classes"), list):
        raise RetentionPolicyError(f"{name}: a mapping with version and a list of classes is needed")
    problems: list[str] = []
    if not isinstance(raw.get("version"), str) or not raw["version"].strip():
        problems.append("version must be a non-empty string")
    classes = [_parse_class(item, f"class {n + 1}", problems) for n, item in enumerate(raw["classes"])]
    parsed = [c for c in classes if c is not None]
    ids = [c.id for c in parsed]
    problems += [f"class {i!r} appears more than once" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for records in RECORD_TYPES[1:]:
        count = sum(1 for c in parsed if c.records == records)
        if count != 1 and len(parsed) == len(classes):
            problems.append(f"{records} needs exactly one class (found {count})")
    covered = {outcome for c in parsed if c.records == CONTACT for outcome in c.outcomes}
    if len(parsed) == len(classes):
        problems += [f"no contact class covers the outcome {o!r}" for o in OUTCOMES if o not in covered]
    if problems:
        raise RetentionPolicyError(f"{name}:\n" + "\n".join(f"  {p}" for p in problems))
    return RetentionPolicy(raw["version"].strip(), tuple(parsed))


def load_policy(path: str | None) -> RetentionPolicy:
    """Read the council's schedule from `path`, or the default one; raise RetentionPolicyError if it is unusable."""
    source = Path(path) if path else DEFAULT_SCHEDULE
    return parse_policy(source.read_text(encoding="utf-8"), str(source))
