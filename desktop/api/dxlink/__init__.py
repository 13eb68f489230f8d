"""DXLink market data: the protocol client, fast event decoding and candle series.

``DXLinkClient`` keeps one websocket to the DXLink server alive (reconnects, re-authorizes,
resubscribes), decodes FEED_DATA into the light event tuples of ``events`` and maintains a
``CandleSeries`` per candle subscription.
"""

from desktop.api.dxlink.candles import CandleSeries, Listeners
from desktop.api.dxlink.client import DXLinkClient, DXLinkConfig, DXLinkStats, QuoteTokenLike
from desktop.api.dxlink.events import (
    EVENT_TYPES,
    Candle,
    Greeks,
    Profile,
    Quote,
    Summary,
    TheoPrice,
    Trade,
)

__all__ = [
    "EVENT_TYPES",
    "Candle",
    "CandleSeries",
    "DXLinkClient",
    "DXLinkConfig",
    "DXLinkStats",
    "Greeks",
    "Listeners",
    "Profile",
    "Quote",
    "QuoteTokenLike",
    "Summary",
    "TheoPrice",
    "Trade",
]
