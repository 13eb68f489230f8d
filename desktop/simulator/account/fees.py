"""A tastytrade-like fee schedule, per leg, in the ``fee-calculation`` shape.

* Stock and ETFs: no commission; clearing $0.0008/share; SEC fee and FINRA TAF on sales.
* Equity options: $1.00/contract to open, capped at $10 per leg; $0 to close; clearing
  $0.10/contract; regulatory (ORF/OCC) ~$0.03/contract plus TAF on sales; SPX/SPXW add a
  proprietary index fee of $0.65/contract.
* Futures: $1.25/contract plus clearing $0.30 and the exchange + NFA fees (regulatory).
* Future options: $2.50/contract to open, $0 to close; clearing $0.30; exchange + NFA fees.
* Crypto: 1 % of the notional, capped at $10 per trade.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop.simulator.wire import dec

ZERO = Decimal(0)
_MILLI = Decimal("0.001")
SEC_RATE = Decimal("0.0000278")
TAF_SHARE = Decimal("0.000166")
TAF_CAP = Decimal("8.30")
TAF_CONTRACT = Decimal("0.00279")
OPTION_REGULATORY = Decimal("0.0335")
PROPRIETARY_INDEX = Decimal("0.65")
NFA = Decimal("0.02")
INDEX_ROOTS = frozenset({"SPX", "SPXW", "NDX", "NDXP", "RUT", "RUTW", "VIX", "VIXW", "XSP"})


@dataclass
class Fees:
    """Fees of one leg or one order (all non-negative Decimals; they are debits)."""

    commission: Decimal = ZERO
    clearing: Decimal = ZERO
    regulatory: Decimal = ZERO
    proprietary: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.commission + self.clearing + self.regulatory + self.proprietary

    def __add__(self, other: Fees) -> Fees:
        return Fees(
            self.commission + other.commission,
            self.clearing + other.clearing,
            self.regulatory + other.regulatory,
            self.proprietary + other.proprietary,
        )

    def rounded(self) -> Fees:
        return Fees(
            *(
                v.quantize(_MILLI, ROUND_HALF_UP)
                for v in (self.commission, self.clearing, self.regulatory, self.proprietary)
            )
        )

    def to_wire(self) -> dict[str, Any]:
        """The ``fee-calculation`` object (base fields and 2025-style breakdowns)."""
        f = self.rounded()

        def eff(v: Decimal) -> str:
            return "Debit" if v > 0 else "None"

        return {
            "regulatory-fees": dec(f.regulatory),
            "regulatory-fees-effect": eff(f.regulatory),
            "regulatory-fees-breakdown": [
                {"name": "regulatory", "value": dec(f.regulatory), "effect": eff(f.regulatory)}
            ],
            "clearing-fees": dec(f.clearing),
            "clearing-fees-effect": eff(f.clearing),
            "clearing-fees-breakdown": [
                {"name": "clearing", "value": dec(f.clearing), "effect": eff(f.clearing)}
            ],
            "commission": dec(f.commission),
            "commission-effect": eff(f.commission),
            "commission-breakdown": [
                {"name": "brokerage", "value": dec(f.commission), "effect": eff(f.commission)}
            ],
            "proprietary-index-option-fees": dec(f.proprietary),
            "proprietary-index-option-fees-effect": eff(f.proprietary),
            "proprietary-fees-breakdown": [
                {"name": "proprietary", "value": dec(f.proprietary), "effect": eff(f.proprietary)}
            ],
            "total-fees": dec(f.total),
            "total-fees-effect": eff(f.total),
            "rebates": "0.0",
            "rebates-effect": "None",
            "per-quantity": False,
        }


def leg_fees(
    instrument_type: str,
    root: str,
    action: str,
    quantity: Decimal,
    price: Decimal,
    multiplier: Decimal,
    exchange_fee: Decimal = Decimal("1.38"),
) -> Fees:
    """Fees of ``quantity`` filled at ``price`` on one leg."""
    qty = abs(quantity)
    opening = action.endswith("Open") or action in ("Buy", "Sell")
    selling = action.startswith("Sell")
    principal = abs(price) * qty * multiplier
    if instrument_type == "Equity":
        regulatory = ZERO
        if selling:
            regulatory = principal * SEC_RATE + min(qty * TAF_SHARE, TAF_CAP)
        return Fees(ZERO, min(qty * Decimal("0.0008"), principal * Decimal("0.005")), regulatory)
    if instrument_type == "Equity Option":
        commission = min(qty * Decimal("1.00"), Decimal("10.00")) if opening else ZERO
        regulatory = qty * OPTION_REGULATORY
        if selling:
            regulatory += principal * SEC_RATE + qty * TAF_CONTRACT
        proprietary = qty * PROPRIETARY_INDEX if root in INDEX_ROOTS else ZERO
        return Fees(commission, qty * Decimal("0.10"), regulatory, proprietary)
    if instrument_type == "Future":
        return Fees(qty * Decimal("1.25"), qty * Decimal("0.30"), qty * (exchange_fee + NFA))
    if instrument_type == "Future Option":
        commission = qty * Decimal("2.50") if opening else ZERO
        return Fees(commission, qty * Decimal("0.30"), qty * (Decimal("0.55") + NFA))
    if instrument_type == "Cryptocurrency":
        return Fees(min(principal * Decimal("0.01"), Decimal("10.00")))
    return Fees()
