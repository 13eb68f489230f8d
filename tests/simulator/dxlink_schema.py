"""Validate DXLink messages against the official AsyncAPI spec, working around its defects.

``reference/dxlink-asyncapi.yml`` (vendored beside this file as ``dxlink_asyncapi.yml``) is loaded
with PyYAML and each message is checked with ``jsonschema`` (Draft 7) against
``#/components/messages/<Name>/payload``. The spec defects of dxlink.md section 11 are handled here:

* ``FeedDataMessage`` describes its payload under ``events`` but requires ``data``, so ``data``
  is never checked by the schema. :class:`FeedTracker` checks it instead: a FULL event must
  validate against ``FeedEvent``; a COMPACT record is rebuilt into an object from the field
  list of the latest ``FEED_CONFIG`` for that channel and type (which must have been sent
  before the data, as the official client requires) and validated against ``<Type>Event``.
* ``FeedSubscription`` is a ``oneOf`` whose regular branch also matches candle and order
  items; client subscriptions are validated against the three branches with ``anyOf``.
* ``FeedConfigMessage`` requires ``aggregationPeriod`` and ``dataFormat`` even on the spec's
  own lazy, fields-only FEED_CONFIG. Our exchange always sends both, so the strict schema is
  applied (a regression would show up here).

:class:`DXLinkTestClient` wraps a plain ``websockets`` connection and validates every message
it receives, so a test cannot forget to.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator

#: The spec, vendored unmodified (MPL-2.0, see its header) so the tests run on a clean checkout.
SPEC_PATH = Path(__file__).resolve().with_name("dxlink_asyncapi.yml")

MESSAGE_SCHEMAS = {
    "ERROR": "ErrorMessage",
    "SETUP": "SetupMessage",
    "KEEPALIVE": "KeepaliveMessage",
    "AUTH": "AuthMessage",
    "AUTH_STATE": "AuthStateMessage",
    "CHANNEL_OPENED": "ChannelOpenedMessage",
    "CHANNEL_CLOSED": "ChannelClosedMessage",
    "CHANNEL_CANCEL": "ChannelCancelMessage",
    "FEED_SETUP": "FeedSetupMessage",
    "FEED_CONFIG": "FeedConfigMessage",
    "FEED_SUBSCRIPTION": "FeedSubscriptionMessage",
    "FEED_DATA": "FeedDataMessage",
}


@cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def _validator(pointer: str) -> Draft7Validator:
    document = dict(spec())
    document["$ref"] = pointer
    return Draft7Validator(document)


def _check(pointer: str, instance: object, what: str) -> None:
    errors = sorted(_validator(pointer).iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        detail = "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        raise AssertionError(f"{what} does not validate against {pointer}: {detail}\n{instance!r}"[:2000])


def validate_message(message: dict[str, Any]) -> None:
    """Validate one message's envelope against its spec message schema."""
    assert isinstance(message, dict), f"DXLink message must be a JSON object: {message!r}"
    name = MESSAGE_SCHEMAS.get(message.get("type"))  # type: ignore[arg-type]
    assert name is not None, f"message type not in the spec: {message!r}"
    if name == "FeedSubscriptionMessage":
        _validate_subscription(message)
        return
    _check(f"#/components/messages/{name}/payload", message, message["type"])


def _validate_subscription(message: dict[str, Any]) -> None:
    envelope = {k: v for k, v in message.items() if k not in ("add", "remove")}
    _check("#/components/messages/FeedSubscriptionMessage/payload", envelope, "FEED_SUBSCRIPTION")
    branches = ("FeedRegularSubscription", "FeedOrderBookSubscription", "FeedTimeSeriesSubscription")
    for key in ("add", "remove"):
        for item in message.get(key, []):
            if not any(_validator(f"#/components/schemas/{b}").is_valid(item) for b in branches):
                raise AssertionError(f"subscription item matches no spec branch: {item!r}")


class FeedTracker:
    """Per-connection FEED_CONFIG state, used to check the contents of FEED_DATA."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.fields: dict[int, dict[str, list[str]]] = {}

    def observe(self, message: dict[str, Any]) -> None:
        validate_message(message)
        kind, channel = message["type"], message["channel"]
        if kind == "FEED_CONFIG":
            self.formats[channel] = message["dataFormat"]
            self.fields.setdefault(channel, {}).update(message.get("eventFields", {}))
        elif kind == "CHANNEL_CLOSED":
            self.formats.pop(channel, None)
            self.fields.pop(channel, None)
        elif kind == "FEED_DATA":
            self._check_data(channel, message["data"])

    def _check_data(self, channel: int, data: list[Any]) -> None:
        assert isinstance(data, list) and data, f"FEED_DATA data must be a non-empty list: {data!r}"
        fmt = self.formats.get(channel)
        assert fmt is not None, f"FEED_DATA on channel {channel} before any FEED_CONFIG"
        if isinstance(data[0], dict):
            assert fmt == "FULL", f"FULL data on channel {channel} whose FEED_CONFIG says {fmt}"
            for event in data:
                assert isinstance(event.get("eventType"), str), f"FULL event without eventType: {event!r}"
                _check("#/components/schemas/FeedEvent", event, "FULL event")
            return
        assert fmt == "COMPACT", f"COMPACT data on channel {channel} whose FEED_CONFIG says {fmt}"
        assert len(data) == 2, f"the exchange sends one event type per FEED_DATA, got {len(data) // 2}"
        for event in self.compact_events(channel, data):
            _check(f"#/components/schemas/{event['eventType']}Event", event, "COMPACT record")

    def compact_events(self, channel: int, data: list[Any]) -> list[dict[str, Any]]:
        """Rebuild COMPACT records into objects by the announced field order."""
        events = []
        for etype, values in zip(data[0::2], data[1::2], strict=True):
            assert isinstance(etype, str) and isinstance(values, list), f"bad COMPACT pair {etype!r}"
            names = self.fields.get(channel, {}).get(etype)
            assert names, f"COMPACT {etype} data on channel {channel} before its eventFields were announced"
            assert len(values) % len(names) == 0, (
                f"{len(values)} values is not a multiple of {len(names)} fields"
            )
            for start in range(0, len(values), len(names)):
                record = dict(zip(names, values[start : start + len(names)], strict=True))
                for name, value in record.items():
                    assert value is None or isinstance(value, str | int | float | bool), f"{name}={value!r}"
                event = {k: v for k, v in record.items() if v is not None}
                event["eventType"] = etype
                events.append(event)
        return events


def _bare_constant(name: str) -> None:
    raise AssertionError(f"bare {name} on the wire: special doubles must travel as strings")


class DXLinkTestClient:
    """A plain ``websockets`` DXLink client for tests; every received message is validated."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.tracker = FeedTracker()
        self.received: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any] | str) -> None:
        """Send a message (a dict is checked against the spec first) or raw text."""
        if isinstance(message, dict):
            if message.get("type") in MESSAGE_SCHEMAS:
                validate_message(message)
            self.sent.append(message)
            message = json.dumps(message)
        await self.ws.send(message)

    async def recv(self, within: float = 10.0) -> dict[str, Any]:
        async with asyncio.timeout(within):
            text = await self.ws.recv()
        message = json.loads(text, parse_constant=_bare_constant)
        self.tracker.observe(message)
        self.received.append(message)
        return message

    async def expect(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = 10.0, what: str = ""
    ) -> dict[str, Any]:
        """Receive (and validate) until a message matches; fail after ``within`` seconds."""
        deadline = time.monotonic() + within
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no message matching {what or predicate} within {within} s")
            try:
                message = await self.recv(left)
            except TimeoutError:
                continue
            if predicate(message):
                return message

    async def expect_type(
        self, kind: str, channel: int | None = None, within: float = 10.0
    ) -> dict[str, Any]:
        return await self.expect(
            lambda m: m["type"] == kind and (channel is None or m["channel"] == channel),
            within,
            f"{kind} on channel {channel}",
        )

    async def quiet_for(
        self, seconds: float, ignore: tuple[str, ...] = ("KEEPALIVE",)
    ) -> list[dict[str, Any]]:
        """Everything (validated) received during ``seconds``, except ``ignore`` types."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = await self.recv(left)
            except TimeoutError:
                break
            if message["type"] not in ignore:
                got.append(message)
        return got

    def events(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """The events of a FEED_DATA as objects (FULL as is, COMPACT rebuilt by field order)."""
        data = message["data"]
        if isinstance(data[0], dict):
            return list(data)
        return self.tracker.compact_events(message["channel"], data)

    async def handshake(self, token: str, channel: int = 1, contract: str = "AUTO") -> None:
        """SETUP, AUTH, then a FEED channel; asserts each reply."""
        await self.send(
            {
                "type": "SETUP",
                "channel": 0,
                "version": "0.1-test/1.0",
                "keepaliveTimeout": 60,
                "acceptKeepaliveTimeout": 60,
            }
        )
        await self.expect_type("SETUP", 0)
        await self.send({"type": "AUTH", "channel": 0, "token": token})
        state = await self.expect(
            lambda m: m["type"] == "AUTH_STATE" and m["state"] == "AUTHORIZED", what="AUTHORIZED"
        )
        assert state["userId"]
        await self.open_channel(channel, contract)

    async def open_channel(self, channel: int, contract: str = "AUTO") -> dict[str, Any]:
        await self.send(
            {
                "type": "CHANNEL_REQUEST",
                "channel": channel,
                "service": "FEED",
                "parameters": {"contract": contract},
            }
        )
        return await self.expect_type("CHANNEL_OPENED", channel)
