"""The base every Yuno model shares, and the small value types all resources use."""

from decimal import Decimal
from functools import cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from gateway.yuno.models.limits import MetadataKey, MetadataValue, PositiveAmount


class YunoModel(BaseModel):
    """A Yuno response object: unknown fields ignored, ``""`` read as "no value", and a
    number where Yuno documents a string (``card_data.iin``, ``phone.country_code``) read
    as that string."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="ignore", frozen=True, coerce_numbers_to_str=True
    )

    @model_validator(mode="before")
    @classmethod
    def _empty_strings_are_missing(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "" not in data.values():
            return data
        optional = _optional_fields(cls)
        return {k: (None if v == "" and k in optional else v) for k, v in data.items()}


@cache
def _optional_fields(model: type[BaseModel]) -> frozenset[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        if not field.is_required():
            names.add(field.alias or name)
            names.add(name)
    return frozenset(names)


class YunoRequest(BaseModel):
    """A body the client sends: strict about its own fields, sent without the unset ones."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", frozen=True)

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="python", exclude_none=True)


class Money(YunoModel):
    value: Decimal
    currency: str


class MoneyRequest(YunoRequest):
    value: PositiveAmount
    currency: str


class KeyValue(YunoModel):
    key: str
    value: str


class KeyValueRequest(YunoRequest):
    key: MetadataKey
    value: MetadataValue
