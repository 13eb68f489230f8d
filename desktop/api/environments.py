"""Where each environment lives: REST base URL, account-streamer URL, API version header.

Hosts come from the reference (§1.1). Production pins an ``Accept-Version`` so the response
shapes we parse never change under us; the sandbox does not accept the header (§1.2), and the
embedded Demo exchange serves the default shapes, so neither sends it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The API version production is pinned to (balances as an items list, paginated live orders).
PINNED_API_VERSION = "20251101"


@dataclass(frozen=True, slots=True)
class Environment:
    """One place the app can sign in to."""

    name: str
    rest_url: str
    streamer_url: str
    send_accept_version: bool
    accept_version: str | None

    @property
    def is_demo(self) -> bool:
        return self.name == "demo"

    @property
    def title(self) -> str:
        """The name shown to a person ("Demo", "Sandbox", "Production")."""
        return self.name.capitalize()

    @property
    def version_header(self) -> dict[str, str]:
        """The ``Accept-Version`` header to send, or nothing."""
        if self.send_accept_version and self.accept_version:
            return {"Accept-Version": self.accept_version}
        return {}


SANDBOX = Environment(
    name="sandbox",
    rest_url="https://api.cert.tastyworks.com",
    streamer_url="wss://streamer.cert.tastyworks.com",
    send_accept_version=False,
    accept_version=None,
)

PRODUCTION = Environment(
    name="production",
    rest_url="https://api.tastyworks.com",
    streamer_url="wss://streamer.tastyworks.com",
    send_accept_version=True,
    accept_version=PINNED_API_VERSION,
)

ENVIRONMENT_NAMES = ("demo", "sandbox", "production")


def demo(base_url: str, streamer_url: str) -> Environment:
    """The embedded exchange at ``base_url`` (e.g. ``http://127.0.0.1:53211``)."""
    return Environment(
        name="demo",
        rest_url=base_url.rstrip("/"),
        streamer_url=streamer_url,
        send_accept_version=False,
        accept_version=None,
    )


def by_name(name: str) -> Environment:
    """``SANDBOX`` or ``PRODUCTION`` by name; Demo needs its URLs, so use :func:`demo`."""
    match name.lower():
        case "sandbox":
            return SANDBOX
        case "production":
            return PRODUCTION
        case "demo":
            raise ValueError("the Demo environment needs the embedded exchange's URLs: use demo(...)")
    raise ValueError(f"unknown environment {name!r}: expected one of {', '.join(ENVIRONMENT_NAMES)}")
