"""The administrators' pages: accounts (create, deactivate, reset a password, rotate a token) and teams."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from mash.db import get_session
from mash.enums import AGENCY_TYPES, ROLES
from mash.problems import Problem
from mash.services import accounts, organisations, passwords, team_admin
from mash.services.callers import Permission
from mash.services.users import UserInvalid, create_user
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp


def _users_page(errors: list[dict[str, str]], form: Any, token: tuple[str, str] | None = None) -> str:
    return render_template(
        "admin_users.html",
        users=accounts.list_users(get_session()),
        roles=ROLES,
        organisations=organisations.listed(get_session(), partners_only=True),
        agency_types=AGENCY_TYPES,
        errors=errors,
        form=form,
        token=token,
        words=words,
    )


@bp.get("/admin/users", endpoint="admin_users")
@page(Permission.MANAGE_ACCOUNTS)
def admin_users() -> str:
    """List accounts, with a form to create one."""
    return _users_page([], {})


@bp.post("/admin/users", endpoint="admin_create_user")
@page(Permission.MANAGE_ACCOUNTS)
def admin_create_user() -> Any:
    """Create an account with a password; its API token is shown once."""
    form = request.form
    errors = []
    name, email, role = form.get("name", "").strip(), form.get("email", "").strip(), form.get("role", "")
    password = form.get("password", "")
    if not name:
        errors.append({"text": "Enter the person's name", "href": "#name"})
    if "@" not in email:
        errors.append({"text": "Enter an email address in the correct format, like name@example.org", "href": "#email"})
    if role not in ROLES:
        errors.append({"text": "Select a role", "href": "#role"})
    wrong = passwords.problem(password)
    if wrong:
        errors.append({"text": wrong, "href": "#password"})
    if not errors:
        session = get_session()
        try:
            user, token = create_user(
                session, name, role, form.get("organisation") or None, form.get("agency_type") or None, email=email
            )
            accounts.set_password(session, email, password)
        except UserInvalid as exc:
            field = "#email" if "email" in str(exc) else "#organisation" if "organisation" in str(exc) else "#role"
            errors.append({"text": str(exc).capitalize(), "href": field})
        else:
            flash(f"Account created for {user.name}", "success")
            return _users_page([], {}, token=(user.name, token))
    return _users_page(errors, form)


@bp.route("/admin/users/<user_id>", methods=["GET", "POST"], endpoint="admin_user")
@page(Permission.MANAGE_ACCOUNTS)
def admin_user(user_id: str) -> Any:
    """One account: deactivate it, reset its password or rotate its API token (shown once)."""
    session = get_session()
    user = accounts.get_user(session, user_id)
    if user is None:
        abort(404)
    key = user.email or user.name
    errors: list[dict[str, str]] = []
    token = None
    action = request.form.get("action") if request.method == "POST" else None
    if action == "deactivate":
        if user.id == current_caller().user_id:
            errors.append({"text": "You cannot deactivate your own account", "href": "#deactivate"})
        else:
            accounts.deactivate(session, key)
            flash(f"{user.name} can no longer sign in or use the API", "success")
            return redirect(url_for("web.admin_user", user_id=user.id))
    elif action == "password":
        try:
            accounts.set_password(session, key, request.form.get("password", ""))
        except UserInvalid as exc:
            errors.append({"text": str(exc), "href": "#password"})
        else:
            flash(f"Password reset for {user.name}: their browser sessions have ended", "success")
            return redirect(url_for("web.admin_user", user_id=user.id))
    elif action == "token":
        user, token = accounts.rotate_token(session, key)
    return render_template("admin_user.html", user=user, errors=errors, token=token, words=words)


@bp.get("/admin/teams", endpoint="admin_teams")
@page(Permission.SET_UP_TEAMS)
def admin_teams() -> str:
    """List teams with a form to create one."""
    return _teams_page([], {})


def _teams_page(errors: list[dict[str, str]], form: Any) -> str:
    loads = team_admin.loads(get_session(), current_app.config["MASH_SETTINGS"].caseload_cap)
    return render_template("admin_teams.html", loads=loads, errors=errors, form=form, words=words)


def _problem_errors(problem: Problem, fields: dict[str, str]) -> list[dict[str, str]]:
    if problem.errors:
        return [{"text": msgs[0], "href": "#" + fields.get(name, "name")} for name, msgs in problem.errors.items()]
    return [{"text": problem.detail, "href": "#name"}]


def _cap_errors(form: Any) -> list[dict[str, str]]:
    """Refuse a caseload cap that is not a whole number (left empty, the service's default cap applies)."""
    cap_text = form.get("caseload_cap", "").strip()
    if cap_text and not cap_text.isdigit():
        return [{"text": "Caseload cap must be a whole number", "href": "#caseload-cap"}]
    return []


def _cap(form: Any) -> int | None:
    cap_text = form.get("caseload_cap", "").strip()
    return int(cap_text) if cap_text else None


@bp.post("/admin/teams", endpoint="admin_create_team")
@page(Permission.SET_UP_TEAMS)
def admin_create_team() -> Any:
    """Create a team."""
    form = request.form
    if _cap_errors(form):
        return _teams_page(_cap_errors(form), form)
    try:
        team = team_admin.create_team(
            get_session(), current_caller(), form.get("name", ""), form.get("kind", "").strip(), _cap(form)
        )
    except Problem as problem:
        return _teams_page(_problem_errors(problem, {"kind": "kind", "caseload_cap": "caseload-cap"}), form)
    flash(f"Team {team.name} created", "success")
    return redirect(url_for("web.admin_team", team_id=team.id))


@bp.route("/admin/teams/<team_id>", methods=["GET", "POST"], endpoint="admin_team")
@page(Permission.SET_UP_TEAMS)
def admin_team(team_id: str) -> Any:
    """One team: change its kind, cap and whether it is active; add workers."""
    session, caller, form = get_session(), current_caller(), request.form
    errors: list[dict[str, str]] = []
    if request.method == "POST" and form.get("action") != "member":
        errors = _cap_errors(form)
    if request.method == "POST" and not errors:
        try:
            if form.get("action") == "member":
                team_admin.add_member(session, caller, team_id, form.get("member_name", ""), form.get("user") or None)
                flash("Worker added", "success")
            else:
                changes: dict[str, Any] = {
                    "kind": form.get("kind", "").strip(),
                    "active": form.get("active") == "yes",
                    "caseload_cap": _cap(form),
                }
                team_admin.update_team(session, caller, team_id, changes)
                flash("Team updated", "success")
        except Problem as problem:
            fields = {"kind": "kind", "caseload_cap": "caseload-cap", "name": "member-name", "user": "user"}
            errors = _problem_errors(problem, fields)
        else:
            return redirect(url_for("web.admin_team", team_id=team_id))
    try:
        team = team_admin.get_team(session, team_id)
    except Problem:
        abort(404)
    return render_template("admin_team.html", team=team, errors=errors, form=form, words=words)
