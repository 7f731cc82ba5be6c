"""Files the bot writes are private (0600, folders 0700) whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.storage.files import private_dir, write_private
from bot.storage.store import DB_FILE, Store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask a shell could have: anything not explicit shows up as 0666/0777."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_write_private_is_atomic_and_0600(tmp_path, open_umask):
    target = tmp_path / "data" / "state.json"
    write_private(target, b"one")
    write_private(target, b"two")
    assert target.read_bytes() == b"two"
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]  # no temporary left


def test_private_dir_tightens_an_existing_folder(tmp_path, open_umask):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    assert private_dir(folder) == folder
    assert mode(folder) == 0o700


async def test_database_wal_and_shm_are_private(tmp_path, open_umask):
    data = tmp_path / "data"
    store = await Store.open(data)
    try:
        await store.start_game(None, None, 1, topic=None, mode="text", questions=1)
        files = {p.name: mode(p) for p in data.iterdir()}
    finally:
        await store.close()
    assert {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"} <= set(files), files
    assert set(files.values()) == {0o600}, files
    assert mode(data) == 0o700


async def test_an_old_world_readable_database_is_tightened(tmp_path, open_umask):
    data = tmp_path / "data"
    store = await Store.open(data)
    await store.close()
    (data / DB_FILE).chmod(0o644)
    data.chmod(0o755)
    store = await Store.open(data)
    await store.close()
    assert mode(data / DB_FILE) == 0o600
    assert mode(data) == 0o700


def test_command_sync_state_is_private(tmp_path, open_umask):
    from bot.discord.sync import SYNC_STATE_FILE, remember_hash

    data = tmp_path / "data"
    remember_hash(data, None, "abc")
    remember_hash(data, 42, "def")
    assert mode(data / SYNC_STATE_FILE) == 0o600
    assert mode(data) == 0o700
