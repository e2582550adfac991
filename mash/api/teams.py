"""Teams and child search: staff read teams and find children; administrators set teams up."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import child_search, team_admin
from mash.services.callers import Permission
from schemas.children import ChildSearchResultSchema, ChildSearchSchema
from schemas.teams import TeamCreateSchema, TeamListSchema, TeamSchema, TeamUpdateSchema

blp = ApiBlueprint("teams", __name__, url_prefix="/api/v1", description="Teams, and finding a child")


def _load(resource: Resource, team_id: str) -> team_admin.TeamLoad:
    loads = team_admin.loads(resource.session, resource.settings.caseload_cap)
    return next(load for load in loads if load.team.id == team_id)


@blp.route("/teams")
class Teams(Resource):
    @requires(Permission.READ_TEAMS)
    @blp.response(200, TeamListSchema)
    def get(self) -> Any:
        """List every team with its members' caseloads and free capacity."""
        return {"items": team_admin.loads(self.session, self.settings.caseload_cap)}

    @requires(Permission.SET_UP_TEAMS)
    @blp.arguments(TeamCreateSchema)
    @blp.response(201, TeamSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a team."""
        team = team_admin.create_team(self.session, self.caller, data["name"], data["kind"], data["caseload_cap"])
        return _load(self, team.id), 201, {"Location": f"/api/v1/teams/{team.id}"}


@blp.route("/teams/<string:team_id>")
class TeamById(Resource):
    @requires(Permission.SET_UP_TEAMS)
    @blp.arguments(TeamUpdateSchema)
    @blp.response(200, TeamSchema)
    def patch(self, data: dict[str, Any], team_id: str) -> Any:
        """Change a team's name, kind, cap or whether it is active, and add workers to it."""
        session, caller = self.session, self.caller
        members = data.pop("add_members")
        team = team_admin.update_team(session, caller, team_id, data)
        for member in members:
            team_admin.add_member(session, caller, team.id, member["name"], member["user"])
        return _load(self, team.id)


@blp.route("/children/search")
class ChildSearch(Resource):
    @requires(Permission.SEARCH_CHILDREN)
    @blp.arguments(ChildSearchSchema)
    @blp.response(200, ChildSearchResultSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Find children the service knows by name, date of birth or NHS number (never in the URL)."""
        return {"items": child_search.search(self.session, self.caller, **data)}
