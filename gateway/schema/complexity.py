"""How much a document costs to validate and run, worked out before it is validated.

graphql-core's overlapping-fields rule compares every pair of fields that share a response
key in one selection set, fragments included: a few kilobytes of ``a a a ...`` or of one
fragment spread many times cost seconds of CPU. So two figures are taken first, in one
pass that expanded fragments cannot blow up (each fragment's size is worked out once) and
that fragment cycles cannot trap (validation reports those):

- ``fields``: the fields of the document, each fragment counted every time it is spread;
- ``repeats``: the most times one response key occurs in one selection set, once inline
  fragments and spreads at that level are merged into it.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)


@dataclass(frozen=True)
class Complexity:
    fields: int
    repeats: int


def complexity_of(document: DocumentNode, ceiling: int) -> Complexity:
    """``fields`` stops counting just past ``ceiling``: past it, the exact figure is moot."""
    walk = _Walk(document, ceiling)
    fields = sum(
        walk.size(definition.selection_set, frozenset())
        for definition in document.definitions
        if isinstance(definition, ExecutableDefinitionNode)
        and not isinstance(definition, FragmentDefinitionNode)
    )
    repeats = 0 if fields > ceiling else walk.most_repeats()
    return Complexity(min(fields, ceiling + 1), repeats)


class _Walk:
    def __init__(self, document: DocumentNode, ceiling: int) -> None:
        self.ceiling = ceiling
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.document = document
        self.sizes: dict[str, int] = {}

    def size(self, selections: SelectionSetNode, spreading: frozenset[str]) -> int:
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += 1
                if selection.selection_set is not None:
                    total += self.size(selection.selection_set, spreading)
            elif isinstance(selection, InlineFragmentNode):
                total += self.size(selection.selection_set, spreading)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment_size(selection.name.value, spreading)
            if total > self.ceiling:
                break
        return total

    def _fragment_size(self, name: str, spreading: frozenset[str]) -> int:
        if name in self.sizes:
            return self.sizes[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in spreading:
            return 0  # unknown or cyclic: validation refuses it
        size = self.size(fragment.selection_set, spreading | {name})
        self.sizes[name] = size
        return size

    def most_repeats(self) -> int:
        return max((self._repeats(s) for s in self._selection_sets()), default=0)

    def _selection_sets(self) -> Iterator[SelectionSetNode]:
        pending = [
            d.selection_set
            for d in self.document.definitions
            if isinstance(d, ExecutableDefinitionNode)
        ]
        while pending:
            selections = pending.pop()
            yield selections
            for selection in selections.selections:
                nested = getattr(selection, "selection_set", None)
                if not isinstance(selection, FragmentSpreadNode) and nested is not None:
                    pending.append(nested)

    def _repeats(self, selections: SelectionSetNode) -> int:
        keys: Counter[str] = Counter(self._keys(selections, set()))
        return max(keys.values(), default=0)

    def _keys(self, selections: SelectionSetNode, spread: set[str]) -> Iterator[str]:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield (selection.alias or selection.name).value
            elif isinstance(selection, InlineFragmentNode):
                yield from self._keys(selection.selection_set, spread)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    if selection.name.value in spread:
                        yield f"...{selection.name.value}"  # spread twice: counts as a repeat
                        continue
                    spread.add(selection.name.value)
                    yield from self._keys(fragment.selection_set, spread)
