"""What changed since a tick: moved underlyings, and (implicitly) all their options."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set


class ChangeSet(Set[str]):
    """Streamer symbols whose values changed: the moved underlyings and all their options.

    Membership is O(1) for options too (through ``option_under``, option -> underlying);
    ``len`` counts the options, so a consumer comparing sizes iterates its own (smaller) set.
    """

    def __init__(
        self,
        underlyings: frozenset[str],
        option_under: Mapping[str, str],
        option_counts: Callable[[], Mapping[str, int]],
    ) -> None:
        self.underlyings = underlyings
        self._option_under = option_under
        self._counts = option_counts

    def __contains__(self, symbol: object) -> bool:
        if symbol in self.underlyings:
            return True
        under = self._option_under.get(symbol)  # type: ignore[call-overload]
        return under is not None and under in self.underlyings

    def __len__(self) -> int:
        counts = self._counts()
        return len(self.underlyings) + sum(counts.get(u, 0) for u in self.underlyings)

    def __iter__(self) -> Iterator[str]:
        yield from self.underlyings
        for sym, under in list(self._option_under.items()):
            if under in self.underlyings:
                yield sym
