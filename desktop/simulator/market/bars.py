"""Bars: the ``Candle`` record, row arrays, and the pure functions that reshape them.

Rows are parallel arrays ``(time, open, high, low, close, volume, regular-hours)``;
``aggregate`` groups them into candles and ``split_minutes`` turns minute rows into
one-second rows whose aggregate is exactly the minute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class Candle:
    """One OHLCV candle (floats; ``volume``/``vwap`` NaN for indices)."""

    time: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    vwap: float
    count: int = 0
    imp_volatility: float = math.nan
    open_interest: float = math.nan
    bid_volume: float = math.nan
    ask_volume: float = math.nan


Rows = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]  # t o h l c v rth


def empty() -> Rows:
    z = np.zeros(0)
    return (np.zeros(0, dtype=np.int64), z, z, z, z, z, np.zeros(0, dtype=bool))


def concat(parts: list[Rows]) -> Rows:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return empty()
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(7))  # type: ignore[return-value]


def cut(rows: Rows, from_ms: int) -> Rows:
    if not len(rows[0]) or rows[0][0] >= from_ms:
        return rows
    k = int(np.searchsorted(rows[0], from_ms, side="left"))
    return tuple(a[k:] for a in rows)  # type: ignore[return-value]


def split_minutes(rows: Rows) -> Rows:
    """One-second rows from minute rows: O -> H -> L -> C (or O -> L -> H -> C) piecewise linear."""
    t, o, h, lo, c, v, rth = rows
    n = len(t)
    if n == 0:
        return empty()
    seed = (t // 60_000).astype(np.uint64) * np.uint64(2654435761) % np.uint64(2**32)
    a = 5 + (seed % np.uint64(24)).astype(int)  # first extreme at 5..28 s
    b = 32 + ((seed // np.uint64(24)) % np.uint64(24)).astype(int)  # second extreme at 32..55 s
    high_first = (seed % np.uint64(2)) == 0
    grid = np.arange(61, dtype=float)
    prices = np.empty((n, 61))
    for i in range(n):
        first, second = (h[i], lo[i]) if high_first[i] else (lo[i], h[i])
        prices[i] = np.interp(grid, (0.0, float(a[i]), float(b[i]), 60.0), (o[i], first, second, c[i]))
    so, sc = prices[:, :-1], prices[:, 1:]
    st = (t[:, None] + np.arange(60, dtype=np.int64)[None, :] * 1000).ravel()
    sv = np.repeat(v / 60.0, 60)
    return (
        st,
        so.ravel(),
        np.maximum(so, sc).ravel(),
        np.minimum(so, sc).ravel(),
        sc.ravel(),
        sv,
        np.repeat(rth, 60),
    )


def aggregate(rows: Rows, keys: np.ndarray, rth_ohlc: bool) -> list[Candle]:
    """Group rows by ``keys`` (ascending) into candles; with ``rth_ohlc`` the regular rows set
    OHLC (when a group has any) and all rows count toward volume."""
    t, o, h, lo, c, v, rth = rows
    if len(t) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(t)]
    if rth_ohlc and rth.any() and not rth.all():
        return _aggregate_rth(rows, keys, starts, ends)
    opens, closes = o[starts], c[ends - 1]
    highs = np.maximum.reduceat(h, starts)
    lows = np.minimum.reduceat(lo, starts)
    vols = np.add.reduceat(v, starts)
    turnover = np.add.reduceat((h + lo + c) / 3.0 * v, starts)
    with np.errstate(all="ignore"):
        vwaps = np.where(vols > 0, turnover / vols, np.nan)
    counts = ends - starts
    return [
        Candle(int(k), float(a), float(b), float(d), float(e), float(f), float(g), int(n))
        for k, a, b, d, e, f, g, n in zip(
            keys[starts].tolist(),
            opens.tolist(),
            highs.tolist(),
            lows.tolist(),
            closes.tolist(),
            vols.tolist(),
            vwaps.tolist(),
            counts.tolist(),
            strict=True,
        )
    ]


def _aggregate_rth(rows: Rows, keys: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[Candle]:
    _, o, h, lo, c, v, rth = rows
    typical = (h + lo + c) / 3.0
    out: list[Candle] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        sel = slice(s, e)
        mask = rth[sel]
        if mask.any():
            idx = np.flatnonzero(mask) + s
            oo, hh, ll, cc = o[idx[0]], h[idx].max(), lo[idx].min(), c[idx[-1]]
        else:
            oo, hh, ll, cc = o[s], h[sel].max(), lo[sel].min(), c[e - 1]
        vol = float(v[sel].sum())
        vwap = float((typical[sel] * v[sel]).sum() / vol) if vol > 0 else math.nan
        out.append(Candle(int(keys[s]), float(oo), float(hh), float(ll), float(cc), vol, vwap, e - s))
    return out
