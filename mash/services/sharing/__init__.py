"""Information sharing: MASH checks with partner agencies, their answers, disclosures, and the ledger of them all.

Every share is a record. Asking an agency is a `requested` record (purpose, legal basis, consent, a due time set
by the contact's RAG) with an outbox item for the `request_check` job (`requesting`); the answer is a `received`
record linked to it (`checking`); what the MASH tells others is a `disclosed` record written in the disclosing
action's own transaction (`disclosing`); staff read them all on the ledger (`reading`). Partner calls happen in
jobs, outside any transaction: a partner that cannot answer now raises so that RQ retries, a permanent refusal is
recorded at once, and a circuit breaker kept in the database stops every worker (and every forked work-horse)
calling a partner that keeps failing.
"""

from mash.services.sharing.checking import check_failed, perform_check, record_answer
from mash.services.sharing.disclosing import record_disclosure
from mash.services.sharing.reading import ledger, records, summaries
from mash.services.sharing.requesting import (
    SCREENING_LEGAL_BASIS,
    SCREENING_WITHOUT_CONSENT,
    ChildNotOnContact,
    WithoutConsentReasonRequired,
    mark_overdue,
    request_checks,
    request_screening_checks,
)
from mash.services.sharing.shares import Share

__all__ = [
    "SCREENING_LEGAL_BASIS",
    "SCREENING_WITHOUT_CONSENT",
    "ChildNotOnContact",
    "Share",
    "WithoutConsentReasonRequired",
    "check_failed",
    "ledger",
    "mark_overdue",
    "perform_check",
    "record_answer",
    "record_disclosure",
    "records",
    "request_checks",
    "request_screening_checks",
    "summaries",
]
