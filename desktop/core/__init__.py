"""Pure domain code: symbology, pricing and greeks, money and ticks, order building. No Qt, no I/O."""
