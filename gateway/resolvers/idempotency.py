"""The idempotency key Yuno sees, derived from the client's.

Yuno replays the first response for a repeated key. A client's key alone is not enough to
send on: two shoppers (or one app reusing a key across carts) would get each other's
payment, enrollment or saved card back. So every key sent to Yuno is a name-based UUID of
who sends it, the operation, what it acts on (a checkout session, an order, a payment, a
customer's card) and the client's key: the same retry maps to the same Yuno key, anything
else never collides. No client key ever reaches Yuno as given.

Client keys are checked at the edge (``KEY_FORMAT``): visible ASCII, 1 to
``MAX_KEY_LENGTH`` characters, so a key is safe to show back in a message and to log.
"""

import re
import uuid

from gateway.auth import Principal
from gateway.yuno.client import new_idempotency_key

_NAMESPACE = uuid.UUID("8d6c3f9e-3a51-4b0e-9a43-5f1e0c2b7d14")

#: Longest client key accepted (Yuno's own keys are UUIDs: 36 characters).
MAX_KEY_LENGTH = 64
KEY_FORMAT = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")


def valid_client_key(key: str) -> bool:
    return KEY_FORMAT.fullmatch(key) is not None


def key_or_new(given: str | None) -> str:
    """The client's key, or a fresh one: an unkeyed write is still sent with a key, so a
    retry of ours after a lost answer cannot move money twice."""
    return given if given is not None else new_idempotency_key()


def yuno_key(principal: Principal, operation: str, target: str, client_key: str) -> str:
    """The key Yuno sees for ``client_key``, private to this caller, operation and target."""
    name = "\x1f".join((principal.identity, operation, target, client_key))
    return str(uuid.uuid5(_NAMESPACE, name))
