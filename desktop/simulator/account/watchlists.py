"""User watchlists (persisted) and the fixed public watchlists."""

from __future__ import annotations

from typing import Any

from desktop.simulator.account.store import Batch
from desktop.simulator.wire import iso

PUBLIC_WATCHLISTS: list[dict[str, Any]] = [
    {
        "name": "Market Indices",
        "id": 69130,
        "group-name": "Market Indices",
        "order-index": 1,
        "cms-id": None,
        "watchlist-entries": [
            {"symbol": s, "instrument_type": t}
            for s, t in (
                ("SPX", "Index"),
                ("VIX", "Index"),
                ("SPY", "Equity"),
                ("QQQ", "Equity"),
                ("IWM", "Equity"),
                ("/ES", "Future"),
                ("/NQ", "Future"),
            )
        ],
    },
    {
        "name": "High Options Volume",
        "id": 69136,
        "group-name": "Liquidity",
        "order-index": 2,
        "cms-id": None,
        "watchlist-entries": [
            {"symbol": s, "instrument_type": "Equity"}
            for s in ("SPY", "QQQ", "TSLA", "NVDA", "AAPL", "AMZN", "AMD", "META", "IWM", "MSFT")
        ],
    },
    {
        "name": "Crypto",
        "id": 69141,
        "group-name": "Cryptocurrency",
        "order-index": 3,
        "cms-id": None,
        "watchlist-entries": [
            {"symbol": s, "instrument_type": "Cryptocurrency"} for s in ("BTC/USD", "ETH/USD", "SOL/USD")
        ],
    },
]


def normalize_entries(entries: Any) -> list[dict[str, Any]]:
    """Keep ``symbol`` (required) and ``instrument-type`` of each entry; raises ValueError."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ValueError("watchlist-entries must be a list")
    out = []
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("symbol"), str) or not e["symbol"].strip():
            raise ValueError("every watchlist entry needs a symbol")
        entry: dict[str, Any] = {"symbol": e["symbol"].strip()}
        kind = e.get("instrument-type", e.get("instrument_type"))
        if isinstance(kind, str):
            entry["instrument-type"] = kind
        out.append(entry)
    return out


def make_watchlist(body: dict[str, Any], now_ms: int) -> dict[str, Any]:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name is required")
    order_index = body.get("order-index", 9999)
    if isinstance(order_index, bool) or not isinstance(order_index, int):
        raise ValueError("order-index must be an integer")
    group = body.get("group-name", "default")
    return {
        "name": name.strip(),
        "watchlist-entries": normalize_entries(body.get("watchlist-entries")),
        "group-name": group if isinstance(group, str) else "default",
        "order-index": order_index,
        "created-at": iso(now_ms),
        "updated-at": iso(now_ms),
    }


def seed_watchlists(ledger: Any, batch: Batch, now_ms: int) -> None:
    for body in (
        {
            "name": "My Watchlist",
            "group-name": "default",
            "order-index": 1,
            "watchlist-entries": [
                {"symbol": s, "instrument-type": t}
                for s, t in (
                    ("SPY", "Equity"),
                    ("QQQ", "Equity"),
                    ("AAPL", "Equity"),
                    ("TSLA", "Equity"),
                    ("NVDA", "Equity"),
                    ("SPX", "Index"),
                    ("/ES", "Future"),
                    ("BTC/USD", "Cryptocurrency"),
                )
            ],
        },
        {
            "name": "Tech",
            "group-name": "default",
            "order-index": 2,
            "watchlist-entries": [
                {"symbol": s, "instrument-type": "Equity"}
                for s in ("AAPL", "MSFT", "NVDA", "AMZN", "META", "GOOGL", "AMD")
            ],
        },
    ):
        wl = make_watchlist(body, now_ms)
        ledger.watchlists[wl["name"]] = wl
        batch.put("watchlists", (wl["name"],), wl)
