"""Tastytrade's REST envelopes: ``{"data", "context"}``, pagination, the error shapes.

Also the small wire helpers every route uses: decimal strings, ``-effect`` siblings,
timestamps with milliseconds, and query parameters in PHP-bracket or comma form.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web

from desktop.simulator.wire import dec, effect_of, iso, money

__all__ = ["dec", "effect_of", "iso", "money"]  # re-exported for the routes

JSON = "application/json"
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class ApiError(Exception):
    """Raise inside a handler to answer with the standard error envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors, self.data = status, code, message, errors, data


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=_dumps(body), status=status, content_type=JSON, headers=headers)


def ok(
    request: web.Request, data: Any, pagination: dict[str, Any] | None = None, status: int = 200
) -> web.Response:
    """``{"data": data, "context": path}`` (+ ``pagination``)."""
    body: dict[str, Any] = {"data": data, "context": request.path}
    if pagination is not None:
        body["pagination"] = pagination
    return json_response(body, status)


def items(request: web.Request, rows: list[Any], pagination: dict[str, Any] | None = None) -> web.Response:
    return ok(request, {"items": rows}, pagination)


def error_body(code: str | int, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if errors:
        err["errors"] = errors
    return {"error": err}


def error(
    status: int,
    code: str | int,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    return json_response(error_body(code, message, errors), status, headers)


def support_id() -> str:
    """The "Unique customer support identifier" suffix of real error messages."""
    return secrets.token_hex(16)


def unauthorized() -> web.Response:
    return error(401, "unauthorized", f"Unauthorized. Unique customer support identifier: {support_id()}")


def validation_error(domain: str, reason: str) -> ApiError:
    return ApiError(
        400, "validation_error", "Request validation failed", [{"domain": domain, "reason": reason}]
    )


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


# ---------------------------------------------------------------------------------------------
# pagination
# ---------------------------------------------------------------------------------------------


def paginate(
    request: web.Request, rows: Sequence[Any], default_per_page: int
) -> tuple[list[Any], dict[str, Any]]:
    """The requested page of ``rows`` and its ``pagination`` block (``per-page``, ``page-offset``)."""
    per_page = int_param(request, "per-page", default_per_page, 1, 2000)
    page = int_param(request, "page-offset", 0, 0, 10_000_000)
    total = len(rows)
    pages = max(1, math.ceil(total / per_page)) if total else 0
    start = page * per_page
    chunk = list(rows[start : start + per_page])
    return chunk, {
        "per-page": per_page,
        "page-offset": page,
        "item-offset": start,
        "total-items": total,
        "total-pages": pages,
        "current-item-count": len(chunk),
        "previous-link": None,
        "next-link": None,
        "paging-link-template": None,
    }


# ---------------------------------------------------------------------------------------------
# query parameters
# ---------------------------------------------------------------------------------------------


def list_param(request: web.Request, name: str) -> list[str]:
    """Values of ``name[]`` (repeated) or ``name`` (repeated or comma-separated)."""
    values: list[str] = []
    for key in (f"{name}[]", name):
        for raw in request.query.getall(key, []):
            values.extend(v.strip() for v in raw.split(",") if v.strip())
    return values


def int_param(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_error(name, "must be an integer") from None
    if not lo <= value <= hi:
        raise validation_error(name, f"must be between {lo} and {hi}")
    return value


def bool_param(request: web.Request, name: str, default: bool = False) -> bool:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("true", "1", "yes")


def date_param(request: web.Request, name: str) -> date | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise validation_error(name, "must be a date (YYYY-MM-DD)") from None


def datetime_param(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise validation_error(name, "must be a date-time (ISO 8601)") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body (400 ``validation_error`` when it is not one)."""
    try:
        body = await request.json(loads=json.loads)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise validation_error("body", "must be a JSON object")
    return body


def first(values: Iterable[str], default: str = "") -> str:
    for v in values:
        return v
    return default
