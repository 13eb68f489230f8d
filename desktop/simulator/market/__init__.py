"""The market model the exchange's REST, matching and DXLink all read.

``MarketModel`` (see ``model``) is the one price truth:

* ``resolve(streamer_symbol) -> Instrument | None`` and ``resolve_rest(symbol)``;
* ``event_fields(event_type, streamer_symbol, now_ms) -> dict | None`` for Quote, Trade,
  Summary, Profile, Greeks and TheoPrice, with DXLink camelCase names, floats (``nan`` when
  missing) and ints where the feed uses ints; cheap (values cached per tick, option chains
  priced vectorised once per tick);
* ``candles(base_streamer_symbol, period, rth_only, from_ms, now_ms) -> list[Candle]``
  ascending, the live candle last and continuous with history (``period`` is a
  ``desktop.core.candles.CandlePeriod``, a string like ``"5m"`` or a length in ms);
* ``tick`` (a counter), ``changed_since(tick) -> (tick, ChangeSet | None)`` (``None`` means
  "everything") and ``await wait_tick(after)``;
* ``quote(instrument) -> (bid, ask, mark)``, ``chain(underlying)``, ``pricer(underlying)``;
* admin: ``set_price(rest_symbol, price)``, ``freeze(bool)``.
"""

from .bars import Candle
from .candles import MAX_CANDLES
from .instruments import Instrument
from .model import TICK_S, ChangeSet, MarketModel
from .universe import UNIVERSE

__all__ = ["MAX_CANDLES", "TICK_S", "UNIVERSE", "Candle", "ChangeSet", "Instrument", "MarketModel"]
