"""Raw card numbers never pass through the gateway: money moves only with tokens.

One detector serves every door a card number could come in by: mutation inputs
(:func:`card_number_problems`), query arguments and variables (:func:`document_card_paths`)
and the JWT ``sub`` claim (:func:`subject_holds_card_number`). A hit is refused before
anything else happens, and neither the value nor its digits are ever echoed or logged.

How text is read, so that no spelling of a card slips by:

1. NFKC, then every Unicode decimal digit becomes its ASCII digit (fullwidth, Arabic-Indic,
   Devanagari...), and invisible characters are dropped (format characters such as
   U+200B, U+2060, U+FEFF, U+00AD; combining marks; the Hangul fillers).
2. UUIDs are cut out first: ids and tokens are hex groups that can look like digits.
3. Digit groups separated by at most three non-alphanumeric characters (any whitespace
   run counts as one: spaces, NBSP, tabs, dots, slashes, dashes, underscores...) form one
   run. A letter ends a run.
4. A run's candidates are the run itself and every prefix and suffix of it that ends at
   a gap holding whitespace, so a label or an expiry date next to the card ("cvv 123 4111
   1111 1111 1111 12/28") does not hide it. Windows inside a run (digits on both sides),
   or cut at a gap without whitespace, are not tried: each extra window is another 10%
   chance that innocent digits pass Luhn (two timestamps "2026-11-30 12:30:45 - ..." would
   be refused one time in ten).
5. A candidate is a card when :func:`gateway.yuno.cards.is_card_number` says so (an
   issuer prefix with that issuer's length, and Luhn), except that a 14-digit candidate
   with valid CNPJ check digits is a CNPJ (a 14-digit Diners card is one in a hundred).

False positives, chosen rather than suffered: a random digit run passes Luhn one time in
ten, so shorter runs only count under the brands that issue them (13 digits: Visa, Maestro,
Hipercard; 14: Diners, Maestro, Hipercard; 15: Amex, Diners, Maestro, Hipercard, UATP);
from 16 to 19 digits, any run starting with 3 to 6 (or a 2-series Mastercard, Mir, Carnet,
UnionPay 81) counts. Dates (20xx), millisecond timestamps (1...), phone numbers with their
country code (at most 15 digits, and 13-digit Brazilian or Argentine mobiles start with a
Mastercard prefix that only comes in 16 digits) and CPFs (11 digits) do not.

Phone and document numbers (:data:`NUMBER_FIELDS`) are checked too, but only for 15 to 19
digits: no E.164 national number reaches 15 digits, and no document Yuno takes (CPF 11,
CNPJ 14, RUC 11 or 13, DPI 13, CUIT 11) does either, so a 14-digit CNPJ that happens to
pass Luhn is never refused there.
"""

import dataclasses
import re
import unicodedata
from collections.abc import Iterator, Mapping

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    IntValueNode,
    ListValueNode,
    NameNode,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    StringValueNode,
    VariableDefinitionNode,
)

from gateway.resolvers.outcomes import Problem
from gateway.yuno.cards import is_card_number
from gateway.yuno.documents import valid_cnpj

SHORTEST_CARD = 13
LONGEST_CARD = 19
#: Phone and document numbers: no legitimate one has this many digits.
SHORTEST_CARD_IN_NUMBER_FIELD = 15
#: Fields with a number format of their own (phone, document), in both spellings.
NUMBER_FIELDS = frozenset({"number", "document_number", "documentNumber"})

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_WHITESPACE = re.compile(r"\s+")
_RUN = re.compile(r"[0-9]+(?:[\W_]{1,3}[0-9]+)*")
#: Inside a run every non-digit belongs to a gap: these are the gaps holding whitespace.
_SPACED_GAP = re.compile(r"[^0-9]*\s[^0-9]*")
_NON_DIGITS = re.compile(r"[^0-9]+")
_ZERO_FRACTION = re.compile(r"\.0*$")
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
#: Blank "letters" that render as nothing and would otherwise end a run.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


def contains_card_number(text: str, shortest: int = SHORTEST_CARD) -> bool:
    """True when free text holds a card number in any spelling (see the module docstring).

    ``shortest`` raises the minimum length for fields whose own format has many digits.
    """
    readable = normalized(text)
    if len(readable) < shortest:  # after NFKC, which turns "㊶" into two digits
        return False
    readable = _UUID.sub("x", readable)
    return any(
        _is_card(candidate)
        for run in _RUN.finditer(_WHITESPACE.sub(" ", readable))
        for candidate in _candidates(_pieces(run.group()), shortest)
    )


def field_holds_card_number(name: str, text: str) -> bool:
    """The rule for one named field: phone and document numbers by the 15-digit rule."""
    shortest = SHORTEST_CARD_IN_NUMBER_FIELD if name in NUMBER_FIELDS else SHORTEST_CARD
    return contains_card_number(text, shortest)


def subject_holds_card_number(sub: str) -> bool:
    """True when a JWT ``sub`` holds a card number: subjects end up in logs and in Yuno's
    ``merchant_customer_id``, so a token minted around a card is refused like any input."""
    return contains_card_number(sub)


def normalized(text: str) -> str:
    """NFKC, ASCII digits for every Unicode decimal digit, invisible characters dropped."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(_readable(char) for char in text)


def _readable(char: str) -> str:
    if char.isascii():
        return char
    if char in _FILLERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return ""
    return str(unicodedata.decimal(char)) if char.isdecimal() else char


def _pieces(run: str) -> list[str]:
    """The digits of a run, cut where a gap holds whitespace."""
    return [_NON_DIGITS.sub("", piece) for piece in _SPACED_GAP.split(run)]


def _candidates(pieces: list[str], shortest: int) -> Iterator[str]:
    """The run's prefixes and suffixes, at whitespace cuts, of a card's length."""
    for ordered, reverse in ((pieces, False), (pieces[::-1], True)):
        digits = ""
        for piece in ordered:
            digits = piece + digits if reverse else digits + piece
            if len(digits) > LONGEST_CARD:
                break
            if len(digits) >= shortest:
                yield digits


def _is_card(digits: str) -> bool:
    return is_card_number(digits) and not (len(digits) == 14 and valid_cnpj(digits))


def card_number_problems(value: object, path: tuple[str, ...] = ("input",)) -> tuple[Problem, ...]:
    """Every string in an input object (recursively) that holds a card number."""
    return tuple(
        Problem(
            "CARD_NUMBER_NOT_ALLOWED",
            "Card numbers must not be sent to the gateway; use a token from Yuno's SDK.",
            where,
        )
        for where in _input_paths(value, path)
    )


def _input_paths(value: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(value, str):
        if field_holds_card_number(path[-1], value):
            yield path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _input_paths(item, (*path, str(index)))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _input_paths(getattr(value, field.name), (*path, _camel(field.name)))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def document_card_paths(
    document: DocumentNode, variables: Mapping[str, object] | None
) -> tuple[str, ...]:
    """Where a GraphQL request holds a card number: literals and names in the document,
    strings, numbers and keys in the variables. Empty when there is none.

    Paths name fields, never values, e.g. ``document.customer.id`` or
    ``variables.input.firstName``; a key or name that is itself a card shows as ``*``.
    """
    return literal_card_paths(document) + variable_card_paths(variables)


def literal_card_paths(document: DocumentNode) -> tuple[str, ...]:
    """The document's share of :func:`document_card_paths`: depends on the text alone, so
    the caller can cache it with the parsed document."""
    return tuple(".".join(path) for path in _node_paths(document, ("document",)))


def variable_card_paths(variables: Mapping[str, object] | None) -> tuple[str, ...]:
    """The variables' share of :func:`document_card_paths`."""
    return tuple(".".join(path) for path in _value_paths(variables or {}, ("variables",)))


def _node_paths(node: Node, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(node, NameNode):
        if contains_card_number(node.value):
            yield path
        return
    if isinstance(node, StringValueNode):
        if field_holds_card_number(path[-1], node.value):
            yield path
        return
    if isinstance(node, IntValueNode | FloatValueNode):
        if field_holds_card_number(path[-1], _integral(node.value)):
            yield path
        return
    segment = _segment(node)
    here = (*path, segment) if segment else path
    for key in node.keys:
        child = getattr(node, key, None)
        if isinstance(child, Node):
            yield from _node_paths(child, here)
        elif isinstance(child, tuple | list):
            indexed = isinstance(node, ListValueNode)
            for index, item in enumerate(child):
                if isinstance(item, Node):
                    yield from _node_paths(item, (*here, str(index)) if indexed else here)


def _segment(node: Node) -> str:
    """How a node appears in a path: fields, arguments and object fields by name."""
    if isinstance(node, FieldNode | ArgumentNode | ObjectFieldNode):
        return _safe(node.name.value)
    if isinstance(node, DirectiveNode):
        return "@" + _safe(node.name.value)
    if isinstance(node, VariableDefinitionNode):
        return "$" + _safe(node.variable.name.value)
    if isinstance(node, OperationDefinitionNode):
        return node.operation.value
    if isinstance(node, FragmentDefinitionNode):
        return "fragment"
    return ""


def _value_paths(value: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(value, str):
        if field_holds_card_number(path[-1], value):
            yield path
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if field_holds_card_number(path[-1], _integral(repr(value))):
            yield path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = _safe(str(key))
            if name == "*":
                yield (*path, name)
            yield from _value_paths(item, (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _value_paths(item, (*path, str(index)))


def _integral(number: str) -> str:
    """A number's text without a zero fraction: ``4111111111111111.0`` is a card too."""
    return _ZERO_FRACTION.sub("", number)


def _safe(name: str) -> str:
    """A path segment, or ``*`` when the name itself holds a card number."""
    return "*" if contains_card_number(name) else name
