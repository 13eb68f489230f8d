"""REST calls for orders: dry-run, place, cancel, replace, complex orders, search.

The order JSON is posted exactly as given (the text of ``NewOrder.to_json()``), so the order
that is sent is byte for byte the order that was reviewed. A submit is never repeated: when
it times out, or the connection drops, or the server fails, the client looks for the order
among the account's orders (new since just before the submit, same content) and returns it;
if it cannot be found, :class:`~desktop.api.errors.OrderStatusUnknown` tells the user to
check the Orders panel before trying again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from desktop.api.errors import (
    ApiError,
    InvalidRequest,
    OrderStatusUnknown,
    PreflightFailed,
    ResponseLost,
    ServerError,
    error_from_response,
)
from desktop.api.http import Response, RestTransport
from desktop.api.models import ComplexOrder, DryRunResult, Order, OrderMessage, PlacedOrderResult
from desktop.api.models._wire import dec
from desktop.api.rest_accounts import _array, _params, _path_part

log = logging.getLogger(__name__)

#: Clock skew tolerated between us and the server when matching a recovered order by time.
_SKEW = timedelta(seconds=120)


class OrdersApi:
    """Order resources; mixed into :class:`~desktop.api.rest.TastytradeClient`."""

    _transport: RestTransport
    order_lookup_s: float
    lookup_timeout: float

    # --- reading ---------------------------------------------------------------------------

    async def live_orders(self, account_number: str, *, request_timeout: float | None = None) -> list[Order]:
        """Today's orders (working ones, and those filled/cancelled/rejected today)."""
        path = f"/accounts/{_path_part(account_number)}/orders/live"
        return [
            Order.from_wire(i)
            async for i in self._transport.items(
                path, what="Loading orders", per_page=250, request_timeout=request_timeout
            )
        ]

    async def order(self, account_number: str, order_id: int) -> Order:
        r = await self._transport.call(
            "GET",
            f"/accounts/{_path_part(account_number)}/orders/{order_id}",
            what=f"Loading order {order_id}",
        )
        return Order.from_wire(r.data or {})

    async def search_orders(
        self,
        account_number: str,
        *,
        statuses: Iterable[str] | None = None,
        underlying_symbol: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        sort: str = "Desc",
        per_page: int = 100,
    ) -> AsyncIterator[Order]:
        """Order history, newest first by default, fetched page by page as you iterate."""
        params = _params(
            **{
                "status[]": _array(statuses),
                "underlying-symbol": underlying_symbol,
                "start-date": start_date,
                "end-date": end_date,
                "sort": sort,
            }
        )
        path = f"/accounts/{_path_part(account_number)}/orders"
        async for item in self._transport.items(
            path, what="Searching orders", params=params, per_page=per_page
        ):
            yield Order.from_wire(item)

    async def live_complex_orders(
        self, account_number: str, *, request_timeout: float | None = None
    ) -> list[ComplexOrder]:
        r = await self._transport.call(
            "GET",
            f"/accounts/{_path_part(account_number)}/complex-orders/live",
            what="Loading complex orders",
            request_timeout=request_timeout,
        )
        return [ComplexOrder.from_wire(i) for i in r.items if isinstance(i, Mapping)]

    # --- dry-runs ----------------------------------------------------------------------------

    async def dry_run(self, account_number: str, order_json: str) -> DryRunResult:
        """What the order would do. Raises :class:`PreflightFailed` (carrying the full result,
        buying-power effect included) when the broker's checks reject it."""
        path = f"/accounts/{_path_part(account_number)}/orders/dry-run"
        return await self._dry_run(path, order_json, "Reviewing the order")

    async def dry_run_replace(self, account_number: str, order_id: int, order_json: str) -> DryRunResult:
        path = f"/accounts/{_path_part(account_number)}/orders/{order_id}/dry-run"
        return await self._dry_run(path, order_json, f"Reviewing the change to order {order_id}")

    async def dry_run_complex_order(self, account_number: str, order_json: str) -> DryRunResult:
        path = f"/accounts/{_path_part(account_number)}/complex-orders/dry-run"
        return await self._dry_run(path, order_json, "Reviewing the complex order")

    async def _dry_run(self, path: str, order_json: str, what: str) -> DryRunResult:
        r = await self._transport.call(
            "POST", path, what=what, content=order_json, idempotent=True, accept=(422,)
        )
        if r.status == 422:
            raise _preflight_failure(r, what)
        return DryRunResult.from_data(r.data, r.text)

    # --- placing -----------------------------------------------------------------------------

    async def place_order(self, account_number: str, order_json: str) -> PlacedOrderResult:
        """Send the order. Never resent: see the module docstring for what happens on a timeout."""
        path = f"/accounts/{_path_part(account_number)}/orders"
        known = await self._known_order_ids(account_number)
        started = datetime.now(UTC)
        try:
            r = await self._transport.call(
                "POST", path, what="Placing the order", content=order_json, idempotent=False
            )
        except (ResponseLost, ServerError) as exc:
            found = await self._recover_order(
                account_number, order_json, known, started, patient=isinstance(exc, ResponseLost)
            )
            if found is not None:
                log.warning(
                    "Order submit got no clear answer (%s); found it as order %s",
                    type(exc).__name__,
                    found.id,
                )
                return PlacedOrderResult(order=found, raw_json=_json_of(found), recovered=True)
            raise _unknown_outcome(exc, "order") from None
        return PlacedOrderResult.from_data(r.data, r.text)

    async def replace_order(self, account_number: str, order_id: int, order_json: str) -> PlacedOrderResult:
        """Cancel-replace ``order_id`` with the order in ``order_json``; the result is the new order."""
        path = f"/accounts/{_path_part(account_number)}/orders/{order_id}"
        try:
            r = await self._transport.call(
                "PUT", path, what=f"Replacing order {order_id}", content=order_json, idempotent=False
            )
        except (ResponseLost, ServerError) as exc:
            found = await self._recover_replacement(account_number, order_id)
            if found is not None:
                return PlacedOrderResult(order=found, raw_json=_json_of(found), recovered=True)
            raise _unknown_outcome(exc, "replacement order") from None
        data = r.data if isinstance(r.data, Mapping) else {}
        if "order" not in data and data:  # the replace answer is the bare new order
            return PlacedOrderResult(order=Order.from_wire(data), raw_json=r.text)
        return PlacedOrderResult.from_data(data, r.text)

    async def cancel_order(self, account_number: str, order_id: int) -> Order:
        """Ask to cancel; the final ``Cancelled`` arrives on the account streamer.

        Cancelling an order that is already cancelled (or being cancelled) returns it
        instead of failing: that is what the user wanted.
        """
        path = f"/accounts/{_path_part(account_number)}/orders/{order_id}"
        try:
            r = await self._transport.call(
                "DELETE", path, what=f"Cancelling order {order_id}", idempotent=True
            )
        except InvalidRequest as exc:
            if exc.code != "cannot_update_order":
                raise
            current = await self.order(account_number, order_id)
            if current.status in ("Cancelled", "Cancel Requested"):
                return current
            raise InvalidRequest(
                f"Order {order_id} could not be cancelled: it is "
                f"{current.status.lower() or 'no longer working'}.",
                status=exc.status,
                code=exc.code,
            ) from None
        return Order.from_wire(r.data or {})

    async def place_complex_order(self, account_number: str, order_json: str) -> PlacedOrderResult:
        """Send an OCO/OTOCO/OTO order; recovered from live complex orders after a lost answer."""
        path = f"/accounts/{_path_part(account_number)}/complex-orders"
        known = {
            c.id
            for c in await self._safe(
                self.live_complex_orders(account_number, request_timeout=self.lookup_timeout)
            )
        }
        try:
            r = await self._transport.call(
                "POST", path, what="Placing the complex order", content=order_json, idempotent=False
            )
        except (ResponseLost, ServerError) as exc:
            found = await self._recover_complex(account_number, order_json, known)
            if found is not None:
                return PlacedOrderResult(complex_order=found, raw_json=_json_of(found), recovered=True)
            raise _unknown_outcome(exc, "complex order") from None
        return PlacedOrderResult.from_data(r.data, r.text)

    async def cancel_complex_order(self, account_number: str, complex_order_id: int) -> ComplexOrder:
        path = f"/accounts/{_path_part(account_number)}/complex-orders/{complex_order_id}"
        r = await self._transport.call(
            "DELETE", path, what=f"Cancelling complex order {complex_order_id}", idempotent=True
        )
        return ComplexOrder.from_wire(r.data or {})

    # --- recovery after a lost answer ---------------------------------------------------------

    async def _safe(self, pending: Any) -> list[Any]:
        try:
            return await pending
        except ApiError as exc:
            log.warning(
                "Could not list orders before sending (%s); matching by content and time", exc.code or exc
            )
            return []

    async def _known_order_ids(self, account_number: str) -> set[int]:
        orders = await self._safe(self.live_orders(account_number, request_timeout=self.lookup_timeout))
        return {o.id for o in orders if o.id is not None}

    async def _poll(self, find: Any, patient: bool) -> Any:
        deadline = time.monotonic() + (self.order_lookup_s if patient else min(2.0, self.order_lookup_s))
        while True:
            try:
                found = await find()
            except ApiError as exc:
                log.warning("Looking for the order failed (%s)", exc)
                found = None
            if found is not None or time.monotonic() >= deadline:
                return found
            await asyncio.sleep(0.5)

    async def _recover_order(
        self, account_number: str, order_json: str, known: set[int], started: datetime, patient: bool
    ) -> Order | None:
        body = _loads(order_json)
        wanted = _order_signature(body)
        external_id = body.get("external-identifier")

        def same(o: Order) -> bool:
            if external_id:  # the client's own id: the strongest match there is
                return o.external_identifier == external_id
            return _order_signature(o.raw or {}) == wanted

        async def find() -> Order | None:
            orders = await self.live_orders(account_number, request_timeout=self.lookup_timeout)
            matches = [
                o
                for o in orders
                if o.id is not None
                and o.id not in known
                and (o.received_at is None or o.received_at >= started - _SKEW)
                and same(o)
            ]
            return max(matches, key=lambda o: o.id or 0) if matches else None

        return await self._poll(find, patient)

    async def _recover_replacement(self, account_number: str, order_id: int) -> Order | None:
        async def find() -> Order | None:
            orders = await self.live_orders(account_number, request_timeout=self.lookup_timeout)
            return next((o for o in orders if o.replaces_order_id == order_id), None)

        return await self._poll(find, True)

    async def _recover_complex(
        self, account_number: str, order_json: str, known: set[int | None]
    ) -> ComplexOrder | None:
        kind = str(_loads(order_json).get("type") or "")

        async def find() -> ComplexOrder | None:
            live = await self.live_complex_orders(account_number, request_timeout=self.lookup_timeout)
            new = [c for c in live if c.id not in known and (not kind or c.type == kind)]
            return max(new, key=lambda c: c.id or 0) if new else None

        return await self._poll(find, True)


def _preflight_failure(r: Response, what: str) -> PreflightFailed:
    body = r.body if isinstance(r.body, Mapping) else {}
    err = error_from_response(422, body, what=what)
    errors = tuple(OrderMessage(code=d.code, message=d.message) for d in err.details)
    if not errors:
        errors = (OrderMessage(code=err.code, message=err.message),)
    result = DryRunResult.from_data(body.get("data"), r.text, errors=errors)
    return PreflightFailed(
        err.message,
        status=422,
        code=err.code,
        details=err.details,
        support_id=err.support_id,
        buying_power_effect=result.buying_power_effect,
        dry_run=result,
    )


def _unknown_outcome(exc: ApiError, noun: str) -> ApiError:
    if isinstance(exc, ServerError):
        return ServerError(
            f"The server failed while placing the {noun} (HTTP {exc.status}), and it is not among the "
            "account's orders. Check the Orders panel before sending it again.",
            status=exc.status,
            code=exc.code,
        )
    return OrderStatusUnknown(
        f"No answer came back for the {noun}, and it could not be found among the account's orders. "
        "It may still reach the market: check the Orders panel before sending it again.",
        code="order_status_unknown",
    )


def _loads(order_json: str) -> Mapping[str, Any]:
    try:
        value = json.loads(order_json)
    except ValueError:
        return {}
    return value if isinstance(value, Mapping) else {}


def _norm(value: Any) -> Decimal | str | None:
    d = dec(value)
    return abs(d).normalize() if d is not None else (str(value) if value is not None else None)


def _order_signature(order: Mapping[str, Any]) -> tuple[Any, ...]:
    """What identifies an order's content: type, TIF, price/value and legs."""
    legs = order.get("legs") if isinstance(order.get("legs"), list) else []
    return (
        order.get("order-type"),
        order.get("time-in-force"),
        _norm(order.get("price")),
        order.get("price-effect") if order.get("price") is not None else None,
        _norm(order.get("stop-trigger")),
        _norm(order.get("value")),
        tuple(
            sorted(
                (str(leg.get("symbol", "")), str(leg.get("action", "")), _norm(leg.get("quantity")))
                for leg in legs
                if isinstance(leg, Mapping)
            )
        ),
    )


def _json_of(model: Order | ComplexOrder) -> str:
    return json.dumps({"data": model.raw or {}}, separators=(",", ":"))
