"""Police checks: incidents, warning markers and domestic abuse call-outs for a child and their address.

Wire format (JSON; names and dates go in the body, never in the URL, so they stay out of access logs):

    POST {base_url}/police/v1/person-checks
    {"person": {"first_name": "...", "last_name": "...", "date_of_birth": "YYYY-MM-DD" | null} | null,
     "address": {"line_1": "..." | null, "postcode": "..."} | null}

    200 {"person_match": "none" | "single" | "multiple",
         "address_match": true | false,
         "incidents": [{"reference": "CAD 2231/14SEP26", "date": "YYYY-MM-DD",
                        "category": "domestic_abuse", "linked_to": "person" | "address"}],
         "warning_markers": ["weapons"]}

With several person matches the police do not pick one, so only address-linked incidents come back and the
result is reported as ambiguous. Facts: person_match, incident_count, domestic_abuse_incidents,
last_incident_date (YYYY-MM-DD or None), warning_markers (sorted codes).
"""

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from integrations.base import (
    CheckResult,
    HttpPartnerClient,
    Subject,
    SubjectIncomplete,
)
from integrations.validation import (
    ShapeError,
    as_bool,
    as_choice,
    as_code,
    as_date,
    as_list,
    as_object,
    as_str,
    required,
)

PERSON_CHECKS_PATH = "/police/v1/person-checks"
PERSON_MATCHES = ("none", "single", "multiple")
LINKS = ("person", "address")
DOMESTIC_ABUSE = "domestic_abuse"


@dataclass(frozen=True)
class _Incident:
    """One police incident linked to the child or to their address."""

    reference: str
    occurred_on: date
    category: str
    linked_to: str


@dataclass(frozen=True)
class _PoliceAnswer:
    """A validated answer from the police person-checks API."""

    person_match: str
    address_match: bool
    incidents: tuple[_Incident, ...]
    warning_markers: tuple[str, ...]


class PoliceClient(HttpPartnerClient):
    """Ask the police what they hold about a child and the address where the child lives."""

    agency: ClassVar[str] = "police"

    def check(self, subject: Subject) -> CheckResult:
        """Ask the police about subject by name and date of birth and/or by address."""
        answer = self._http.post(PERSON_CHECKS_PATH, _request_body(subject), _parse_answer)
        return _summarise(answer)


def _request_body(subject: Subject) -> dict[str, object]:
    has_name = bool(subject.first_name.strip() and subject.last_name.strip())
    has_address = bool(subject.postcode and subject.postcode.strip())
    if not has_name and not has_address:
        raise SubjectIncomplete(PoliceClient.agency, "a police check needs a full name or a postcode")
    person = None
    if has_name:
        person = {
            "first_name": subject.first_name.strip(),
            "last_name": subject.last_name.strip(),
            "date_of_birth": subject.date_of_birth.isoformat() if subject.date_of_birth else None,
        }
    address = {"line_1": subject.address_line_1, "postcode": subject.postcode} if has_address else None
    return {"person": person, "address": address}


def _parse_answer(body: object) -> _PoliceAnswer:
    """Validate a person-checks body and return it typed, raising ShapeError when it is wrong."""
    root = as_object(body, "body")
    incidents = []
    for index, item in enumerate(as_list(required(root, "incidents", "body"), "body.incidents")):
        where = f"body.incidents[{index}]"
        incident = as_object(item, where)
        incidents.append(
            _Incident(
                reference=as_str(required(incident, "reference", where), f"{where}.reference", max_length=64),
                occurred_on=as_date(required(incident, "date", where), f"{where}.date"),
                category=as_code(required(incident, "category", where), f"{where}.category"),
                linked_to=as_choice(required(incident, "linked_to", where), f"{where}.linked_to", LINKS),
            )
        )
    markers = [
        as_code(marker, f"body.warning_markers[{index}]")
        for index, marker in enumerate(as_list(required(root, "warning_markers", "body"), "body.warning_markers"))
    ]
    person_match = as_choice(required(root, "person_match", "body"), "body.person_match", PERSON_MATCHES)
    if person_match != "single" and any(incident.linked_to == "person" for incident in incidents):
        raise ShapeError("body.incidents: person-linked incidents without a single person match")
    return _PoliceAnswer(
        person_match=person_match,
        address_match=as_bool(required(root, "address_match", "body"), "body.address_match"),
        incidents=tuple(incidents),
        warning_markers=tuple(sorted(set(markers))),
    )


def _summarise(answer: _PoliceAnswer) -> CheckResult:
    """Turn a police answer into counts and a few plain-English lines for a screener."""
    incidents = answer.incidents
    domestic = sum(1 for incident in incidents if incident.category == DOMESTIC_ABUSE)
    last = max((incident.occurred_on for incident in incidents), default=None)
    lines = []
    if answer.person_match == "multiple":
        lines.append("More than one person on police systems matches these details; none was matched.")
    elif answer.person_match == "single":
        lines.append("Police hold a record for this child.")
    if incidents:
        plural = "incident" if len(incidents) == 1 else "incidents"
        lines.append(
            f"{len(incidents)} {plural} linked to the child or their address, {domestic} of them domestic "
            f"abuse; most recent {last.isoformat() if last else 'undated'}."
        )
    if answer.warning_markers:
        markers = ", ".join(marker.replace("_", " ") for marker in answer.warning_markers)
        lines.append(f"Warning markers: {markers}.")
    if not incidents and not answer.warning_markers:
        lines.append("No incidents or warning markers for the child or their address.")
    return CheckResult(
        agency=PoliceClient.agency,
        found=answer.person_match == "single" or bool(incidents) or bool(answer.warning_markers),
        summary="\n".join(lines),
        facts={
            "person_match": answer.person_match,
            "incident_count": len(incidents),
            "domestic_abuse_incidents": domestic,
            "last_incident_date": last.isoformat() if last else None,
            "warning_markers": list(answer.warning_markers),
        },
        ambiguous=answer.person_match == "multiple",
    )
