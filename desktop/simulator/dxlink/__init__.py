"""The embedded exchange's DXLink market-data websocket (``GET /dxlink``).

``register(app, ctx)`` is called by the runner; see ``server`` for the route and fault knobs,
``session`` for the protocol state machine, ``feed``/``candles`` for channels and
``encoding``/``fields`` for the wire values.
"""

from desktop.simulator.dxlink.server import DXLinkServer, register

__all__ = ["DXLinkServer", "register"]
