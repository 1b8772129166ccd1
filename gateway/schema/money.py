"""``Money``: an exact amount in a currency."""

from decimal import Decimal
from typing import Self

import strawberry

from gateway.schema.scalars import CurrencyCode


@strawberry.federation.type(shareable=True)
class Money:
    value: Decimal
    currency: CurrencyCode

    @classmethod
    def of(cls, value: Decimal, currency: str) -> Self:
        return cls(value=value, currency=CurrencyCode(currency))
