"""The main window: nine docks, menus and shortcuts, environment badge, status bar, layout.

The window only arranges and toggles things; signing in/out is the app's job (it connects to
:attr:`MainWindow.sign_in_requested` / :attr:`sign_out_requested`), data is the panels' job.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.ui.context import LINKABLE_PANELS, OrderRequest, UiContext
from desktop.ui.docks import DOCKS, DockSpec, PanelFailed, build_panel
from desktop.ui.layout import LayoutStore
from desktop.ui.messages import MessagesPanel
from desktop.ui.status_bar import ConnectionStatusBar

log = logging.getLogger(__name__)

ENV_BADGES = {"demo": "DEMO · paper", "sandbox": "SANDBOX", "production": "PRODUCTION · real money"}


class MainWindow(QMainWindow):
    """The terminal window. ``docks`` maps object name -> ``QDockWidget``."""

    sign_in_requested = Signal()
    sign_out_requested = Signal()
    closed = Signal()

    def __init__(self, ctx: UiContext, messages: MessagesPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.ctx = ctx
        self.messages_panel = messages
        self.environment = ""
        self.docks: dict[str, QDockWidget] = {}
        self.panels: dict[str, QWidget] = {}
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.status = ConnectionStatusBar(self)
        self.setStatusBar(self.status)
        self._build_session_bar()
        for spec in DOCKS:
            self._add_dock(spec)
        self._arrange_default()
        self._build_menus()
        self.resize(QSize(1600, 1000))
        self.layout_store = LayoutStore(ctx.settings, self)
        ctx.account.changed.connect(self._apply_authority)
        ctx.bus.order_requested.connect(self._order_requested)
        if ctx.theme is not None:
            ctx.theme.changed.connect(self._theme_changed)
            self._theme_changed()
        self.set_environment("demo")
        ctx.readiness.add("every dock built", self._docks_ready)

    # ---- construction ----------------------------------------------------------------
    def _build_session_bar(self) -> None:
        bar = QToolBar("Session", self)
        bar.setObjectName("sessionBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.toggleViewAction().setEnabled(False)  # the environment badge must always be visible
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.customer_label = QLabel("", bar)
        self.customer_label.setObjectName("customerLabel")
        self.read_only_badge = QLabel("READ-ONLY", bar)
        self.read_only_badge.setObjectName("readOnlyBadge")
        self.read_only_badge.setProperty("tone", "warning")
        self.read_only_badge.setToolTip("This login may view this account but cannot trade in it")
        self.env_badge = QLabel("", bar)
        self.env_badge.setObjectName("environmentBadge")
        bar.addWidget(spacer)
        bar.addWidget(self.customer_label)
        self._read_only_action = bar.addWidget(self.read_only_badge)
        self._read_only_action.setVisible(False)
        bar.addWidget(self.env_badge)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.session_bar = bar

    def _add_dock(self, spec: DockSpec) -> None:
        dock = QDockWidget(spec.title, self)
        dock.setObjectName(spec.object_name)
        dock.setToolTip(spec.tooltip)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        panel = self.messages_panel if spec.object_name == "messagesPanel" else build_panel(spec, self.ctx)
        dock.setWidget(panel)
        act = dock.toggleViewAction()
        act.setShortcut(QKeySequence(spec.shortcut))
        act.setToolTip(f"Show or hide {spec.title} ({spec.shortcut})")
        act.setObjectName(f"toggle_{spec.object_name}")
        self.docks[spec.object_name] = dock
        self.panels[spec.object_name] = panel

    def _arrange_default(self) -> None:
        d = self.docks
        L, R, B = (
            Qt.DockWidgetArea.LeftDockWidgetArea,
            Qt.DockWidgetArea.RightDockWidgetArea,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.addDockWidget(L, d["accountPanel"])
        self.splitDockWidget(d["accountPanel"], d["watchlistPanel"], Qt.Orientation.Vertical)
        self.addDockWidget(R, d["chartPanel"])
        self.splitDockWidget(d["chartPanel"], d["orderTicket"], Qt.Orientation.Horizontal)
        self.splitDockWidget(d["chartPanel"], d["positionsPanel"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(d["positionsPanel"], d["chainPanel"])
        self.addDockWidget(B, d["ordersPanel"])
        self.splitDockWidget(d["ordersPanel"], d["messagesPanel"], Qt.Orientation.Horizontal)
        self.tabifyDockWidget(d["ordersPanel"], d["activityPanel"])
        d["positionsPanel"].raise_()
        d["ordersPanel"].raise_()
        self.resizeDocks([d["accountPanel"], d["chartPanel"]], [400, 1200], Qt.Orientation.Horizontal)
        self.resizeDocks([d["chartPanel"], d["orderTicket"]], [740, 470], Qt.Orientation.Horizontal)
        self.resizeDocks([d["accountPanel"], d["watchlistPanel"]], [330, 400], Qt.Orientation.Vertical)
        self.resizeDocks([d["chartPanel"], d["positionsPanel"]], [330, 330], Qt.Orientation.Vertical)
        self.resizeDocks([d["ordersPanel"], d["messagesPanel"]], [1000, 600], Qt.Orientation.Horizontal)

    def _action(self, text: str, name: str, shortcut: str | QKeySequence | None, tip: str, slot) -> QAction:
        act = QAction(text, self)
        act.setObjectName(name)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.sign_in_action = self._action(
            "Sign &in…",
            "signInAction",
            "Ctrl+Shift+I",
            "Sign in to Sandbox or Production",
            self.sign_in_requested.emit,
        )
        self.sign_out_action = self._action(
            "Sign &out",
            "signOutAction",
            None,
            "Sign out and forget the saved credentials",
            self.sign_out_requested.emit,
        )
        self.quit_action = self._action("&Quit", "quitAction", "Ctrl+Q", "Quit", self.close)
        file_menu.addActions([self.sign_in_action, self.sign_out_action])
        file_menu.addSeparator()
        file_menu.addAction(self._action("Open the log folder", "openLogsAction", None, "", self._open_logs))
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        trade = mb.addMenu("&Trade")
        self.new_order_action = self._action(
            "&New order", "newOrderAction", "Ctrl+N", "Open the order ticket", self.show_order_entry
        )
        self.refresh_action = self._action(
            "&Refresh account", "refreshAction", "F5", "Reload balances, positions and orders", self._refresh
        )
        trade.addActions([self.new_order_action, self.refresh_action])

        view = mb.addMenu("&View")
        self.view_menu = view
        for spec in DOCKS:
            view.addAction(self.docks[spec.object_name].toggleViewAction())
        view.addSeparator()
        for panel in LINKABLE_PANELS:
            view.addAction(self.ctx.bus.link_action(panel, self))
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for mode, label in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            act = theme_menu.addAction(label)
            act.setObjectName(f"theme_{mode}")
            act.setCheckable(True)
            group.addAction(act)
            act.triggered.connect(lambda _=False, m=mode: self.ctx.theme and self.ctx.theme.set_mode(m))
            self.theme_actions[mode] = act
        if self.ctx.theme is not None:
            self.theme_actions[self.ctx.theme.mode].setChecked(True)
        view.addSeparator()
        self.reset_layout_action = self._action(
            "&Reset layout",
            "resetLayoutAction",
            "Ctrl+Shift+R",
            "Put every dock back where it started",
            self.reset_layout,
        )
        view.addAction(self.reset_layout_action)

        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self._action("&About TastyDesk", "aboutAction", None, "", self._about))

    def _docks_ready(self) -> str | None:
        failed = [
            f"{d.windowTitle()} ({p.reason})"
            for d in self.docks.values()
            if isinstance(p := d.widget(), PanelFailed)
        ]
        return "could not start: " + "; ".join(failed) if failed else None

    # ---- environment, account authority -----------------------------------------------
    def set_environment(self, name: str, customer: str = "") -> None:
        """Show which environment is live: title, coloured badge, sign-out availability."""
        self.environment = name
        badge = ENV_BADGES.get(name, name.upper())
        self.env_badge.setText(badge)
        self.env_badge.setToolTip(
            {
                "demo": "Demo: the built-in paper exchange on this computer. No real money.",
                "sandbox": "Sandbox: Tastytrade's certification system. No real money.",
                "production": "Production: your real Tastytrade accounts. Orders use real money.",
            }.get(name, name)
        )
        color = self.ctx.theme.color(f"environments.{name}").name() if self.ctx.theme else "#666666"
        self.env_badge.setStyleSheet(f"background:{color}; color:white; font-weight:bold; padding:2px 8px;")
        self.customer_label.setText(customer)
        self.sign_out_action.setEnabled(name != "demo")
        self._update_title()

    def _update_title(self) -> None:
        acct = self.ctx.account
        parts = [APP_NAME, f"[{ENV_BADGES.get(self.environment, self.environment).upper()}]"]
        if acct.account_number:
            parts.append(f"{acct.account_number} {acct.nickname}".strip())
        self.setWindowTitle(" — ".join(parts))

    def _apply_authority(self, *_: object) -> None:
        """Read-only accounts cannot reach order entry: hide and disable it."""
        read_only = self.ctx.account.read_only
        ticket = self.docks["orderTicket"]
        if read_only:
            ticket.hide()
        ticket.setEnabled(not read_only)
        ticket.toggleViewAction().setEnabled(not read_only)
        self.new_order_action.setEnabled(not read_only)
        self._read_only_action.setVisible(read_only)
        self._update_title()

    def show_order_entry(self) -> bool:
        """Show and focus the order ticket; ``False`` (with a message) for read-only accounts."""
        if self.ctx.account.read_only:
            self.ctx.messages.warning(
                "Account %s is read-only for this login: order entry is not available.",
                self.ctx.account.account_number,
            )
            return False
        dock = self.docks["orderTicket"]
        dock.show()
        dock.raise_()
        dock.widget().setFocus()
        return True

    def _order_requested(self, request: OrderRequest) -> None:
        self.show_order_entry()

    # ---- actions ---------------------------------------------------------------------
    def _refresh(self) -> None:
        refresh = getattr(self.ctx.portfolio, "refresh", None)
        if refresh is not None:
            self.ctx.spawn(refresh(), "Refreshing the account")

    def reset_layout(self) -> None:
        self.layout_store.reset()
        self._apply_authority()
        self.ctx.messages.info("Layout reset to the default arrangement.")

    def _open_logs(self) -> None:
        folder = getattr(self, "log_folder", None)
        if folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _about(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(f"About {APP_NAME}")
        box.setText(
            f"<b>{APP_NAME} {__version__}</b><br>A desktop trading terminal for Tastytrade accounts.<br>"
            "Open source, MIT licence. Not affiliated with Tastytrade."
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec()/about(): no nested event loop inside the asyncio loop

    def _theme_changed(self) -> None:
        theme = self.ctx.theme
        if theme is None:
            return
        self.status.set_colors({k: theme.color(f"accent.{k}").name() for k in ("ok", "busy", "down", "off")})
        if self.environment:
            self.set_environment(self.environment, self.customer_label.text())

    # ---- persistence -------------------------------------------------------------------
    def restore_layout(self) -> bool:
        ok = self.layout_store.restore()
        self._apply_authority()
        return ok

    def closeEvent(self, event: QCloseEvent) -> None:
        try:
            self.layout_store.save()
        except Exception:
            log.exception("saving the window layout failed")
        super().closeEvent(event)
        self.closed.emit()
