"""The running application: services, window, sign-in flow, Demo exchange, smoke test.

:class:`TastyDesk` is built by ``desktop.app`` (the composition root), which hands it a
``start_exchange`` callable for Demo mode (the UI layer never imports the simulator). Tests
build it directly with the test exchange, an isolated settings file and an in-memory keyring.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QApplication, QDialog

from desktop.api import environments
from desktop.ui.context import UiContext, describe_error
from desktop.ui.smoke import SmokeResult, save_screenshot, wait_until_ready

log = logging.getLogger("desktop.app")
messages = logging.getLogger("desktop.messages")

DEMO_SECRET = "demo"  # the embedded exchange accepts any credentials; these say what they are
_LAST_ENV = "session/environment"


class DemoExchange(Protocol):
    base_url: str
    streamer_url: str

    def stop(self) -> None: ...


def choose_environment(requested: str | None, has_saved: Callable[[str], bool], last_used: str | None) -> str:
    """``requested`` wins; else the last-used (then production, sandbox) with saved credentials; else Demo."""
    if requested:
        return requested
    order = [e for e in (last_used, "production", "sandbox") if e in ("production", "sandbox")]
    for env in dict.fromkeys(order):
        if has_saved(env):
            return env
    return "demo"


class TastyDesk(QObject):
    """Owns the services and the main window for one run of the app."""

    def __init__(
        self,
        *,
        data_dir: Path,
        settings: QSettings,
        requested_env: str | None = None,
        start_exchange: Callable[[Path], DemoExchange] | None = None,
        exchange: DemoExchange | None = None,
        credential_store: Any = None,
        messages_handler: Any = None,
        restore_layout: bool = True,
        reset_layout: bool = False,
        log_folder: Path | None = None,
        environment_for: Callable[[str], Any] = environments.by_name,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.settings = settings
        self.requested_env = requested_env
        self._start_exchange = start_exchange
        self.exchange = exchange
        self._own_exchange = False
        self._exchange_start: asyncio.Future[Any] | None = None
        self._credential_store = credential_store
        self._messages_handler = messages_handler
        self._restore_layout = restore_layout
        self._reset_layout = reset_layout
        self._log_folder = log_folder
        self._environment_for = environment_for  # tests point "sandbox" at a local exchange
        self._closed: asyncio.Future[None] | None = None
        self.ctx: UiContext | None = None
        self.window: Any = None
        self.splash: Any = None
        self.session: Any = None
        self.hub: Any = None
        self.portfolio: Any = None
        self.orders: Any = None
        self.fills: Any = None
        self.status_binding: Any = None

    # ---- start-up ------------------------------------------------------------------------
    async def start(self, environment: str | None = None) -> None:
        """Build everything, show the window, sign in (Demo: start the exchange first)."""
        from desktop.ui.splash import Splash
        from desktop.ui.theme import ThemeManager

        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # closing the window ends wait_closed(), we stop the loop
        theme = ThemeManager(self.settings)
        theme.apply()
        self._build_services()
        env = environment or choose_environment(
            self.requested_env,
            lambda e: self.session.saved_credentials(e) is not None,
            str(self.settings.value(_LAST_ENV, "") or ""),
        )
        self.splash = Splash(env)
        self.splash.show()
        if env == "demo":
            self._begin_exchange_start()  # in its own thread while the window is built
        self.splash.step("Building the window…")
        await asyncio.sleep(0)
        self._build_window(theme)
        if env == "demo":
            await self.sign_in_demo()
        else:
            await self._sign_in_saved_or_ask(env)
        self.window.show()
        # not splash.finish(): it waits for the window with processEvents() (re-entering asyncio)
        self.splash.close()
        self.splash.deleteLater()
        self.splash = None

    def _build_services(self) -> None:
        from desktop.api.dxlink import DXLinkClient
        from desktop.services.market_data import MarketDataHub
        from desktop.services.orders import OrderService
        from desktop.services.portfolio import PortfolioService
        from desktop.services.session import SessionService
        from desktop.ui.notifications import FillNotifier

        self.session = SessionService(self._credential_store, parent=self)

        async def quote_token() -> Any:
            client = self.session.client
            if client is None:
                raise RuntimeError("not signed in")
            return await client.quote_token()

        self.hub = MarketDataHub(DXLinkClient(quote_token), parent=self)
        self.portfolio = PortfolioService(self.session, self.hub, parent=self)
        self.orders = OrderService(self.session, self.portfolio, parent=self)
        self.fills = FillNotifier(self)
        self.portfolio.order_updated.connect(self.fills.order_updated)
        self.portfolio.orders_changed.connect(self.fills.prime)
        self.portfolio.error.connect(lambda text: messages.error("%s", text))
        self.orders.error.connect(lambda text: messages.error("%s", text))
        self.session.signed_in.connect(self._signed_in)
        self.session.signed_out.connect(self._signed_out)
        self.session.error.connect(lambda text: messages.error("%s", text))

    def _build_window(self, theme: Any) -> None:
        from desktop.ui.bindings.status import StatusBinding
        from desktop.ui.main_window import MainWindow
        from desktop.ui.messages import MessagesPanel

        self.ctx = UiContext(
            session=self.session,
            hub=self.hub,
            portfolio=self.portfolio,
            orders=self.orders,
            settings=self.settings,
            theme=theme,
            parent=self,
        )
        panel = MessagesPanel()
        if self._messages_handler is not None:
            panel.attach(self._messages_handler)
        self.window = MainWindow(self.ctx, panel)
        self.window.log_folder = self._log_folder
        if self._reset_layout:
            self.window.reset_layout()  # --reset-layout: the default arrangement, saved one forgotten
        elif self._restore_layout:
            self.window.restore_layout()
        positions, account = self.window.panels["positionsPanel"], self.window.panels["accountPanel"]
        if hasattr(positions, "day_pl_changed") and hasattr(account, "set_day_pl"):
            positions.day_pl_changed.connect(account.set_day_pl)
        self.status_binding = StatusBinding(
            self.window.status, self.session, self.hub, self.portfolio, self.window
        )
        self.window.sign_in_requested.connect(self.open_sign_in)
        self.window.sign_out_requested.connect(lambda: self.ctx.spawn(self.sign_out(), "Signing out"))
        self.window.closed.connect(self._window_closed)

    # ---- sessions -------------------------------------------------------------------------
    def _step(self, text: str) -> None:
        log.info("%s", text)
        if self.splash is not None:
            self.splash.step(text)

    async def sign_in_demo(self) -> None:
        """Start the embedded exchange if needed (never on the UI loop) and sign in to it."""
        if self.exchange is None:
            self._begin_exchange_start()
            self._step("Starting the Demo exchange…")
            # shielded: if start-up is abandoned, shutdown() still gets the exchange to stop it
            self.exchange = await asyncio.shield(self._exchange_start)
        self._step("Signing in to the Demo exchange…")
        env = environments.demo(self.exchange.base_url, self.exchange.streamer_url)
        await self.session.sign_in(env, DEMO_SECRET, DEMO_SECRET, remember=False)

    def _begin_exchange_start(self) -> None:
        """Start the embedded exchange in a worker thread (once); ``sign_in_demo`` awaits it."""
        if self.exchange is not None or self._exchange_start is not None:
            return
        if self._start_exchange is None:
            raise RuntimeError("this build has no embedded exchange for Demo mode")
        state = self.data_dir / "demo-exchange.sqlite3"
        self._own_exchange = True
        self._exchange_start = asyncio.ensure_future(asyncio.to_thread(self._start_exchange, state))

    async def _sign_in_saved_or_ask(self, env_name: str) -> None:
        saved = self.session.saved_credentials(env_name)
        if saved is not None:
            self._step(f"Signing in to {env_name.capitalize()}…")
            try:
                await self.session.sign_in(
                    self._environment_for(env_name), saved.client_secret, saved.refresh_token, remember=False
                )
                return
            except Exception as exc:
                messages.error(
                    "The saved %s credentials did not work: %s", env_name.capitalize(), describe_error(exc)
                )
        if self.splash is not None:
            self.splash.hide()
        await self.ask_sign_in(env_name)  # falls back to Demo when the user gives up

    async def ask_sign_in(self, env_name: str = "sandbox") -> bool:
        """Show the sign-in dialog; ``True`` when the user signed in."""
        from desktop.ui.dialogs.sign_in import SignInDialog

        async def attempt(env: str, secret: str, refresh: str, remember: bool) -> object:
            return await self.session.sign_in(self._environment_for(env), secret, refresh, remember=remember)

        dialog = SignInDialog(
            attempt,
            environment=env_name if env_name != "demo" else "sandbox",
            keyring_available=self.session.keyring_problem is None,
            parent=self.window,
        )
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(lambda code: done.done() or done.set_result(code))
        dialog.open()
        code = await done
        dialog.deleteLater()
        if code == QDialog.DialogCode.Accepted:
            return True
        if not self.session.is_ready:
            # a failed attempt ended the previous session: never leave the user signed out
            messages.info("No sign-in to %s: using Demo mode.", env_name.capitalize())
            await self.sign_in_demo()
        return False

    def open_sign_in(self) -> None:
        self.ctx.spawn(self.ask_sign_in(), "Signing in")

    async def sign_out(self) -> None:
        """Sign out (forgetting saved credentials) and go back to Demo mode."""
        env = self.session.environment
        self.session.sign_out(forget=True)
        messages.info("Signed out of %s; saved credentials forgotten.", env.title if env else "the session")
        await self.sign_in_demo()

    def _signed_in(self, customer: Any) -> None:
        env = self.session.environment
        self.settings.setValue(_LAST_ENV, env.name)
        name = getattr(customer, "display_name", "")
        if self.window is not None:
            self.window.set_environment(env.name, name)
        self.ctx.spawn(self._restart_market_data(), "Connecting market data")

    def _signed_out(self) -> None:
        if self.ctx is not None:
            self.ctx.account.select("", "")
            self.ctx.spawn(self.hub.close(), "Disconnecting market data")

    async def _restart_market_data(self) -> None:
        await self.hub.close()
        self.hub.start()

    # ---- run and stop ---------------------------------------------------------------------
    def _window_closed(self) -> None:
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    async def wait_closed(self) -> None:
        self._closed = asyncio.get_running_loop().create_future()
        if self.window is None or not self.window.isVisible():
            return
        await self._closed

    async def shutdown(self) -> None:
        """Close streams and the REST client, stop our Demo exchange; never raises."""
        if self.splash is not None:
            self.splash.close()
        if self.ctx is not None:
            self.ctx.cancel_tasks()
        for name, closer in (
            ("portfolio", getattr(self.portfolio, "close", None)),
            ("orders", getattr(self.orders, "close", None)),
            ("market data", getattr(self.hub, "close", None)),
            ("session", getattr(self.session, "close", None)),
        ):
            if closer is None:
                continue
            try:
                result = closer()
                if asyncio.iscoroutine(result):
                    await asyncio.wait_for(result, 10)
            except Exception as exc:
                log.warning("Closing %s failed: %s", name, describe_error(exc))
        if self._own_exchange and self.exchange is None and self._exchange_start is not None:
            try:  # start-up was abandoned while the exchange was starting: wait, then stop it
                self.exchange = await asyncio.wait_for(asyncio.shield(self._exchange_start), 60)
            except Exception as exc:
                log.warning("The Demo exchange did not start: %s", describe_error(exc))
        if self._own_exchange and self.exchange is not None:
            try:
                await asyncio.to_thread(self.exchange.stop)
            except Exception as exc:
                log.warning("Stopping the Demo exchange failed: %s", describe_error(exc))
            self.exchange = None
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None

    # ---- smoke test -------------------------------------------------------------------------
    async def smoke_test(self, timeout_s: float, screenshot: Path | None) -> SmokeResult:
        """Demo start offscreen, wait until every readiness check passes, optional screenshot."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout_s):
                await self.start("demo")
        except TimeoutError:
            return SmokeResult(False, timeout_s, {"start-up": "the app did not start in time"})
        except Exception as exc:
            return SmokeResult(False, 0.0, {"start-up": describe_error(exc)})
        startup = time.monotonic() - started
        self.window.resize(1600, 1000)
        result = replace(await wait_until_ready(self.ctx.readiness, timeout_s), startup_s=startup)
        if not result.ok or screenshot is None:
            return result
        await asyncio.sleep(0.3)  # two refresh ticks, so the last values are painted
        try:
            path = save_screenshot(self.window, screenshot)
        except OSError as exc:
            return replace(result, ok=False, missing={"screenshot": str(exc)})
        return replace(result, screenshot=path)
