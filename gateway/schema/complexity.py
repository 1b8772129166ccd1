"""How much a document costs to validate and run, worked out before it is validated.

graphql-core's overlapping-fields rule compares every pair of fields that share a response
key in one selection set, fragments included: a few kilobytes of ``a a a ...`` or of one
fragment spread many times cost seconds of CPU. So two figures are taken first, in one
pass that expanded fragments cannot blow up (each fragment's size is worked out once) and
that fragment cycles cannot trap (validation reports those):

- ``fields``: the fields of the document, each fragment counted every time it is spread;
- ``repeats``: the most fields that merge under one response-key path (``a.b.c``), inline
  fragments and spreads expanded: the rule compares each pair of them, and repeats
  multiply down a path (7 ``a`` each with 8 ``b`` are 56 ``a.b``).
"""

from collections import Counter
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
        operations = [
            d.selection_set
            for d in self.document.definitions
            if isinstance(d, ExecutableDefinitionNode) and not isinstance(d, FragmentDefinitionNode)
        ]
        return max((self._merged_repeats(root) for root in operations), default=0)

    def _merged_repeats(self, root: SelectionSetNode) -> int:
        """Fields with one response key merge, and so do their selections: the rule
        compares every pair under a merged key, so ``a { b b } a { b b }`` is four ``b``s.
        Counted per response-key path, fragments expanded (the walk is bounded: the field
        count, fragments expanded, passed its ceiling first)."""
        counts: Counter[tuple[str, ...]] = Counter()
        pending: list[tuple[tuple[str, ...], SelectionSetNode, frozenset[str]]] = [
            ((), root, frozenset())
        ]
        while pending:
            path, selections, spreading = pending.pop()
            for selection in selections.selections:
                if isinstance(selection, FieldNode):
                    key = (*path, (selection.alias or selection.name).value)
                    counts[key] += 1
                    if selection.selection_set is not None:
                        pending.append((key, selection.selection_set, spreading))
                elif isinstance(selection, InlineFragmentNode):
                    pending.append((path, selection.selection_set, spreading))
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is not None and name not in spreading:
                        pending.append((path, fragment.selection_set, spreading | {name}))
        return max(counts.values(), default=0)
