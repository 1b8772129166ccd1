"""Yuno's customer: who pays, known to Yuno by its id and to the merchant by its own id."""

from datetime import date, datetime

from gateway.yuno.models.common import KeyValue, KeyValueRequest, YunoModel, YunoRequest


class Document(YunoModel):
    document_type: str | None = None
    document_number: str | None = None


class Phone(YunoModel):
    country_code: str | None = None
    number: str | None = None


class Address(YunoModel):
    address_line_1: str | None = None
    address_line_2: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    zip_code: str | None = None
    neighborhood: str | None = None


class Customer(YunoModel):
    id: str
    merchant_customer_id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    gender: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    country: str | None = None
    document: Document | None = None
    phone: Phone | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    metadata: list[KeyValue] | None = None
    created_at: datetime
    updated_at: datetime | None = None


class DocumentRequest(YunoRequest):
    document_type: str
    document_number: str


class PhoneRequest(YunoRequest):
    country_code: str
    number: str


class AddressRequest(YunoRequest):
    address_line_1: str
    address_line_2: str | None = None
    city: str
    state: str | None = None
    country: str
    zip_code: str | None = None
    neighborhood: str | None = None


class CustomerUpdate(YunoRequest):
    """A partial update: only the fields that are set are sent."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    gender: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    country: str | None = None
    document: DocumentRequest | None = None
    phone: PhoneRequest | None = None
    billing_address: AddressRequest | None = None
    shipping_address: AddressRequest | None = None
    metadata: list[KeyValueRequest] | None = None


class CustomerCreate(CustomerUpdate):
    merchant_customer_id: str
