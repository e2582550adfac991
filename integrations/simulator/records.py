"""The partners' side of a check: what police, NHS and education systems answer from the data set."""

from collections.abc import Mapping
from typing import Any, overload

from integrations.simulator.dataset import ChildRecord, Dataset, PoliceIncident, iter_children

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
CPIS_EXTENSION_URL = "https://fhir.nhs.uk/StructureDefinition/Extension-CPIS-Flag"


class BadSearch(ValueError):
    """A search request a partner API would refuse with 400."""


def _text(value: str) -> str:
    return " ".join(value.split()).casefold()


def _postcode(value: str) -> str:
    return "".join(value.split()).upper()


@overload
def _field(body: Mapping[str, Any], key: str) -> str: ...
@overload
def _field(body: Mapping[str, Any], key: str, *, optional: bool) -> str | None: ...
def _field(body: Mapping[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = body.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadSearch(f"{key} must be a non-empty string")
    return value


def _date(body: Mapping[str, Any], key: str) -> str | None:
    value = _field(body, key, optional=True)
    if value is not None and not (len(value) == 10 and value[4] == value[7] == "-"):
        raise BadSearch(f"{key} must be a YYYY-MM-DD date")
    return value


class PartnerRecords:
    """Answer partner searches from a data set, matching the way the real systems roughly do."""

    def __init__(self, dataset: Dataset) -> None:
        self.children: list[ChildRecord] = list(iter_children(dataset))

    def police_check(self, body: Any) -> dict[str, object]:
        """Answer POST /police/v1/person-checks."""
        if not isinstance(body, dict):
            raise BadSearch("expected a JSON object")
        person, address = body.get("person"), body.get("address")
        if person is None and address is None:
            raise BadSearch("give a person, an address or both")
        at_address: list[ChildRecord] = []
        if address is not None:
            if not isinstance(address, dict):
                raise BadSearch("address must be an object")
            postcode = _postcode(_field(address, "postcode"))
            line_1 = _field(address, "line_1", optional=True)
            at_address = [
                child
                for child in self.children
                if _postcode(child["address"]["postcode"]) == postcode
                and (line_1 is None or _text(line_1) == _text(child["address"]["line_1"]))
            ]
        people: list[ChildRecord] = []
        if person is not None:
            if not isinstance(person, dict):
                raise BadSearch("person must be an object")
            named = self._by_name(
                _field(person, "last_name"), _field(person, "first_name"), _date(person, "date_of_birth")
            )
            people = [child for child in named if _known_to_police(child)]
            narrowed = [child for child in people if child in at_address]
            if len(people) > 1 and narrowed:
                people = narrowed
        incidents: dict[str, PoliceIncident] = {}
        markers: set[str] = set()
        if len(people) == 1:
            police = people[0]["holdings"]["police"]
            incidents.update({i["reference"]: i for i in police["incidents"] if i["linked_to"] == "person"})
            markers.update(police["warning_markers"])
        for child in at_address:
            police = child["holdings"]["police"]
            incidents.update({i["reference"]: i for i in police["incidents"] if i["linked_to"] == "address"})
            markers.update(police["warning_markers"])
        return {
            "person_match": {0: "none", 1: "single"}.get(len(people), "multiple"),
            "address_match": bool(at_address),
            "incidents": sorted(incidents.values(), key=lambda incident: incident["date"]),
            "warning_markers": sorted(markers),
        }

    def patient_bundle(self, args: Mapping[str, str], base_url: str) -> dict[str, object]:
        """Answer GET /fhir/Patient with a FHIR R4 searchset Bundle."""
        identifier = args.get("identifier")
        if identifier:
            system, _, value = identifier.partition("|")
            if system != NHS_NUMBER_SYSTEM or not value:
                raise BadSearch("identifier must be https://fhir.nhs.uk/Id/nhs-number|<NHS number>")
            matches = [child for child in self.children if child["nhs_number"] == value]
        else:
            if not args.get("family") or not args.get("birthdate"):
                raise BadSearch("search by identifier, or by family and birthdate")
            matches = self._by_name(
                _field(args, "family"),
                _field(args, "given", optional=True),
                _field(args, "birthdate", optional=True),
            )
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(matches),
            "entry": [
                {
                    "fullUrl": f"{base_url}/fhir/Patient/{child['nhs_number']}",
                    "search": {"mode": "match"},
                    "resource": _patient(child),
                }
                for child in matches
            ],
        }

    def pupil_search(self, body: Any) -> dict[str, object]:
        """Answer POST /education/v1/pupil-searches."""
        if not isinstance(body, dict):
            raise BadSearch("expected a JSON object")
        school = _field(body, "school", optional=True)
        found = self._by_name(_field(body, "last_name"), _field(body, "first_name"), _date(body, "date_of_birth"))
        matches = []
        for child in found:
            education = child["holdings"]["education"]
            if education is None or (school is not None and _text(school) != _text(education["school"])):
                continue
            matches.append(
                {
                    "school": {"name": education["school"], "urn": education["urn"]},
                    "on_roll": education["on_roll"],
                    "attendance_percent": education["attendance_percent"],
                    "suspensions": education["suspensions"],
                    "permanent_exclusions": education["permanent_exclusions"],
                    "sen_status": education["sen_status"],
                }
            )
        return {"matches": matches}

    def _by_name(self, last_name: str, first_name: str | None, date_of_birth: str | None) -> list[ChildRecord]:
        return [
            child
            for child in self.children
            if _text(child["last_name"]) == _text(last_name)
            and (first_name is None or _text(child["first_name"]) == _text(first_name))
            and (date_of_birth is None or child["date_of_birth"] == date_of_birth.removeprefix("eq"))
        ]


def _known_to_police(child: ChildRecord) -> bool:
    return any(incident["linked_to"] == "person" for incident in child["holdings"]["police"]["incidents"])


def _patient(child: ChildRecord) -> dict[str, object]:
    health = child["holdings"]["health"]
    resource: dict[str, object] = {
        "resourceType": "Patient",
        "id": child["nhs_number"],
        "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": child["nhs_number"]}],
        "name": [{"use": "official", "family": child["last_name"], "given": [child["first_name"]]}],
        "gender": child["gender"],
        "birthDate": child["date_of_birth"],
        "address": [
            {
                "use": "home",
                "line": [child["address"]["line_1"], child["address"]["town"]],
                "postalCode": child["address"]["postcode"],
            }
        ],
    }
    if health["registered_gp"]:
        resource["generalPractitioner"] = [{"type": "Organization", "display": health["registered_gp"]}]
    if health["cp_is_flag"] != "none":
        resource["extension"] = [{"url": CPIS_EXTENSION_URL, "valueCode": health["cp_is_flag"]}]
    return resource
