"""JSON as Yuno speaks it: money is a JSON number in major units, exact to the last digit.

Floats would turn 26.9 into 26.899999999999999 somewhere along the way, so amounts stay
``Decimal`` from the GraphQL scalar to the bytes on the wire, in both directions.
"""

import json
from decimal import Decimal
from typing import Any

import orjson


def _default(value: object) -> orjson.Fragment:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"not a finite amount: {value}")
        return orjson.Fragment(format(value, "f").encode())
    raise TypeError(f"cannot send {type(value).__name__} to Yuno")


def dumps(body: object) -> bytes:
    """Encode a request body; Decimals become JSON numbers written exactly as they are."""
    return orjson.dumps(body, default=_default)


def loads(raw: bytes) -> Any:
    """Decode a response body with every non-integer number as an exact ``Decimal``."""
    return json.loads(raw, parse_float=Decimal)
