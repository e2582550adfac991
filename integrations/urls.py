"""Which partner URLs personal data may be sent to: HTTPS, or plain HTTP to this machine only."""

from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def safe_for_personal_data(url: str) -> bool:
    """Say whether a URL is HTTPS, or plain HTTP to a loopback address (development, tests, a local simulator)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
