"""Settings for the council's identity provider: partner systems' OAuth2 access tokens and staff single sign-on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mash.setting_checks import SettingError, https_url

ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


def _text(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    return (env.get(name) or "").strip() or default


def _algorithms(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    values = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    refused = [value for value in values if value not in ASYMMETRIC_ALGORITHMS]
    if refused or not values:
        problem = f"not a public-key signature algorithm: {', '.join(refused) or 'none given'} (never none or HS*)"
        raise SettingError(name, repr(raw), problem, ",".join(default))
    return values


@dataclass(frozen=True)
class OAuthSettings:
    """Where partner systems' OAuth2 client-credentials access tokens come from and what they must say."""

    issuer: str | None = None
    audience: str | None = None
    jwks_url: str | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    client_claim: str = "client_id"
    organisation_claim: str = "organisation"
    agency_claim: str = "agency_type"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OAuthSettings:
        """Read the MASH_OAUTH_* settings; an issuer needs an audience."""
        base = cls()
        issuer = https_url(env, "MASH_OAUTH_ISSUER", "https://login.example.gov.uk/realms/mash")
        audience = _text(env, "MASH_OAUTH_AUDIENCE")
        if issuer and not audience:
            raise SettingError("MASH_OAUTH_AUDIENCE", "''", "the audience access tokens name this API by", "mash-api")
        return cls(
            issuer=issuer,
            audience=audience,
            jwks_url=https_url(env, "MASH_OAUTH_JWKS_URL", "https://login.example.gov.uk/realms/mash/certs"),
            algorithms=_algorithms(env, "MASH_OAUTH_ALGORITHMS", base.algorithms),
            client_claim=_text(env, "MASH_OAUTH_CLIENT_CLAIM", base.client_claim) or base.client_claim,
            organisation_claim=_text(env, "MASH_OAUTH_ORGANISATION_CLAIM", base.organisation_claim)
            or base.organisation_claim,
            agency_claim=_text(env, "MASH_OAUTH_AGENCY_CLAIM", base.agency_claim) or base.agency_claim,
        )

    def effective(self) -> list[tuple[str, str]]:
        """List the MASH_OAUTH_* variables with the values in force."""
        if not self.issuer:
            return [("MASH_OAUTH_ISSUER", "(unset: partner systems use the service's own API tokens)")]
        return [
            ("MASH_OAUTH_ISSUER", self.issuer),
            ("MASH_OAUTH_AUDIENCE", self.audience or ""),
            ("MASH_OAUTH_JWKS_URL", self.jwks_url or "(from the issuer's /.well-known/openid-configuration)"),
            ("MASH_OAUTH_ALGORITHMS", ",".join(self.algorithms)),
            ("MASH_OAUTH_CLIENT_CLAIM", self.client_claim),
            ("MASH_OAUTH_ORGANISATION_CLAIM", self.organisation_claim),
            ("MASH_OAUTH_AGENCY_CLAIM", self.agency_claim),
        ]


@dataclass(frozen=True)
class OidcSettings:
    """The council's OpenID Connect provider that staff sign in through, and whether passwords still work."""

    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    name: str = "your council account"
    email_claim: str = "email"
    local_sign_in: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OidcSettings:
        """Read the MASH_OIDC_* settings and MASH_LOCAL_SIGN_IN; refuse a configuration nobody could sign in with."""
        base = cls()
        issuer = https_url(env, "MASH_OIDC_ISSUER", "https://login.microsoftonline.com/TENANT-ID/v2.0")
        client_id, secret = _text(env, "MASH_OIDC_CLIENT_ID"), _text(env, "MASH_OIDC_CLIENT_SECRET")
        if issuer and not (client_id and secret):
            missing = "MASH_OIDC_CLIENT_ID" if not client_id else "MASH_OIDC_CLIENT_SECRET"
            raise SettingError(
                missing, "''", "the identity provider's client needs an id and a secret", "(from the IdP)"
            )
        local = (env.get("MASH_LOCAL_SIGN_IN") or "true").strip().lower()
        if local not in ("true", "false"):
            raise SettingError("MASH_LOCAL_SIGN_IN", repr(local), "must be true or false", "false")
        if local == "false" and not issuer:
            raise SettingError("MASH_LOCAL_SIGN_IN", "'false'", "nobody could sign in: set MASH_OIDC_ISSUER", "true")
        return cls(
            issuer=issuer,
            client_id=client_id,
            client_secret=secret,
            name=_text(env, "MASH_OIDC_NAME", base.name) or base.name,
            email_claim=_text(env, "MASH_OIDC_EMAIL_CLAIM", base.email_claim) or base.email_claim,
            local_sign_in=local == "true",
        )

    def effective(self) -> list[tuple[str, str]]:
        """List the MASH_OIDC_* variables and MASH_LOCAL_SIGN_IN with the values in force, the secret masked."""
        rows = [("MASH_LOCAL_SIGN_IN", "true" if self.local_sign_in else "false")]
        if not self.issuer:
            return [("MASH_OIDC_ISSUER", "(unset: staff sign in with a password)"), *rows]
        return [
            ("MASH_OIDC_ISSUER", self.issuer),
            ("MASH_OIDC_CLIENT_ID", self.client_id or ""),
            ("MASH_OIDC_CLIENT_SECRET", "***"),
            ("MASH_OIDC_NAME", self.name),
            ("MASH_OIDC_EMAIL_CLAIM", self.email_claim),
            *rows,
        ]
