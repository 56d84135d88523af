"""Values built once per key and kept in the process, the least recently used going first when full.

For what costs more to build than to use and depends only on its key: a user's scope (cases.permissions), a scoped
selector's compiled SQL (cases.selectors.scoped_sql). Safe to share between threads."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
_MISSING = object()


class Kept(Generic[T]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value kept for `key`, built by `build()` the first time (outside the lock: two threads may both build
        it once, and either value is the same)."""
        with self._lock:
            value = self._items.get(key, _MISSING)
            if value is not _MISSING:
                self._items.move_to_end(key)
                return value
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value
