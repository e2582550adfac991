"""The referral form's answers: read from each page, checked by the API's own schemas, built into a contact body.

Each page keeps what was typed (so that a page with an error shows it again) in the draft. The body submitted is
the one a partner system would post as JSON, checked by the same schema, so that the form and the API cannot
disagree about what a valid contact is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from mash.problems import flatten_errors
from mash.services.callers import Caller
from mash.web import referral_words as words
from mash.web.referral_words import CATEGORIES, FACTS
from schemas.contacts import AdultSchema, ChildSchema, ConsentSchema, ContactCreateSchema, ReferrerSchema

ABOUT_FIELDS = ("name", "role", "organisation", "agency_type", "email", "phone", "external_reference")
CHILD_FIELDS = (
    *("first_name", "last_name", "born", "dob-day", "dob-month", "dob-year", "edd-day", "edd-month", "edd-year"),
    *("gender", "nhs_number", "line_1", "line_2", "town", "postcode", "school_or_setting", "ethnicity"),
    *("first_language", "disability"),
)
ADDRESS_FIELDS = ("line_1", "line_2", "town", "postcode")
ADULT_FIELDS = ("first_name", "last_name", "relationship", "dob-day", "dob-month", "dob-year", "lives_with_child")
WORDS_FIELDS = ("summary", "worries", "strengths", "needs")
CONSENT_FIELDS = ("status", "reason")

# What to tell the person when the API's schema refuses a field: the field on the page, and how to fix it.
MESSAGES: dict[str, tuple[str, str]] = {
    "name": ("name", "Enter your name"),
    "agency_type": ("agency_type", "Select who is making the referral"),
    "email": ("email", "Enter an email address in the correct format, like name@example.org"),
    "phone": ("phone", "Enter a phone number of 40 characters or fewer"),
    "first_name": ("first_name", "Enter the child's first name"),
    "last_name": ("last_name", "Enter the child's last name"),
    "date_of_birth": ("date-of-birth-day", "Date of birth must be a real date today or in the past"),
    "expected_date_of_delivery": (
        "expected-date-day",
        "Expected date of delivery must be a real date in the next 10 months",
    ),
    "nhs_number": ("nhs_number", "Enter a valid 10-digit NHS number, or leave it empty"),
    "address.postcode": ("postcode", "Enter a real postcode, like SW2 5SG"),
    "reason": ("reason", "Tell us why you are making the referral without the family's agreement"),
}


def _text(form: MultiDict[str, str], name: str) -> str:
    return form.get(name, "").strip()


def read(form: MultiDict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """Return what was typed into some fields of a posted page."""
    return {name: _text(form, name) for name in names}


def _or_none(value: str | None) -> str | None:
    return value or None


def _date(answers: dict[str, str], prefix: str) -> str | None:
    parts = [answers.get(f"{prefix}-{unit}", "") for unit in ("year", "month", "day")]
    if not any(parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        return "not-a-date"


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def referrer(about: dict[str, str], caller: Caller) -> dict[str, Any]:
    """Return the referrer as the API takes it: a partner's organisation and agency type come from its account."""
    typed = {name: _or_none(about.get(name)) for name in ABOUT_FIELDS}
    if caller.is_partner:
        typed.pop("organisation")
        typed.pop("agency_type")
    return typed


def child(answers: dict[str, str]) -> dict[str, Any]:
    """Return one child as the API takes it."""
    born = answers.get("born")
    address = {name: _or_none(answers.get(name)) for name in ADDRESS_FIELDS}
    return {
        "first_name": _or_none(answers.get("first_name")),
        "last_name": _or_none(answers.get("last_name")),
        "date_of_birth": _date(answers, "dob") if born == "yes" else None,
        "expected_date_of_delivery": _date(answers, "edd") if born == "no" else None,
        "gender": answers.get("gender") or "unknown",
        "nhs_number": _or_none((answers.get("nhs_number") or "").replace(" ", "")),
        "address": address if any(address.values()) else None,
        "school_or_setting": _or_none(answers.get("school_or_setting")),
        "ethnicity": _or_none(answers.get("ethnicity")),
        "first_language": _or_none(answers.get("first_language")),
        "disability": _yes_no(answers.get("disability")),
    }


def adult(answers: dict[str, str]) -> dict[str, Any]:
    """Return one adult as the API takes it."""
    return {
        "first_name": _or_none(answers.get("first_name")),
        "last_name": _or_none(answers.get("last_name")),
        "relationship": _or_none(answers.get("relationship")),
        "date_of_birth": _date(answers, "dob"),
        "lives_with_child": _yes_no(answers.get("lives_with_child")),
    }


def consent(answers: dict[str, str]) -> dict[str, Any]:
    """Return consent as the API takes it."""
    status = answers.get("status") or ""
    return {"status": status, "reason": None if status == "given" else _or_none(answers.get("reason"))}


def body(draft: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """Return the contact the draft describes, as a partner system would post it."""
    words = draft.get("words", {})
    return {
        "referrer": referrer(draft.get("about", {}), caller),
        "children": [child(answers) for answers in draft.get("children", [])],
        "adults": [adult(answers) for answers in draft.get("adults", [])],
        "concerns": {
            "categories": [name for name in CATEGORIES if name in draft.get("categories", [])],
            "indicators": [name for name in FACTS if draft.get("facts", {}).get(name) == "yes"],
            "summary": _or_none(words.get("summary")),
            "worries": _or_none(words.get("worries")),
            "strengths": _or_none(words.get("strengths")),
            "needs": _or_none(words.get("needs")),
        },
        "immediate_danger": False,
        "consent": consent(draft.get("consent", {})),
    }


def _checked(schema: Schema, data: dict[str, Any]) -> dict[str, str]:
    try:
        schema.load(data)
    except ValidationError as error:
        found: dict[str, str] = {}
        for path, messages in flatten_errors(error.messages).items():
            field, message = MESSAGES.get(path, (path.rsplit(".", 1)[-1], messages[0]))
            found.setdefault(field, message)
        return found
    return {}


def about_errors(about: dict[str, str], caller: Caller) -> dict[str, str]:
    """Check the about-you page; staff must say who is referring."""
    errors = {} if about.get("name") else {"name": "Enter your name"}
    if not caller.is_partner and not about.get("agency_type"):
        errors["agency_type"] = "Select who is making the referral"
    typed = referrer(about, caller)
    typed.setdefault("agency_type", caller.agency_type or "unknown")
    return {**_checked(ReferrerSchema(), {**typed, "name": typed["name"] or "?"}), **errors}


def child_errors(answers: dict[str, str]) -> dict[str, str]:
    """Check one child's page: born or not, the right date, names for a child who has been born."""
    if answers.get("born") not in ("yes", "no"):
        return {"born": "Select whether the child has been born"}
    given = child(answers)
    if answers["born"] == "yes" and given["date_of_birth"] is None:
        return {"date-of-birth-day": "Enter the child's date of birth"}
    if answers["born"] == "no" and given["expected_date_of_delivery"] is None:
        return {"expected-date-day": "Enter the expected date of delivery"}
    return _checked(ChildSchema(), given)


def adult_errors(answers: dict[str, str]) -> dict[str, str]:
    """Check one adult's page: a name or a relationship, and a real date of birth if one is given."""
    given = adult(answers)
    if not (given["first_name"] or given["last_name"] or given["relationship"]):
        return {"first_name": "Enter the adult's name, or their relationship to the child"}
    errors = _checked(AdultSchema(), given)
    if "date_of_birth" in errors:
        errors = {"adult-dob-day": "Date of birth must be a real date in the past, or leave it empty"}
    return errors


def consent_errors(answers: dict[str, str]) -> dict[str, str]:
    """Check the consent page."""
    if answers.get("status") not in ("given", "refused", "not_sought"):
        return {"status": "Select whether the family agreed to this referral"}
    return _checked(ConsentSchema(), consent(answers))


def contact_errors(payload: dict[str, Any]) -> dict[str, list[str]]:
    """Check the whole contact with the API's schema; return its field paths and messages."""
    try:
        ContactCreateSchema().load(payload)
    except ValidationError as error:
        return flatten_errors(error.messages)
    return {}


def loaded(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the contact as the API's schema loads it (dates as dates), ready for the use case."""
    result: dict[str, Any] = ContactCreateSchema().load(payload)
    return result


def _day(answers: dict[str, str], prefix: str) -> str:
    value = _date(answers, prefix)
    if value is None or value == "not-a-date":
        return "Not given"
    return f"{int(value[8:])} {date.fromisoformat(value):%B %Y}"


def _name(answers: dict[str, str], fallback: str) -> str:
    return " ".join(part for part in (answers.get("first_name"), answers.get("last_name")) if part) or fallback


def child_name(answers: dict[str, str], n: int) -> str:
    """Return a child's name as the form shows it."""
    return _name(answers, "Unborn child" if answers.get("born") == "no" else f"Child {n + 1}")


Row = tuple[str, str, str, dict[str, Any]]


def shown(draft: dict[str, Any], caller: Caller) -> list[tuple[str, list[Row]]]:
    """Return the answers to check, by section: each row's question, answer, and the page that changes it."""
    about = draft.get("about", {})
    sections: list[tuple[str, list[Row]]] = []
    you: list[Row] = [("Name", about.get("name", ""), "web.referral_about", {})]
    if caller.is_partner:
        you.append(("Organisation", caller.organisation, "", {}))
        you.append(("Agency", words.AGENCIES.get(caller.agency_type or "", "Not known"), "", {}))
    else:
        you.append(("Organisation", about.get("organisation") or "Not given", "web.referral_about", {}))
        you.append(("Who is referring", words.AGENCIES.get(about.get("agency_type", ""), ""), "web.referral_about", {}))
    you += [
        ("Role", about.get("role") or "Not given", "web.referral_about", {}),
        ("Phone", about.get("phone") or "Not given", "web.referral_about", {}),
        ("Email", about.get("email") or "Not given", "web.referral_about", {}),
        ("Your reference", about.get("external_reference") or "None", "web.referral_about", {}),
    ]
    sections.append(("About you", you))
    for n, answers in enumerate(draft.get("children", [])):
        where = {"n": n}
        born = answers.get("born") == "yes"
        rows: list[Row] = [
            ("Name", child_name(answers, n), "web.referral_child", where),
            (
                "Date of birth" if born else "Expected date of delivery",
                _day(answers, "dob" if born else "edd"),
                "web.referral_child",
                where,
            ),
            ("Gender", words.GENDERS.get(answers.get("gender") or "unknown", ""), "web.referral_child", where),
            ("NHS number", answers.get("nhs_number") or "Not given", "web.referral_child", where),
            (
                "Address",
                ", ".join(p for p in (answers.get(name) for name in ADDRESS_FIELDS) if p) or "Not given",
                "web.referral_child",
                where,
            ),
            ("School or setting", answers.get("school_or_setting") or "Not given", "web.referral_child", where),
            (
                "Ethnicity",
                words.ETHNICITY.get(answers.get("ethnicity") or "", "Not given"),
                "web.referral_child",
                where,
            ),
            ("First language", answers.get("first_language") or "Not given", "web.referral_child", where),
            (
                "Disability",
                words.YES_NO_UNKNOWN.get(answers.get("disability") or "", "Not known"),
                "web.referral_child",
                where,
            ),
        ]
        sections.append((f"Child {n + 1}", rows))
    household: list[Row] = [
        (
            _name(answers, answers.get("relationship") or f"Adult {n + 1}"),
            ", ".join(
                part
                for part in (
                    answers.get("relationship"),
                    {"yes": "lives with the child", "no": "does not live with the child"}.get(
                        answers.get("lives_with_child") or ""
                    ),
                )
                if part
            )
            or "No details",
            "web.referral_adult",
            {"n": n},
        )
        for n, answers in enumerate(draft.get("adults", []))
    ]
    sections.append(("Adults and household", household or [("Adults", "None added", "web.referral_adults", {})]))
    facts = draft.get("facts", {})
    worry: list[Row] = [
        (
            "What you are worried about",
            ", ".join(words.CATEGORIES[c][0] for c in words.CATEGORIES if c in draft.get("categories", [])),
            "web.referral_concerns",
            {},
        )
    ]
    worry += [
        (question, words.FACT_ANSWERS.get(facts.get(name, ""), "Not answered"), "web.referral_facts", {})
        for name, (question, _) in words.FACTS.items()
    ]
    typed = draft.get("words", {})
    worry += [
        ("What has happened", typed.get("summary") or "Not given", "web.referral_worries", {}),
        ("What are you worried about?", typed.get("worries") or "Not given", "web.referral_worries", {}),
        ("What is working well?", typed.get("strengths") or "Not given", "web.referral_worries", {}),
        ("What needs to happen?", typed.get("needs") or "Not given", "web.referral_worries", {}),
    ]
    sections.append(("Your worries", worry))
    agreed = draft.get("consent", {})
    consent_rows: list[Row] = [
        (
            "Did the family agree?",
            words.CONSENT.get(agreed.get("status", ""), ("Not answered", ""))[0],
            "web.referral_consent",
            {},
        )
    ]
    if agreed.get("status") in ("refused", "not_sought"):
        consent_rows.append(("Why", agreed.get("reason") or "Not given", "web.referral_consent", {}))
    sections.append(("Consent", consent_rows))
    return sections
