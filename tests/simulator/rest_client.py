"""A small synchronous REST client for exchange tests (real HTTP over loopback)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$")


def token(base_url: str, **body: str) -> str:
    payload = {"grant_type": "refresh_token", "refresh_token": "demo", "client_secret": "demo", **body}
    r = httpx.post(f"{base_url}/oauth/token", json=payload, headers={"User-Agent": "tastydesk-tests/1.0"})
    r.raise_for_status()
    return r.json()["access_token"]


def client(exchange: Any, version: str | None = None) -> httpx.Client:
    headers = {"User-Agent": "tastydesk-tests/1.0", "Authorization": f"Bearer {token(exchange.base_url)}"}
    if version:
        headers["Accept-Version"] = version
    return httpx.Client(base_url=exchange.base_url, headers=headers, timeout=30.0)


def data(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text[:600]}"
    body = r.json()
    assert body["context"] == r.request.url.path, body.get("context")
    assert body["data"], "data must never be empty"
    return body["data"]


def error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:600]}"
    return r.json()["error"]


def is_decimal_string(value: object) -> bool:
    return isinstance(value, str) and bool(DECIMAL.match(value))


def dec(value: str) -> Decimal:
    assert is_decimal_string(value), value
    return Decimal(value)


def wait_until(cond: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s")
        time.sleep(0.05)


def order_body(
    symbol: str,
    action: str,
    qty: int,
    order_type: str = "Market",
    price: str | None = None,
    effect: str | None = None,
    tif: str = "Day",
    kind: str = "Equity",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "time-in-force": tif,
        "order-type": order_type,
        "legs": [{"instrument-type": kind, "symbol": symbol, "quantity": qty, "action": action}],
        **extra,
    }
    if price is not None:
        body["price"] = price
        body["price-effect"] = effect or ("Debit" if action.startswith("Buy") else "Credit")
    return body
