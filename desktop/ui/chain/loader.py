"""Loading a chain for the chain panel: equity and index chains, futures-option chains, metrics.

Equities and indices come from ``/option-chains/{u}/nested``; futures (``/ES``, ``/ESZ5``) from
``/futures-option-chains/{code}/nested``, where every expiration has its own underlying future,
option root, multiplier and tick sizes. :class:`LoadedChain` keeps those per-expiration facts
beside the ``core.chains.OptionChain`` the table and the strategy templates use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop.core.chains import ChainExpiration, ChainStrike, OptionChain
from desktop.core.money import TickSize
from desktop.core.symbols import InstrumentType, parse_future, to_streamer_symbol

log = logging.getLogger(__name__)

__all__ = ["ExpirationInfo", "LoadedChain", "chain_key", "load_chain", "load_metrics", "normalize_symbol"]

_INDICES = frozenset({"SPX", "XSP", "NDX", "RUT", "VIX", "DJX", "OEX", "XEO", "MRUT", "NANOS"})


@dataclass(frozen=True)
class ExpirationInfo:
    """What differs per expiration: the underlying it settles into and how it trades."""

    underlying: str  # REST symbol
    underlying_streamer: str
    underlying_type: str
    option_instrument_type: str
    multiplier: Decimal
    tick_sizes: tuple[TickSize, ...]


def chain_key(exp: ChainExpiration) -> tuple[str, str]:
    """An expiration's identity (SPX and SPXW can expire the same day)."""
    return (exp.expiration.isoformat(), exp.root_symbol)


@dataclass(frozen=True)
class LoadedChain:
    """A chain ready for the panel: ``chain`` plus per-expiration :class:`ExpirationInfo`."""

    symbol: str  # as shown: "SPY", "/ES"
    chain: OptionChain
    default_info: ExpirationInfo
    infos: dict[tuple[str, str], ExpirationInfo] = field(default_factory=dict)

    def info(self, exp: ChainExpiration) -> ExpirationInfo:
        return self.infos.get(chain_key(exp), self.default_info)

    @property
    def is_futures(self) -> bool:
        return self.default_info.option_instrument_type == InstrumentType.FUTURE_OPTION.value


def normalize_symbol(text: str) -> str:
    """What the user typed -> the chain to load: ``spy`` -> ``SPY``, ``/ESZ5`` -> ``/ES``."""
    symbol = text.strip().upper().split()[0] if text.strip() else ""
    if symbol.startswith("./"):
        symbol = symbol[1:]
    if symbol.startswith("/") and len(symbol) > 3:
        try:
            return "/" + parse_future(symbol).product_code
        except ValueError:
            return symbol
    return symbol


async def load_chain(client: Any, symbol: str) -> LoadedChain:
    """The chain of ``symbol`` (raises the client's typed errors, or ``ValueError``)."""
    if symbol.startswith("/"):
        return await _load_futures_chain(client, symbol)
    chain = await client.option_chain(symbol)
    if not chain.expirations:
        raise ValueError(f"{symbol} has no listed options")
    kind = InstrumentType.INDEX.value if symbol in _INDICES else InstrumentType.EQUITY.value
    info = ExpirationInfo(
        underlying=chain.underlying or symbol,
        underlying_streamer=chain.underlying or symbol,
        underlying_type=kind,
        option_instrument_type=InstrumentType.EQUITY_OPTION.value,
        multiplier=Decimal(chain.shares_per_contract or 100),
        tick_sizes=chain.tick_sizes or (TickSize(Decimal("0.01"), Decimal(3)), TickSize(Decimal("0.05"))),
    )
    return LoadedChain(symbol, chain, info)


def _future_streamer(symbol: str) -> str:
    try:
        return to_streamer_symbol(symbol, InstrumentType.FUTURE.value)
    except ValueError:
        log.warning("No streamer symbol known for %s; its price will not show", symbol)
        return ""


async def _load_futures_chain(client: Any, symbol: str) -> LoadedChain:
    code = symbol.lstrip("/")
    data = await client.futures_option_chain(code)
    expirations: list[ChainExpiration] = []
    infos: dict[tuple[str, str], ExpirationInfo] = {}
    for exp in data.expirations:
        if exp.expiration_date is None:
            continue
        strikes = tuple(
            ChainStrike(s.strike_price, s.call, s.put, s.call_streamer_symbol, s.put_streamer_symbol)
            for s in exp.strikes
            if s.strike_price is not None and s.call and s.put
        )
        if not strikes:
            continue
        root = exp.option_contract_symbol or exp.option_root_symbol or code
        item = ChainExpiration(
            expiration=exp.expiration_date,
            days_to_expiration=exp.days_to_expiration,
            expiration_type=exp.expiration_type,
            settlement_type=exp.settlement_type,
            strikes=strikes,
            root_symbol=root,
        )
        expirations.append(item)
        multiplier = Decimal(1)
        if exp.notional_value and exp.display_factor:
            multiplier = (exp.notional_value / exp.display_factor).normalize()
        infos[chain_key(item)] = ExpirationInfo(
            underlying=exp.underlying_symbol,
            underlying_streamer=_future_streamer(exp.underlying_symbol),
            underlying_type=InstrumentType.FUTURE.value,
            option_instrument_type=InstrumentType.FUTURE_OPTION.value,
            multiplier=multiplier,
            tick_sizes=exp.tick_sizes or (TickSize(Decimal("0.05")),),
        )
    if not expirations:
        raise ValueError(f"/{code} has no listed options")
    chain = OptionChain(f"/{code}", tuple(expirations), tick_sizes=())
    first = infos[chain_key(chain.expirations[0])]
    return LoadedChain(f"/{code}", chain, first, infos)


async def load_metrics(client: Any, symbol: str) -> Any | None:
    """IV rank, IV percentile, IV index for the header (``None`` if the server has none)."""
    items = await client.market_metrics([symbol])
    return next((m for m in items if m.symbol == symbol), items[0] if items else None)
