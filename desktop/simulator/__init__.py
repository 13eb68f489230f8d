"""The embedded Tastytrade-compatible exchange (REST, DXLink, account streamer). Uses desktop.core only."""
