"""How payments and their transactions look on the wire, in Yuno's several shapes.

Create responses and webhooks carry ``transactions`` as one object (the latest) plus
``transactions_history``; retrieve responses carry an array. The request calls the card
block ``detail``, the payment calls it ``payment_method_detail``: reproduced as-is.
"""

from decimal import Decimal

from gateway.sandbox.methods import METHODS
from gateway.sandbox.outcomes import ISO8583, MERCHANT_ADVICE, RESPONSE_MESSAGES
from gateway.sandbox.state import Sandbox
from gateway.sandbox.store import NextStep, Payment, Transaction
from gateway.sandbox.wire import JsonObject, timestamp

PROVIDER_ID = "YUNO_TEST_PAYMENT_GW"
CONNECTION_ID = "5f0e2b1c-8d4a-4c3e-9b7f-2a6d1e9c0b33"
PAYER_FIELDS = (
    "merchant_customer_id",
    "first_name",
    "last_name",
    "gender",
    "date_of_birth",
    "email",
    "nationality",
    "document",
    "phone",
    "billing_address",
    "shipping_address",
)


def _card_detail(payment: Payment) -> JsonObject | None:
    if payment.card is None:
        return None
    card_data = payment.card.public_data()
    card_data.pop("issuer")
    step = payment.step
    return {
        "verify": payment.verify,
        "capture": payment.capture,
        "installments": payment.installments,
        "installments_plan_id": None,
        "first_installment_deferral": 0,
        "installments_type": "",
        "installment_amount": None,
        "soft_descriptor": "",
        "authorization_code": payment.id[:6],
        "retrieval_reference_number": "",
        "acquirer_reference_number": "",
        "voucher": None,
        "redirect_url": step.url if step is not None and step.kind == "THREE_D_SECURE" else None,
        "card_data": card_data,
        "stored_credentials": {
            "reason": None,
            "usage": None,
            "subscription_agreement_id": None,
            "network_transaction_id": None,
        },
    }


def _alternative_detail(payment: Payment) -> JsonObject:
    """An alternative method's block (``bank_transfer``, ``ticket`` or ``wallet``) with what
    the shopper needs while the payment waits: the QR code and its copy-and-paste text, the
    voucher's reference and barcode, the CLABE, or the page to go to."""
    step = payment.step or NextStep("NONE")
    expires = None if step.expires_at is None else timestamp(step.expires_at)
    kind = METHODS[payment.method_type].detail
    if kind == "ticket":
        return {
            "type": None,
            "benefit_type": None,
            "date_of_expiration": expires,
            "payment_instruction": None,
            "provider_number": step.code,
            "provider_barcode": step.barcode,
            "provider_logo": None,
            "provider_format": None,
            "redirect_url": step.url,
            "expires_at": expires,
        }
    if kind == "bank_transfer":
        spei = payment.method_type == "SPEI"
        return {
            "provider_image": step.image_url,
            "account_type": "CHECKINGS" if spei else None,
            "bank_name": "STP" if spei else None,
            "beneficiary_name": "YUNO SANDBOX",
            "bank_account": step.code if spei else None,
            "bank_account_2": None,
            "beneficiary_document_type": None,
            "beneficiary_document": None,
            "payment_instruction": None if spei else step.code,
            "redirect_url": step.url,
            "expires_at": expires,
        }
    return {
        "verify": False,
        "capture": True,
        "installments": None,
        "date_of_expiration": expires,
        "redirect_url": step.url,
    }


def _method(payment: Payment, detail_key: str) -> JsonObject:
    detail: JsonObject = (
        {METHODS[payment.method_type].detail: _alternative_detail(payment)}
        if payment.method_type in METHODS
        else {"card": _card_detail(payment)}
    )
    return {
        "vaulted_token": payment.vaulted_token or "",
        "type": payment.method_type,
        "vault_on_success": payment.vault_on_success,
        "token": payment.token or "",
        "parent_payment_method_type": None,
        detail_key: detail,
    }


def _category(payment: Payment) -> str:
    method = METHODS.get(payment.method_type)
    return "CARD" if method is None else method.category


def transaction_json(payment: Payment, tx: Transaction) -> JsonObject:
    """One transaction as nested in a payment."""
    iso_code, iso_message = ISO8583.get(tx.response_code, ("", ""))
    message = RESPONSE_MESSAGES.get(tx.response_code, tx.response_code)
    method = _method(payment, "detail")
    card = method["detail"].get("card") if isinstance(method["detail"], dict) else None
    if isinstance(card, dict):
        card["redirect_url"] = tx.redirect_url
    advice, advice_message = (
        MERCHANT_ADVICE.get(tx.response_code, (None, None))
        if tx.status == "DECLINED"
        else (None, None)
    )
    return {
        "id": tx.id,
        "type": tx.type,
        "status": tx.status,
        "category": _category(payment),
        "amount": tx.amount,
        "provider_id": PROVIDER_ID,
        "payment_method": method,
        "response_code": tx.response_code,
        "response_message": message,
        "merchant_advice_code": advice,
        "merchant_advice_code_message": advice_message,
        "three_d_secure_action_required": tx.redirect_url is not None and tx.status == "PENDING",
        "reason": tx.reason,
        "description": tx.description,
        "merchant_reference": tx.merchant_reference,
        "provider_data": {
            "id": PROVIDER_ID,
            "transaction_id": tx.id,
            "account_id": "",
            "status": tx.status,
            "sub_status": "",
            "status_detail": "",
            "response_message": message,
            "response_code": tx.response_code,
            "raw_response": None,
            "third_party_transaction_id": "",
            "third_party_account_id": None,
            "iso8583_response_code": iso_code,
            "iso8583_response_message": iso_message,
        },
        "connection_data": {"id": CONNECTION_ID, "name": None},
        "created_at": timestamp(tx.created_at),
        "updated_at": timestamp(tx.updated_at or tx.created_at),
    }


def _payer(sandbox: Sandbox, payment: Payment) -> JsonObject | None:
    given = payment.request.get("customer_payer")
    payer: JsonObject = dict(given) if isinstance(given, dict) else {}
    customer = sandbox.store.customers.get(payment.customer_id or "")
    if customer is None:
        return payer or None
    stored = {name: customer.data.get(name) for name in PAYER_FIELDS}
    return {**stored, **payer, "id": customer.id}


def amount_json(payment: Payment) -> JsonObject:
    """``captured`` counts captures of an authorization; a purchase leaves it at 0, as in
    every purchase example of Yuno's OpenAPI files (the capture examples count it)."""
    return {
        "value": payment.value,
        "currency": payment.currency,
        "captured": Decimal(0) if payment.capture else payment.captured,
        "refunded": payment.refunded,
        "currency_conversion": None,
    }


def payment_json(sandbox: Sandbox, payment: Payment, *, listed: bool = False) -> JsonObject:
    """The payment; ``listed`` gives the retrieve shape (``transactions`` as an array)."""
    history = [transaction_json(payment, tx) for tx in payment.transactions]
    request = payment.request
    return {
        "id": payment.id,
        "account_id": sandbox.config.account_id,
        "description": payment.description,
        "country": payment.country,
        "status": payment.status,
        "sub_status": payment.sub_status,
        "merchant_order_id": payment.merchant_order_id,
        "merchant_reference": request.get("merchant_reference"),
        "created_at": timestamp(payment.created_at),
        "updated_at": timestamp(payment.updated_at),
        "amount": amount_json(payment),
        "checkout": {
            "session": payment.session_id or "",
            "sdk_action_required": payment.step is not None and payment.step.kind != "FRAUD_REVIEW",
        },
        "payment_method": _method(payment, "payment_method_detail"),
        "customer_payer": _payer(sandbox, payment),
        "additional_data": request.get("additional_data"),
        "callback_url": request.get("callback_url"),
        "workflow": payment.workflow,
        "metadata": request.get("metadata"),
        "idempotency_key": payment.idempotency_key,
        "fraud_screening": payment.fraud_screening,
        "transactions": history if listed else (history[-1] if history else {}),
        "transactions_history": history,
    }


def operation_json(sandbox: Sandbox, payment: Payment, tx: Transaction) -> JsonObject:
    """A capture or cancel answer: the new transaction with its payment embedded."""
    document = transaction_json(payment, tx)
    document["amount"] = {
        "value": tx.amount,
        "currency": payment.currency,
        "captured": tx.amount if tx.type == "CAPTURE" else 0,
        "refunded": 0,
    }
    document["payment"] = payment_json(sandbox, payment)
    return document
