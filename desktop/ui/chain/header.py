"""The chain header line: the underlying's live price and change, IV rank, IV percentile, IV."""

from __future__ import annotations

import html
import math
from typing import Any

from desktop.ui import format as fmt

from .live import ChainMarket
from .loader import LoadedChain

__all__ = ["header_text"]


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _change(market: ChainMarket, streamer: str, price: float | None) -> tuple[float, float] | None:
    summary = market.read("Summary", streamer)
    prev = _finite(summary.prev_day_close_price) if summary is not None else None
    if price is None or prev is None or prev <= 0:
        return None
    return price - prev, (price - prev) / prev


def header_text(loaded: LoadedChain, market: ChainMarket, streamer: str, metrics: Any) -> str:
    """Rich text: ``SPY 512.34 +1.20 (+0.23%) · IV rank 23.1% · IV pctl 41.0% · IV 18.5%``."""
    info = loaded.default_info
    price = market.price(streamer)
    parts = [f"<b>{html.escape(info.underlying)}</b>"]
    parts.append(f"<b>{fmt.price(price)}</b>" if price is not None else "<i>waiting for a price</i>")
    change = _change(market, streamer, price)
    if change is not None:
        tone = "#1b8a3a" if change[0] > 0 else "#c62828" if change[0] < 0 else "#808080"
        parts.append(f"<span style='color:{tone}'>{change[0]:+,.2f} ({fmt.signed_percent(change[1])})</span>")
    items = []
    if metrics is not None:
        rank = metrics.tw_implied_volatility_index_rank or metrics.implied_volatility_index_rank
        items.append(f"IV rank <b>{fmt.percent(rank)}</b>" if rank is not None else "IV rank —")
        pct = metrics.implied_volatility_percentile
        items.append(f"IV pctl <b>{fmt.percent(pct)}</b>" if pct is not None else "IV pctl —")
        if metrics.implied_volatility_index is not None:
            items.append(f"IV {fmt.percent(metrics.implied_volatility_index)}")
    else:
        items.append("IV rank …")
    items.append(f"{len(loaded.chain.expirations)} expirations")
    return " &nbsp;".join(parts) + " &nbsp;·&nbsp; " + " &nbsp;·&nbsp; ".join(items)
