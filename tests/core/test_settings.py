"""Settings for scaling out: the database URL and the shards a process runs."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError


def settings(**env: str) -> Settings:
    return Settings.from_env(env)


def test_no_database_url_means_the_sqlite_file_and_the_url_stays_out_of_repr():
    assert settings().database_url is None
    chosen = settings(STUDYBOT_DATABASE_URL="postgresql://bot:hunter2@db/studybot")
    assert chosen.database_url == "postgresql://bot:hunter2@db/studybot"
    assert "hunter2" not in repr(chosen)


def test_no_shard_settings_is_one_unsharded_connection_that_holds_shard_zero():
    plain = settings()
    assert (plain.shard_count, plain.shard_ids, plain.runs_shard_zero) == (None, None, True)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [("0,1", (0, 1)), ("2-3", (2, 3)), ("3, 0-1", (0, 1, 3)), ("", None)],
)
def test_shard_ids_take_lists_and_ranges(ids, expected):
    chosen = settings(STUDYBOT_SHARD_COUNT="4", STUDYBOT_SHARD_IDS=ids)
    assert (chosen.shard_count, chosen.shard_ids) == (4, expected)
    assert chosen.runs_shard_zero == (expected is None or 0 in expected)


def test_auto_shard_count():
    assert settings(STUDYBOT_SHARD_COUNT="Auto").shard_count == "auto"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STUDYBOT_SHARD_COUNT": "0"}, "STUDYBOT_SHARD_COUNT must be"),
        ({"STUDYBOT_SHARD_COUNT": "two"}, "STUDYBOT_SHARD_COUNT must be"),
        ({"STUDYBOT_SHARD_IDS": "0"}, "needs STUDYBOT_SHARD_COUNT"),
        ({"STUDYBOT_SHARD_COUNT": "auto", "STUDYBOT_SHARD_IDS": "0"}, "needs STUDYBOT_SHARD"),
        ({"STUDYBOT_SHARD_COUNT": "2", "STUDYBOT_SHARD_IDS": "2"}, "between 0 and 1"),
        ({"STUDYBOT_SHARD_COUNT": "2", "STUDYBOT_SHARD_IDS": "x"}, "'x' is not a shard id"),
    ],
)
def test_wrong_shard_settings_are_errors_not_silently_wrong_shards(env, message):
    with pytest.raises(SettingsError, match=message):
        settings(**env)


def test_the_cli_prints_a_settings_error_as_one_line(monkeypatch, capsys):
    monkeypatch.setenv("STUDYBOT_SHARD_COUNT", "2")
    monkeypatch.setenv("STUDYBOT_SHARD_IDS", "5")
    assert main(["kb", "stats"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("studybot: STUDYBOT_SHARD_IDS must be between 0 and 1")
    assert len(err.splitlines()) == 1
