"""The referral form's questions in plain words: concerns with hints, the facts asked, ethnicity and agencies."""

from __future__ import annotations

from datetime import datetime

from mash.web.words import ENGLAND

CATEGORIES: dict[str, tuple[str, str]] = {
    "physical_abuse": ("Physical abuse", "Hitting, shaking, burning, or any injury someone caused on purpose"),
    "sexual_abuse": ("Sexual abuse", "Sexual activity with a child, touching, or showing them sexual images"),
    "emotional_abuse": ("Emotional abuse", "Threats, humiliation, rejection, or frightening the child"),
    "neglect": ("Neglect", "Not enough food, warmth, clothing, hygiene, supervision or medical care"),
    "domestic_abuse": ("Domestic abuse", "Violence, threats or control between adults the child lives with"),
    "parental_substance_misuse": ("A parent's drinking or drug use", "When it affects how the child is cared for"),
    "parental_mental_health": ("A parent's mental health", "When it affects how the child is cared for"),
    "parental_learning_disability": ("A parent's learning disability", "When the parent needs help to care"),
    "child_mental_health": ("The child's mental health", "Low mood, anxiety, or a change you are worried about"),
    "self_harm": ("Self-harm", "The child hurts themselves, or has said they want to"),
    "child_substance_misuse": ("The child's drinking or drug use", "Alcohol, drugs or solvents"),
    "missing": ("Missing from home or care", "The child has gone missing, or often does"),
    "sexual_exploitation": ("Sexual exploitation", "Someone gives the child gifts, money or attention for sex"),
    "criminal_exploitation": ("Criminal exploitation", "Someone makes the child carry drugs, money or weapons"),
    "trafficking": ("Trafficking or modern slavery", "The child was moved or is controlled to be exploited"),
    "gangs": ("Gangs or serious youth violence", "The child is in a gang, or at risk from one"),
    "fgm": ("Female genital mutilation (FGM)", "FGM done or planned; a professional must also tell the police"),
    "forced_marriage": ("Forced marriage", "A marriage planned without the child's full and free agreement"),
    "faith_based_abuse": ("Abuse linked to faith or belief", "Witchcraft, spirit possession or similar beliefs"),
    "radicalisation": ("Radicalisation", "The child is being drawn into extremist ideas"),
    "person_posing_risk": ("A person who poses a risk", "Someone with convictions for harming children"),
    "private_fostering": ("Private fostering", "A child under 16 living 28 days or more with someone not family"),
    "homelessness": ("Homelessness", "The family or the young person has nowhere settled to live"),
    "unaccompanied_asylum_seeking": ("An unaccompanied child seeking asylum", "No parent or carer in the UK"),
    "disability": ("The child's disability", "The child or family needs help because of a disability"),
    "young_carer": ("Young carer", "The child looks after someone in the family"),
    "school_attendance": ("Not attending school", "Missing education, or often absent"),
    "behaviour": ("The child's behaviour", "Behaviour that puts the child or others at risk"),
    "online_harm": ("Harm online", "Grooming, sharing images, bullying or exploitation online"),
    "allegation_against_professional": (
        "An allegation about someone who works with children",
        "The local authority designated officer (LADO) is also told",
    ),
    "no_carer": ("No one to look after the child", "The child has been left without a carer"),
    "pre_birth": ("An unborn baby", "Worries about a baby who is not yet born"),
    "other": ("Something else", "Tell us about it in your own words"),
}

FACTS: dict[str, tuple[str, str]] = {
    "disclosure_by_child": ("Has the child said something about being harmed?", "In their own words, to anyone"),
    "injury": ("Is there an injury?", "A mark, bruise, burn or other injury you saw or were told about"),
    "injury_unexplained": (
        "Is there an injury with no explanation, or one that does not fit?",
        "The account given does not match the injury, or there is none",
    ),
    "weapon_or_strangulation": (
        "Has anyone used a weapon or tried to strangle?",
        "Including threats with a knife or hands around the neck",
    ),
    "threats_to_kill": ("Has anyone threatened to kill?", "The child, a parent, or anyone in the household"),
    "alleged_abuser_has_access": (
        "Is the person who caused the harm still in contact with the child?",
        "They live there, visit, or can reach the child",
    ),
    "no_safe_accommodation_tonight": ("Does the child have nowhere safe to sleep tonight?", ""),
    "suicidal": ("Has the child talked about ending their life?", ""),
    "sexual_activity_under_13": ("Is a child under 13 involved in sexual activity?", ""),
    "repeat_incidents": ("Has this happened before?", "Earlier incidents of the same kind"),
}
FACT_ANSWERS = {"yes": "Yes", "no": "No", "unknown": "I do not know"}

ETHNICITY: dict[str, str] = {
    "WBRI": "White: English, Welsh, Scottish, Northern Irish or British",
    "WIRI": "White: Irish",
    "WIRT": "White: Irish Traveller",
    "WROM": "White: Roma or Gypsy",
    "WOTH": "White: any other White background",
    "MWBC": "Mixed: White and Black Caribbean",
    "MWBA": "Mixed: White and Black African",
    "MWAS": "Mixed: White and Asian",
    "MOTH": "Mixed: any other mixed background",
    "AIND": "Asian or Asian British: Indian",
    "APKN": "Asian or Asian British: Pakistani",
    "ABAN": "Asian or Asian British: Bangladeshi",
    "CHNE": "Asian or Asian British: Chinese",
    "AOTH": "Asian or Asian British: any other Asian background",
    "BCRB": "Black or Black British: Caribbean",
    "BAFR": "Black or Black British: African",
    "BOTH": "Black or Black British: any other Black background",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused to say",
    "NOBT": "Not yet known",
}

GENDERS = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not known"}
YES_NO_UNKNOWN = {"yes": "Yes", "no": "No", "unknown": "Not known"}
CONSENT = {
    "given": ("Yes, the family agreed", ""),
    "refused": ("No, the family refused", "Tell us below why you are still making the referral"),
    "not_sought": ("I have not asked the family", "Tell us below why you have not asked"),
}

AGENCIES: dict[str, str] = {
    "family_member": "A family member",
    "acquaintance": "A friend or neighbour",
    "self": "The child or young person",
    "individual_other": "Another member of the public",
    "school": "A school",
    "education_services": "Other education services",
    "gp": "A GP",
    "health_visitor": "A health visitor",
    "school_nurse": "A school nurse",
    "primary_health_other": "Other primary health services",
    "emergency_department": "A hospital emergency department",
    "health_other": "Other health services",
    "housing": "Housing",
    "la_social_care": "Local authority social care",
    "la_other_internal": "Another local authority service",
    "other_local_authority": "Another local authority",
    "early_help": "Early help",
    "police": "The police",
    "legal_agency": "Courts, probation or youth justice",
    "other": "Another organisation",
    "anonymous": "Anonymous",
    "unknown": "Not known",
}


def deadline(at: datetime) -> str:
    """Say a deadline as people do: `5pm on Tuesday 1 December`."""
    local = at.astimezone(ENGLAND)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'} on {local:%A} {local.day} {local:%B}"
