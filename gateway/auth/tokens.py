"""Customer tokens: JWTs from the merchant's identity provider, verified with PyJWT.

The algorithm is chosen by the key the gateway holds, never by the token: an HS256 secret
verifies only HS256, an RSA or EC public key only RS256 or ES256. ``alg: none`` and a token
whose algorithm does not match a configured key are refused before any signature check.
``exp`` and ``sub`` are required; ``iss`` and ``aud`` are required when configured.

``exp``, ``iat`` and ``nbf`` must be JSON numbers (PyJWT alone also takes ``"9999999999"``),
and a token may live at most ``GATEWAY_JWT_MAX_LIFETIME``: ``exp - iat``, or, without
``iat``, ``exp`` from now (plus the leeway). The ``scope`` claim grants only the scopes
``GATEWAY_SHOPPER_SCOPES_ALLOWED`` lists (see ``scopes``); the rest are ignored.
"""

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.auth.principals import CustomerPrincipal
from gateway.auth.scopes import Scope, configured_scopes, parse_scopes
from gateway.settings import Settings

log = logging.getLogger(__name__)

MALFORMED = "The token is malformed, or its signature does not verify."
EXPIRED = "The token has expired."
NOT_YET_VALID = "The token is not valid yet."
NOT_FOR_US = "The token was issued for another audience or by another issuer."
TOO_LONG_LIVED = "The token lives longer than this gateway accepts; ask for a shorter one."

#: The registered claims that are times (RFC 7519 NumericDate), checked when present.
_TIMES = ("exp", "iat", "nbf")


class InvalidToken(Exception):
    """Any reason a token is refused. The message (logged) may name a claim or setting;
    ``public`` is what the caller is told (RFC 6750's error_description): expired, not yet
    valid, not for this gateway, too long-lived or malformed, never which key or secret."""

    def __init__(self, message: str, public: str = MALFORMED) -> None:
        super().__init__(message)
        self.public = public


@dataclass(frozen=True)
class VerificationKey:
    algorithm: str
    key: Any
    kid: str | None = None


def load_keys(settings: Settings) -> list[VerificationKey]:
    # PyJWT and cryptography are imported where they are used: they cost a sixth of the
    # gateway's start-up, which should not wait for a token nobody has sent yet.
    keys: list[VerificationKey] = []
    if settings.jwt_secret is not None:
        keys.append(VerificationKey("HS256", settings.jwt_secret.get_secret_value()))
    if settings.jwt_public_key_file is not None:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        public = load_pem_public_key(Path(settings.jwt_public_key_file).read_bytes())
        keys.append(VerificationKey(_algorithm_of(public), public))
    if settings.jwks_file is not None:
        import jwt

        document = json.loads(Path(settings.jwks_file).read_text())
        for jwk in jwt.PyJWKSet.from_dict(document).keys:
            keys.append(VerificationKey(_algorithm_of(jwk.key), jwk.key, jwk.key_id))
    return keys


def _algorithm_of(public: object) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(public, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(public, ec.EllipticCurvePublicKey):
        return "ES256"
    raise ValueError("JWT public keys must be RSA (RS256) or EC P-256 (ES256)")


class TokenVerifier:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.keys = load_keys(settings)
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.leeway = settings.jwt_leeway
        self.max_lifetime = settings.jwt_max_lifetime
        self.shopper_scopes = configured_scopes(
            settings.shopper_scopes_allowed, "GATEWAY_SHOPPER_SCOPES_ALLOWED"
        )
        self.clock = clock

    def verify(self, token: str) -> CustomerPrincipal:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        candidates = [k for k in self.keys if k.algorithm == algorithm and kid in (None, k.kid)]
        if not candidates:
            raise InvalidToken(f"no key for algorithm {algorithm!r}")
        claims = self._decode(token, candidates)
        self._check_lifetime(claims)
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("token has no subject")
        return CustomerPrincipal(
            subject, self._granted(claims.get("scope")), expires_at=float(claims["exp"])
        )

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        for name in _TIMES:
            if name in claims and not _is_time(claims[name]):
                raise InvalidToken(f"{name} is not a number")
        issued = claims.get("iat")
        if issued is not None:
            if claims["exp"] - issued > self.max_lifetime:
                raise InvalidToken(
                    "token lives longer than GATEWAY_JWT_MAX_LIFETIME", TOO_LONG_LIVED
                )
        elif claims["exp"] - self.clock() > self.max_lifetime + self.leeway:
            raise InvalidToken(
                "token expires later than GATEWAY_JWT_MAX_LIFETIME from now", TOO_LONG_LIVED
            )

    def _granted(self, claim: object) -> frozenset[Scope]:
        claimed = parse_scopes(claim)
        ignored = claimed - self.shopper_scopes
        if ignored:
            log.info(
                "customer token scopes ignored (not in GATEWAY_SHOPPER_SCOPES_ALLOWED): %s",
                " ".join(sorted(ignored)),
            )
        return claimed & self.shopper_scopes

    def _decode(self, token: str, candidates: list[VerificationKey]) -> dict[str, Any]:
        import jwt

        required = (
            ["exp", "sub"] + (["iss"] if self.issuer else []) + (["aud"] if self.audience else [])
        )
        error: Exception = InvalidToken("no key")
        for candidate in candidates:
            try:
                claims: dict[str, Any] = jwt.decode(
                    token,
                    candidate.key,
                    algorithms=[candidate.algorithm],
                    audience=self.audience,
                    issuer=self.issuer,
                    leeway=self.leeway,
                    options={"require": required},
                )
                return claims
            except jwt.PyJWTError as exc:
                error = exc
        raise InvalidToken(type(error).__name__, _public_reason(error)) from error


def _public_reason(error: Exception) -> str:
    import jwt

    if isinstance(error, jwt.ExpiredSignatureError):
        return EXPIRED
    if isinstance(error, jwt.ImmatureSignatureError):
        return NOT_YET_VALID
    if isinstance(error, jwt.InvalidAudienceError | jwt.InvalidIssuerError):
        return NOT_FOR_US
    if isinstance(error, jwt.MissingRequiredClaimError) and error.claim in ("aud", "iss"):
        return NOT_FOR_US
    return MALFORMED


def _is_time(value: object) -> bool:
    """A JSON number: not a numeric string, not a boolean (``True`` is an ``int``)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def sign_shopper_token(
    settings: Settings, sub: str, ttl: int, scopes: tuple[str, ...] = (), now: float | None = None
) -> str:
    """A development shopper JWT (HS256 with ``GATEWAY_JWT_SECRET``) that a gateway with
    these settings accepts: ``gateway token`` and the sandbox checkout page mint with it."""
    import jwt

    if settings.jwt_secret is None:
        raise ValueError("GATEWAY_JWT_SECRET is not set: shopper tokens are signed with it")
    issued = int(time.time() if now is None else now)
    claims: dict[str, object] = {"sub": sub, "iat": issued, "exp": issued + ttl}
    if scopes:
        claims["scope"] = " ".join(scopes)
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")
