"""``/v1/customers``: create, retrieve (by id or merchant id) and partially update.

Customers belong to the organisation, not an account, so no ``account_id`` is checked;
``merchant_customer_id`` is unique per emulator, as Yuno reports CUSTOMER_ID_DUPLICATED.
"""

import re

from aiohttp import web

from gateway.sandbox import validation as check
from gateway.sandbox.errors import SandboxError, invalid, missing
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import Customer
from gateway.sandbox.wire import JsonObject, json_response, load_object, new_id, timestamp

GENDERS = ("M", "F", "NB", "NA", "NK", "U")
FIELDS = (
    "merchant_customer_id",
    "merchant_customer_created_at",
    "first_name",
    "last_name",
    "gender",
    "date_of_birth",
    "email",
    "nationality",
    "country",
    "document",
    "phone",
    "billing_address",
    "shipping_address",
    "metadata",
)
_ADDRESS_TEXT = (
    "address_line_2",
    "building_number_1",
    "building_number_2",
    "state",
    "zip_code",
    "neighborhood",
)


def customer_fields(body: JsonObject) -> JsonObject:
    """Validate the customer fields present in ``body`` (a create or a partial update)."""
    checked: JsonObject = {
        "merchant_customer_id": check.text(body, "merchant_customer_id", 1, 255),
        "merchant_customer_created_at": check.text(body, "merchant_customer_created_at", 10, 64),
        "first_name": check.text(body, "first_name"),
        "last_name": check.text(body, "last_name"),
        "gender": check.choice(body, "gender", GENDERS),
        "date_of_birth": check.birth_date(body),
        "email": check.text(body, "email", 3, 255),
        "nationality": check.country(body, "nationality"),
        "country": check.country(body),
        "document": _document(body),
        "phone": _phone(body),
        "billing_address": address(body, "billing_address"),
        "shipping_address": address(body, "shipping_address"),
        "metadata": check.metadata(body, 50),
    }
    return {name: value for name, value in checked.items() if name in body}


def _document(body: JsonObject) -> JsonObject | None:
    document = check.obj(body, "document")
    if document is None:
        return None
    check.require(document, "document_type", "document_number", prefix="document.")
    return {
        "document_type": check.text(
            document, "document_type", 2, 6, label="document.document_type"
        ),
        "document_number": check.text(
            document, "document_number", 3, 40, label="document.document_number"
        ),
    }


def _phone(body: JsonObject) -> JsonObject | None:
    phone = check.obj(body, "phone")
    if phone is None:
        return None
    check.require(phone, "country_code", "number", prefix="phone.")
    code = check.text(phone, "country_code", 1, 3, label="phone.country_code")
    if code is None or not re.fullmatch(r"\d{1,3}", code):
        raise invalid("phone.country_code must be 1 to 3 digits")
    return {
        "country_code": code,
        "number": check.text(phone, "number", 1, 32, label="phone.number"),
    }


def address(body: JsonObject, name: str) -> JsonObject | None:
    """A billing or shipping address; line 1, city and country are required when sent."""
    given = check.obj(body, name)
    if given is None:
        return None
    check.require(given, "address_line_1", "city", "country", prefix=f"{name}.")
    result: JsonObject = {
        "address_line_1": check.text(given, "address_line_1", label=f"{name}.address_line_1"),
        "city": check.text(given, "city", label=f"{name}.city"),
        "country": check.country(given, label=f"{name}.country"),
    }
    for field in _ADDRESS_TEXT:
        result[field] = check.text(given, field, 1, 255, label=f"{name}.{field}")
    return result


def customer_json(customer: Customer) -> JsonObject:
    """The customer object; unset optional fields are null."""
    document: JsonObject = {"id": customer.id}
    document.update({name: customer.data.get(name) for name in FIELDS})
    document["created_at"] = timestamp(customer.created_at)
    document["updated_at"] = timestamp(customer.updated_at)
    return document


def find_customer(sandbox: Sandbox, customer_id: object) -> Customer:
    """A customer by Yuno id, or Yuno's 400 CUSTOMER_NOT_FOUND."""
    customer = sandbox.store.customers.get(customer_id) if isinstance(customer_id, str) else None
    if customer is None:
        raise SandboxError(400, "CUSTOMER_NOT_FOUND", "Customer not found")
    return customer


def _ensure_unique(sandbox: Sandbox, merchant_customer_id: object, owner: str | None) -> None:
    if not isinstance(merchant_customer_id, str):
        return
    existing = sandbox.store.customer_by_merchant_id(merchant_customer_id)
    if existing is not None and existing.id != owner:
        raise SandboxError(400, "CUSTOMER_ID_DUPLICATED", "merchant_customer_id already exists")


async def create_customer(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = load_object(await request.read())
    if body.get("merchant_customer_id") is None:
        raise missing("merchant_customer_id")
    fields = customer_fields(body)
    _ensure_unique(sandbox, fields["merchant_customer_id"], None)
    now = sandbox.now()
    customer = Customer(new_id(), fields, now, now)
    sandbox.store.customers[customer.id] = customer
    return json_response(customer_json(customer), status=201)


async def get_customer(request: web.Request) -> web.Response:
    customer = find_customer(request.app[SANDBOX], request.match_info["customer_id"])
    return json_response(customer_json(customer))


async def get_customer_by_merchant_id(request: web.Request) -> web.Response:
    merchant_customer_id = request.query.get("merchant_customer_id")
    if not merchant_customer_id:
        raise missing("merchant_customer_id")
    customer = request.app[SANDBOX].store.customer_by_merchant_id(merchant_customer_id)
    if customer is None:
        raise SandboxError(400, "CUSTOMER_NOT_FOUND", "Customer not found")
    return json_response(customer_json(customer))


async def update_customer(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    customer = find_customer(sandbox, request.match_info["customer_id"])
    body = load_object(await request.read())
    if "merchant_customer_id" in body and body["merchant_customer_id"] is None:
        raise invalid("merchant_customer_id cannot be removed")
    fields = customer_fields(body)
    _ensure_unique(sandbox, fields.get("merchant_customer_id"), customer.id)
    customer.data.update(fields)
    customer.updated_at = sandbox.now()
    return json_response(customer_json(customer))


async def delete_customer(request: web.Request) -> web.Response:
    """``DELETE /v1/customers/{id}`` with ``x-account-code``: 202 and no body (Yuno then
    deletes or anonymises the customer at its providers); its vaulted methods go too."""
    sandbox = request.app[SANDBOX]
    account = request.headers.get("x-account-code")
    if account is None:
        raise missing("x-account-code")
    if account != sandbox.config.account_id:
        raise SandboxError(
            400, "INVALID_ACCOUNT_ID", "x-account-code does not match the credentials"
        )
    customer = find_customer(sandbox, request.match_info["customer_id"])
    sandbox.store.deleted(customer.id)
    return web.Response(status=202)


def routes() -> list[web.RouteDef]:
    return [
        web.post("/v1/customers", create_customer),
        web.get("/v1/customers", get_customer_by_merchant_id),
        web.get("/v1/customers/{customer_id}", get_customer),
        web.patch("/v1/customers/{customer_id}", update_customer),
        web.delete("/v1/customers/{customer_id}", delete_customer),
    ]
