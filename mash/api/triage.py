"""The MASH's working day: the queue, claims, decisions, oversight, matches, history and feedback."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import audit, decisions, feedback, matching, queue
from mash.services.callers import Permission
from schemas.contacts import DecisionSchema, MatchSchema, OversightSchema
from schemas.triage import (
    AccessHistorySchema,
    ChildHistorySchema,
    ClaimTakenSchema,
    DecisionCreateSchema,
    FeedbackListSchema,
    OversightCreateSchema,
    QueuePageSchema,
    QueueQuerySchema,
)

blp = ApiBlueprint("triage", __name__, url_prefix="/api/v1", description="Queue, decisions and oversight")


@blp.route("/queue")
class Queue(Resource):
    @requires(Permission.READ_QUEUE)
    @blp.arguments(QueueQuerySchema, location="query")
    @blp.response(200, QueuePageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List contacts awaiting a decision: red, amber, green, then by deadline."""
        return queue.list_queue(self.session, self.caller, **query)


@blp.route("/contacts/<string:contact_id>/claim")
class ContactClaim(Resource):
    @requires(Permission.DECIDE)
    @blp.response(200, ClaimTakenSchema)
    def post(self, contact_id: str) -> Any:
        """Take a contact to work on it; the claim expires by itself."""
        return queue.take(self.session, self.caller, contact_id, self.settings.claim_minutes)

    @requires(Permission.DECIDE)
    @blp.response(204)
    def delete(self, contact_id: str) -> None:
        """Give up a claim."""
        queue.release(self.session, self.caller, contact_id)


@blp.route("/contacts/<string:contact_id>/decision")
class ContactDecision(Resource):
    @requires(Permission.DECIDE)
    @blp.arguments(DecisionCreateSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data: dict[str, Any], contact_id: str) -> Any:
        """Decide a contact with a rationale; a decision that differs from the recommendation is an override."""
        return decisions.decide(
            self.session,
            self.caller,
            contact_id,
            data,
            caseload_cap=self.settings.caseload_cap,
            feedback_after_oversight=self.settings.feedback_after_oversight,
        )


@blp.route("/contacts/<string:contact_id>/oversight")
class ContactOversight(Resource):
    @requires(Permission.OVERSEE)
    @blp.arguments(OversightCreateSchema)
    @blp.response(201, OversightSchema)
    def post(self, data: dict[str, Any], contact_id: str) -> Any:
        """Sign off the decision (agree closes it) or disagree with a comment (reopens it)."""
        return decisions.oversee(self.session, self.caller, contact_id, data["agree"], data.get("comment"))


@blp.route("/contacts/<string:contact_id>/access-history")
class ContactAccessHistory(Resource):
    @requires(Permission.READ_ACCESS_HISTORY)
    @blp.response(200, AccessHistorySchema)
    def get(self, contact_id: str) -> Any:
        """Show who read or changed a contact, when, in what role."""
        return {"items": audit.access_history(self.session, self.caller, contact_id)}


@blp.route("/matches/<string:match_id>/confirm")
class MatchConfirm(Resource):
    @requires(Permission.DECIDE)
    @blp.response(200, MatchSchema)
    def post(self, match_id: str) -> Any:
        """Confirm that two child records are the same child."""
        return matching.decide_match(self.session, self.caller, match_id, "confirm")


@blp.route("/matches/<string:match_id>/reject")
class MatchReject(Resource):
    @requires(Permission.DECIDE)
    @blp.response(200, MatchSchema)
    def post(self, match_id: str) -> Any:
        """Record that two child records are different children."""
        return matching.decide_match(self.session, self.caller, match_id, "reject")


@blp.route("/matches/<string:match_id>/undo")
class MatchUndo(Resource):
    @requires(Permission.DECIDE)
    @blp.response(200, MatchSchema)
    def post(self, match_id: str) -> Any:
        """Undo a confirmation or rejection made in error."""
        return matching.decide_match(self.session, self.caller, match_id, "undo")


@blp.route("/children/<string:child_id>/history")
class ChildHistory(Resource):
    @requires(Permission.READ_CHILD_HISTORY)
    @blp.response(200, ChildHistorySchema)
    def get(self, child_id: str) -> Any:
        """Show a child's earlier contacts, through confirmed and likely matches, with what was decided."""
        return matching.child_history(self.session, self.caller, child_id)


@blp.route("/feedback/overdue")
class FeedbackOverdue(Resource):
    @requires(Permission.READ_OVERDUE_FEEDBACK)
    @blp.response(200, FeedbackListSchema)
    def get(self) -> Any:
        """List feedback to referrers not delivered within one working day of the decision."""
        return {"items": feedback.overdue(self.session, self.caller)}
