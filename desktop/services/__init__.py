"""QObjects that own the asyncio work and publish state as Qt signals."""
