"""The simulated universe: underlyings, indices, futures products and crypto pairs.

Static reference data only (no state). Prices of "core" paths follow a seeded random walk
(``paths``); other underlyings either have their own path or *track* another one with a
fixed ratio (SPY, SPX and /ES all follow the S&P core; QQQ and /NQ the Nasdaq core), so a
quote, a futures price and an index level never disagree about the market's direction.
"""

from __future__ import annotations

from .products import CorePath, CryptoPair, FutureProduct, Hours, Underlying, Universe

__all__ = [
    "ADV",
    "RISK_FREE_RATE",
    "UNIVERSE",
    "CorePath",
    "CryptoPair",
    "FutureProduct",
    "Hours",
    "Underlying",
    "Universe",
]

_CORES = [
    CorePath("SPX-CORE", 6000.0, 0.16, 1.0, "futures"),
    CorePath("NDX-CORE", 21000.0, 0.21, 0.92, "futures"),
    CorePath("RUT-CORE", 2250.0, 0.22, 0.85, "futures"),
    CorePath("VIX", 17.0, 0.85, -0.72, "index", half_life_days=20.0),
    CorePath("AAPL", 220.0, 0.26, 0.65, "equity"),
    CorePath("MSFT", 470.0, 0.24, 0.7, "equity"),
    CorePath("NVDA", 160.0, 0.48, 0.6, "equity"),
    CorePath("TSLA", 300.0, 0.55, 0.5, "equity"),
    CorePath("AMZN", 215.0, 0.30, 0.65, "equity"),
    CorePath("META", 680.0, 0.34, 0.6, "equity"),
    CorePath("GOOGL", 185.0, 0.29, 0.62, "equity"),
    CorePath("AMD", 150.0, 0.46, 0.55, "equity"),
    CorePath("JPM", 260.0, 0.22, 0.6, "equity"),
    CorePath("XOM", 112.0, 0.24, 0.35, "equity"),
    CorePath("GLD-CORE", 3000.0, 0.15, 0.05, "futures"),
    CorePath("CL-CORE", 72.0, 0.34, 0.3, "futures"),
    CorePath("TLT", 90.0, 0.15, -0.2, "equity"),
    CorePath("BTC", 95000.0, 0.55, 0.3, "crypto", half_life_days=720.0),
    CorePath("ETH", 3300.0, 0.70, 0.3, "crypto", half_life_days=720.0),
    CorePath("SOL", 180.0, 0.85, 0.3, "crypto", half_life_days=720.0),
]

_ETF = {"is_etf": True, "penny_options": True}
_INDEX_SECTOR = "Equity Index"

# fmt: off
_UNDERLYINGS = [
    Underlying("SPY", "Equity", "SPDR S&P 500 ETF TRUST", "SPX-CORE", 1 / 10.02, **_ETF, listed_market="ARCX",
               dividend_yield=0.012, shares=9.2e8, dailies=True, liquidity=5, skew=-0.22, iv_premium=1.12,
               sector=_INDEX_SECTOR),
    Underlying("QQQ", "Equity", "INVESCO QQQ TRUST, SERIES 1", "NDX-CORE", 1 / 41.2, **_ETF,
               dividend_yield=0.006,
               shares=6.1e8, dailies=True, liquidity=5, skew=-0.2, iv_premium=1.1, beta=1.15,
               sector=_INDEX_SECTOR),
    Underlying("IWM", "Equity", "ISHARES RUSSELL 2000 ETF", "RUT-CORE", 1 / 10.1, **_ETF,
               listed_market="ARCX",
               dividend_yield=0.011, shares=3.0e8, liquidity=5, skew=-0.17, beta=1.2, sector=_INDEX_SECTOR),
    Underlying("SPX", "Index", "S&P 500 INDEX", "SPX-CORE", 1.0, hours="index", listed_market="OTC",
               option_roots=("SPX", "SPXW"), dailies=True, liquidity=5, skew=-0.24, iv_premium=1.12,
               sector=_INDEX_SECTOR),
    Underlying("VIX", "Index", "CBOE VOLATILITY INDEX", "VIX", 1.0, hours="index", listed_market="OTC",
               optionable=False, beta=-4.0, sector="Volatility"),
    Underlying("AAPL", "Equity", "Apple Inc. - Common Stock", "AAPL", dividend_yield=0.0045, shares=1.5e10,
               eps=6.6,
               beta=1.2, penny_options=True, liquidity=5, sector="Technology"),
    Underlying("MSFT", "Equity", "Microsoft Corporation - Common Stock", "MSFT", dividend_yield=0.007,
               shares=7.4e9,
               eps=13.0, beta=0.9, penny_options=True, liquidity=5, sector="Technology"),
    Underlying("NVDA", "Equity", "NVIDIA Corporation - Common Stock", "NVDA", dividend_yield=0.0003,
               shares=2.4e10,
               eps=3.1, beta=1.7, penny_options=True, liquidity=5, sector="Technology"),
    Underlying("TSLA", "Equity", "Tesla, Inc. - Common Stock", "TSLA", shares=3.2e9, eps=2.0, beta=2.0,
               penny_options=True, liquidity=5, skew=-0.05, sector="Consumer Discretionary"),
    Underlying("AMZN", "Equity", "Amazon.com, Inc. - Common Stock", "AMZN", shares=1.05e10, eps=5.5,
               beta=1.15,
               penny_options=True, liquidity=5, sector="Consumer Discretionary"),
    Underlying("META", "Equity", "Meta Platforms, Inc. - Class A Common Stock", "META", dividend_yield=0.003,
               shares=2.5e9, eps=24.0, beta=1.25, liquidity=4, sector="Technology"),
    Underlying("GOOGL", "Equity", "Alphabet Inc. - Class A Common Stock", "GOOGL", dividend_yield=0.0045,
               shares=5.8e9, eps=8.5, beta=1.05, liquidity=4, sector="Technology"),
    Underlying("AMD", "Equity", "Advanced Micro Devices, Inc. - Common Stock", "AMD", shares=1.6e9, eps=2.5,
               beta=1.7,
               penny_options=True, liquidity=4, sector="Technology"),
    Underlying("JPM", "Equity", "JP Morgan Chase & Co. Common Stock", "JPM", listed_market="XNYS",
               dividend_yield=0.021, shares=2.8e9, eps=19.0, beta=1.05, liquidity=3, sector="Financials"),
    Underlying("XOM", "Equity", "Exxon Mobil Corporation Common Stock", "XOM", listed_market="XNYS",
               dividend_yield=0.034, shares=4.3e9, eps=8.0, beta=0.8, liquidity=3, sector="Energy"),
    Underlying("GLD", "Equity", "SPDR GOLD TRUST", "GLD-CORE", 1 / 10.85, **_ETF, listed_market="ARCX",
               shares=3.1e8,
               liquidity=4, skew=0.03, sector="Commodities"),
    Underlying("TLT", "Equity", "ISHARES 20+ YEAR TREASURY BOND ETF", "TLT", **_ETF, dividend_yield=0.043,
               shares=5.5e8, liquidity=4, skew=-0.02, sector="Fixed Income"),
]

_FUTURES = [
    FutureProduct("ES", "E-Mini S&P 500", "SPX-CORE", 1.0, "CME", "XCME", 50.0, 0.25, "HMUZ", 3, 0.012,
                  15500.0,
                  "CME_ES", "Equity Index", "Financial", True, "third-friday", etf_equivalent=("SPY", 500),
                  has_options=True, exchange_fee=1.38, description_short="E Mini S&P"),
    FutureProduct("NQ", "E-Mini Nasdaq-100", "NDX-CORE", 1.0, "CME", "XCME", 20.0, 0.25, "HMUZ", 3, 0.013,
                  22500.0,
                  "CME_NQ", "Equity Index", "Financial", True, "third-friday", etf_equivalent=("QQQ", 800),
                  exchange_fee=1.38, description_short="E Mini Nasdaq"),
    FutureProduct("CL", "Crude Oil", "CL-CORE", 1.0, "NYMEX", "XNYM", 1000.0, 0.01, "FGHJKMNQUVXZ", 6,
                  -0.03, 6200.0,
                  "NYMEX_CL", "Energy", "Physical", False, "cl", option_tick_sizes=((0.01, None),),
                  exchange_fee=1.50, description_short="Crude Oil"),
    FutureProduct("GC", "Gold", "GLD-CORE", 1.0, "COMEX", "XCEC", 100.0, 0.1, "GJMQVZ", 4, 0.04, 11000.0,
                  "COMEX_GC", "Metals", "Physical", False, "gc", option_tick_sizes=((0.1, None),),
                  exchange_fee=1.55, description_short="Gold"),
]
# fmt: on

_CRYPTO = [
    CryptoPair("BTC/USD", "Bitcoin to USD", "Bitcoin", "BTC", 5),
    CryptoPair("ETH/USD", "Ethereum to USD", "Ethereum", "ETH", 6),
    CryptoPair("SOL/USD", "Solana to USD", "Solana", "SOL", 12),
]

UNIVERSE = Universe(
    cores={c.name: c for c in _CORES},
    underlyings={u.symbol: u for u in _UNDERLYINGS},
    futures={f.code: f for f in _FUTURES},
    crypto={c.symbol: c for c in _CRYPTO},
)

RISK_FREE_RATE = 0.042

# Average daily volume (shares, contracts or coins) by REST symbol or futures product code.
ADV: dict[str, float] = {
    "SPY": 65e6,
    "QQQ": 42e6,
    "IWM": 30e6,
    "AAPL": 52e6,
    "MSFT": 21e6,
    "NVDA": 220e6,
    "TSLA": 95e6,
    "AMZN": 44e6,
    "META": 14e6,
    "GOOGL": 30e6,
    "AMD": 48e6,
    "JPM": 9e6,
    "XOM": 15e6,
    "GLD": 8e6,
    "TLT": 35e6,
    "ES": 1.6e6,
    "NQ": 6e5,
    "CL": 3.5e5,
    "GC": 2.2e5,
    "BTC/USD": 2.5e4,
    "ETH/USD": 3.0e5,
    "SOL/USD": 3.0e6,
}
