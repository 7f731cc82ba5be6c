"""Per-server settings: parsing what an admin types, host defaults, and storage in the database."""

from __future__ import annotations

import sqlite3

import pytest

from bot.server_settings import ServerSettings, ServerSettingsBook, SettingError, parse_setting
from bot.settings import Settings
from bot.storage.store import DB_FILE, Store

CHANNEL, OTHER = 123456789012345678, 223456789012345678


def test_values_parse_from_what_an_admin_types():
    assert parse_setting("answer-channels", f"<#{CHANNEL}>, {OTHER}") == (CHANNEL, OTHER)
    assert parse_setting("answer-channels", "none") == ()
    assert parse_setting("quiz-role", f"<@&{CHANNEL}>") == CHANNEL
    assert parse_setting("private-misses", "On") is True
    assert parse_setting("cooldown", "1.5") == 1.5
    assert parse_setting("trigger", "question-mark") == "question-mark"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("answer-channels", "#general", "expected channels"),
        ("quiz-questions", "0", "from 1 to 50"),
        ("quiz-seconds", "five", "from 10 to 300"),
        ("trigger", "always", "prefix, question-mark"),
        ("prefix", "a b", "without spaces"),
        ("colour", "red", "no setting called"),
    ],
)
def test_bad_values_say_what_would_be_accepted(name, text, message):
    with pytest.raises(SettingError, match=message):
        parse_setting(name, text)


def test_a_new_server_gets_the_hosts_defaults(tmp_path):
    host = Settings(data_dir=tmp_path, answer_channels=(CHANNEL,), cooldown_seconds=7.0)
    fresh = ServerSettings.for_host(host)
    assert fresh.answer_channels == (CHANNEL,) and fresh.cooldown_seconds == 7.0
    assert fresh.pack == "bundled" and fresh.quiz_questions == 10


def test_stored_values_that_no_longer_parse_fall_back_to_the_default():
    base = ServerSettings()
    assert base.with_overrides({"quiz-seconds": 5, "gone": 1, "quiz-mode": "choice"}) == (
        ServerSettings(quiz_mode="choice")
    )


async def test_settings_are_kept_per_server_across_restarts(tmp_path):
    host = Settings(data_dir=tmp_path, cooldown_seconds=3.0)
    store = await Store.open(tmp_path)
    book = ServerSettingsBook(host, store)
    await book.change(1, "cooldown", "10")
    await book.change(1, "answer-channels", str(CHANNEL))
    with pytest.raises(SettingError):
        await book.change(1, "quiz-questions", "999")
    assert (await book.get(2)).cooldown_seconds == 3.0
    await store.close()

    store = await Store.open(tmp_path)
    later = ServerSettingsBook(Settings(data_dir=tmp_path, cooldown_seconds=5.0), store)
    one = await later.get(1)
    assert one.cooldown_seconds == 10.0 and one.answer_channels == (CHANNEL,)
    assert (await later.get(2)).cooldown_seconds == 5.0  # the host's new default reaches it
    await later.reset(1, "cooldown")
    assert (await later.get(1)).cooldown_seconds == 5.0
    assert await later.overrides(1) == {"answer-channels": [CHANNEL]}
    await store.close()


async def test_the_migrations_bring_a_version_1_database_up_to_date(tmp_path, monkeypatch):
    import bot.storage.sqlite

    full = bot.storage.sqlite.MIGRATIONS
    monkeypatch.setattr(bot.storage.sqlite, "MIGRATIONS", full[:1])  # a studybot before issue 10
    store = await Store.open(tmp_path)
    await store.close()
    with sqlite3.connect(tmp_path / DB_FILE) as raw:  # a point as that version wrote it
        raw.execute(
            "INSERT INTO points (guild_id, user_id, question_id, points, awarded_at)"
            " VALUES (1, 100, 'q', 3, 0)"
        )
    monkeypatch.setattr(bot.storage.sqlite, "MIGRATIONS", full)
    store = await Store.open(tmp_path)
    assert [r.points for r in await store.leaderboard(1)] == [3]  # old points count in total
    assert await store.leaderboard(1, pack="bundled") == []
    await store.save_server_settings(5, {"pack": "x"})
    assert await store.server_settings(5) == {"pack": "x"}
    await store.close()


async def test_without_a_database_changes_are_refused_not_lost(tmp_path):
    book = ServerSettingsBook(Settings(data_dir=tmp_path), None)
    with pytest.raises(SettingError, match="database is not open"):
        await book.change(1, "cooldown", "1")
    assert (await book.get(1)).cooldown_seconds == 3.0
