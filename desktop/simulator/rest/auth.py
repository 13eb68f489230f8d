"""``POST /oauth/token`` (JSON or form, bare token response) and the legacy session checks."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from desktop.simulator.account.identity import CUSTOMER_ID, EMAIL, USER_ID, USERNAME
from desktop.simulator.rest.app import ctx_of
from desktop.simulator.rest.envelope import json_response, ok

log = logging.getLogger(__name__)


def _oauth_error(status: int, code: str, description: str) -> web.Response:
    return json_response({"error_code": code, "error_description": description}, status)


async def _form_or_json(request: web.Request) -> dict[str, Any] | None:
    ctype = request.content_type or ""
    if "json" in ctype:
        try:
            body = await request.json(loads=json.loads)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


async def oauth_token(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    body = await _form_or_json(request)
    if body is None:
        return _oauth_error(400, "invalid_request", "The request body must be JSON or form-encoded")
    grant = str(body.get("grant_type") or "")
    secret = str(body.get("client_secret") or "")
    if grant not in ("refresh_token", "authorization_code"):
        return _oauth_error(400, "unsupported_grant_type", f"grant_type must be refresh_token, not {grant!r}")
    if not secret:
        return _oauth_error(401, "invalid_client", "client_secret is required")
    if ctx.config.client_secret is not None and secret != ctx.config.client_secret:
        log.info("oauth: refused a token request with a wrong client secret")
        return _oauth_error(401, "invalid_client", "Invalid client credentials")
    if grant == "refresh_token":
        refresh = str(body.get("refresh_token") or "")
        if not refresh:
            return _oauth_error(400, "invalid_request", "refresh_token is required")
        if ctx.config.refresh_token is not None and refresh != ctx.config.refresh_token:
            log.info("oauth: refused a token request with an unknown refresh token")
            return _oauth_error(400, "invalid_grant", "Invalid JWT")
    elif not body.get("code"):
        return _oauth_error(400, "invalid_request", "code is required")
    advertised = ctx.config.access_token_ttl_s
    real = ctx.faults.access_token_ttl_s if ctx.faults.access_token_ttl_s is not None else advertised
    token = ctx.tokens.issue_access(CUSTOMER_ID, real)
    log.info("oauth: issued an access token (lifetime %s s)", real)
    return json_response(
        {"access_token": token, "token_type": "Bearer", "expires_in": advertised, "scope": "read trade"}
    )


async def sessions_validate(request: web.Request) -> web.Response:
    return ok(request, {"email": EMAIL, "username": USERNAME, "external-id": "U0001563674", "id": USER_ID})


async def sessions_delete(request: web.Request) -> web.Response:
    return web.Response(status=204)


def register(app: web.Application) -> None:
    app.router.add_post("/oauth/token", oauth_token)
    app.router.add_post("/sessions/validate", sessions_validate)
    app.router.add_delete("/sessions", sessions_delete)
