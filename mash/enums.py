"""The contract's enumerations: the values partner systems send and read. Values may be added, never removed."""

from __future__ import annotations

from typing import Final

# The partner agencies MASH checks can ask; the partner clients in `integrations` know the same ones (a test keeps
# them equal, since this module imports nothing of ours and `integrations` nothing of `mash`).
CHECK_AGENCIES: Final = ("police", "health", "education")

CIN_REFERRAL_SOURCE: Final[dict[str, str]] = {
    "family_member": "1A",
    "acquaintance": "1B",
    "self": "1C",
    "individual_other": "1D",
    "school": "2A",
    "education_services": "2B",
    "gp": "3A",
    "health_visitor": "3B",
    "school_nurse": "3C",
    "primary_health_other": "3D",
    "emergency_department": "3E",
    "health_other": "3F",
    "housing": "4",
    "la_social_care": "5A",
    "la_other_internal": "5B",
    "other_local_authority": "5C",
    "early_help": "5D",
    "police": "6",
    "legal_agency": "7",
    "other": "8",
    "anonymous": "9",
    "unknown": "10",
}
CIN_CODE_SET_VERSION: Final = "CIN census 2025-26"

AGENCY_TYPES: Final = tuple(CIN_REFERRAL_SOURCE)
GENDERS: Final = ("female", "male", "other", "unknown")
CONSENT_STATUSES: Final = ("given", "refused", "not_sought")

CONCERN_CATEGORIES: Final = (
    "physical_abuse",
    "sexual_abuse",
    "emotional_abuse",
    "neglect",
    "domestic_abuse",
    "parental_substance_misuse",
    "parental_mental_health",
    "parental_learning_disability",
    "child_mental_health",
    "self_harm",
    "child_substance_misuse",
    "missing",
    "sexual_exploitation",
    "criminal_exploitation",
    "trafficking",
    "gangs",
    "fgm",
    "forced_marriage",
    "faith_based_abuse",
    "radicalisation",
    "person_posing_risk",
    "private_fostering",
    "homelessness",
    "unaccompanied_asylum_seeking",
    "disability",
    "young_carer",
    "school_attendance",
    "behaviour",
    "online_harm",
    "allegation_against_professional",
    "no_carer",
    "pre_birth",
    "other",
)

CONCERN_INDICATORS: Final = (
    "disclosure_by_child",
    "injury",
    "injury_unexplained",
    "sexual_activity_under_13",
    "alleged_abuser_has_access",
    "police_protection_used",
    "weapon_or_strangulation",
    "marac_high_risk",
    "repeat_incidents",
    "repeat_missing",
    "found_out_of_area",
    "previous_children_removed",
    "parent_under_18",
    "parent_care_leaver",
    "concealed_pregnancy",
    "no_safe_accommodation_tonight",
    "suicidal",
    "risk_to_life",
    "imminent_travel_abroad",
    "early_help_declined",
    "threats_to_kill",
    "child_hurt_or_intervening",
    "pregnant",
    "patterned_injury",
    "not_independently_mobile",
    "no_protective_adult",
    "missing_prolonged",
    "historic_allegation",
    "child_left_alone",
    "carer_substance_misuse",
    "carer_incapacitated",
    "sole_carer",
    "parent_suicidal",
    "help_requested",
    "exploitation_signs",
    "sexual_activity",
    "age_gap",
    "inappropriate_caring",
    "missing_episode",
    "child_witnessed_violence",
    "serious_neglect",
    "harmful_sexual_behaviour",
    "child_protection_plan",
    "looked_after",
    "bruising_ten4_site",
    "injury_described",
    "child_not_seen",
    "abduction_risk",
    "accidental_ingestion",
    "advice_only",
)

OUTCOMES: Final = (
    "nfa",
    "signpost",
    "early_help",
    "assessment",
    "strategy_discussion",
    "immediate_protection",
)
RAGS: Final = ("green", "amber", "red")

ROLES: Final = ("partner", "screener", "manager", "therapist", "admin", "privacy_officer")
STAFF_ROLES: Final = ("screener", "manager", "therapist", "admin")

FLAG_KINDS: Final = ("systemic_consultation",)
FLAG_STATUSES: Final = ("open", "resolved")
FLAG_ACTIONS: Final = ("raised", "consultation_recorded", "note_added", "resolved")
QA_GRADES: Final = ("good", "requires_improvement", "inadequate")

# Why a contact is restricted (opened only by break-glass): a member of staff or their family, a high-profile case.
RESTRICTION_CATEGORIES: Final = ("staff_or_family", "high_profile", "other")
PRIVACY_EVENT_KINDS: Final = ("break_glass", "restricted", "restriction_lifted")

CONTACT_STATUSES: Final = ("received", "awaiting_decision", "decided", "closed", "screening_failed")

ETHNICITY_CODES: Final = (
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
)
