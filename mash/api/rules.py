"""The screening rulebook: managers see what a candidate rulebook would change before adopting it."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import rules_compare
from mash.services.callers import Permission
from schemas.rules import CompareRequestSchema, ComparisonSchema

blp = ApiBlueprint("rules", __name__, url_prefix="/api/v1/rules", description="The screening rulebook")


@blp.route("/compare")
class CompareRules(Resource):
    @requires(Permission.COMPARE_RULES)
    @blp.arguments(CompareRequestSchema)
    @blp.response(200, ComparisonSchema)
    def post(self, payload: dict[str, Any]) -> Any:
        """Replay stored contacts through the rulebook in use and a candidate (YAML text), changing nothing."""
        comparison = rules_compare.compare_candidate(
            self.session,
            self.caller,
            payload["rulebook"],
            self.settings.rulebook_path,
            payload["received_from"],
            payload["received_to"],
        )
        result = comparison.as_dict()
        result["movement"] = [
            {"from_": m["from"], "to": m["to"], "contacts": m["contacts"]} for m in result["movement"]
        ]
        return result
