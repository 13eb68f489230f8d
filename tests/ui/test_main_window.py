"""The window shell: nine docks with stable names, View toggles, layout persistence, read-only."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop.api.credentials import CredentialStore
from desktop.api.dxlink import DXLinkClient
from desktop.services.market_data import MarketDataHub
from desktop.services.orders import OrderService
from desktop.services.portfolio import PortfolioService
from desktop.services.session import SessionService
from desktop.ui.context import OrderLegRequest, OrderRequest, UiContext
from desktop.ui.docks import DockSpec, PanelFailed, build_panel
from desktop.ui.layout import LAYOUT_VERSION
from desktop.ui.main_window import MainWindow
from desktop.ui.messages import MessagesPanel
from desktop.ui.table_view import SpecTableView
from desktop.ui.theme import ThemeManager
from tests.ui.conftest import MemoryKeyring


async def _no_token() -> object:
    raise RuntimeError("not signed in")


DOCK_NAMES = {
    "accountPanel",
    "positionsPanel",
    "ordersPanel",
    "activityPanel",
    "watchlistPanel",
    "chainPanel",
    "chartPanel",
    "orderTicket",
    "messagesPanel",
}


def make_window(qtbot, settings_path: Path) -> MainWindow:
    """The window over real services that are not signed in (nothing connects)."""
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    theme = ThemeManager(settings)
    theme.apply()
    session = SessionService(CredentialStore(MemoryKeyring()))
    hub = MarketDataHub(DXLinkClient(_no_token))
    portfolio = PortfolioService(session, hub)
    orders = OrderService(session, portfolio)
    ctx = UiContext(
        session=session, hub=hub, portfolio=portfolio, orders=orders, settings=settings, theme=theme
    )
    w = MainWindow(ctx, MessagesPanel())
    qtbot.addWidget(w)
    return w


@pytest.fixture
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path / "settings.ini")
    w.show()
    return w


def test_nine_docks_with_stable_object_names_and_view_toggles(window: MainWindow) -> None:
    assert set(window.docks) == DOCK_NAMES
    for name, dock in window.docks.items():
        assert dock.objectName() == name
        assert dock.widget() is not None
    view_actions = {a.objectName() for a in window.view_menu.actions()}
    assert {f"toggle_{n}" for n in DOCK_NAMES} <= view_actions
    assert "every dock built" not in window.ctx.readiness.missing(), "no dock may be a failure placeholder"
    toggle = window.docks["activityPanel"].toggleViewAction()
    assert toggle.shortcut().toString() == "Alt+4"
    was = window.docks["messagesPanel"].isVisible()
    window.docks["messagesPanel"].toggleViewAction().trigger()
    assert window.docks["messagesPanel"].isVisible() is not was


def test_environment_badge_and_title_always_name_the_environment(window: MainWindow) -> None:
    window.set_environment("demo")
    assert "DEMO" in window.windowTitle() and "DEMO" in window.env_badge.text()
    assert not window.sign_out_action.isEnabled()
    window.set_environment("production", "Jane Doe")
    assert "PRODUCTION" in window.windowTitle()
    assert "real money" in window.env_badge.text()
    assert window.sign_out_action.isEnabled()
    demo_colour = window.ctx.theme.color("environments.demo").name()
    prod_colour = window.ctx.theme.color("environments.production").name()
    assert demo_colour != prod_colour and prod_colour in window.env_badge.styleSheet()


def test_layout_persists_across_a_restart_and_resets(qtbot, tmp_path) -> None:
    path = tmp_path / "settings.ini"
    w1 = make_window(qtbot, path)
    w1.show()
    w1.restore_layout()
    w1.docks["watchlistPanel"].hide()
    w1.docks["chartPanel"].setFloating(True)
    vega = w1.findChild(SpecTableView, "positionsTable").spec_model.column_index("vega")
    w1.findChild(SpecTableView, "positionsTable").horizontalHeader().setSectionHidden(vega, True)
    w1.resize(777, 700)  # fits the 800x800 offscreen screen
    size = (w1.width(), w1.height())
    assert size != (1600, 1000)
    w1.close()

    w2 = make_window(qtbot, path)
    w2.show()
    assert w2.restore_layout()
    assert not w2.docks["watchlistPanel"].isVisible()
    assert w2.docks["chartPanel"].isFloating()
    assert (w2.width(), w2.height()) == size
    columns = w2.findChild(SpecTableView, "positionsTable").horizontalHeader()
    assert columns.isSectionHidden(vega), "every table's columns persist too"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    assert settings.value(f"layout/v{LAYOUT_VERSION}/state") is not None

    w2.reset_layout()
    assert w2.docks["watchlistPanel"].isVisible()
    assert not w2.docks["chartPanel"].isFloating()
    assert not columns.isSectionHidden(vega)
    assert QSettings(str(path), QSettings.Format.IniFormat).value(f"layout/v{LAYOUT_VERSION}/state") is None


def test_layout_saved_by_another_version_is_ignored(qtbot, tmp_path) -> None:
    path = tmp_path / "settings.ini"
    w1 = make_window(qtbot, path)
    w1.show()
    w1.docks["watchlistPanel"].hide()
    state = w1.saveState(LAYOUT_VERSION + 1)  # what a newer/older build would have stored
    w1.close()
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    settings.setValue(f"layout/v{LAYOUT_VERSION}/state", state)
    settings.sync()
    w2 = make_window(qtbot, path)
    w2.show()
    w2.restore_layout()
    assert w2.docks["watchlistPanel"].isVisible(), "a foreign layout must not be misapplied"


def test_read_only_account_cannot_reach_order_entry(window: MainWindow, caplog) -> None:
    ticket = window.docks["orderTicket"]
    window.ctx.account.select("5WT00001", "owner", "Individual")
    assert window.show_order_entry() and ticket.isVisible()
    window.ctx.account.select("5WT00003", "read-only", "Shared (read-only)")
    assert not ticket.isVisible()
    assert not ticket.toggleViewAction().isEnabled()
    assert not window.new_order_action.isEnabled()
    ticket.toggleViewAction().trigger()
    window.new_order_action.trigger()
    with caplog.at_level(logging.WARNING, logger="desktop.messages"):
        assert not window.show_order_entry()
        window.ctx.bus.request_order(
            OrderRequest(
                "5WT00003",
                (OrderLegRequest("AAPL", "Equity", "Sell to Close", 1),),  # type: ignore[arg-type]
                "AAPL",
            )
        )
    assert not ticket.isVisible()
    assert "read-only" in caplog.text
    assert "READ-ONLY" in window.read_only_badge.text() and window._read_only_action.isVisible()
    window.ctx.account.select("5WT00001", "owner", "Individual")
    assert ticket.toggleViewAction().isEnabled()


def test_keyboard_shortcuts_for_main_actions(window: MainWindow) -> None:
    shortcuts = {a.objectName(): a.shortcut().toString() for a in window.actions() if a.objectName()}
    assert shortcuts["newOrderAction"] == "Ctrl+N"
    assert shortcuts["refreshAction"] == "F5"
    assert shortcuts["resetLayoutAction"] == "Ctrl+Shift+R"
    assert shortcuts["quitAction"] == "Ctrl+Q"


def test_theme_switch_recolours_and_persists(window: MainWindow, tmp_path) -> None:
    theme = window.ctx.theme
    window.theme_actions["dark"].trigger()
    assert theme.is_dark
    dark_pos = theme.color("tones.positive").name()
    window.theme_actions["light"].trigger()
    assert not theme.is_dark
    assert theme.color("tones.positive").name() != dark_pos
    assert window.ctx.settings.value("view/theme") == "light"
    for tone in ("positive", "negative"):
        for name in ("light", "dark"):
            theme.set_mode(name)
            base = theme.color("tones." + tone)
            bg = window.palette().color(window.palette().ColorRole.Base)
            assert _contrast(base, bg) >= 3.0, f"{tone} P/L must be readable on the {name} theme"
    assert Qt.ColorScheme  # the OS-following mode relies on QStyleHints.colorScheme()


def _contrast(a, b) -> float:
    def lum(c) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    la, lb = sorted((lum(a), lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_a_panel_that_cannot_be_built_says_why(window: MainWindow) -> None:
    spec = DockSpec("brokenPanel", "Broken", "desktop.ui.no_such_module:create", "Alt+0", "")
    widget = build_panel(spec, window.ctx)
    assert isinstance(widget, PanelFailed) and "no_such_module" in widget.text()
    window.docks["chartPanel"].setWidget(widget)
    assert "Chart" in window.ctx.readiness.missing()["every dock built"]
