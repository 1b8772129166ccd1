"""Service credentials: API keys from settings, each with its scopes.

Only a SHA-256 digest of each key is kept in memory, and a presented key is compared with
every one of them in constant time, so neither timing nor a memory dump gives a key away.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from pydantic import SecretStr

from gateway.auth.principals import ServicePrincipal
from gateway.auth.scopes import parse_scopes


@dataclass(frozen=True)
class _Entry:
    digest: bytes
    principal: ServicePrincipal


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


class ApiKeys:
    def __init__(self, configured: SecretStr | None) -> None:
        mapping = json.loads(configured.get_secret_value()) if configured else {}
        if not isinstance(mapping, dict):
            raise ValueError("GATEWAY_API_KEYS must be a JSON object: key -> list of scopes")
        self._entries = [
            _Entry(_digest(key), ServicePrincipal(_name(key), parse_scopes(scopes)))
            for key, scopes in mapping.items()
        ]

    def __bool__(self) -> bool:
        return bool(self._entries)

    def find(self, presented: str) -> ServicePrincipal | None:
        digest, found = _digest(presented), None
        for entry in self._entries:
            if hmac.compare_digest(digest, entry.digest):
                found = entry.principal
        return found


def _name(key: str) -> str:
    """A name for logs that identifies the key without revealing it."""
    return "api-key-" + hashlib.sha256(key.encode()).hexdigest()[:8]
