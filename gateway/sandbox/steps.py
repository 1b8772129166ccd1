"""What a pending payment waits for, and how each wait ends.

A payment that cannot finish inside its create call records a :class:`NextStep`: a 3-D
Secure challenge, an alternative method's QR code, voucher, transfer or redirect, or a
fraud review. The shopper's page (``pages.py``) or a test (``/_sandbox/payments/{id}``)
then ends it (authenticated or not, paid, failed, approved, rejected), or its time runs out
(``expire_due``, run by the emulator's sweeper). Each end moves the payment on exactly as a
create call would have, stamps ``updated_at`` and sends the webhook Yuno would send.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from gateway.sandbox.errors import SandboxError
from gateway.sandbox.methods import BANK_TRANSFER, QR, REDIRECT, TICKET, Method
from gateway.sandbox.outcomes import FRAUD_DECLINE, outcome, response_code
from gateway.sandbox.state import Sandbox
from gateway.sandbox.store import NextStep, Payment, Transaction
from gateway.sandbox.threeds import AUTHENTICATED_OTP
from gateway.sandbox.views import payment_json
from gateway.sandbox.wire import JsonObject, new_id

#: How long a 3-D Secure challenge waits for the shopper before the payment expires.
CHALLENGE_LIFETIME = timedelta(minutes=30)
#: What each way of ending a step is called (``outcome`` in the admin call and the pages).
PAY, FAIL, EXPIRE, APPROVE, REJECT = "pay", "fail", "expire", "approve", "reject"
THREE_DS_TYPE = "THREE_D_SECURE"
FRAUD_TYPE = "FRAUD_SCREENING"


def page_url(base_url: str, payment: Payment) -> str:
    return f"{base_url}/sandbox/pay/{payment.id}"


def challenge(sandbox: Sandbox, payment: Payment, base_url: str) -> None:
    """The card needs a 3-D Secure challenge: the payment waits for the shopper."""
    now = sandbox.now()
    url = f"{base_url}/sandbox/3ds/{payment.id}"
    payment.status, payment.sub_status = "PENDING", "WAITING_ADDITIONAL_STEP"
    payment.step = NextStep("THREE_D_SECURE", url=url, expires_at=now + CHALLENGE_LIFETIME)
    payment.transactions.append(
        Transaction(
            new_id(),
            THREE_DS_TYPE,
            "PENDING",
            payment.value,
            "CHALLENGE_REQUIRED",
            now,
            description=payment.description,
            redirect_url=url,
        )
    )


def alternative(sandbox: Sandbox, payment: Payment, method: Method, base_url: str) -> None:
    """An alternative method: READY_TO_PAY with what the shopper needs to pay."""
    now = sandbox.now()
    expires_at = now + method.lifetime
    page = page_url(base_url, payment)
    payment.status, payment.sub_status = "READY_TO_PAY", "CREATED"
    if method.step == QR:
        step = NextStep(
            QR,
            url=page,
            code=pix_code(payment),
            image_url=f"{base_url}/sandbox/qr/{payment.id}.svg",
            expires_at=expires_at,
        )
    elif method.step == TICKET:
        reference = _digits(payment.id, 14 if method.type == "OXXO" else 47)
        step = NextStep(TICKET, url=page, code=reference, barcode=reference, expires_at=expires_at)
    elif method.step == BANK_TRANSFER:
        step = NextStep(BANK_TRANSFER, url=page, code=clabe(payment), expires_at=expires_at)
    else:
        step = NextStep(REDIRECT, url=page, expires_at=expires_at)
    payment.step = step
    payment.transactions.append(
        Transaction(
            new_id(),
            "PURCHASE",
            "CREATED",
            payment.value,
            "SUCCEEDED",
            now,
            description=payment.description,
        )
    )


def review(sandbox: Sandbox, payment: Payment) -> None:
    """Fraud screening holds the payment for an analyst (scripted by the description)."""
    now = sandbox.now()
    payment.status, payment.sub_status = "PENDING", "PENDING_FRAUD_REVIEW"
    payment.step = NextStep("FRAUD_REVIEW", expires_at=now + timedelta(days=2))
    payment.transactions.append(
        Transaction(new_id(), FRAUD_TYPE, "PENDING", payment.value, "PENDING_FRAUD_REVIEW", now)
    )
    payment.fraud_screening = _screening("PENDING", now.isoformat())


def authorize(payment: Payment, code: str | None = None, *, three_ds: bool = False) -> None:
    """The provider's answer to the card: the first PURCHASE or AUTHORIZE transaction."""
    code = code or response_code(payment.card, payment.description)
    if code == "SUCCEEDED" and three_ds:
        code = "SUCCEEDED_THREE_D_SECURE"
    result = outcome(code, payment.capture)
    payment.status, payment.sub_status = result.status, result.sub_status
    payment.transactions.append(
        Transaction(
            new_id(),
            "PURCHASE" if payment.capture else "AUTHORIZE",
            result.transaction_status,
            payment.value,
            code,
            payment.updated_at,
            description=payment.description,
        )
    )
    if payment.status == "SUCCEEDED":
        payment.captured = payment.value


def finish(sandbox: Sandbox, payment: Payment, how: str, otp: str | None = None) -> None:
    """End the payment's step the way ``how`` says (an OTP for a challenge); refuses a
    payment that waits for nothing, or an ending that does not fit its step."""
    step = payment.step
    if step is None:
        raise SandboxError(400, "INVALID_STATUS", f"Payment is {payment.status}")
    now = sandbox.now()
    pending = payment.transactions[-1]
    pending.updated_at = payment.updated_at = now
    payment.step = None
    if how == EXPIRE:
        _close(pending, "EXPIRED", "EXPIRED")
        payment.status, payment.sub_status = "EXPIRED", "EXPIRED"
    elif step.kind == "THREE_D_SECURE":
        _after_challenge(payment, pending, otp if how == PAY else None)
    elif step.kind == "FRAUD_REVIEW":
        _after_review(payment, pending, how == APPROVE)
    elif how == PAY:
        _close(pending, "SUCCEEDED", "SUCCEEDED")
        payment.status, payment.sub_status = "SUCCEEDED", "APPROVED"
        payment.captured = payment.value
    else:
        _close(pending, "DECLINED", "DECLINED")
        payment.status, payment.sub_status = "DECLINED", "DECLINED"
    announce(sandbox, payment)


def announce(sandbox: Sandbox, payment: Payment) -> None:
    """The webhook Yuno sends for the payment's latest change."""
    kinds = {t.type for t in payment.transactions}
    if payment.fraud_screening is not None and not kinds - {FRAUD_TYPE}:
        event = "payment.fraud_screening"
    elif payment.verify:
        event = "payment.verify"
    else:
        event = "payment.purchase" if payment.capture else "payment.authorize"
    data: JsonObject = {
        "payment": payment_json(sandbox, payment),
        "idempotency_key": payment.idempotency_key,
    }
    sandbox.webhooks.emit("payment", event, data)


def expire_due(sandbox: Sandbox) -> int:
    """Expire every step whose time is up; returns how many ended."""
    now = sandbox.now()
    due = [
        p
        for p in sandbox.store.payments.values()
        if p.step is not None and p.step.expires_at is not None and p.step.expires_at <= now
    ]
    for payment in due:
        finish(sandbox, payment, EXPIRE)
    return len(due)


def _after_challenge(payment: Payment, pending: Transaction, otp: str | None) -> None:
    if otp != AUTHENTICATED_OTP:
        _close(pending, "DECLINED", "DECLINED")
        payment.status, payment.sub_status = "DECLINED", "DECLINED"
        return
    _close(pending, "SUCCEEDED", "SUCCEEDED")
    authorize(payment, three_ds=True)


def _after_review(payment: Payment, pending: Transaction, approved: bool) -> None:
    moment = (payment.updated_at).isoformat()
    if not approved:
        _close(pending, "DECLINED", FRAUD_DECLINE)
        payment.status, payment.sub_status = "DECLINED", "FRAUD_DECLINED"
        payment.fraud_screening = _screening("DECLINED", moment)
        return
    _close(pending, "SUCCEEDED", "FRAUD_VERIFIED")
    payment.fraud_screening = _screening("SUCCEEDED", moment)
    authorize(payment)


def _close(transaction: Transaction, status: str, code: str) -> None:
    transaction.status, transaction.response_code = status, code


def _screening(status: str, moment: str) -> dict[str, object]:
    return {"status": status, "stand_alone": False, "created_at": moment, "updated_at": moment}


def _digits(seed: str, count: int) -> str:
    """A stable run of digits derived from an id (voucher references, barcodes)."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return str(int(digest, 16))[:count].rjust(count, "0")


def clabe(payment: Payment) -> str:
    """An 18-digit CLABE (STP's bank code 646, a branch, an account) with its check digit."""
    body = "646180" + _digits(payment.id, 11)
    weights = (3, 7, 1) * 6
    total = sum(int(d) * w % 10 for d, w in zip(body, weights, strict=False))
    return body + str((10 - total % 10) % 10)


def pix_code(payment: Payment) -> str:
    """A PIX "copia e cola" code (EMV BR Code) for the payment, with its CRC16 checksum."""
    amount = format(payment.value.quantize(Decimal("0.01")), "f")
    key = f"sandbox.y.uno/pix/{payment.id}"
    fields = [
        ("00", "01"),
        ("26", _tlv([("00", "br.gov.bcb.pix"), ("25", key)])),
        ("52", "0000"),
        ("53", "986"),
        ("54", amount),
        ("58", "BR"),
        ("59", "YUNO SANDBOX"),
        ("60", "SAO PAULO"),
        ("62", _tlv([("05", "***")])),
    ]
    payload = _tlv(fields) + "6304"
    return payload + f"{_crc16(payload.encode()):04X}"


def _tlv(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{tag}{len(value):02d}{value}" for tag, value in fields)


def _crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE, as the BR Code specifies."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = (crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc
