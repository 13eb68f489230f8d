"""Windows packaging: the NSIS per-user installer."""
