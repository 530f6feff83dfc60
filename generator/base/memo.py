"""A value kept while the inputs it was made from stay equal: what `gongyu serve` reuses between rebuilds.

Each key keeps only its latest value, so the memory is bounded by the number of keys (files, plans),
not by the number of rebuilds. Inputs are compared with ``is`` first and ``==`` after: values read
again from unchanged files are equal, and often the very same objects (load/ reuses them).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def same(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Whether two tuples of inputs are equal, element by element (identity first)."""
    return len(old) == len(new) and all(a is b or a == b for a, b in zip(old, new, strict=True))


class LatestMemo(Generic[T]):
    """Per key, the latest value and its inputs; ``get`` makes the value again only when the inputs changed."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[tuple[Any, ...], T]] = {}

    def get(self, key: Hashable, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
        kept = self._kept.get(key)
        if kept is not None and same(kept[0], inputs):
            return kept[1]
        value = make()
        self._kept[key] = (inputs, value)
        return value

    def drop(self, key: Hashable) -> None:
        """Forget the value of ``key``: the next :meth:`get` makes it again."""
        self._kept.pop(key, None)

    def forget(self, keep: set[Hashable]) -> None:
        """Drop the values of every key not in ``keep`` (files that are gone)."""
        for key in [key for key in self._kept if key not in keep]:
            del self._kept[key]
