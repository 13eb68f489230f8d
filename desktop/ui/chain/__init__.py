"""The option chain panel: symbol search, expirations, live calls | strike | puts, templates.

``create_chain_panel(ctx)`` builds the ``chainPanel`` dock's content; clicks and templates add
legs to the shared order ticket (``desktop.ui.ticket.ticket_draft``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop.ui.context import UiContext

__all__ = ["create_chain_panel"]


def create_chain_panel(ctx: UiContext) -> QWidget:
    """The ``chainPanel`` dock content."""
    from desktop.ui.chain.panel import ChainPanel

    return ChainPanel(ctx)
