"""Health checks: a FHIR R4 Patient search for registered GP and the CP-IS flag.

Wire format (the shape of NHS England's PDS FHIR API, narrowed to what a MASH check needs):

    GET {base_url}/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018
    GET {base_url}/fhir/Patient?family=Khan&given=Amira&birthdate=2019-04-02

    200 {"resourceType": "Bundle", "type": "searchset", "total": 1,
         "entry": [{"resource": {
             "resourceType": "Patient", "id": "...",
             "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}],
             "generalPractitioner": [{"display": "Elmfield Medical Practice"}],
             "extension": [{"url": "https://fhir.nhs.uk/StructureDefinition/Extension-CPIS-Flag",
                            "valueCode": "child_protection_plan" | "looked_after"}]}}]}

An NHS number search is used whenever the subject has one. A patient without the CP-IS extension has no flag.
More than one match is reported as ambiguous, never guessed. Facts: match_count, nhs_number, registered_gp,
cp_is_flag (none, child_protection_plan or looked_after).
"""

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from integrations.base import (
    CheckResult,
    HttpPartnerClient,
    Subject,
    SubjectIncomplete,
    is_valid_nhs_number,
    no_single_match,
)
from integrations.validation import (
    ShapeError,
    as_choice,
    as_count,
    as_list,
    as_object,
    as_optional_str,
    as_str,
    required,
)

PATIENT_SEARCH_PATH = "/fhir/Patient/_search"  # FHIR search by POST: personal details never in a URL
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
CPIS_EXTENSION_URL = "https://fhir.nhs.uk/StructureDefinition/Extension-CPIS-Flag"
CPIS_FLAGS = ("child_protection_plan", "looked_after")
CPIS_WORDING = {
    "none": "no flag",
    "child_protection_plan": "on a child protection plan",
    "looked_after": "looked after by a local authority",
}


@dataclass(frozen=True)
class _Patient:
    nhs_number: str | None
    registered_gp: str | None
    cp_is_flag: str


class HealthClient(HttpPartnerClient):
    """Ask the NHS what it holds about a child: the registered GP and any CP-IS flag."""

    agency: ClassVar[str] = "health"
    accept: ClassVar[str] = "application/fhir+json"

    def check(self, subject: Subject) -> CheckResult:
        """Search for subject by NHS number, or by family name, given name and birth date without one."""
        if subject.nhs_number:
            params = {"identifier": f"{NHS_NUMBER_SYSTEM}|{subject.nhs_number}"}
        elif subject.first_name.strip() and subject.last_name.strip() and subject.date_of_birth:
            params = {
                "family": subject.last_name.strip(),
                "given": subject.first_name.strip(),
                "birthdate": subject.date_of_birth.isoformat(),
            }
        else:
            raise SubjectIncomplete(self.agency, "a health check needs an NHS number, or full name and date of birth")
        patients = self._http.post_form(
            PATIENT_SEARCH_PATH, params, partial(_parse_bundle, expected_nhs_number=subject.nhs_number)
        )
        return _summarise(patients)


def _parse_bundle(body: object, expected_nhs_number: str | None) -> list[_Patient]:
    bundle = as_object(body, "Bundle")
    as_choice(required(bundle, "resourceType", "Bundle"), "Bundle.resourceType", ("Bundle",))
    as_choice(required(bundle, "type", "Bundle"), "Bundle.type", ("searchset",))
    entries = as_list(bundle.get("entry", []), "Bundle.entry")
    if "total" in bundle and as_count(bundle["total"], "Bundle.total") != len(entries):
        raise ShapeError("Bundle.total: does not equal the number of entries (paged results are not supported)")
    patients = []
    for index, item in enumerate(entries):
        entry_path = f"Bundle.entry[{index}]"
        where = f"{entry_path}.resource"
        resource = as_object(required(as_object(item, entry_path), "resource", entry_path), where)
        patient = _parse_patient(resource, where)
        if expected_nhs_number and patient.nhs_number != expected_nhs_number:
            raise ShapeError(f"{where}.identifier: NHS number differs from the one searched for")
        patients.append(patient)
    return patients


def _parse_patient(resource: dict[str, object], where: str) -> _Patient:
    as_choice(required(resource, "resourceType", where), f"{where}.resourceType", ("Patient",))
    as_str(required(resource, "id", where), f"{where}.id", max_length=64)
    nhs_numbers = []
    for index, item in enumerate(as_list(resource.get("identifier", []), f"{where}.identifier")):
        path = f"{where}.identifier[{index}]"
        identifier = as_object(item, path)
        if as_str(required(identifier, "system", path), f"{path}.system") == NHS_NUMBER_SYSTEM:
            value = as_str(required(identifier, "value", path), f"{path}.value")
            if not is_valid_nhs_number(value):
                raise ShapeError(f"{path}.value: not a valid NHS number")
            nhs_numbers.append(value)
    if len(nhs_numbers) > 1:
        raise ShapeError(f"{where}.identifier: more than one NHS number")
    practitioners = []
    for index, item in enumerate(as_list(resource.get("generalPractitioner", []), f"{where}.generalPractitioner")):
        path = f"{where}.generalPractitioner[{index}]"
        practitioners.append(as_optional_str(as_object(item, path).get("display"), f"{path}.display"))
    flags = []
    for index, item in enumerate(as_list(resource.get("extension", []), f"{where}.extension")):
        path = f"{where}.extension[{index}]"
        extension = as_object(item, path)
        if as_str(required(extension, "url", path), f"{path}.url") == CPIS_EXTENSION_URL:
            flags.append(as_choice(required(extension, "valueCode", path), f"{path}.valueCode", CPIS_FLAGS))
    if len(flags) > 1:
        raise ShapeError(f"{where}.extension: more than one CP-IS flag")
    return _Patient(
        nhs_number=nhs_numbers[0] if nhs_numbers else None,
        registered_gp=next((name for name in practitioners if name), None),
        cp_is_flag=flags[0] if flags else "none",
    )


def _summarise(patients: list[_Patient]) -> CheckResult:
    if len(patients) != 1:
        return no_single_match(HealthClient.agency, len(patients), "NHS patient", "Search again with the NHS number.")
    patient = patients[0]
    gp_line = f"Registered GP: {patient.registered_gp}." if patient.registered_gp else "No registered GP recorded."
    return CheckResult(
        agency=HealthClient.agency,
        found=True,
        summary=f"{gp_line}\nCP-IS: {CPIS_WORDING[patient.cp_is_flag]}.",
        facts={
            "match_count": 1,
            "nhs_number": patient.nhs_number,
            "registered_gp": patient.registered_gp,
            "cp_is_flag": patient.cp_is_flag,
        },
    )
