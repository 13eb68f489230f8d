"""Chart indicators (SMA, EMA, VWAP, Bollinger Bands), computed with numpy, Qt-free.

Each indicator has a vectorised full computation (history load, resync, settings change) and
an incremental path: a tick on the live candle recomputes only the last value (O(1) for EMA
and VWAP, O(period) for SMA and Bollinger Bands), a new candle adds one value. So a live tick
never recomputes the whole history.

Conventions: SMA/Bollinger use the last ``period`` closes (population standard deviation);
EMA uses ``alpha = 2 / (period + 1)`` seeded with the SMA of the first ``period`` closes;
VWAP is the typical price ``(high + low + close) / 3`` weighted by volume, restarting at each
anchor (the session's calendar day in the exchange's zone). Undefined values are NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .candle_arrays import CandleArrays, Change

KINDS = ("sma", "ema", "vwap", "bollinger")


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """One indicator and its settings."""

    kind: str
    period: int = 20
    deviations: float = 2.0  # Bollinger band width in standard deviations

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown indicator {self.kind!r}; choose one of {', '.join(KINDS)}")
        if self.kind != "vwap" and not 1 <= self.period <= 10_000:
            raise ValueError(f"{self.kind.upper()} period must be between 1 and 10000, not {self.period}")
        if self.kind == "bollinger" and not 0 < self.deviations <= 10:
            raise ValueError(f"Bollinger width must be above 0 and at most 10, not {self.deviations}")

    @property
    def label(self) -> str:
        if self.kind == "vwap":
            return "VWAP"
        if self.kind == "bollinger":
            return f"BB({self.period}, {self.deviations:g})"
        return f"{self.kind.upper()}({self.period})"

    @property
    def line_names(self) -> tuple[str, ...]:
        return ("upper", "middle", "lower") if self.kind == "bollinger" else (self.kind,)


# ----------------------------------------------------------------- full computations
def sma(x: np.ndarray, period: int) -> np.ndarray:
    """Simple moving average; NaN for the first ``period - 1`` rows."""
    out = np.full(x.size, np.nan)
    if x.size >= period:
        out[period - 1 :] = sliding_window_view(x, period).mean(axis=1)
    return out


def ema(x: np.ndarray, period: int) -> np.ndarray:
    """Exponential moving average, seeded with the SMA of the first ``period`` values.

    Vectorised in blocks: inside a block ``e[j] = d**(j+1) * (e_prev + alpha * sum(x[i] / d**(i+1)))``
    with ``d = 1 - alpha``; blocks are short enough that ``d**-len`` cannot overflow.
    """
    if period == 1:
        return x.astype(np.float64, copy=True)
    out = np.full(x.size, np.nan)
    if x.size < period:
        return out
    alpha = 2.0 / (period + 1)
    d = 1.0 - alpha
    out[period - 1] = x[:period].mean()
    block = max(1, int(600 / -math.log(d)))
    prev = out[period - 1]
    i = period
    while i < x.size:
        seg = x[i : i + block]
        powers = d ** np.arange(1, seg.size + 1)
        vals = powers * (prev + alpha * np.cumsum(seg / powers))
        out[i : i + seg.size] = vals
        prev = vals[-1]
        i += seg.size
    return out


def bollinger(x: np.ndarray, period: int, deviations: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(upper, middle, lower): SMA +/- ``deviations`` population standard deviations."""
    mid = np.full(x.size, np.nan)
    dev = np.full(x.size, np.nan)
    if x.size >= period:
        win = sliding_window_view(x, period)
        mid[period - 1 :] = win.mean(axis=1)
        dev[period - 1 :] = win.std(axis=1)
    return mid + deviations * dev, mid, mid - deviations * dev


def vwap(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray, anchors: np.ndarray
) -> np.ndarray:
    """Volume-weighted typical price, restarting wherever ``anchors`` changes value."""
    cum_pv, cum_v = _vwap_sums(high, low, close, volume, anchors)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cum_v > 0, cum_pv / np.where(cum_v > 0, cum_v, 1.0), np.nan)


def _vwap_sums(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray, anchors: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    pv = (high + low + close) / 3.0 * volume
    cum_pv = np.zeros(pv.size)
    cum_v = np.zeros(pv.size)
    if pv.size == 0:
        return cum_pv, cum_v
    starts = np.flatnonzero(np.r_[True, anchors[1:] != anchors[:-1]])
    for a, b in zip(starts, [*starts[1:], pv.size], strict=True):
        cum_pv[a:b] = np.cumsum(pv[a:b])
        cum_v[a:b] = np.cumsum(volume[a:b])
    return cum_pv, cum_v


# ----------------------------------------------------------------- incremental state
class Indicator:
    """One indicator's lines over a ``CandleArrays``, kept current incrementally."""

    def __init__(self, spec: IndicatorSpec) -> None:
        self.spec = spec
        self._n = 0
        self._cap = 0
        self._lines: dict[str, np.ndarray] = {name: np.zeros(0) for name in spec.line_names}
        self._cum_pv = np.zeros(0)  # VWAP running sums per row
        self._cum_v = np.zeros(0)
        self.version = 0  # bumped when any value other than the last one changed

    def line(self, name: str) -> np.ndarray:
        return self._lines[name][: self._n]

    @property
    def lines(self) -> dict[str, np.ndarray]:
        return {name: a[: self._n] for name, a in self._lines.items()}

    def recompute(self, arr: CandleArrays, anchors: np.ndarray) -> None:
        """Full vectorised computation over every row."""
        spec, c = self.spec, arr.close
        if spec.kind == "sma":
            values = {"sma": sma(c, spec.period)}
        elif spec.kind == "ema":
            values = {"ema": ema(c, spec.period)}
        elif spec.kind == "bollinger":
            up, mid, lo = bollinger(c, spec.period, spec.deviations)
            values = {"upper": up, "middle": mid, "lower": lo}
        else:
            self._cum_pv, self._cum_v = _vwap_sums(arr.high, arr.low, c, arr.volume, anchors)
            self._cum_pv = np.append(self._cum_pv, np.zeros(64))
            self._cum_v = np.append(self._cum_v, np.zeros(64))
            values = {"vwap": vwap(arr.high, arr.low, c, arr.volume, anchors)}
        self._n = c.size
        self._cap = c.size + 64
        self._lines = {name: np.append(v, np.full(64, np.nan)) for name, v in values.items()}
        self.version += 1

    def update(self, change: Change, arr: CandleArrays, anchors: np.ndarray) -> None:
        """Follow one change of the arrays with the least work."""
        if change is Change.NONE:
            return
        n = len(arr)
        if change is Change.APPENDED and n == self._n + 1 and n > 1:
            self._grow(n)
            self._n = n
            self.version += 1  # the previous row is final now
            self._update_row(n - 2, arr, anchors)  # its last tick may not have been applied
            self._update_row(n - 1, arr, anchors)
        elif change is Change.UPDATED_LIVE and n == self._n:
            self._update_row(n - 1, arr, anchors)
        else:
            self.recompute(arr, anchors)

    def _update_row(self, i: int, arr: CandleArrays, anchors: np.ndarray) -> None:
        spec, p = self.spec, self.spec.period
        c = arr.close
        lines = self._lines
        if spec.kind == "sma":
            lines["sma"][i] = c[i - p + 1 : i + 1].mean() if i >= p - 1 else np.nan
        elif spec.kind == "ema":
            if i < p - 1:
                lines["ema"][i] = np.nan
            elif i == p - 1:
                lines["ema"][i] = c[:p].mean()
            else:
                alpha = 2.0 / (p + 1)
                lines["ema"][i] = alpha * c[i] + (1.0 - alpha) * lines["ema"][i - 1]
        elif spec.kind == "bollinger":
            if i < p - 1:
                lines["upper"][i] = lines["middle"][i] = lines["lower"][i] = np.nan
            else:
                win = c[i - p + 1 : i + 1]
                mid, dev = win.mean(), win.std()
                lines["middle"][i] = mid
                lines["upper"][i] = mid + spec.deviations * dev
                lines["lower"][i] = mid - spec.deviations * dev
        else:
            v = arr.volume[i]
            pv = (arr.high[i] + arr.low[i] + c[i]) / 3.0 * v
            if i > 0 and anchors[i] == anchors[i - 1]:
                pv += self._cum_pv[i - 1]
                v += self._cum_v[i - 1]
            self._cum_pv[i] = pv
            self._cum_v[i] = v
            lines["vwap"][i] = pv / v if v > 0 else np.nan

    def _grow(self, n: int) -> None:
        if n <= self._cap:
            return
        extra = max(64, self._cap)
        self._lines = {k: np.append(a, np.full(extra, np.nan)) for k, a in self._lines.items()}
        if self.spec.kind == "vwap":
            self._cum_pv = np.append(self._cum_pv, np.zeros(extra))
            self._cum_v = np.append(self._cum_v, np.zeros(extra))
        self._cap += extra
