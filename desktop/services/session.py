"""The session: which environment is live, sign-in and sign-out, and connection state.

``SessionService.sign_in`` checks the credentials by refreshing an access token and loading
``/customers/me``, and only then (when asked to remember them) stores them in the OS
keyring. Without a usable keyring it says so plainly and keeps the session for this run only.
It also installs the process-wide log redaction (a second line of defence for secrets).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.api import redaction
from desktop.api.credentials import Credentials, CredentialStore, KeyringUnavailable
from desktop.api.environments import Environment
from desktop.api.errors import ApiError, InvalidRequest
from desktop.api.http import REST_OK
from desktop.api.models import Customer
from desktop.api.rest import TastytradeClient

log = logging.getLogger(__name__)

ClientFactory = Callable[..., TastytradeClient]


class SessionState(StrEnum):
    SIGNED_OUT = "signed-out"
    SIGNING_IN = "signing-in"
    READY = "ready"
    ERROR = "error"


class SessionService(QObject):
    """Owns the REST client of the environment the user is signed in to.

    Signals: ``state_changed(str)`` (a :class:`SessionState` value), ``error(str)`` (plain
    words for the Messages dock), ``rest_state_changed(str)`` ("ok", "retrying", "offline",
    "unauthorized"), ``signed_in(object)`` (the :class:`Customer`), ``signed_out()``.
    """

    state_changed = Signal(str)
    error = Signal(str)
    rest_state_changed = Signal(str)
    signed_in = Signal(object)
    signed_out = Signal()

    def __init__(
        self,
        credential_store: CredentialStore | None = None,
        *,
        client_factory: ClientFactory = TastytradeClient,
        client_options: dict[str, Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        redaction.install()
        self.credentials = credential_store or CredentialStore()
        self._client_factory = client_factory
        self._client_options = dict(client_options or {})
        self._client: TastytradeClient | None = None
        self._environment: Environment | None = None
        self._customer: Customer | None = None
        self._state = SessionState.SIGNED_OUT
        self._rest_state = REST_OK
        self._generation = 0
        self._remembering = False
        self._closing: set[asyncio.Task[None]] = set()

    # --- state ---------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._state.value

    @property
    def environment(self) -> Environment | None:
        return self._environment

    @property
    def client(self) -> TastytradeClient | None:
        """The signed-in REST client (``None`` unless the state is ready)."""
        return self._client if self._state is SessionState.READY else None

    @property
    def customer(self) -> Customer | None:
        return self._customer

    @property
    def rest_state(self) -> str:
        return self._rest_state

    @property
    def is_ready(self) -> bool:
        return self._state is SessionState.READY

    @property
    def keyring_problem(self) -> str | None:
        """Why credentials cannot be remembered on this machine (``None`` when they can)."""
        return self.credentials.unavailable_reason

    def saved_credentials(self, env_name: str) -> Credentials | None:
        """Credentials remembered for ``env_name`` (never for Demo), or ``None``."""
        if env_name == "demo":
            return None
        return self.credentials.load(env_name)

    def _set_state(self, state: SessionState) -> None:
        if state is not self._state:
            self._state = state
            log.info("Session %s", state.value)
            self.state_changed.emit(state.value)

    def _on_rest_state(self, generation: int) -> Callable[[str], None]:
        def report(state: str) -> None:
            if generation != self._generation or state == self._rest_state:
                return
            self._rest_state = state
            self.rest_state_changed.emit(state)
            if state == "unauthorized":
                self.error.emit("Tastytrade no longer accepts this session. Sign in again.")

        return report

    # --- sign-in / sign-out -----------------------------------------------------------------

    async def sign_in(
        self, env: Environment, client_secret: str, refresh_token: str, remember: bool = False
    ) -> Customer:
        """Check the credentials against ``env`` and make it the live session.

        Raises the typed :class:`~desktop.api.errors.ApiError` (after emitting ``error``)
        when they do not work; nothing is stored in that case.
        """
        client_secret, refresh_token = client_secret.strip(), refresh_token.strip()
        if not client_secret or not refresh_token:
            message = "Enter both the OAuth client secret and the refresh token."
            self.error.emit(message)
            raise InvalidRequest(message)
        await self._close_current()
        self._generation += 1
        generation = self._generation
        self._environment = env
        self._customer = None
        self._rest_state = REST_OK
        self._set_state(SessionState.SIGNING_IN)
        self._remembering = remember and not env.is_demo
        client = self._client_factory(
            env,
            client_secret,
            refresh_token,
            on_rest_state=self._on_rest_state(generation),
            on_refresh_token_rotated=self._on_rotated(generation, env, client_secret),
            **self._client_options,
        )
        self._client = client
        try:
            await client.sign_in()
            customer = await client.customer()
        except ApiError as exc:
            if generation == self._generation:
                self._client = None
                self._set_state(SessionState.ERROR)
                self.error.emit(f"Signing in to {env.title} failed: {exc.message}")
            await client.aclose()
            raise
        except BaseException:
            await client.aclose()
            if generation == self._generation:
                self._client = None
                self._set_state(SessionState.SIGNED_OUT)
            raise
        if generation != self._generation:  # signed out (or in elsewhere) meanwhile
            await client.aclose()
            raise InvalidRequest("The sign-in was cancelled.")
        self._customer = customer
        if remember and not env.is_demo:
            self._remember(env, client_secret, client.tokens.refresh_token.reveal())
        self._set_state(SessionState.READY)
        log.info("Signed in to %s as %s", env.title, customer.external_id or "the customer")
        self.signed_in.emit(customer)
        return customer

    def _on_rotated(self, generation: int, env: Environment, client_secret: str) -> Callable[[str], None]:
        def save(refresh_token: str) -> None:
            # Re-save a rotated token only for a remembered session that is live.
            if generation == self._generation and self._remembering and self._state is SessionState.READY:
                self._remember(env, client_secret, refresh_token)

        return save

    def _remember(self, env: Environment, client_secret: str, refresh_token: str) -> None:
        try:
            self.credentials.save(env.name, Credentials(client_secret, refresh_token))
        except KeyringUnavailable as exc:
            self.error.emit(f"{exc} You are signed in to {env.title} for this session only.")

    def sign_out(self, forget: bool = True) -> None:
        """End the session; with ``forget`` also delete this environment's saved credentials."""
        env = self._environment
        self._generation += 1
        client, self._client = self._client, None
        self._customer = None
        if forget and env is not None and not env.is_demo:
            self.credentials.delete(env.name)
        if client is not None:
            task = asyncio.ensure_future(client.aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        if self._state is not SessionState.SIGNED_OUT:
            self._set_state(SessionState.SIGNED_OUT)
            self.signed_out.emit()

    async def _close_current(self) -> None:
        if self._client is not None or self._state is SessionState.READY:
            self.sign_out(forget=False)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    async def close(self) -> None:
        """Close the client at application exit (saved credentials are kept)."""
        await self._close_current()
