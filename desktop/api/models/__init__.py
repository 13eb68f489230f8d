"""Typed resources of the Tastytrade API: frozen dataclasses built with ``from_wire(dict)``.

Decimals accept numbers or strings, unknown fields are ignored and missing optional fields
keep their defaults. Signed money amounts are negative for Debit, with the raw effect kept.
"""

from desktop.api.models.accounts import (
    OWNER,
    READ_ONLY,
    TRADE_ONLY,
    Account,
    Balance,
    Customer,
    Position,
    TradingStatus,
)
from desktop.api.models.chains import (
    ChainStrikeEntry,
    Deliverable,
    FuturesChainFuture,
    FuturesOptionChain,
    FuturesOptionExpiration,
    FuturesOptionRoot,
    NestedExpiration,
    NestedOptionChain,
    to_option_chain,
)
from desktop.api.models.events import parse_account_event
from desktop.api.models.instruments import (
    Cryptocurrency,
    DestinationVenueSymbol,
    Equity,
    EquityOption,
    Future,
    FutureProduct,
    SymbolMatch,
)
from desktop.api.models.market import Earnings, ExpirationVolatility, MarketMetrics, QuoteToken
from desktop.api.models.orders import (
    TERMINAL_STATUSES,
    WORKING_STATUSES,
    BuyingPowerEffect,
    ComplexOrder,
    DryRunResult,
    FeeCalculation,
    FeeItem,
    Fill,
    Order,
    OrderLeg,
    OrderMessage,
    PlacedOrderResult,
)
from desktop.api.models.transactions import TotalFees, Transaction
from desktop.api.models.watchlists import Watchlist, WatchlistEntry
from desktop.core.money import TickSize

__all__ = [
    "OWNER",
    "READ_ONLY",
    "TERMINAL_STATUSES",
    "TRADE_ONLY",
    "WORKING_STATUSES",
    "Account",
    "Balance",
    "BuyingPowerEffect",
    "ChainStrikeEntry",
    "ComplexOrder",
    "Cryptocurrency",
    "Customer",
    "Deliverable",
    "DestinationVenueSymbol",
    "DryRunResult",
    "Earnings",
    "Equity",
    "EquityOption",
    "ExpirationVolatility",
    "FeeCalculation",
    "FeeItem",
    "Fill",
    "Future",
    "FutureProduct",
    "FuturesChainFuture",
    "FuturesOptionChain",
    "FuturesOptionExpiration",
    "FuturesOptionRoot",
    "MarketMetrics",
    "NestedExpiration",
    "NestedOptionChain",
    "Order",
    "OrderLeg",
    "OrderMessage",
    "PlacedOrderResult",
    "Position",
    "QuoteToken",
    "SymbolMatch",
    "TickSize",
    "TotalFees",
    "TradingStatus",
    "Transaction",
    "Watchlist",
    "WatchlistEntry",
    "parse_account_event",
    "to_option_chain",
]
