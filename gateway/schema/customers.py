"""The ``Customer`` type and its parts, read from Yuno's customer."""

from datetime import date, datetime
from typing import Self

import strawberry
from strawberry.types import Info

from gateway.resolvers import customers, payment_methods
from gateway.resolvers.context import Context
from gateway.schema.cache_control import CUSTOMER_SECONDS, max_age
from gateway.schema.fields import io_field
from gateway.schema.payment_methods import PaymentMethod
from gateway.schema.scalars import CountryCode
from gateway.yuno import models as yuno


@strawberry.federation.type(shareable=True)
class KeyValue:
    key: str
    value: str


@strawberry.federation.type(shareable=True)
class Document:
    document_type: str
    document_number: str


@strawberry.federation.type(shareable=True)
class Phone:
    country_code: str
    number: str


@strawberry.federation.type(shareable=True)
class Address:
    address_line1: str
    address_line2: str | None
    city: str
    state: str | None
    country: CountryCode
    zip_code: str | None
    neighborhood: str | None

    @classmethod
    def from_yuno(cls, address: yuno.Address | None) -> Self | None:
        if address is None or not (address.address_line_1 and address.city and address.country):
            return None
        return cls(
            address_line1=address.address_line_1,
            address_line2=address.address_line_2,
            city=address.city,
            state=address.state,
            country=CountryCode(address.country),
            zip_code=address.zip_code,
            neighborhood=address.neighborhood,
        )


@strawberry.federation.type(keys=["id", "merchantCustomerId"], directives=max_age(CUSTOMER_SECONDS))
class Customer:
    id: strawberry.ID
    merchant_customer_id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    gender: str | None
    date_of_birth: date | None
    nationality: CountryCode | None
    country: CountryCode | None
    document: Document | None
    phone: Phone | None
    billing_address: Address | None
    shipping_address: Address | None
    metadata: list[KeyValue]
    created_at: datetime
    updated_at: datetime | None

    @io_field(description="Payment methods this customer has enrolled (vaulted) with Yuno.")
    async def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethod]:
        methods = await customers.enrolled_payment_methods(info.context, self.id)
        return [PaymentMethod.from_yuno(m) for m in methods]

    @io_field(
        description="One of this customer's payment methods by vaulted token (or enrollment "
        "id), whatever its status: a wallet still being linked, a declined card."
    )
    async def payment_method(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> PaymentMethod | None:
        found = await payment_methods.enrolled_payment_method(info.context, self.id, id)
        return None if found is None else PaymentMethod.from_yuno(found)

    @classmethod
    async def resolve_reference(
        cls,
        info: Info[Context, None],
        id: strawberry.ID | None = None,
        merchantCustomerId: str
        | None = None,  # the key field's GraphQL name, as strawberry passes it
    ) -> Self | None:
        """By Yuno's id, or by the merchant's own (other subgraphs know only that one),
        through the customer-by-merchant-id loader and its cache."""
        if id is not None:
            found = await customers.customer(info.context, id)
        elif merchantCustomerId is not None:
            found = await customers.customer_by_merchant_id(info.context, merchantCustomerId)
        else:
            found = None
        return None if found is None else cls.from_yuno(found)

    @classmethod
    def from_yuno(cls, customer: yuno.Customer) -> Self:
        document, phone = customer.document, customer.phone
        return cls(
            id=strawberry.ID(customer.id),
            merchant_customer_id=customer.merchant_customer_id,
            first_name=customer.first_name,
            last_name=customer.last_name,
            email=customer.email,
            gender=customer.gender,
            date_of_birth=customer.date_of_birth,
            nationality=_country(customer.nationality),
            country=_country(customer.country),
            document=Document(
                document_type=document.document_type, document_number=document.document_number
            )
            if document and document.document_type and document.document_number
            else None,
            phone=Phone(country_code=phone.country_code, number=phone.number)
            if phone and phone.country_code and phone.number
            else None,
            billing_address=Address.from_yuno(customer.billing_address),
            shipping_address=Address.from_yuno(customer.shipping_address),
            metadata=[KeyValue(key=m.key, value=m.value) for m in customer.metadata or []],
            created_at=customer.created_at,
            updated_at=customer.updated_at,
        )


def _country(code: str | None) -> CountryCode | None:
    return CountryCode(code) if code else None
