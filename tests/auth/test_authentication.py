"""Customer tokens and API keys: what is accepted, and the one way everything else is refused."""

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.settings import Settings
from tests.conftest import GatewayClient
from tests.identity import bearer, customer_token
from tests.storefront import create_customer

ISSUER = "https://id.merchant.test"
AUDIENCE = "yuno-gateway"
VIEWER = "{ viewer { merchantCustomerId } }"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture
def gateway_settings(settings: Settings, tmp_path: Path) -> Settings:
    """HS256 secret, an RSA public key file and a JWKS file with an EC key, iss and aud."""
    pem = tmp_path / "idp.pem"
    pem.write_bytes(public_pem(RSA_KEY))
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**jwk, "kid": "ec-1", "use": "sig"}]}))
    return settings.model_copy(
        update={
            "jwt_public_key_file": pem,
            "jwks_file": jwks,
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
        }
    )


def token(subject: str = "shopper-a", **changes: Any) -> str:
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE}
    return customer_token(subject, **{**claims, **changes})


async def status_and_body(server: TestServer, authorization: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.make_url("/graphql"),
            json={"query": VIEWER},
            headers={"Authorization": authorization},
        ) as response,
    ):
        return response.status, await response.json()


@pytest.mark.parametrize(
    "credential",
    [
        pytest.param(token(), id="hs256"),
        pytest.param(token(key=RSA_KEY, algorithm="RS256"), id="rs256-key-file"),
        pytest.param(
            token(key=EC_KEY, algorithm="ES256", headers={"kid": "ec-1"}), id="es256-jwks"
        ),
    ],
)
async def test_signed_customer_tokens_are_accepted(gateway: GatewayClient, credential: str) -> None:
    await create_customer(gateway, "shopper-a")
    data = await gateway.as_(bearer(credential)).data(VIEWER)
    assert data == {"viewer": {"merchantCustomerId": "shopper-a"}}


def _alg_none() -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {"sub": "shopper-a", "exp": int(time.time()) + 300, "iss": ISSUER, "aud": AUDIENCE}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _confused_token() -> str:
    """The classic confusion attack: an HS256 token keyed with the server's RSA public key."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {"sub": "shopper-a", "exp": int(time.time()) + 300, "iss": ISSUER, "aud": AUDIENCE}
    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}"
    signature = hmac.new(public_pem(RSA_KEY), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


REFUSED = [
    pytest.param(bearer(token(expires_in=-120)), id="expired"),
    pytest.param(bearer(token(nbf=int(time.time()) + 3600)), id="not-yet-valid"),
    pytest.param(bearer(token(iss="https://evil.test")), id="wrong-issuer"),
    pytest.param(bearer(token(aud="someone-else")), id="wrong-audience"),
    pytest.param(bearer(token(key="not-the-secret-0123456789-abcdef")), id="wrong-signature"),
    pytest.param(bearer(token(key=OTHER_RSA_KEY, algorithm="RS256")), id="unknown-rsa-key"),
    pytest.param(bearer(_alg_none()), id="alg-none"),
    pytest.param(bearer(_confused_token()), id="hs256-signed-with-the-rsa-public-key"),
    pytest.param(bearer(customer_token("shopper-a")), id="missing-iss-and-aud"),
    pytest.param(bearer("not-a-known-api-key"), id="unknown-api-key"),
    pytest.param("Basic dXNlcjpwYXNz", id="basic-auth"),
    pytest.param("Bearer ", id="empty-bearer"),
    pytest.param(bearer("a.b.c"), id="garbage-jwt"),
]


@pytest.mark.parametrize("authorization", REFUSED)
async def test_bad_credentials_are_refused_with_one_generic_code(
    gateway_server: TestServer, authorization: str
) -> None:
    status, body = await status_and_body(gateway_server, authorization)
    assert status == 401
    assert body["errors"][0]["extensions"].pop("requestId")  # every edge error names its request
    assert body == {
        "errors": [
            {
                "message": "Missing, invalid or expired credentials.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }


async def test_anonymous_callers_get_public_fields_only(gateway: GatewayClient) -> None:
    anonymous = gateway.as_(None)
    public = await anonymous.data("{ sdkConfig { environment } __schema { queryType { name } } }")
    assert public["sdkConfig"]["environment"] == "SANDBOX"

    refused = await anonymous.execute('{ customer(id: "x") { id } }')
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
