"""``PaymentMethod``: a session's catalog entry or a customer's enrolled (vaulted) method.

Every method has an id that stays the same wherever it appears, so a normalized client cache
(Apollo's ``InMemoryCache``) holds one entry per method: an enrolled card is its vaulted
token in the customer's list, in a checkout session's catalog and on the payments made with
it; an enrollment not completed yet is its enrollment id; a catalog entry is a name-based
UUID of its session, type and name.
"""

import uuid
from enum import Enum
from typing import Self

import strawberry

from gateway.schema.cache_control import PAYMENT_METHOD_SECONDS, max_age
from gateway.yuno import models as yuno


@strawberry.enum
class EnrollmentStatus(Enum):
    CREATED = "CREATED"
    READY_TO_ENROLL = "READY_TO_ENROLL"
    ENROLL_IN_PROCESS = "ENROLL_IN_PROCESS"
    ENROLLED = "ENROLLED"
    DECLINED = "DECLINED"
    REJECTED = "REJECTED"
    ERROR = "ERROR"
    EXPIRED = "EXPIRED"
    CANCELED = "CANCELED"
    UNENROLL_IN_PROCESS = "UNENROLL_IN_PROCESS"
    UNENROLLED = "UNENROLLED"


@strawberry.type
class CardDetails:
    brand: str | None
    last_four: str | None = strawberry.field(description="Last four digits.")
    iin: str | None = strawberry.field(description="First digits of the card number (IIN/BIN).")
    expiration_month: int | None
    expiration_year: int | None
    issuer: str | None
    type: str | None = strawberry.field(description="CREDIT, DEBIT or PREPAID.")
    holder_name: str | None

    @classmethod
    def from_yuno(cls, card: yuno.CardData | None) -> Self | None:
        if card is None:
            return None
        return cls(
            brand=card.brand,
            last_four=card.lfd,
            iin=card.iin,
            expiration_month=card.expiration_month,
            expiration_year=card.expiration_year,
            issuer=card.issuer or card.issuer_name,
            type=card.type,
            holder_name=card.holder_name,
        )


@strawberry.type(
    description="A way to pay: an entry of a session's catalog, or a method a customer "
    "enrolled (then vaultedToken is set).",
    directives=max_age(PAYMENT_METHOD_SECONDS),
)
class PaymentMethod:
    id: strawberry.ID = strawberry.field(
        description="Stable wherever the method appears: an enrolled card's vaulted token, an "
        "enrollment's id, or a catalog entry's id within its session."
    )
    type: str
    name: str
    description: str | None
    category: str | None
    icon: str | None
    vaulted_token: str | None
    status: EnrollmentStatus | None
    preferred: bool
    last_successfully_used: bool | None
    card: CardDetails | None
    sdk_action_required: bool = strawberry.field(
        description="True when the front-end SDK must collect data or act before this method "
        "can be used."
    )
    redirect_url: str | None = strawberry.field(
        default=None,
        description="Where the shopper links a wallet or account while it is READY_TO_ENROLL.",
    )

    @classmethod
    def from_yuno(cls, method: yuno.PaymentMethod) -> Self:
        status = method.status
        return cls(
            id=strawberry.ID(identity(method)),
            type=method.type,
            name=method.name or method.type,
            description=method.description,
            category=method.category,
            icon=method.icon,
            vaulted_token=method.vaulted_token,
            status=EnrollmentStatus(status) if status in EnrollmentStatus.__members__ else None,
            preferred=bool(method.preferred),
            last_successfully_used=method.last_successfully_used,
            card=CardDetails.from_yuno(method.card_data),
            sdk_action_required=method.sdk_action_required,
            redirect_url=method.redirect_url,
        )


_CATALOG = uuid.UUID("4f2d0c51-8a3b-4e7e-9c1d-2b6f7a9e0d43")


def identity(method: yuno.PaymentMethod) -> str:
    """See the module docstring."""
    if method.vaulted_token:
        return method.vaulted_token
    if method.id:
        return method.id
    step = method.checkout or method.enrollment
    scope = step.session if step is not None and step.session else ""
    return catalog_id(scope, method.type, method.name or "")


def catalog_id(scope: str, kind: str, name: str) -> str:
    return str(uuid.uuid5(_CATALOG, "\x1f".join((scope, kind, name))))
