"""A nested option chain as the chain view and the strategy builder use it.

``OptionChain.from_nested`` reads the ``data`` of ``GET /option-chains/{u}/nested`` (one
item per option root, e.g. SPX and SPXW, merged into one chain); ``build_chain`` makes one
from strikes and expirations (the embedded exchange, tests).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.core.calendar import days_to_expiration, expiration_type
from desktop.core.money import TickSize, parse_tick_sizes, to_decimal
from desktop.core.symbols import OccSymbol, occ_to_streamer

__all__ = ["ChainExpiration", "ChainStrike", "OptionChain", "build_chain"]


@dataclass(frozen=True)
class ChainStrike:
    """One strike of one expiration: the call and put trading and streamer symbols."""

    strike: Decimal
    call: str
    put: str
    call_streamer: str
    put_streamer: str

    def symbol(self, option_type: str) -> str:
        return self.call if option_type == "C" else self.put

    def streamer(self, option_type: str) -> str:
        return self.call_streamer if option_type == "C" else self.put_streamer


@dataclass(frozen=True)
class ChainExpiration:
    """One expiration of a chain, strikes ascending."""

    expiration: date
    days_to_expiration: int
    expiration_type: str
    settlement_type: str
    strikes: tuple[ChainStrike, ...]
    root_symbol: str

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.strikes, key=lambda s: s.strike))
        object.__setattr__(self, "strikes", ordered)
        object.__setattr__(self, "_prices", tuple(float(s.strike) for s in ordered))

    def atm_index(self, spot: float) -> int:
        """Index of the strike closest to ``spot`` (the lower one on a tie)."""
        if not self.strikes:
            raise ValueError(f"the {self.expiration.isoformat()} expiration has no strikes")
        prices: tuple[float, ...] = self._prices  # type: ignore[attr-defined]
        i = bisect.bisect_left(prices, spot)
        if i == 0:
            return 0
        if i == len(prices):
            return i - 1
        return i - 1 if spot - prices[i - 1] <= prices[i] - spot else i

    def strikes_around(self, spot: float, count: int) -> tuple[ChainStrike, ...]:
        """``count`` strikes centred on the at-the-money one (shifted inward at the edges)."""
        if count <= 0:
            return ()
        n = len(self.strikes)
        start = min(max(self.atm_index(spot) - (count - 1) // 2, 0), max(n - count, 0))
        return self.strikes[start : start + count]

    def strike_at(self, strike: Decimal | float | str) -> ChainStrike | None:
        """The row for an exact strike, if listed."""
        wanted = Decimal(str(strike))
        for row in self.strikes:
            if row.strike == wanted:
                return row
        return None

    def nearest_strike(self, price: float) -> ChainStrike:
        return self.strikes[self.atm_index(price)]


@dataclass(frozen=True)
class OptionChain:
    """All expirations of an underlying's options, nearest first."""

    underlying: str
    expirations: tuple[ChainExpiration, ...]
    shares_per_contract: int = 100
    tick_sizes: tuple[TickSize, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "expirations", tuple(sorted(self.expirations, key=lambda e: e.expiration)))

    def expiration_by_dte(self, target_dte: int) -> ChainExpiration:
        """The expiration whose days-to-expiration is closest to ``target_dte`` (the later
        one on a tie, as traders roll out rather than in)."""
        if not self.expirations:
            raise ValueError(f"the {self.underlying} chain has no expirations")
        return min(
            self.expirations, key=lambda e: (abs(e.days_to_expiration - target_dte), -e.days_to_expiration)
        )

    def expiration(self, day: date) -> ChainExpiration:
        """The expiration on ``day`` (``ValueError`` if not listed)."""
        for exp in self.expirations:
            if exp.expiration == day:
                return exp
        raise ValueError(f"{self.underlying} has no options expiring {day.isoformat()}")

    def atm_index(self, spot: float, expiration: date | None = None) -> int:
        """ATM strike index in ``expiration`` (default: the nearest expiration)."""
        return self._pick(expiration).atm_index(spot)

    def strikes_around(
        self, spot: float, count: int, expiration: date | None = None
    ) -> tuple[ChainStrike, ...]:
        """``count`` strikes around the money in ``expiration`` (default: the nearest)."""
        return self._pick(expiration).strikes_around(spot, count)

    def _pick(self, expiration: date | None) -> ChainExpiration:
        if expiration is not None:
            return self.expiration(expiration)
        if not self.expirations:
            raise ValueError(f"the {self.underlying} chain has no expirations")
        return self.expirations[0]

    # -- wire ----------------------------------------------------------------------------

    @classmethod
    def from_nested(cls, data: Mapping[str, Any]) -> OptionChain:
        """Build from the ``data`` of ``/option-chains/{u}/nested`` (``{"items": [...]}``).

        Items of every root are merged (SPX monthlies and SPXW weeklies); the underlying,
        shares per contract and tick sizes come from the first ``Standard`` item.
        """
        items = list(data.get("items") or [])
        if not items:
            raise ValueError("the option chain response has no items")
        standards = [i for i in items if i.get("option-chain-type", "Standard") == "Standard"] or items[:1]
        standard = standards[0]
        underlying = str(standard.get("underlying-symbol", ""))
        expirations = [
            _expiration_from_wire(exp, str(item.get("root-symbol") or underlying))
            for item in standards
            for exp in item.get("expirations") or []
        ]
        return cls(
            underlying=underlying,
            expirations=tuple(expirations),
            shares_per_contract=int(standard.get("shares-per-contract") or 100),
            tick_sizes=parse_tick_sizes(standard.get("tick-sizes")),
        )


def _expiration_from_wire(exp: Mapping[str, Any], root: str) -> ChainExpiration:
    strikes = []
    for row in exp.get("strikes") or []:
        call, put = str(row["call"]), str(row["put"])
        strikes.append(
            ChainStrike(
                strike=to_decimal(row["strike-price"]) or Decimal(0),
                call=call,
                put=put,
                call_streamer=str(row.get("call-streamer-symbol") or occ_to_streamer(call)),
                put_streamer=str(row.get("put-streamer-symbol") or occ_to_streamer(put)),
            )
        )
    return ChainExpiration(
        expiration=date.fromisoformat(str(exp["expiration-date"])),
        days_to_expiration=int(exp.get("days-to-expiration", 0)),
        expiration_type=str(exp.get("expiration-type", "")),
        settlement_type=str(exp.get("settlement-type", "")),
        strikes=tuple(strikes),
        root_symbol=root,
    )


def build_chain(
    underlying: str,
    strikes_by_expiration: Mapping[date, Iterable[Decimal | float | str]],
    today: date,
    *,
    root_symbol: str | None = None,
    shares_per_contract: int = 100,
    tick_sizes: Sequence[TickSize] = (),
    settlement_type: str = "PM",
) -> OptionChain:
    """An equity-option chain from listed strikes per expiration (symbols, DTE and
    expiration types computed)."""
    root = root_symbol or underlying
    expirations = []
    for day, strikes in strikes_by_expiration.items():
        rows = []
        for raw in strikes:
            k = Decimal(str(raw))
            call, put = OccSymbol(root, day, "C", k), OccSymbol(root, day, "P", k)
            rows.append(ChainStrike(k, call.occ, put.occ, call.streamer, put.streamer))
        expirations.append(
            ChainExpiration(
                day, days_to_expiration(day, today), expiration_type(day), settlement_type, tuple(rows), root
            )
        )
    return OptionChain(underlying, tuple(expirations), shares_per_contract, tuple(tick_sizes))
