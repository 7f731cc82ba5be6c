"""The statement table both stores share: named parameters, and their PostgreSQL numbering."""

from __future__ import annotations

import pytest

from bot.storage import sql


def test_names_are_numbered_in_order_of_first_use_and_reused():
    text, names = sql.postgres(
        "SELECT :a, :b FROM t WHERE x = :a AND (y = :c OR (y IS NULL AND :c IS NULL))"
    )
    assert text == "SELECT $1, $2 FROM t WHERE x = $1 AND (y = $3 OR (y IS NULL AND $3 IS NULL))"
    assert names == ("a", "b", "c")


def test_casts_and_colons_inside_words_are_not_parameters():
    text, names = sql.postgres("SELECT FLOOR(t / :day)::bigint, 'a:b' FROM x WHERE y=:y")
    assert text == "SELECT FLOOR(t / $1)::bigint, 'a:b' FROM x WHERE y=$2"
    assert names == ("day", "y")


def test_arguments_come_in_the_numbered_order_and_a_missing_one_is_an_error():
    text, args = sql.postgres_args(sql.FORGET_POINTS, {"user": 7, "guild": 3, "unused": 1})
    assert text == "DELETE FROM points WHERE guild_id = $1 AND user_id = $2"
    assert args == [3, 7]
    with pytest.raises(KeyError):
        sql.postgres_args(sql.FORGET_POINTS, {"user": 7})


def test_every_shared_statement_translates_to_numbered_parameters_only():
    shared = [
        value
        for name, value in vars(sql).items()
        if name.isupper() and isinstance(value, str) and name != "SCORES"
    ]
    shared += [sql.SCORES.format(where=sql.SCORES_IN_GUILD + sql.AND_SINCE + sql.AND_PACK)]
    shared += [*sql.HISTORY_POINTS.values(), *sql.HISTORY_REVIEWS.values()]
    assert len(shared) > 20
    for statement in shared:
        text, _names = sql.postgres(statement)
        assert ":" not in text.replace("::bigint", ""), text
