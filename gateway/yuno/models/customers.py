"""Yuno's customer: who pays, known to Yuno by its id and to the merchant by its own id."""

from datetime import date, datetime
from typing import Annotated

from gateway.yuno.models.common import KeyValue, KeyValueRequest, YunoModel, YunoRequest
from gateway.yuno.models.limits import (
    AddressLine,
    CallingCode,
    DocumentNumber,
    DocumentType,
    Email,
    Name,
    PhoneNumber,
    at_most,
)

#: Yuno keeps up to 50 metadata entries on a customer.
CustomerMetadata = Annotated[list[KeyValueRequest], at_most(50)]


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
    document_type: DocumentType
    document_number: DocumentNumber


class PhoneRequest(YunoRequest):
    country_code: CallingCode
    number: PhoneNumber


class AddressRequest(YunoRequest):
    address_line_1: AddressLine
    address_line_2: str | None = None
    city: AddressLine
    state: str | None = None
    country: str
    zip_code: str | None = None
    neighborhood: str | None = None


class CustomerUpdate(YunoRequest):
    """A partial update: only the fields that are set are sent."""

    first_name: Name | None = None
    last_name: Name | None = None
    email: Email | None = None
    gender: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    country: str | None = None
    document: DocumentRequest | None = None
    phone: PhoneRequest | None = None
    billing_address: AddressRequest | None = None
    shipping_address: AddressRequest | None = None
    metadata: CustomerMetadata | None = None


class CustomerCreate(CustomerUpdate):
    merchant_customer_id: Name
