"""Option chains: ATM lookup, strikes around the money, DTE targeting, the nested wire shape."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from desktop.core.chains import OptionChain, build_chain
from desktop.core.money import TickSize

TODAY = date(2025, 11, 21)
CHAIN = build_chain(
    "SPY",
    {
        date(2025, 11, 21): [D(k) for k in range(480, 521, 5)],
        date(2025, 12, 19): [D(k) for k in range(450, 551, 5)],
        date(2026, 1, 16): [D(k) for k in range(450, 551, 10)],
        date(2025, 12, 31): [D("497.5"), D(500), D("502.5")],
    },
    TODAY,
)

NESTED = {
    "items": [
        {
            "underlying-symbol": "SPY",
            "root-symbol": "SPY",
            "option-chain-type": "Standard",
            "shares-per-contract": 100,
            "tick-sizes": [{"value": "0.01"}],
            "deliverables": [],
            "expirations": [
                {
                    "expiration-type": "Weekly",
                    "expiration-date": "2026-08-04",
                    "days-to-expiration": 0,
                    "settlement-type": "PM",
                    "strikes": [
                        {
                            "strike-price": "505.0",
                            "call": "SPY   260804C00505000",
                            "call-streamer-symbol": ".SPY260804C505",
                            "put": "SPY   260804P00505000",
                            "put-streamer-symbol": ".SPY260804P505",
                        },
                        {
                            "strike-price": "500.0",
                            "call": "SPY   260804C00500000",
                            "call-streamer-symbol": ".SPY260804C500",
                            "put": "SPY   260804P00500000",
                            "put-streamer-symbol": ".SPY260804P500",
                        },
                    ],
                }
            ],
        }
    ]
}


class TestChain:
    def test_build_computes_symbols_dte_and_types(self) -> None:
        assert [e.expiration for e in CHAIN.expirations] == sorted(e.expiration for e in CHAIN.expirations)
        dec = CHAIN.expiration(date(2025, 12, 19))
        assert (dec.days_to_expiration, dec.expiration_type, dec.root_symbol) == (28, "Regular", "SPY")
        assert CHAIN.expiration(date(2025, 12, 31)).expiration_type == "Quarterly"
        row = dec.strike_at(500)
        assert row is not None
        assert (row.call, row.put_streamer) == ("SPY   251219C00500000", ".SPY251219P500")
        assert row.symbol("P") == row.put and row.streamer("C") == row.call_streamer

    @pytest.mark.parametrize(
        ("spot", "strike"),
        [(500.0, "500"), (502.4, "500"), (502.5, "500"), (502.6, "505"), (1.0, "450"), (1e6, "550")],
    )
    def test_atm_index(self, spot: float, strike: str) -> None:
        exp = CHAIN.expiration(date(2025, 12, 19))
        assert exp.strikes[exp.atm_index(spot)].strike == D(strike)

    def test_strikes_around(self) -> None:
        exp = CHAIN.expiration(date(2025, 12, 19))
        assert [r.strike for r in exp.strikes_around(501, 5)] == [D(k) for k in (490, 495, 500, 505, 510)]
        assert [r.strike for r in exp.strikes_around(451, 4)] == [D(k) for k in (450, 455, 460, 465)]  # edge
        assert [r.strike for r in exp.strikes_around(549, 3)] == [D(540), D(545), D(550)]
        assert len(exp.strikes_around(500, 500)) == len(exp.strikes)
        assert exp.strikes_around(500, 0) == ()
        # the chain-level helpers default to the nearest expiration
        assert [r.strike for r in CHAIN.strikes_around(500, 3)] == [D(495), D(500), D(505)]
        assert CHAIN.atm_index(500, date(2026, 1, 16)) == 5

    @pytest.mark.parametrize(
        ("dte", "expected"),
        [
            (0, date(2025, 11, 21)),
            (30, date(2025, 12, 19)),
            (45, date(2025, 12, 31)),
            (100, date(2026, 1, 16)),
        ],
    )
    def test_expiration_by_dte(self, dte: int, expected: date) -> None:
        assert CHAIN.expiration_by_dte(dte).expiration == expected

    def test_dte_tie_rolls_out(self) -> None:
        chain = build_chain(
            "X", {date(2025, 12, 1): [D(10)], date(2025, 12, 11): [D(10)]}, date(2025, 11, 20)
        )
        assert chain.expiration_by_dte(16).expiration == date(2025, 12, 11)

    def test_unknown_expiration(self) -> None:
        with pytest.raises(ValueError, match="2025-12-05"):
            CHAIN.expiration(date(2025, 12, 5))
        with pytest.raises(ValueError, match="no expirations"):
            OptionChain("X", ()).expiration_by_dte(30)


class TestFromNested:
    def test_reference_shape(self) -> None:
        chain = OptionChain.from_nested(NESTED)
        assert chain.underlying == "SPY" and chain.shares_per_contract == 100
        assert chain.tick_sizes == (TickSize(D("0.01")),)
        (exp,) = chain.expirations
        assert (exp.expiration, exp.expiration_type, exp.settlement_type) == (
            date(2026, 8, 4),
            "Weekly",
            "PM",
        )
        assert [r.strike for r in exp.strikes] == [D(500), D(505)]  # sorted
        assert exp.strikes[0].call_streamer == ".SPY260804C500"

    def test_roots_merge_and_missing_streamer_symbols_are_computed(self) -> None:
        def item(root: str, day: str, kind: str) -> dict[str, object]:
            yy = day[2:4] + day[5:7] + day[8:10]
            return {
                "underlying-symbol": "SPX",
                "root-symbol": root,
                "option-chain-type": "Standard",
                "shares-per-contract": 100,
                "tick-sizes": [{"value": "0.05", "threshold": "3.0"}, {"value": "0.1"}],
                "expirations": [
                    {
                        "expiration-type": kind,
                        "expiration-date": day,
                        "days-to-expiration": 10,
                        "settlement-type": "AM" if root == "SPX" else "PM",
                        "strikes": [
                            {
                                "strike-price": "6000.0",
                                "call": f"{root:<6}{yy}C06000000",
                                "put": f"{root:<6}{yy}P06000000",
                            }
                        ],
                    }
                ],
            }

        data = {"items": [item("SPX", "2025-12-19", "Regular"), item("SPXW", "2025-12-12", "Weekly")]}
        adjusted = item("SPX1", "2025-12-19", "Regular") | {"option-chain-type": "Non-standard"}
        data["items"].append(adjusted)
        chain = OptionChain.from_nested(data)
        assert [(e.root_symbol, e.settlement_type) for e in chain.expirations] == [
            ("SPXW", "PM"),
            ("SPX", "AM"),
        ]
        assert chain.expirations[0].strikes[0].call_streamer == ".SPXW251212C6000"
        assert chain.tick_sizes[0] == TickSize(D("0.05"), D("3.0"))

    def test_empty(self) -> None:
        with pytest.raises(ValueError, match="no items"):
            OptionChain.from_nested({"items": []})
