"""Education checks: school on roll, attendance, suspensions and exclusions, special educational needs.

Wire format (JSON; names and dates go in the body, never in the URL, so they stay out of access logs):

    POST {base_url}/education/v1/pupil-searches
    {"first_name": "...", "last_name": "...", "date_of_birth": "YYYY-MM-DD", "school": "..." | null}

    200 {"matches": [{"school": {"name": "Oakfield Primary School", "urn": "990101"},
                      "on_roll": true, "attendance_percent": 93.5 | null,
                      "suspensions": 0, "permanent_exclusions": 0,
                      "sen_status": "none" | "sen_support" | "ehcp"}]}

Attendance, suspensions and exclusions are for the current academic year. More than one match is reported as
ambiguous, never guessed. Facts: match_count, school, school_urn, on_roll, attendance_percent, suspensions,
permanent_exclusions, sen_status.
"""

from dataclasses import dataclass
from typing import ClassVar

from integrations.base import (
    CheckResult,
    HttpPartnerClient,
    Subject,
    SubjectIncomplete,
    no_single_match,
)
from integrations.validation import (
    as_bool,
    as_choice,
    as_count,
    as_list,
    as_object,
    as_percent,
    as_str,
    required,
)

PUPIL_SEARCHES_PATH = "/education/v1/pupil-searches"
SEN_STATUSES = ("none", "sen_support", "ehcp")
SEN_WORDING = {
    "none": "none recorded",
    "sen_support": "SEN support",
    "ehcp": "education, health and care plan",
}


@dataclass(frozen=True)
class _Pupil:
    school: str
    school_urn: str
    on_roll: bool
    attendance_percent: float | None
    suspensions: int
    permanent_exclusions: int
    sen_status: str


class EducationClient(HttpPartnerClient):
    """Ask the education service which school a child attends and how they are doing there."""

    agency: ClassVar[str] = "education"

    def check(self, subject: Subject) -> CheckResult:
        """Search the pupil records for subject by name and date of birth, narrowed by school when known."""
        if not (subject.first_name.strip() and subject.last_name.strip() and subject.date_of_birth):
            raise SubjectIncomplete(self.agency, "an education check needs a full name and date of birth")
        body: dict[str, object] = {
            "first_name": subject.first_name.strip(),
            "last_name": subject.last_name.strip(),
            "date_of_birth": subject.date_of_birth.isoformat(),
            "school": subject.school,
        }
        return _summarise(self._http.post(PUPIL_SEARCHES_PATH, body, _parse_matches))


def _parse_matches(body: object) -> list[_Pupil]:
    root = as_object(body, "body")
    pupils = []
    for index, item in enumerate(as_list(required(root, "matches", "body"), "body.matches")):
        where = f"body.matches[{index}]"
        match = as_object(item, where)
        school = as_object(required(match, "school", where), f"{where}.school")
        attendance = match.get("attendance_percent")
        pupils.append(
            _Pupil(
                school=as_str(required(school, "name", f"{where}.school"), f"{where}.school.name"),
                school_urn=as_str(required(school, "urn", f"{where}.school"), f"{where}.school.urn", max_length=16),
                on_roll=as_bool(required(match, "on_roll", where), f"{where}.on_roll"),
                attendance_percent=(
                    None if attendance is None else as_percent(attendance, f"{where}.attendance_percent")
                ),
                suspensions=as_count(required(match, "suspensions", where), f"{where}.suspensions"),
                permanent_exclusions=as_count(
                    required(match, "permanent_exclusions", where), f"{where}.permanent_exclusions"
                ),
                sen_status=as_choice(required(match, "sen_status", where), f"{where}.sen_status", SEN_STATUSES),
            )
        )
    return pupils


def _summarise(pupils: list[_Pupil]) -> CheckResult:
    if len(pupils) != 1:
        return no_single_match(EducationClient.agency, len(pupils), "pupil", "Search again with the school.")
    pupil = pupils[0]
    roll = f"On roll at {pupil.school}." if pupil.on_roll else f"No longer on roll; last school {pupil.school}."
    attendance = (
        "Attendance not recorded this academic year."
        if pupil.attendance_percent is None
        else f"Attendance this academic year: {pupil.attendance_percent:g}%."
    )
    if pupil.suspensions or pupil.permanent_exclusions:
        exclusions = f"Suspensions: {pupil.suspensions}; permanent exclusions: {pupil.permanent_exclusions}."
    else:
        exclusions = "No suspensions or exclusions this academic year."
    return CheckResult(
        agency=EducationClient.agency,
        found=True,
        summary="\n".join(
            [roll, attendance, exclusions, f"Special educational needs: {SEN_WORDING[pupil.sen_status]}."]
        ),
        facts={
            "match_count": 1,
            "school": pupil.school,
            "school_urn": pupil.school_urn,
            "on_roll": pupil.on_roll,
            "attendance_percent": pupil.attendance_percent,
            "suspensions": pupil.suspensions,
            "permanent_exclusions": pupil.permanent_exclusions,
            "sen_status": pupil.sen_status,
        },
    )
