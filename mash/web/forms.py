"""Form helpers shared by every page: GOV.UK error summaries and messages from WTForms, and the sign-in form."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField
from wtforms.validators import InputRequired


def field_error(field: Field) -> dict[str, str] | None:
    """Return a field's first error as GOV.UK components take it, or None."""
    return {"text": str(field.errors[0])} if field.errors else None


def summary(form: FlaskForm, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """Return the error summary's list: each message linking to its field, in the form's order."""
    items = [{"text": str(field.errors[0]), "href": f"#{field.id}"} for field in form if field.errors]
    items += [{"text": text, "href": f"#{anchor}"} for anchor, text in extra]
    return items


def flashed_errors(flashed: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Return the error summary's list from messages flashed as `error:<field id>`."""
    return [
        {"text": message, "href": "#" + category.partition(":")[2]}
        for category, message in flashed
        if category.startswith("error:")
    ]


def fail(form: FlaskForm, field_name: str, message: str) -> None:
    """Attach a message from a use case to one field of a form."""
    field: Any = form[field_name]
    field.errors = [*list(field.errors or []), message]


class SignInForm(FlaskForm):
    """Email address and password."""

    class Meta:
        csrf = False  # the blueprint checks every POST's token before any view runs

    email = EmailField("Email address", validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])
