"""From an ``Authorization`` header to a principal.

``Bearer <jwt>`` is a shopper, ``Bearer <api key>`` a service; no header is anonymous.
Every refusal is an ``Unauthenticated`` whose ``error`` and ``description`` follow RFC
6750 (what to fix: expired, not yet valid, another audience, malformed), never which key
or secret was tried; the body of the answer is the same for all.

``refuse_subject`` lets the composition root refuse a token's ``sub`` by a rule that lives
above this package (a card number: ``sub`` reaches Yuno and the logs as the merchant's
customer id, and raw card numbers must not), since ``auth`` imports only the settings.
"""

import logging
from collections.abc import Callable

from gateway.auth.api_keys import ApiKeys
from gateway.auth.principals import ANONYMOUS, Principal
from gateway.auth.tokens import InvalidToken, TokenVerifier
from gateway.settings import Settings

log = logging.getLogger(__name__)


class Unauthenticated(Exception):
    """Credentials were given and are not valid."""

    def __init__(self, description: str, error: str = "invalid_token") -> None:
        super().__init__(description)
        self.description = description
        self.error = error


def _refuse_none(subject: str) -> bool:
    return False


class Authenticator:
    def __init__(
        self, settings: Settings, refuse_subject: Callable[[str], bool] = _refuse_none
    ) -> None:
        self.tokens = TokenVerifier(settings)
        self.api_keys = ApiKeys(settings.api_keys)
        self.refuse_subject = refuse_subject

    def authenticate(self, authorization: str | None) -> Principal:
        if authorization is None:
            return ANONYMOUS
        scheme, _, credential = authorization.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthenticated("Send Authorization: Bearer <token>.", "invalid_request")
        if credential.count(".") == 2:
            try:
                customer = self.tokens.verify(credential)
            except InvalidToken as exc:
                log.info("token refused: %s", exc)
                raise Unauthenticated(exc.public) from None
            if self.refuse_subject(customer.merchant_customer_id):
                log.info("token refused: its subject is not an acceptable customer id")
                raise Unauthenticated("The token's subject is not an acceptable customer id.")
            return customer
        service = self.api_keys.find(credential)
        if service is None:
            log.info("unknown API key refused")
            raise Unauthenticated("Unknown credentials.")
        return service
