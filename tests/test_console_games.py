"""Console quiz and practice, driven through stdin and read back from stdout and the store."""

from __future__ import annotations

import asyncio
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.frontends.console_games import play_quiz, practise
from bot.games.quiz import OPTION_LETTERS, build_questions
from bot.packs.loader import load_pack
from bot.settings import Settings
from bot.storage.store import LOCAL_USER_ID, Store

TINY = Path(__file__).parent / "packs" / "tiny"
SEED = 11


@pytest.fixture(scope="module")
def pack():
    return load_pack(TINY)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=TINY)


def planned(pack, mode: str, topic: str | None = "people", count: int = 5):
    """The questions a game seeded with SEED will ask, in order."""
    return build_questions(pack, topic=topic, count=count, mode=mode, rng=random.Random(SEED))


def play(pack, settings, lines: list[str], *, mode: str = "text", topic="people", **kw):
    kw.setdefault("clock", lambda: 0.0)  # time stands still unless a test moves it
    out = io.StringIO()
    status = play_quiz(
        pack,
        settings,
        topic=topic,
        questions=5,
        mode=mode,
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=out,
        rng=random.Random(SEED),
        **kw,
    )
    return status, out.getvalue()


def stored(settings: Settings):
    async def read():
        store = await Store.open(settings.data_dir)
        try:
            return await store.leaderboard(None), await store.games(None)
        finally:
            await store.close()

    return asyncio.run(read())


def test_a_text_game_played_right_to_the_end(pack, settings):
    questions = planned(pack, "text")
    assert len(questions) == 2
    status, out = play(pack, settings, [f"I think it's {q.answers[-1]}" for q in questions])
    assert status == 0
    assert out.count("Correct! +15 points.") == 1
    assert "Correct! +16 points. Streak: 2!" in out
    assert "Game over: 2 of 2 right, 31 points, best streak 2." in out
    assert "All-time points at this terminal: 31." in out
    for q in questions:
        assert f"The answer: {q.answer}" in out
        assert q.source.url in out
    board, games = stored(settings)
    assert [(r.user_id, r.points, r.correct) for r in board] == [(LOCAL_USER_ID, 31, 2)]
    assert [(g.status, g.mode, g.topic) for g in games] == [("finished", "text", "people")]


def test_wrong_answers_hints_and_skips(pack, settings):
    first, second = planned(pack, "text")
    status, out = play(pack, settings, ["Stalin", "hint", "", "skip", second.answer])
    assert status == 0
    assert "Not quite." in out
    assert out.count("Hint: ") == 2
    assert f"The answer: {first.answer}" in out
    assert "Game over: 1 of 2 right" in out
    board, _ = stored(settings)
    assert board[0].points == 15


def test_a_choice_game_with_letters(pack, settings):
    questions = planned(pack, "choice")
    picks = [OPTION_LETTERS[q.correct_option].lower() for q in questions]
    status, out = play(pack, settings, picks, mode="choice")
    assert status == 0
    for q in questions:
        for letter, option in zip(OPTION_LETTERS, q.options, strict=True):
            assert f"  {letter}) {option}" in out
    assert "Game over: 2 of 2 right" in out
    _, games = stored(settings)
    assert games[0].mode == "choice"


def test_a_wrong_pick_in_choice_mode_ends_the_question(pack, settings):
    first, second = planned(pack, "choice")
    wrong = OPTION_LETTERS[(first.correct_option + 1) % 4]
    right = OPTION_LETTERS[second.correct_option]
    status, out = play(pack, settings, ["Z", wrong, right], mode="choice")
    assert status == 0
    assert "Pick one of A, B, C, D." in out
    assert "Wrong." in out
    assert f"The answer: {first.answer}" in out
    assert "Game over: 1 of 2 right" in out


def test_end_of_input_stops_the_game_and_keeps_the_points(pack, settings):
    first, _second = planned(pack, "text")
    status, out = play(pack, settings, [first.answer])
    assert status == 0
    assert "Stopped. The answer:" in out
    board, games = stored(settings)
    assert board[0].points == 15
    assert games[0].status == "stopped"


def test_an_answer_after_the_time_limit_is_too_late(pack, settings):
    clock = iter(range(0, 10_000, 100))  # every look at the clock is 100 s later

    first, second = planned(pack, "text")
    status, out = play(
        pack, settings, [first.answer, second.answer], seconds=30, clock=lambda: next(clock)
    )
    assert status == 0
    assert out.count("Time's up! The answer:") == 2
    assert "Correct!" not in out
    board, _ = stored(settings)
    assert board == []


def test_unknown_topic_and_mode(pack, settings):
    status, out = play(pack, settings, [], topic="peple")
    assert status == 1
    assert "Did you mean: people?" in out
    assert "Topics: groups, people" in out
    status, out = play(pack, settings, [], mode="essay")
    assert status == 2


def run_practice(pack, settings, lines, now: datetime, topic=None):
    out = io.StringIO()
    status = practise(
        pack,
        settings,
        topic=topic,
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=out,
        now=lambda: now,
    )
    return status, out.getvalue()


def test_practice_cards_come_back_when_due(pack, settings):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    lines = []
    for _ in range(5):
        lines += ["", "4"]
    status, out = run_practice(pack, settings, lines, start)
    assert status == 0
    assert "0 card(s) due, 5 new." in out
    assert "Who is Leon Trotsky?" in out
    assert "A Russian revolutionary who led the Left Opposition" in out
    assert "Reviewed 5 card(s). Next card due in " in out

    status, out = run_practice(pack, settings, [], start + timedelta(hours=1))
    assert "0 card(s) due, 0 new." in out
    assert "Reviewed 0 card(s)." in out

    status, out = run_practice(pack, settings, ["", "again", "quit"], start + timedelta(days=60))
    assert "5 card(s) due, 0 new." in out
    assert "Back in 10 minutes." in out
    assert "Reviewed 1 card(s). 4 card(s) still due." in out


def test_practice_ratings_accept_numbers_and_words_and_reask(pack, settings):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    status, out = run_practice(
        pack, settings, ["", "meh", "good", "", "2", "quit"], start, "people"
    )
    assert status == 0
    assert out.count("How well did you know it?") == 3
    assert "Reviewed 2 card(s)." in out


def test_practice_on_an_unknown_topic(pack, settings):
    status, out = run_practice(pack, settings, [], datetime(2026, 1, 1, tzinfo=UTC), "nothing")
    assert status == 1
    assert "No cards on 'nothing'." in out


def test_an_unusable_data_folder_is_explained(pack, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")
    settings = Settings(data_dir=blocked, knowledge_dir=TINY)
    first, second = planned(pack, "text")
    status, out = play(pack, settings, [first.answer, second.answer])
    assert status == 0
    assert f"Can't open the database in {blocked}" in out
    assert "this game's points won't be kept" in out
    assert "Game over: 2 of 2 right" in out
    status, out = run_practice(pack, settings, [], datetime(2026, 1, 1, tzinfo=UTC))
    assert status == 1
    assert "Practice cards need the database" in out
