"""The start-up splash: the app's name, what it is doing right now, and which environment."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QSplashScreen

from desktop import APP_NAME, __version__

_W, _H = 460, 220


def _artwork(environment: str) -> QPixmap:
    screen = QGuiApplication.primaryScreen()
    dpr = screen.devicePixelRatio() if screen is not None else 1.0
    pm = QPixmap(int(_W * dpr), int(_H * dpr))
    pm.setDevicePixelRatio(dpr)
    pm.fill(QColor("#1e2530"))
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.setPen(QColor("#e8ecf2"))
    title = QFont()
    title.setPointSize(26)
    title.setBold(True)
    p.setFont(title)
    p.drawText(QRect(28, 36, _W - 56, 50), Qt.AlignmentFlag.AlignLeft, APP_NAME)
    small = QFont()
    small.setPointSize(10)
    p.setFont(small)
    p.setPen(QColor("#9fb0c4"))
    p.drawText(
        QRect(30, 88, _W - 60, 24),
        Qt.AlignmentFlag.AlignLeft,
        f"Trading terminal for Tastytrade · {__version__}",
    )
    badge = {"demo": "#2e7d5b", "sandbox": "#b86e00", "production": "#c62828"}.get(environment, "#555555")
    p.setBrush(QColor(badge))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRect(30, 122, 150, 24), 4, 4)
    p.setPen(QColor("white"))
    p.drawText(QRect(30, 122, 150, 24), Qt.AlignmentFlag.AlignCenter, environment.upper())
    p.end()
    return pm


class Splash(QSplashScreen):
    """Shows progress messages while the exchange starts and the first data loads.

    Messages paint on the next event-loop turn (the start-up coroutine awaits between steps);
    nothing here processes events synchronously.
    """

    def __init__(self, environment: str) -> None:
        super().__init__(_artwork(environment))
        self.setObjectName("splash")
        self.last_message = ""

    def step(self, text: str) -> None:
        # Not showMessage(): QSplashScreen.repaint() runs processEvents(), which would re-enter
        # the asyncio loop from inside a running task. update() paints on the next loop turn.
        self.last_message = text
        self.update()

    def drawContents(self, painter: QPainter) -> None:
        painter.setPen(QColor("#e8ecf2"))
        rect = self.rect().adjusted(30, 0, -30, -18)
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), self.last_message
        )
