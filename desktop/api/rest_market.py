"""REST calls for instruments, option chains, symbol search, market metrics, the quote token.

Option chains are large (the SPX chain is ~10,000 strikes, 1.7 MB): they are decoded and
turned into models in a worker thread so the event loop (and the UI) keeps running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from desktop.api import redaction
from desktop.api.errors import InvalidRequest, NotFound
from desktop.api.http import RestTransport
from desktop.api.models import (
    Cryptocurrency,
    Equity,
    EquityOption,
    Future,
    FuturesOptionChain,
    MarketMetrics,
    NestedOptionChain,
    QuoteToken,
    SymbolMatch,
    to_option_chain,
)
from desktop.api.rest_accounts import _array, _path_part
from desktop.core.chains import OptionChain

METRICS_CHUNK = 50


class MarketApi:
    """Instrument and market resources; mixed into :class:`~desktop.api.rest.TastytradeClient`."""

    _transport: RestTransport

    async def equity(self, symbol: str) -> Equity:
        r = await self._transport.call(
            "GET", f"/instruments/equities/{_path_part(symbol)}", what=f"Looking up {symbol}"
        )
        return Equity.from_wire(r.data or {})

    async def equities(self, symbols: Iterable[str]) -> list[Equity]:
        wanted = _array(list(symbols))
        if not wanted:
            return []
        out: list[Equity] = []
        async for item in self._transport.items(
            "/instruments/equities", what="Looking up equities", params={"symbol[]": wanted}, per_page=1000
        ):
            out.append(Equity.from_wire(item))
        return out

    async def equity_option(self, occ_symbol: str) -> EquityOption:
        r = await self._transport.call(
            "GET",
            f"/instruments/equity-options/{_path_part(occ_symbol)}",
            what=f"Looking up {occ_symbol.strip()}",
        )
        return EquityOption.from_wire(r.data or {})

    async def future(self, symbol: str) -> Future:
        """One futures contract; ``symbol`` like ``/ESZ5`` (the slash is encoded in the path)."""
        r = await self._transport.call(
            "GET", f"/instruments/futures/{_path_part(symbol)}", what=f"Looking up {symbol}"
        )
        return Future.from_wire(r.data or {})

    async def futures(
        self, product_codes: Iterable[str] | None = None, symbols: Iterable[str] | None = None
    ) -> list[Future]:
        """Futures by product code (``["ES", "CL"]``, no slash) and/or by symbol."""
        params: dict[str, list[str]] = {}
        if product_codes is not None:
            params["product-code[]"] = [c.lstrip("/") for c in product_codes]
        if symbols is not None:
            params["symbol[]"] = list(symbols)
        out: list[Future] = []
        async for item in self._transport.items(
            "/instruments/futures", what="Looking up futures", params=params, per_page=1000
        ):
            out.append(Future.from_wire(item))
        return out

    async def cryptocurrencies(self, symbols: Iterable[str] | None = None) -> list[Cryptocurrency]:
        params = {"symbol[]": list(symbols)} if symbols is not None else None
        r = await self._transport.call(
            "GET", "/instruments/cryptocurrencies", what="Looking up cryptocurrencies", params=params
        )
        return [Cryptocurrency.from_wire(i) for i in r.items if isinstance(i, Mapping)]

    async def nested_option_chain(self, underlying: str) -> list[NestedOptionChain]:
        """The chain of ``underlying``, one item per option root (SPX gives SPX and SPXW)."""
        r = await self._transport.call(
            "GET",
            f"/option-chains/{_path_part(underlying)}/nested",
            what=f"Loading the {underlying} option chain",
        )
        items = [i for i in r.items if isinstance(i, Mapping)]
        return await asyncio.to_thread(lambda: [NestedOptionChain.from_wire(i) for i in items])

    async def option_chain(self, underlying: str) -> OptionChain:
        """The nested chain of ``underlying`` as one ``core.chains.OptionChain`` (roots merged)."""
        roots = await self.nested_option_chain(underlying)
        return await asyncio.to_thread(to_option_chain, roots)

    async def futures_option_chain(self, product_code: str) -> FuturesOptionChain:
        """The futures-option chain of a product (``"ES"`` or ``"/ES"``)."""
        code = product_code.lstrip("/")
        r = await self._transport.call(
            "GET",
            f"/futures-option-chains/{_path_part(code)}/nested",
            what=f"Loading the /{code} option chain",
        )
        data = r.data if isinstance(r.data, Mapping) else {}
        return await asyncio.to_thread(FuturesOptionChain.from_wire, data)

    async def search_symbols(self, prefix: str) -> list[SymbolMatch]:
        """Symbols starting with ``prefix``; an unknown prefix gives an empty list."""
        prefix = prefix.strip()
        if not prefix:
            return []
        try:
            r = await self._transport.call(
                "GET", f"/symbols/search/{_path_part(prefix)}", what=f"Searching for {prefix!r}"
            )
        except (NotFound, InvalidRequest):
            return []
        return [SymbolMatch.from_wire(i) for i in r.items if isinstance(i, Mapping)]

    async def market_metrics(self, symbols: Iterable[str]) -> list[MarketMetrics]:
        """IV rank, beta, liquidity... for each symbol (asked for in chunks)."""
        wanted = list(dict.fromkeys(s for s in symbols if s))
        out: list[MarketMetrics] = []
        for i in range(0, len(wanted), METRICS_CHUNK):
            chunk = wanted[i : i + METRICS_CHUNK]
            r = await self._transport.call(
                "GET", "/market-metrics", what="Loading market metrics", params={"symbols": ",".join(chunk)}
            )
            out.extend(MarketMetrics.from_wire(m) for m in r.items if isinstance(m, Mapping))
        return out

    async def quote_token(self) -> QuoteToken:
        """A DXLink token and URL. The token is registered for log redaction."""
        r = await self._transport.call("GET", "/api-quote-tokens", what="Getting a market data token")
        data = r.data if isinstance(r.data, Mapping) else {}
        token = QuoteToken.from_wire(data)
        redaction.register_secret(token.token)
        if not token.token or not token.dxlink_url:
            raise InvalidRequest("The server did not provide a market data token.", status=r.status)
        return QuoteToken(
            token=token.token,
            dxlink_url=token.dxlink_url,
            level=token.level,
            expires_at=token.expires_at,
            issued_at=datetime.now(UTC),
        )
