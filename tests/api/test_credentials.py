"""The keyring credential store: per-environment entries, honest about a missing keyring."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from desktop.api.credentials import Credentials, CredentialStore, KeyringUnavailable
from tests.api._fixtures import MemoryKeyring


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_save_load_delete_per_environment(memory_keyring: MemoryKeyring) -> None:
    store = CredentialStore()
    assert store.available and store.unavailable_reason is None
    store.save("sandbox", Credentials("sandbox-secret", "sandbox-refresh"))
    store.save("production", Credentials("prod-secret", "prod-refresh"))
    assert store.load("sandbox") == Credentials("sandbox-secret", "sandbox-refresh")
    assert store.load("production") == Credentials("prod-secret", "prod-refresh")
    assert store.load("demo") is None
    store.delete("sandbox")
    assert store.load("sandbox") is None and store.has_saved("production")
    store.delete("sandbox")  # forgetting twice is fine
    # Entries are namespaced per environment, one per secret.
    assert set(memory_keyring.store) == {
        ("TastyDesk:production", "client-secret"),
        ("TastyDesk:production", "refresh-token"),
    }


def test_headless_fail_backend_is_reported_plainly_and_nothing_is_written() -> None:
    store = CredentialStore(backend=fail.Keyring())
    assert not store.available
    reason = store.unavailable_reason or ""
    assert "No system keyring" in reason and "this session only" in reason
    assert store.load("sandbox") is None
    with pytest.raises(KeyringUnavailable, match="this session only"):
        store.save("sandbox", Credentials("s", "r"))
    store.delete("sandbox")  # no-op, no exception


def test_locked_keyring_is_unusable_not_a_crash() -> None:
    store = CredentialStore(backend=LockedKeyring())
    assert not store.available
    assert "locked" in (store.unavailable_reason or "")


def test_file_backends_are_refused() -> None:
    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    store = CredentialStore(backend=PlaintextKeyring())
    assert not store.available
    assert "stores secrets in a file" in (store.unavailable_reason or "")
