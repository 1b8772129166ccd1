"""Customer tokens: JWTs from the merchant's identity provider, verified with PyJWT.

The algorithm is chosen by the key the gateway holds, never by the token: an HS256 secret
verifies only HS256, an RSA or EC public key only RS256 or ES256. ``alg: none`` and a token
whose algorithm does not match a configured key are refused before any signature check.
``exp`` and ``sub`` are required; ``iss`` and ``aud`` are required when configured.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.auth.principals import CustomerPrincipal
from gateway.auth.scopes import parse_scopes
from gateway.settings import Settings


class InvalidToken(Exception):
    """Any reason a token is refused; the reason is logged, never shown."""


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
    def __init__(self, settings: Settings) -> None:
        self.keys = load_keys(settings)
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.leeway = settings.jwt_leeway

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
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("token has no subject")
        return CustomerPrincipal(subject, parse_scopes(claims.get("scope")))

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
        raise InvalidToken(type(error).__name__) from error
