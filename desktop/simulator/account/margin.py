"""Margin requirements (Reg T-like) of a set of holdings, as "capital at risk beyond marks".

Buying power is ``net liquidating value - requirement``, so every requirement here is what
the account must hold *besides* the holdings' marked value:

* stock: 50 % of the value in a margin account, 100 % in a cash account; crypto: 100 %;
* futures: a fixed initial margin per contract;
* options, per underlying: short calls covered by long stock cost nothing more; uncovered
  short calls (the highest strikes) and uncovered short puts (the lowest strikes) take the
  naked rule, ``max(20 % of the underlying - out-of-the-money amount, 10 %)`` (15 % for broad
  indices), or the strike in a cash account (cash-secured puts); everything else is
  defined-risk and needs its worst loss at expiration relative to current marks, which is
  ``width - credit`` for a credit spread and the debit for a long option or debit spread.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

INDEX_LIKE = frozenset({"SPX", "SPY", "QQQ", "IWM", "DIA", "XSP", "NDX", "RUT", "/ES", "/NQ"})


@dataclass
class Holding:
    """One position (or order leg) for the margin calculation; ``qty`` is signed."""

    kind: str  # Equity | Equity Option | Future | Future Option | Cryptocurrency | Index
    group: str  # the underlying it is margined with
    qty: float
    mark: float
    multiplier: float
    strike: float = 0.0
    is_call: bool = False
    under_price: float = math.nan
    initial_margin: float = 0.0


def requirement(holdings: list[Holding], cash_account: bool) -> float:
    """Total requirement (USD, >= 0; ``inf`` for what the account may not hold at all)."""
    groups: dict[str, list[Holding]] = defaultdict(list)
    for h in holdings:
        if h.qty:
            groups[h.group].append(h)
    return float(sum((group_requirement(g, hs, cash_account) for g, hs in groups.items()), 0.0))


def group_requirement(group: str, holdings: list[Holding], cash_account: bool) -> float:
    total = 0.0
    shares = 0.0
    under = math.nan
    options: list[Holding] = []
    for h in holdings:
        if h.kind in ("Equity", "Index"):
            value = abs(h.qty) * h.mark * h.multiplier
            if h.qty > 0:
                total += value * (1.0 if cash_account else 0.5)
                shares += h.qty * h.multiplier
            else:
                total += math.inf if cash_account else value * 0.5
        elif h.kind == "Cryptocurrency":
            total += abs(h.qty) * h.mark * h.multiplier if h.qty > 0 else math.inf
        elif h.kind == "Future":
            total += abs(h.qty) * h.initial_margin
        else:
            options.append(h)
            under = h.under_price if h.under_price == h.under_price else under
    if options:
        total += options_requirement(options, shares, under, cash_account, group in INDEX_LIKE)
    return total


def _units(options: list[Holding], call: bool, short: bool) -> list[list[float]]:
    """[strike, count, mark, multiplier] of long or short calls or puts, by strike."""
    rows = [
        [h.strike, abs(h.qty), h.mark, h.multiplier]
        for h in options
        if h.is_call == call and (h.qty < 0) == short
    ]
    return sorted(rows, key=lambda r: r[0])


def _take(rows: list[list[float]], count: float, from_high: bool) -> list[list[float]]:
    """Remove ``count`` contracts from ``rows`` (highest or lowest strikes first); returns them."""
    taken: list[list[float]] = []
    order = reversed(rows) if from_high else iter(rows)
    for r in list(order):
        if count <= 0:
            break
        n = min(r[1], count)
        taken.append([r[0], n, r[2], r[3]])
        r[1] -= n
        count -= n
    rows[:] = [r for r in rows if r[1] > 0]
    return taken


def options_requirement(
    options: list[Holding], shares: float, under: float, cash_account: bool, index: bool
) -> float:
    long_c, short_c = _units(options, True, False), _units(options, True, True)
    long_p, short_p = _units(options, False, False), _units(options, False, True)
    mult = options[0].multiplier or 100.0
    covered = math.floor(max(shares, 0.0) / mult)
    _take(short_c, covered, from_high=False)  # covered calls need nothing beyond the stock
    excess_c = sum(r[1] for r in short_c) - sum(r[1] for r in long_c)
    naked_c = _take(short_c, excess_c, from_high=True) if excess_c > 0 else []
    excess_p = sum(r[1] for r in short_p) - sum(r[1] for r in long_p)
    naked_p = _take(short_p, excess_p, from_high=False) if excess_p > 0 else []
    u = under if under == under and under > 0 else max((o.strike for o in options), default=0.0)
    pct = 0.15 if index else 0.20
    call_req = sum(n * m * max(pct * u - max(k - u, 0.0), 0.10 * u) for k, n, _, m in naked_c)
    if cash_account and naked_c:
        return math.inf
    if cash_account:
        put_req = sum(n * m * max(k - mark, 0.0) for k, n, mark, m in naked_p)
    else:
        put_req = sum(n * m * max(pct * u - max(u - k, 0.0), 0.10 * k) for k, n, _, m in naked_p)
    if naked_c and naked_p:
        call_value = sum(n * m * mark for _, n, mark, m in naked_c)
        put_value = sum(n * m * mark for _, n, mark, m in naked_p)
        naked = call_req + put_value if call_req >= put_req else put_req + call_value
    else:
        naked = call_req + put_req
    paired = [(k, n, mark, m, True, 1) for k, n, mark, m in long_c] + [
        (k, n, mark, m, True, -1) for k, n, mark, m in short_c
    ]
    paired += [(k, n, mark, m, False, 1) for k, n, mark, m in long_p] + [
        (k, n, mark, m, False, -1) for k, n, mark, m in short_p
    ]
    return naked + defined_risk(paired, u)


def defined_risk(legs: list[tuple[float, float, float, float, bool, int]], under: float) -> float:
    """Worst loss at expiration relative to current marks over every strike and the extremes."""
    if not legs:
        return 0.0
    current = sum(sign * n * mark * m for _, n, mark, m, _, sign in legs)
    strikes = [k for k, *_ in legs]
    points = {0.0, *strikes, 2.0 * max(max(strikes), under if under == under else 0.0) + 1.0}
    worst = 0.0
    for x in points:
        value = 0.0
        for k, n, _, m, call, sign in legs:
            intrinsic = max(x - k, 0.0) if call else max(k - x, 0.0)
            value += sign * n * intrinsic * m
        worst = max(worst, current - value)
    return worst
