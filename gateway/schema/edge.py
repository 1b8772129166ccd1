"""What every mutation checks of its input before anything else: no raw card numbers in
free text, and idempotency keys of the documented format. One function, so that no
mutation can forget either (a test walks the schema's mutations to hold them to it)."""

from gateway.resolvers.idempotency import MAX_KEY_LENGTH, valid_client_key
from gateway.resolvers.outcomes import Problem
from gateway.schema.card_numbers import card_number_problems


def input_problems(value: object) -> tuple[Problem, ...]:
    """The problems that refuse this mutation input outright, with their field paths."""
    return card_number_problems(value) + idempotency_key_problems(value)


def idempotency_key_problems(value: object) -> tuple[Problem, ...]:
    key = getattr(value, "idempotency_key", None)
    if key is None or (isinstance(key, str) and valid_client_key(key)):
        return ()
    return (
        Problem(
            "INVALID_IDEMPOTENCY_KEY",
            f"An idempotency key is 1 to {MAX_KEY_LENGTH} visible ASCII characters "
            "(letters, digits, punctuation; no spaces or control characters).",
            ("input", "idempotencyKey"),
        ),
    )
