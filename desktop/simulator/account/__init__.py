"""The exchange's accounts: ledger (cash, positions, orders, transactions), margin, fees,
matching and the SQLite store."""
