"""The exchange's REST API (aiohttp): envelopes, auth, and routes by resource."""
