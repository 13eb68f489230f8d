"""REST calls about the customer, accounts, balances, positions, transactions, watchlists."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from desktop.api.errors import NotFound
from desktop.api.http import RestTransport
from desktop.api.models import (
    Account,
    Balance,
    Customer,
    Position,
    TotalFees,
    TradingStatus,
    Transaction,
    Watchlist,
)


def _path_part(value: str) -> str:
    """URL-encode one path segment (``/``, spaces and all)."""
    return quote(value, safe="")


def _array(values: str | Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [values] if isinstance(values, str) else list(values)


def _params(**kwargs: Any) -> dict[str, Any]:
    """Query parameters without ``None``s; dates as ISO strings; booleans as ``true``/``false``."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


class AccountsApi:
    """Customer/account resources; mixed into :class:`~desktop.api.rest.TastytradeClient`."""

    _transport: RestTransport

    async def customer(self) -> Customer:
        r = await self._transport.call("GET", "/customers/me", what="Loading the customer")
        return Customer.from_wire(r.data or {})

    async def accounts(self, include_closed: bool = False) -> list[Account]:
        """The customer's accounts, each with its ``authority_level``."""
        r = await self._transport.call("GET", "/customers/me/accounts", what="Loading accounts")
        accounts = [Account.from_list_item(item) for item in r.items if isinstance(item, Mapping)]
        return [a for a in accounts if include_closed or not a.is_closed]

    async def balances(self, account_number: str, currency: str = "USD") -> Balance:
        """Balances in ``currency`` (handles both the object and the per-currency list shapes)."""
        r = await self._transport.call(
            "GET", f"/accounts/{_path_part(account_number)}/balances", what="Loading balances"
        )
        data = r.data
        if isinstance(data, Mapping) and isinstance(data.get("items"), list):
            items = [i for i in data["items"] if isinstance(i, Mapping)]
            match = [i for i in items if str(i.get("currency", currency)) == currency]
            data = (match or items or [{}])[0]
        return Balance.from_wire(data if isinstance(data, Mapping) else {})

    async def positions(
        self,
        account_number: str,
        *,
        underlying_symbols: Iterable[str] | None = None,
        symbol: str | None = None,
        instrument_type: str | None = None,
        include_closed: bool | None = None,
        include_marks: bool | None = None,
        net_positions: bool | None = None,
    ) -> list[Position]:
        params = _params(
            **{
                "underlying-symbol[]": _array(underlying_symbols),
                "symbol": symbol,
                "instrument-type": instrument_type,
                "include-closed-positions": include_closed,
                "include-marks": include_marks,
                "net-positions": net_positions,
            }
        )
        r = await self._transport.call(
            "GET",
            f"/accounts/{_path_part(account_number)}/positions",
            what="Loading positions",
            params=params,
        )
        return [Position.from_wire(i) for i in r.items if isinstance(i, Mapping)]

    async def trading_status(self, account_number: str) -> TradingStatus:
        r = await self._transport.call(
            "GET", f"/accounts/{_path_part(account_number)}/trading-status", what="Loading trading status"
        )
        return TradingStatus.from_wire(r.data or {})

    async def transactions(
        self,
        account_number: str,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        types: Iterable[str] | None = None,
        sub_types: Iterable[str] | None = None,
        symbol: str | None = None,
        underlying_symbol: str | None = None,
        instrument_type: str | None = None,
        sort: str = "Desc",
        per_page: int = 250,
    ) -> AsyncIterator[Transaction]:
        """Account activity, newest first by default, fetched page by page as you iterate."""
        params = _params(
            **{
                "start-date": start_date,
                "end-date": end_date,
                "types[]": _array(types),
                "sub-type[]": _array(sub_types),
                "symbol": symbol,
                "underlying-symbol": underlying_symbol,
                "instrument-type": instrument_type,
                "sort": sort,
            }
        )
        path = f"/accounts/{_path_part(account_number)}/transactions"
        async for item in self._transport.items(
            path, what="Loading transactions", params=params, per_page=per_page
        ):
            yield Transaction.from_wire(item)

    async def total_fees(self, account_number: str, on: date | None = None) -> TotalFees:
        r = await self._transport.call(
            "GET",
            f"/accounts/{_path_part(account_number)}/transactions/total-fees",
            what="Loading the day's fees",
            params=_params(date=on),
        )
        return TotalFees.from_wire(r.data or {})

    async def watchlists(self) -> list[Watchlist]:
        r = await self._transport.call("GET", "/watchlists", what="Loading watchlists")
        return [Watchlist.from_wire(i) for i in r.items if isinstance(i, Mapping)]

    async def watchlist(self, name: str) -> Watchlist:
        r = await self._transport.call(
            "GET", f"/watchlists/{_path_part(name)}", what=f"Loading watchlist {name!r}"
        )
        return Watchlist.from_wire(r.data or {})

    async def public_watchlists(self) -> list[Watchlist]:
        r = await self._transport.call(
            "GET", "/public-watchlists", what="Loading public watchlists", params={"counts-only": "false"}
        )
        return [Watchlist.from_wire(i) for i in r.items if isinstance(i, Mapping)]

    async def create_watchlist(self, watchlist: Watchlist) -> Watchlist:
        r = await self._transport.call(
            "POST",
            "/watchlists",
            what=f"Creating watchlist {watchlist.name!r}",
            json_body=watchlist.to_wire(),
        )
        return Watchlist.from_wire(r.data) if isinstance(r.data, Mapping) else watchlist

    async def update_watchlist(self, name: str, watchlist: Watchlist) -> Watchlist:
        """Replace watchlist ``name`` with ``watchlist`` (which may carry a new name)."""
        r = await self._transport.call(
            "PUT",
            f"/watchlists/{_path_part(name)}",
            what=f"Saving watchlist {name!r}",
            json_body=watchlist.to_wire(),
            idempotent=True,
        )
        return Watchlist.from_wire(r.data) if isinstance(r.data, Mapping) else watchlist

    async def delete_watchlist(self, name: str) -> None:
        """Delete watchlist ``name``; deleting one that is already gone is not an error."""
        try:
            await self._transport.call(
                "DELETE",
                f"/watchlists/{_path_part(name)}",
                what=f"Deleting watchlist {name!r}",
                idempotent=True,
            )
        except NotFound:
            return
