"""Every way a Yuno call can fail has a public code, and nothing unexpected leaks."""

import pytest

from gateway.schema.errors import MESSAGES, PublicError, public_code
from gateway.yuno.errors import YunoError


def all_subclasses(root: type[YunoError]) -> list[type[YunoError]]:
    found: list[type[YunoError]] = []
    for child in root.__subclasses__():
        found += [child, *all_subclasses(child)]
    return found


@pytest.mark.parametrize("error_class", all_subclasses(YunoError))
def test_every_yuno_error_class_has_a_public_code(error_class: type[YunoError]) -> None:
    code = public_code(error_class("boom", status=500, code="X"))
    assert code != "INTERNAL_SERVER_ERROR"
    assert code in MESSAGES


def test_unexpected_errors_are_internal() -> None:
    assert public_code(KeyError("secret detail")) == "INTERNAL_SERVER_ERROR"


def test_public_errors_keep_their_code() -> None:
    assert public_code(PublicError("No such payment.", "NOT_FOUND")) == "NOT_FOUND"
