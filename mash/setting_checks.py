"""The error a bad setting raises, and the checks of URL settings that more than one group of settings shares."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from integrations.urls import safe_for_personal_data


class SettingError(ValueError):
    """A setting whose value cannot be used: names the variable, the problem and an example."""

    def __init__(self, name: str, shown: str, problem: str, example: str) -> None:
        super().__init__(f"{name}={shown}: {problem} (for example {name}={example})")
        self.name = name


def masked_url(raw: str) -> str:
    """Return a URL with its password, if any, replaced by ***."""
    parts = urlsplit(raw)
    if parts.password is None:
        return raw
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def url(env: Mapping[str, str], name: str, schemes: tuple[str, ...], example: str) -> str | None:
    """Return a URL setting (None when unset), refusing one of another scheme."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        problem = f"must start with {' or '.join(s + '://' for s in schemes)}"
        raise SettingError(name, repr(masked_url(raw)), problem, example)
    return raw


def https_url(env: Mapping[str, str], name: str, example: str) -> str | None:
    """Return a URL setting that must be https:// (plain http:// only to a loopback address), or None when unset."""
    found = url(env, name, ("http", "https"), example)
    if found is not None and not safe_for_personal_data(found):
        raise SettingError(name, repr(masked_url(found)), "must be https:// (plain http:// only to 127.0.0.1)", example)
    return found
