"""From an ``Authorization`` header to a principal.

``Bearer <jwt>`` is a shopper, ``Bearer <api key>`` a service; no header is anonymous.
Every refusal is the same ``Unauthenticated``, so a caller cannot tell an expired token
from a forged one.
"""

import logging

from gateway.auth.api_keys import ApiKeys
from gateway.auth.principals import ANONYMOUS, Principal
from gateway.auth.tokens import InvalidToken, TokenVerifier
from gateway.settings import Settings

log = logging.getLogger(__name__)


class Unauthenticated(Exception):
    """Credentials were given and are not valid."""


class Authenticator:
    def __init__(self, settings: Settings) -> None:
        self.tokens = TokenVerifier(settings)
        self.api_keys = ApiKeys(settings.api_keys)

    def authenticate(self, authorization: str | None) -> Principal:
        if authorization is None:
            return ANONYMOUS
        scheme, _, credential = authorization.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthenticated
        if credential.count(".") == 2:
            try:
                return self.tokens.verify(credential)
            except InvalidToken as exc:
                log.info("token refused: %s", exc)
                raise Unauthenticated from None
        service = self.api_keys.find(credential)
        if service is None:
            log.info("unknown API key refused")
            raise Unauthenticated
        return service
