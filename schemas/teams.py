"""Teams: what staff read of each team and its caseloads, and what administrators send to set one up."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

KIND = validate.Regexp(r"^[a-z][a-z0-9_]{1,39}$", error="Lower case letters and underscores, such as early_help.")


class MemberSchema(Schema):
    """A worker in a team and the children they hold."""

    id = fields.String()
    name = fields.String()
    user_id = fields.String(allow_none=True)
    caseload = fields.Integer()
    cap = fields.Integer()
    active = fields.Boolean()


class TeamSchema(Schema):
    """A team, its members and caseloads, and its free capacity."""

    id = fields.String()
    name = fields.String()
    kind = fields.String()
    caseload_cap = fields.Integer(allow_none=True)
    active = fields.Boolean()
    members = fields.List(fields.Nested(MemberSchema))
    caseload = fields.Integer()
    capacity = fields.Integer()
    free_capacity = fields.Integer(attribute="free")


class TeamListSchema(Schema):
    """Every team."""

    items = fields.List(fields.Nested(TeamSchema))


class NewMemberSchema(Schema):
    """A worker to add to a team, optionally linked to their account (email or name)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    user = fields.String(load_default=None, validate=validate.Length(max=320))


class TeamCreateSchema(Schema):
    """A new team."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=KIND)
    caseload_cap = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


class TeamUpdateSchema(Schema):
    """Changes to a team: any of its name, kind, cap and whether it is active, and workers to add."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    kind = fields.String(validate=KIND)
    caseload_cap = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100))
    active = fields.Boolean()
    add_members = fields.List(fields.Nested(NewMemberSchema), load_default=list)
