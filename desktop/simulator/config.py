"""The embedded exchange's configuration (re-exported by ``desktop.simulator.runner``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SESSION_MODES = ("always-open", "real")


@dataclass
class ExchangeConfig:
    """How to run one embedded exchange; see docs/architecture.md "The embedded exchange"."""

    host: str = "127.0.0.1"
    port: int = 0  # 0 = any free port
    seed: int = 7  # the market model is deterministic per seed
    state_path: Path | None = None  # SQLite file; None = in memory
    client_secret: str | None = None  # when set, /oauth/token requires exactly these
    refresh_token: str | None = None
    sessions: str = "always-open"  # "always-open" (demo: live every day) | "real" (US calendar)
    access_token_ttl_s: int = 900
    dxlink_keepalive_timeout_s: float = 60.0
    streamer_heartbeat_timeout_s: float = 60.0
    admin: bool = True  # serve /__admin/*

    def __post_init__(self) -> None:
        if self.sessions not in SESSION_MODES:
            raise ValueError(f"sessions must be one of {SESSION_MODES}, not {self.sessions!r}")
        if self.state_path is not None and not isinstance(self.state_path, Path):
            self.state_path = Path(self.state_path)
