"""The screeners' queue page: contacts awaiting a decision, most urgent first, with filters and paging."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from mash.db import get_session, utcnow
from mash.services import queue
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp

PAGE_SIZE = 25
FILTERS: dict[str, tuple[str, dict[str, Any]]] = {
    "all": ("All", {}),
    "mine": ("Claimed by me", {"claimed": "mine"}),
    "unclaimed": ("Unclaimed", {"claimed": "unclaimed"}),
    "overdue": ("Overdue", {"overdue": True}),
    "flagged": ("Flagged", {"flagged": True}),
}


@bp.get("/queue", endpoint="queue")
@page(Permission.READ_QUEUE)
def queue_page() -> str:
    """List contacts awaiting a decision, red first, each by its deadline."""
    show = request.args.get("show", "all")
    if show not in FILTERS:
        show = "all"
    cursor = request.args.get("after") or None
    found = queue.list_queue(get_session(), current_caller(), limit=PAGE_SIZE, cursor=cursor, **FILTERS[show][1])
    now = utcnow()
    rows = [
        {
            "reference": entry.contact.reference,
            "rag": words.RAG_TAGS[entry.recommendation.rag],
            "outcome": words.outcome(entry.recommendation.outcome),
            "due": words.due(entry.recommendation.decision_due_by, now),
            "overdue": entry.overdue,
            "children": len(entry.contact.children),
            "source": words.label(entry.contact.agency_type),
            "received": words.when(entry.contact.received_at),
            "claimed_by": entry.claimed_by_name,
            "flagged": entry.flagged,
            "restricted": entry.contact.restriction is not None,
        }
        for entry in found.items
    ]
    filters = [
        {"text": text, "href": url_for("web.queue", show=key), "current": key == show}
        for key, (text, _) in FILTERS.items()
    ]
    return render_template(
        "queue.html",
        rows=rows,
        filters=filters,
        show_text=FILTERS[show][0],
        next_href=url_for("web.queue", show=show, after=found.next_cursor) if found.next_cursor else None,
        first_href=url_for("web.queue", show=show) if cursor else None,
    )
