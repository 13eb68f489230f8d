"""A reviewed short iron condor on the chain and ticket docks, rendered like a user would see it.

The PNG goes to ``$TASTYDESK_TICKET_SHOT`` (else a temporary folder): look at it after changing
the chain, the ticket or the theme.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtTest import QTest

from desktop.ui.ticket import ticket_draft
from tests.conftest import wait_for
from tests.ui.conftest import started
from tests.ui.test_chain_panel import freeze, open_chain
from tests.ui.test_ticket_flow import reviewed, ticket_of, type_price

LOAD_S = 30.0


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread() -> Iterator[None]:
    yield
    gc.collect()


async def test_reviewed_iron_condor_screenshot(make_desk, exchange, tmp_path: Path) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        desk.window.resize(1600, 1000)
        chain = await open_chain(desk)
        desk.window.docks["chainPanel"].raise_()
        draft = ticket_draft(desk.ctx)
        chain.strategy.select("iron_condor")
        chain.strategy.width.setValue(5)
        QTest.mouseClick(chain.strategy.add_button, Qt.MouseButton.LeftButton)
        await wait_for(lambda: len(draft.legs) == 4 and draft.price is not None, LOAD_S)
        ticket = ticket_of(desk)
        type_price(ticket, draft.mid[0])
        assert await reviewed(desk) == "Reviewed"
        review = ticket.review_panel
        assert "→" in review.buying_power.text()
        await wait_for(lambda: "Max profit" in review.risk.text(), LOAD_S)
        await wait_for(lambda: ticket.risk_graph.profile is not None, LOAD_S)
        target = Path(os.environ.get("TASTYDESK_TICKET_SHOT", tmp_path / "ticket.png"))
        image = desk.window.grab()
        assert image.width() >= 1200 and image.save(str(target))
        png = QBuffer()
        png.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(png, "PNG")
        assert png.size() > 50_000, "a full, detailed window, not an empty one"
