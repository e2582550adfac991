"""The words a rulebook may use: the contract's enumerations plus the few extra indicators screening recognises."""

from __future__ import annotations

OUTCOMES: tuple[str, ...] = (
    "nfa",
    "signpost",
    "early_help",
    "assessment",
    "strategy_discussion",
    "immediate_protection",
)
RAGS: tuple[str, ...] = ("green", "amber", "red")
LEVELS: tuple[int, ...] = (1, 2, 3, 4)

LEVELS_BY_OUTCOME: dict[str, frozenset[int]] = {
    "nfa": frozenset({1}),
    "signpost": frozenset({1, 2}),
    "early_help": frozenset({2}),
    "assessment": frozenset({3}),
    "strategy_discussion": frozenset({4}),
    "immediate_protection": frozenset({4}),
}

CHECK_AGENCIES: frozenset[str] = frozenset({"police", "health", "education"})

CONSENT_STATUSES: frozenset[str] = frozenset({"given", "refused", "not_sought"})

AGENCY_TYPES: frozenset[str] = frozenset(
    {
        "family_member",
        "acquaintance",
        "self",
        "individual_other",
        "school",
        "education_services",
        "gp",
        "health_visitor",
        "school_nurse",
        "primary_health_other",
        "emergency_department",
        "health_other",
        "housing",
        "la_social_care",
        "la_other_internal",
        "other_local_authority",
        "early_help",
        "police",
        "legal_agency",
        "other",
        "anonymous",
        "unknown",
    }
)

CATEGORIES: frozenset[str] = frozenset(
    {
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
    }
)

CONTRACT_INDICATORS: frozenset[str] = frozenset(
    {
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
    }
)

# Named in DOMAIN.md's hard rules but absent from the contract; recognised when sent, never required.
RECOGNISED_INDICATORS: frozenset[str] = frozenset(
    {
        "threats_to_kill",
        "child_hurt_or_intervening",
        "pregnant",
        "patterned_injury",
        "not_independently_mobile",
        "no_protective_adult",
        "missing_prolonged",
        "historic_allegation",
    }
)

INDICATORS: frozenset[str] = CONTRACT_INDICATORS | RECOGNISED_INDICATORS

# Indicators about the history of the case rather than harm: they do not make anonymous information specific.
HISTORY_INDICATORS: frozenset[str] = frozenset({"early_help_declined"})

AGE_BANDS: frozenset[str] = frozenset(
    {"unborn", "non_mobile_infant", "under_13", "under_16", "aged_16_17", "age_unknown"}
)


def outcome_rank(outcome: str) -> int:
    """Return the position of an outcome in the order nfa < ... < immediate_protection."""
    return OUTCOMES.index(outcome)


def rag_rank(rag: str) -> int:
    """Return the position of a RAG rating in the order green < amber < red."""
    return RAGS.index(rag)
