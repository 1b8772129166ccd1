"""What mutation testing (tests/mutation.sh) found unpinned in ``gateway.auth``: the reason
each refusal logs and tells, the edges of a token's lifetime, which key a ``kid`` names,
and the start-up errors that name the setting to fix."""

import base64
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from pydantic import SecretStr

from gateway.app import create_app
from gateway.auth import ANONYMOUS, CustomerPrincipal, Scope
from gateway.auth.api_keys import ApiKeys
from gateway.auth.authenticator import Authenticator
from gateway.auth.scopes import ALL_SCOPES, configured_scopes
from gateway.auth.tokens import InvalidToken, TokenVerifier
from gateway.settings import Settings
from tests.conftest import JWT_SECRET, SERVICE_KEY, GatewayClient
from tests.identity import bearer, customer_token
from tests.storefront import create_customer

VIEWER = "{ viewer { merchantCustomerId } }"
NOW = int(time.time())
HOUR = 3600
CARD_NUMBER = "4111111111111111"
ISSUER = "https://id.merchant.test"
AUDIENCE = "yuno-gateway"


def signed(**claims: Any) -> str:
    """Exactly these claims, validly signed with the test identity provider's secret."""
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def unsigned(**claims: Any) -> str:
    """``alg: none``: a token nobody signed."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[TestServer]:
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


async def refusal(server: TestServer, authorization: str) -> tuple[int, str | None]:
    """The status and ``WWW-Authenticate`` of a request with these credentials."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.make_url("/graphql"),
            json={"query": VIEWER},
            headers={"Authorization": authorization},
        ) as response,
    ):
        return response.status, response.headers.get("WWW-Authenticate")


def challenge(description: str, error: str = "invalid_token") -> str:
    return f'Bearer error="{error}", error_description="{description}"'


LOGGED_REASONS = [
    pytest.param(bearer("a.b.c"), "token refused: malformed token", id="malformed"),
    pytest.param(
        bearer(unsigned(sub="shopper-a", exp=NOW + 300)),
        "token refused: no key for algorithm 'none'",
        id="alg-none",
    ),
    pytest.param(
        bearer(signed(sub="", iat=NOW, exp=NOW + 300)),
        "token refused: token has no subject",
        id="empty-subject",
    ),
    pytest.param(
        bearer(signed(sub="shopper-a", iat=NOW, exp=str(NOW + 300))),
        "token refused: exp is not a number",
        id="exp-as-a-string",
    ),
    pytest.param(
        bearer(signed(sub="shopper-a", iat=NOW, exp=NOW + 25 * HOUR)),
        "token refused: token lives longer than GATEWAY_JWT_MAX_LIFETIME",
        id="lives-25-hours",
    ),
    pytest.param(
        bearer(signed(sub="shopper-a", exp=NOW + 25 * HOUR)),
        "token refused: token expires later than GATEWAY_JWT_MAX_LIFETIME from now",
        id="no-iat-expires-in-25-hours",
    ),
    pytest.param(
        bearer(customer_token("shopper-a", expires_in=-120)),
        "token refused: ExpiredSignatureError",
        id="expired",
    ),
    pytest.param(
        bearer(customer_token(CARD_NUMBER)),
        "token refused: its subject is not an acceptable customer id",
        id="card-number-subject",
    ),
    pytest.param(bearer("not-a-known-api-key"), "unknown API key refused", id="unknown-key"),
]


@pytest.mark.parametrize(("authorization", "reason"), LOGGED_REASONS)
async def test_a_refusal_logs_its_reason(
    gateway_server: TestServer,
    caplog: pytest.LogCaptureFixture,
    authorization: str,
    reason: str,
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.auth.authenticator"):
        status, _ = await refusal(gateway_server, authorization)

    assert status == 401
    logged = [r.getMessage() for r in caplog.records if r.name == "gateway.auth.authenticator"]
    assert logged == [reason]


TOLD = [
    pytest.param(
        "Basic dXNlcjpwYXNz",
        challenge("Send Authorization: Bearer <token>.", "invalid_request"),
        id="basic",
    ),
    pytest.param(bearer("not-a-known-api-key"), challenge("Unknown credentials."), id="key"),
    pytest.param(
        bearer(customer_token(CARD_NUMBER)),
        challenge("The token's subject is not an acceptable customer id."),
        id="card-number-subject",
    ),
    pytest.param(
        bearer(signed(sub="shopper-a", exp=NOW + 25 * HOUR)),
        challenge("The token lives longer than this gateway accepts; ask for a shorter one."),
        id="no-iat-expires-in-25-hours",
    ),
]


@pytest.mark.parametrize(("authorization", "told"), TOLD)
async def test_a_refusal_tells_exactly_what_to_fix(
    gateway_server: TestServer, authorization: str, told: str
) -> None:
    assert await refusal(gateway_server, authorization) == (401, told)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"iss": ISSUER}, id="no-aud"),
        pytest.param({"aud": AUDIENCE}, id="no-iss"),
    ],
)
async def test_a_token_missing_a_configured_iss_or_aud_is_for_someone_else(
    settings: Settings, claims: dict[str, Any]
) -> None:
    configured = settings.model_copy(update={"jwt_issuer": ISSUER, "jwt_audience": AUDIENCE})
    token = customer_token("shopper-a", **claims)
    async with serving(configured) as server:
        told = challenge("The token was issued for another audience or by another issuer.")
        assert await refusal(server, bearer(token)) == (401, told)


async def test_a_token_without_exp_is_refused(gateway_server: TestServer) -> None:
    assert (await refusal(gateway_server, bearer(signed(sub="shopper-a", iat=NOW))))[0] == 401


async def test_a_token_that_expired_within_the_leeway_is_accepted(
    gateway: GatewayClient, settings: Settings
) -> None:
    assert settings.jwt_leeway >= 20
    await create_customer(gateway, "shopper-a")
    token = customer_token("shopper-a", expires_in=-10)

    data = await gateway.as_(bearer(token)).data(VIEWER)

    assert data == {"viewer": {"merchantCustomerId": "shopper-a"}}


async def test_an_old_iat_counts_against_the_lifetime(gateway_server: TestServer) -> None:
    """Issued two days ago, expiring in an hour: it has lived past the 24 h maximum."""
    token = signed(sub="shopper-a", iat=NOW - 48 * HOUR, exp=NOW + HOUR)
    assert (await refusal(gateway_server, bearer(token)))[0] == 401


def test_without_iat_a_token_may_expire_the_lifetime_plus_the_leeway_from_now(
    settings: Settings,
) -> None:
    now = int(time.time())
    verifier = TokenVerifier(settings, clock=lambda: now)
    furthest = now + int(settings.jwt_max_lifetime + settings.jwt_leeway)

    accepted = verifier.verify(signed(sub="shopper-a", exp=furthest))

    assert accepted.expires_at == furthest
    with pytest.raises(InvalidToken):
        verifier.verify(signed(sub="shopper-a", exp=furthest + 1))


async def test_a_kid_names_the_only_key_that_may_verify_the_token(
    settings: Settings, gateway: GatewayClient, tmp_path: Path
) -> None:
    first, second = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    keys = [
        {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": kid}
        for key, kid in ((first, "ec-1"), (second, "ec-2"))
    ]
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": keys}))
    await create_customer(gateway, "shopper-a")

    def token(kid: str) -> str:
        return bearer(
            customer_token("shopper-a", key=second, algorithm="ES256", headers={"kid": kid})
        )

    async with serving(settings.model_copy(update={"jwks_file": jwks})) as server:
        assert (await refusal(server, token("ec-2")))[0] == 200
        assert (await refusal(server, token("ec-1")))[0] == 401


async def test_more_than_one_space_after_bearer_is_accepted(gateway_server: TestServer) -> None:
    assert (await refusal(gateway_server, f"Bearer   {SERVICE_KEY}"))[0] == 200


async def test_a_gateway_without_api_keys_still_takes_customer_tokens(
    settings: Settings, gateway: GatewayClient
) -> None:
    await create_customer(gateway, "shopper-a")
    async with serving(settings.model_copy(update={"api_keys": None})) as server:
        assert (await refusal(server, bearer(customer_token("shopper-a"))))[0] == 200
        told = challenge("Unknown credentials.")
        assert await refusal(server, bearer(SERVICE_KEY)) == (401, told)


def _ed25519_pem(path: Path) -> Path:
    public = ed25519.Ed25519PrivateKey.generate().public_key()
    path.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def test_start_up_refuses_a_public_key_it_cannot_verify_with(
    settings: Settings, tmp_path: Path
) -> None:
    pem = _ed25519_pem(tmp_path / "ed25519.pem")
    with pytest.raises(ValueError, match=r"^JWT public keys must be RSA \(RS256\) or EC P-256 "):
        create_app(settings.model_copy(update={"jwt_public_key_file": pem}))


def test_start_up_names_the_setting_with_an_unknown_shopper_scope(settings: Settings) -> None:
    with pytest.raises(
        ValueError, match=r"^GATEWAY_SHOPPER_SCOPES_ALLOWED: unknown scopes \['payments:typo'\]"
    ):
        create_app(settings.model_copy(update={"shopper_scopes_allowed": ["payments:typo"]}))


def test_start_up_says_what_shape_the_api_keys_take(settings: Settings) -> None:
    with pytest.raises(ValueError, match=r"^GATEWAY_API_KEYS must be a JSON object: key -> list"):
        create_app(settings.model_copy(update={"api_keys": SecretStr("[1]")}))


def test_a_star_in_a_scope_setting_is_every_scope() -> None:
    assert configured_scopes(["*"], "GATEWAY_SHOPPER_SCOPES_ALLOWED") == ALL_SCOPES


def test_an_anonymous_caller_has_no_scope() -> None:
    assert [scope for scope in Scope if ANONYMOUS.can(scope)] == []


def test_api_keys_are_false_when_none_are_configured() -> None:
    assert not ApiKeys(None)
    assert ApiKeys(SecretStr(json.dumps({SERVICE_KEY: []})))


def test_a_service_is_named_by_a_digest_of_its_key_that_never_holds_the_key() -> None:
    """The name is in logs, rate-limit counters and the idempotency keys Yuno sees, so it is
    stable across restarts; eight hex digits of the key's SHA-256 tell keys apart."""
    found = ApiKeys(SecretStr(json.dumps({SERVICE_KEY: ["*"]}))).find(SERVICE_KEY)

    assert found is not None
    assert found.name == "api-key-" + hashlib.sha256(SERVICE_KEY.encode()).hexdigest()[:8]


def test_an_authenticator_without_a_subject_rule_accepts_any_subject(
    settings: Settings,
) -> None:
    principal = Authenticator(settings).authenticate(bearer(customer_token(CARD_NUMBER)))
    assert isinstance(principal, CustomerPrincipal)
    assert principal.merchant_customer_id == CARD_NUMBER
