"""Payment methods as Yuno lists them: catalog entries of a session, and enrolled (vaulted) ones.

One model covers both, because Yuno uses one object for both with different fields set; the
flag that says the SDK must act is spelled ``sdk_required_action`` in some responses and
``sdk_action_required`` in others, under ``enrollment`` or ``checkout``.
"""

from datetime import datetime

from gateway.yuno.models.common import YunoModel, YunoRequest


class CardData(YunoModel):
    iin: str | None = None
    lfd: str | None = None
    brand: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    type: str | None = None
    category: str | None = None
    holder_name: str | None = None
    expiration_month: int | None = None
    expiration_year: int | None = None
    fingerprint: str | None = None


class SdkStep(YunoModel):
    session: str | None = None
    sdk_required_action: bool | None = None
    sdk_action_required: bool | None = None


class VerifyPayment(YunoModel):
    id: str | None = None
    status: str | None = None
    sub_status: str | None = None


class VerifyBlock(YunoModel):
    """``verify``: whether a zero-amount verify ran when enrolling, and its payment."""

    vault_on_success: bool | None = None
    currency: str | None = None
    payment: VerifyPayment | None = None


class PaymentMethod(YunoModel):
    id: str | None = None
    vaulted_token: str | None = None
    name: str | None = None
    description: str | None = None
    type: str
    category: str | None = None
    icon: str | None = None
    country: str | None = None
    status: str | None = None
    sub_status: str | None = None
    preferred: bool | None = None
    last_successfully_used: bool | None = None
    card_data: CardData | None = None
    enrollment: SdkStep | None = None
    checkout: SdkStep | None = None
    #: A wallet's enrollment waits on its page: ``action`` REDIRECT_URL, ``redirect_url``.
    action: str | None = None
    redirect_url: str | None = None
    verify: VerifyBlock | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def sdk_action_required(self) -> bool:
        steps = (s for s in (self.enrollment, self.checkout) if s is not None)
        return any(bool(s.sdk_required_action or s.sdk_action_required) for s in steps)


class TestCard(YunoRequest):
    """Card data as the SDK sends it to mint a one-time token (used by tests and demos)."""

    __test__ = False  # a model, not a pytest class

    number: str
    expiration_month: int
    expiration_year: int
    security_code: str
    holder_name: str


class VerifyRequest(YunoRequest):
    vault_on_success: bool
    currency: str | None = None


class CardDataRequest(YunoRequest):
    """Raw card data, for PCI merchants only: the gateway itself never sends any (it
    refuses card numbers at its edge); the client has it for completeness and tests."""

    number: str
    expiration_month: int
    expiration_year: int
    security_code: str | None = None
    holder_name: str | None = None


class DirectEnrollment(YunoRequest):
    """``POST /customers/{id}/payment-methods``: a card by one-time token (or card data)."""

    type: str = "CARD"
    country: str
    workflow: str = "DIRECT"
    token: str | None = None
    card_data: CardDataRequest | None = None
    verify: VerifyRequest | None = None
    callback_url: str | None = None


class OneTimeToken(YunoModel):
    token: str
    type: str | None = None
    vaulted_token: str | None = None
    card_data: CardData | None = None
