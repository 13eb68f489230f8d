"""Range minimum / maximum queries over a growing array (Qt-free).

A flat segment tree: building is vectorised (O(n)), appending a value and answering
"min/max of rows [a, b)" each cost O(log n) with no scan of the data, so the chart can keep
its y-range current on pan, zoom and live ticks without touching the whole history.
"""

from __future__ import annotations

import numpy as np


class RangeTree:
    """Min or max (``op``) over ``values[a:b]`` in O(log n); append in O(log n)."""

    def __init__(self, op: str) -> None:
        if op not in ("min", "max"):
            raise ValueError(f"op must be 'min' or 'max', not {op!r}")
        self._is_min = op == "min"
        self._ufunc = np.minimum if self._is_min else np.maximum
        self._empty = np.inf if self._is_min else -np.inf
        self._size = 1  # leaves (a power of two)
        self._n = 0
        self._tree = np.full(2, self._empty)

    def __len__(self) -> int:
        return self._n

    def build(self, values: np.ndarray, capacity: int = 0) -> None:
        """Replace the contents with ``values`` (one vectorised pass per level)."""
        n = int(values.size)
        size = 1
        while size < max(1, n, capacity):
            size *= 2
        tree = np.full(2 * size, self._empty)
        tree[size : size + n] = values
        lo = size
        while lo > 1:
            half = lo // 2
            tree[half:lo] = self._ufunc(tree[lo : 2 * lo : 2], tree[lo + 1 : 2 * lo : 2])
            lo = half
        self._tree, self._size, self._n = tree, size, n

    def append(self, value: float) -> None:
        """Add one value at the end (O(log n); the tree doubles when full)."""
        if self._n == self._size:
            self.build(self._tree[self._size : self._size + self._n].copy(), capacity=2 * self._size)
        self._set(self._n, value)
        self._n += 1

    def set(self, i: int, value: float) -> None:
        """Change the value at row ``i`` (O(log n))."""
        if not 0 <= i < self._n:
            raise IndexError(i)
        self._set(i, value)

    def query(self, a: int, b: int) -> float:
        """min/max of rows [a, b); +inf/-inf for an empty range."""
        a = max(a, 0)
        b = min(b, self._n)
        tree = self._tree
        best = self._empty
        if a >= b:
            return best
        a += self._size
        b += self._size
        pick = min if self._is_min else max
        while a < b:
            if a & 1:
                best = pick(best, tree[a])
                a += 1
            if b & 1:
                b -= 1
                best = pick(best, tree[b])
            a >>= 1
            b >>= 1
        return float(best)

    def _set(self, i: int, value: float) -> None:
        tree = self._tree
        pick = min if self._is_min else max
        j = i + self._size
        tree[j] = value
        j >>= 1
        while j:
            tree[j] = pick(tree[2 * j], tree[2 * j + 1])
            j >>= 1
