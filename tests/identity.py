"""The merchant's identity provider, as tests play it: signed customer tokens."""

import time
from typing import Any

import jwt

from tests.conftest import JWT_SECRET


def customer_token(
    subject: str,
    *,
    key: Any = JWT_SECRET,
    algorithm: str = "HS256",
    expires_in: float = 300,
    headers: dict[str, Any] | None = None,
    **claims: Any,
) -> str:
    now = time.time()
    payload = {"sub": subject, "iat": int(now), "exp": int(now + expires_in), **claims}
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def bearer(token: str) -> str:
    return f"Bearer {token}"
