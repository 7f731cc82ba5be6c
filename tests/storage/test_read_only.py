"""A read-only database is found out at open, said once, and the console quiz plays on unsaved."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import aiosqlite
import pytest
from pg_server import postgres_query

from bot.frontends.console_games import play_quiz
from bot.packs.loader import load_pack
from bot.settings import Settings
from bot.storage.store import DB_FILE, ReadOnlyDatabaseError, Store

TINY = Path(__file__).resolve().parents[1] / "packs" / "tiny"


@pytest.fixture
async def read_only_data(tmp_path: Path, monkeypatch) -> Path:
    """A data folder whose up-to-date database can be read but not written.

    File and folder are made read-only. Root ignores permission bits, so there (CI containers)
    SQLite is also asked to open the file read-only, which is what it does by itself for anyone
    else when the file is not writable.
    """
    data = tmp_path / "data"
    store = await Store.open(data)
    await store.close()
    for path in data.iterdir():
        path.chmod(0o444)
    data.chmod(0o555)
    if os.geteuid() == 0:
        real_connect = aiosqlite.connect

        def read_only_connect(path, *args, **kwargs):
            return real_connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)

        monkeypatch.setattr(aiosqlite, "connect", read_only_connect)
    yield data
    data.chmod(0o755)


async def test_open_says_the_database_is_read_only(read_only_data):
    with pytest.raises(ReadOnlyDatabaseError) as caught:
        await Store.open(read_only_data)
    assert "read-only" in str(caught.value)
    assert str(read_only_data / DB_FILE) in str(caught.value)


async def test_open_says_a_postgres_database_is_read_only(postgres_url, tmp_path):
    store = await Store.open(tmp_path, database_url=postgres_url)
    await store.close()
    name = postgres_url.rsplit("/", 1)[1]
    postgres_query(postgres_url, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    with pytest.raises(ReadOnlyDatabaseError) as caught:
        await Store.open(tmp_path, database_url=postgres_url)
    assert "read-only" in str(caught.value)


def test_console_quiz_plays_on_without_saving(read_only_data):
    settings = Settings(data_dir=read_only_data, knowledge_dir=TINY)
    out = io.StringIO()
    status = play_quiz(
        load_pack(TINY),
        settings,
        topic=None,
        questions=3,
        mode="text",
        stdin=io.StringIO("skip\nskip\nskip\n"),
        stdout=out,
        clock=lambda: 0.0,
        rng=random.Random(1),
    )
    text = out.getvalue()
    assert status == 0, text
    assert text.count("read-only") == 1, text
    assert "won't be kept" in text
    assert "Game over" in text
