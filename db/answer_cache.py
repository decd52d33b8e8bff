"""Answers remembered until the ledger changes: counts, estimates and facets of queries.

Returning to a query (clearing a filter, say) is then instant even on a large ledger. An
answer is never stale: every key holds the ledger's revision (which changes with every commit,
by anyone) and, for answers that depend on it, the date. The cache is bounded (the oldest
answers go first) and safe to use from several threads; two threads asking the same question
at once may both work it out, which is harmless.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

#: How many answers are remembered.
SIZE = 256


class AnswerCache:
    """A bounded, thread-safe memo of answers by key (see the module docstring)."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._answers: dict[Hashable, Any] = {}

    def remember(self, key: tuple[Hashable, ...], work: Callable[[], T]) -> T:
        """The answer remembered for ``key``, else ``work()``'s, remembered from now on."""
        with self._lock:
            if key in self._answers:
                return self._answers[key]  # type: ignore[no-any-return]
        found = work()
        with self._lock:
            self._answers[key] = found
            while len(self._answers) > self._size:
                self._answers.pop(next(iter(self._answers)))
        return found

    def clear(self) -> None:
        """Forget every answer (for benchmarks that time the work itself)."""
        with self._lock:
            self._answers.clear()
