"""Sign-in: credentials are checked first, kept in the keyring only when they work, forgotten on sign-out.

"Sandbox" is pointed at a second local exchange that accepts exactly one secret/token pair.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.api import environments
from desktop.api.environments import Environment
from desktop.simulator.runner import ExchangeConfig, ExchangeThread
from desktop.ui.dialogs.sign_in import SignInDialog
from tests.conftest import wait_for
from tests.ui.conftest import started

SECRET, REFRESH = "right-client-secret", "right-refresh-token"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[ExchangeThread]:
    cfg = ExchangeConfig(
        port=0, seed=11, state_path=tmp_path / "sandbox.sqlite3", client_secret=SECRET, refresh_token=REFRESH
    )
    ex = ExchangeThread(cfg)
    ex.start()
    try:
        yield ex
    finally:
        ex.stop()


def env_for(sandbox: ExchangeThread):
    def resolve(name: str) -> Environment:
        if name == "sandbox":
            local = environments.demo(sandbox.base_url, sandbox.streamer_url)
            return Environment("sandbox", local.rest_url, local.streamer_url, False, None)
        return environments.by_name(name)

    return resolve


async def open_dialog(desk) -> tuple[asyncio.Task[bool], SignInDialog]:
    # like a person would: once the Demo session has loaded (switching sessions while the first
    # REST loads are in flight leaves sockets to the garbage collector: see the issue notes)
    await wait_for(lambda: not desk.ctx.readiness.missing(), 30)
    task = asyncio.ensure_future(desk.ask_sign_in("sandbox"))
    await wait_for(lambda: desk.window.findChild(SignInDialog) is not None, 5)
    return task, desk.window.findChild(SignInDialog)


async def test_wrong_credentials_are_refused_and_never_stored(make_desk, sandbox, memory_keyring) -> None:
    desk = make_desk(environment_for=env_for(sandbox))
    async with started(desk):
        task, dialog = await open_dialog(desk)
        dialog.client_secret.setText("wrong-secret")
        dialog.refresh_token.setText(REFRESH)
        dialog.submit()
        await wait_for(lambda: "failed" in dialog.status.text(), 15)
        assert dialog.isVisible() and not task.done()
        assert memory_keyring.store == {}
        assert "wrong-secret" not in dialog.status.text()

        fields_at_accept: list[str] = []
        dialog.accepted.connect(
            lambda: fields_at_accept.extend([dialog.client_secret.text(), dialog.refresh_token.text()])
        )
        dialog.client_secret.setText(SECRET)
        dialog.submit()
        assert await asyncio.wait_for(task, 15) is True
        assert fields_at_accept == ["", ""], "the dialog forgets what was typed"
        assert "SANDBOX" in desk.window.windowTitle() and "SANDBOX" in desk.window.env_badge.text()
        saved = {
            user: secret
            for (service, user), secret in memory_keyring.store.items()
            if service.endswith("sandbox")
        }
        assert saved.get("client-secret") == SECRET and saved.get("refresh-token")
        await wait_for(lambda: desk.ctx.account.account_number != "", 15)
        messages = "\n".join(desk.window.messages_panel.lines())
        assert SECRET not in messages and REFRESH not in messages


async def test_cancelling_a_failed_sign_in_goes_back_to_demo(make_desk, sandbox) -> None:
    desk = make_desk(environment_for=env_for(sandbox))
    async with started(desk):
        task, dialog = await open_dialog(desk)
        dialog.client_secret.setText("wrong-secret")
        dialog.refresh_token.setText("wrong-token")
        dialog.submit()
        await wait_for(lambda: "failed" in dialog.status.text(), 15)
        dialog.reject()
        assert await asyncio.wait_for(task, 15) is False
        assert desk.session.is_ready and desk.session.environment.name == "demo"
        assert "DEMO" in desk.window.windowTitle()
        await wait_for(lambda: desk.ctx.account.account_number != "", 15)


async def test_saved_credentials_choose_the_environment_and_sign_out_forgets_them(
    make_desk, sandbox, memory_keyring, tmp_path
) -> None:
    first = make_desk(tmp_path / "a.ini", environment_for=env_for(sandbox))
    await first.start("demo")
    task, dialog = await open_dialog(first)
    dialog.client_secret.setText(SECRET)
    dialog.refresh_token.setText(REFRESH)
    dialog.submit()
    assert await asyncio.wait_for(task, 15)
    await wait_for(lambda: not first.ctx.readiness.missing(), 30)
    await first.shutdown()

    second = make_desk(tmp_path / "b.ini", environment_for=env_for(sandbox))
    async with started(second, None):  # no --env: the saved sandbox credentials decide
        assert second.session.environment.name == "sandbox"
        assert "SANDBOX" in second.window.windowTitle()
        await wait_for(lambda: not second.ctx.readiness.missing(), 30)
        await second.sign_out()
        assert not any(service.endswith("sandbox") for service, _user in memory_keyring.store)
        assert second.session.environment.name == "demo"
        assert "DEMO" in second.window.windowTitle()
        await wait_for(lambda: not second.ctx.readiness.missing(), 30)
