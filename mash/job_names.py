"""The names of the jobs the outbox records and the workers run, in one place that imports nothing of the app: a
service names a job by its constant, and `outbox.add` refuses any other name inside the caller's transaction."""

from __future__ import annotations

from typing import Final

SCREEN_CONTACT: Final = "screen_contact"
RESCREEN_CONTACT: Final = "rescreen_contact"
SEND_FEEDBACK: Final = "send_feedback"
REQUEST_CHECK: Final = "request_check"
ALL: Final = frozenset({SCREEN_CONTACT, RESCREEN_CONTACT, SEND_FEEDBACK, REQUEST_CHECK})
