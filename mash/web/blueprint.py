"""The blueprint every staff page hangs on, with its templates and the static assets served at /assets."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")
