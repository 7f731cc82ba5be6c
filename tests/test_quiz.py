"""The quiz engine, driven with an injected clock over the tiny test pack."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from bot.games.quiz import (
    BASE_POINTS,
    HINT_COST,
    MIN_POINTS,
    SPEED_BONUS_MAX,
    AlreadyAnsweredError,
    GameOverError,
    NoQuestionOpenError,
    NoQuestionsError,
    Question,
    QuizError,
    QuizGame,
    RecordedGame,
    build_questions,
    masked,
)
from bot.packs.loader import load_pack
from bot.packs.model import Source
from bot.storage.store import Store

TINY = Path(__file__).parent / "packs" / "tiny"
SRC = Source("enc", "Test Encyclopedia", "Test Publisher", "https://example.org/e", "encyclopedia")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def pack():
    return load_pack(TINY)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def question(qid: str, answers: tuple[str, ...], kind: str = "person", **extra) -> Question:
    return Question(
        id=qid,
        prompt=f"Question {qid}?",
        answers=answers,
        kind=kind,
        entry_id="leon-trotsky",
        source=SRC,
        evidence="...",
        **extra,
    )


def three(clock: Clock, **kwargs) -> QuizGame:
    qs = [
        question("q1", ("Leon Trotsky", "Trotsky"), wrong=("Joseph Stalin",)),
        question("q2", ("1929",), kind="year"),
        question("q3", ("Comintern",), kind="group"),
    ]
    return QuizGame(qs, clock=clock, seconds=30, **kwargs)


# -- building questions --


def test_questions_come_from_quiz_items_and_definitions_without_repeats(pack):
    qs = build_questions(pack, count=50, rng=random.Random(3))
    ids = [q.id for q in qs]
    assert len(ids) == len(set(ids))
    assert {"q-exile-year", "q-lo-leader"} <= set(ids)
    assert any(i.startswith("def:") for i in ids)
    assert len(build_questions(pack, count=2, rng=random.Random(3))) == 2


def test_definition_questions_hide_the_term(pack):
    qs = {q.id: q for q in build_questions(pack, count=50, rng=random.Random(0))}
    lo = qs["def:left-opposition"]
    assert lo.prompt.startswith("Which term is this?")
    assert "faction of the Bolshevik party" in lo.prompt
    assert "left opposition" not in lo.prompt.lower()
    assert lo.answers == ("Left Opposition",)
    assert lo.source.id == "guide"
    who = qs["def:leon-trotsky"]
    assert who.prompt.startswith("Who is this?")
    assert who.answers == ("Leon Trotsky", "Trotsky", "Lev Bronstein")
    # Too little would be left of the Comintern's short definition once its names are hidden.
    assert "def:comintern" not in qs


def test_topic_filters_by_tag_and_unknown_topics_suggest_close_ones(pack):
    people = build_questions(pack, topic="people", count=50, rng=random.Random(1))
    assert {q.entry_id for q in people} == {"leon-trotsky"}
    groups = build_questions(pack, topic="groups", count=50, rng=random.Random(1))
    assert {q.id for q in groups} == {"def:left-opposition", "q-lo-leader"}
    with pytest.raises(NoQuestionsError, match="people"):
        build_questions(pack, topic="peple")


def test_choice_mode_has_four_options_of_the_same_kind(pack):
    qs = build_questions(pack, count=50, mode="choice", rng=random.Random(2))
    by_id = {q.id: q for q in qs}
    year = by_id["q-exile-year"]
    assert sorted(year.options) == ["1927", "1929", "1932", "1936"]
    assert year.options[year.correct_option] == "1929"
    leader = by_id["q-lo-leader"]
    assert sorted(leader.options) == [
        "Grigory Zinoviev",
        "Joseph Stalin",
        "Leon Trotsky",
        "Nikolai Bukharin",
    ]
    # Trotsky's definition has no written distractors: other people named in the pack stand in.
    who = by_id["def:leon-trotsky"]
    assert len(who.options) == 4
    assert set(who.options) - {"Leon Trotsky"} <= {
        "Grigory Zinoviev",
        "Joseph Stalin",
        "Nikolai Bukharin",
    }
    for q in qs:
        assert len(q.options) == 4
        assert len(set(q.options)) == 4


def test_years_without_written_distractors_get_nearby_years(pack):
    item = pack.quiz[0]
    from dataclasses import replace

    bare = replace(pack, quiz=(replace(item, distractors=()),))
    qs = build_questions(bare, topic="people", count=10, mode="choice", rng=random.Random(5))
    [year] = [q for q in qs if q.id == item.id]
    others = [int(o) for o in year.options if o != "1929"]
    assert len(others) == 3
    assert all(0 < abs(y - 1929) <= 6 for y in others)


def test_unknown_mode_is_refused(pack):
    with pytest.raises(QuizError):
        build_questions(pack, mode="essay")


# -- playing --


def test_first_correct_answer_scores_and_closes_the_question(clock):
    game = three(clock, speed_bonus=False)
    game.next_question()
    assert not game.answer(1, "ana", "Stalin").correct
    clock.now += 5
    won = game.answer(2, "bo", "i think it was trotsky")
    assert won.correct
    assert won.points == BASE_POINTS
    assert won.reveal is not None
    assert won.reveal.winner.user_id == 2
    assert won.reveal.answer == "Leon Trotsky"
    assert won.reveal.source == SRC
    assert game.current is None
    with pytest.raises(NoQuestionOpenError):
        game.answer(1, "ana", "Trotsky")


def test_first_to_n_points_ends_the_game_once_someone_has_them(clock):
    game = three(clock, speed_bonus=False, first_to=2 * BASE_POINTS)
    game.next_question()
    game.answer(1, "ana", "Trotsky")
    assert not game.finished
    game.next_question()
    game.answer(2, "bo", "1929")  # bo has fewer points than the target: play on
    game.next_question()
    assert game.answer(1, "ana", "Comintern").correct
    summary = game.summary()
    assert game.finished and summary.reached and not summary.stopped
    assert summary.first_to == 2 * BASE_POINTS and summary.winners[0].user_id == 1


def test_first_to_stops_before_the_last_question(clock):
    game = three(clock, speed_bonus=False, first_to=1)
    game.next_question()
    game.answer(1, "ana", "Trotsky")
    assert game.finished
    with pytest.raises(GameOverError):
        game.next_question()
    assert game.summary().asked == 1


def test_speed_bonus_rewards_early_answers(clock):
    game = three(clock)
    game.next_question()
    assert game.answer(1, "ana", "Trotsky").points == BASE_POINTS + SPEED_BONUS_MAX
    game.next_question()
    clock.now += 29
    assert game.answer(2, "bo", "1929").points == BASE_POINTS


def test_answers_after_the_time_limit_are_too_late(clock):
    game = three(clock)
    game.next_question()
    clock.now += 30
    late = game.answer(1, "ana", "Trotsky")
    assert late.late
    assert not late.correct
    assert late.reveal is not None
    assert late.reveal.reason == "timeout"
    assert all(p.points == 0 for p in game.players.values())


def test_check_time_closes_an_expired_question_once(clock):
    game = three(clock)
    game.next_question()
    clock.now += 10
    assert game.check_time() is None
    assert game.time_left() == pytest.approx(20)
    clock.now += 25
    reveal = game.check_time()
    assert reveal is not None
    assert reveal.reason == "timeout"
    assert reveal.winner is None
    assert game.check_time() is None


def test_streaks_grow_with_consecutive_wins_and_break(clock):
    game = three(clock, speed_bonus=False)
    game.next_question()
    assert game.answer(1, "ana", "Trotsky").streak == 1
    game.next_question()
    second = game.answer(1, "ana", "1929")
    assert (second.streak, second.points) == (2, BASE_POINTS + 1)
    game.next_question()
    assert game.skip().reason == "skipped"
    assert game.players[1].streak == 0
    assert game.players[1].best_streak == 2


def test_hints_mask_progressively_and_cost_points(clock):
    game = three(clock, speed_bonus=False)
    game.next_question()
    assert game.hint() == "L*** T******"
    assert game.hint() == "Le** Tr*****"
    won = game.answer(1, "ana", "Trotsky")
    assert won.points == BASE_POINTS - 2 * HINT_COST
    game.next_question()
    for _ in range(10):
        hint = game.hint()
    assert hint == "192*"  # never the whole answer
    assert game.answer(1, "ana", "1929").points == MIN_POINTS
    with pytest.raises(NoQuestionOpenError):
        game.hint()


def test_choice_hints_rule_out_wrong_options_until_two_are_left(pack, clock):
    qs = build_questions(pack, topic="people", count=1, mode="choice", rng=random.Random(4))
    game = QuizGame(qs, mode="choice", clock=clock, speed_bonus=False)
    q = game.next_question()
    first, second = game.hint(), game.hint()
    ruled_out = [q.options.index(w) for w in q.wrong[:2]]
    assert first == f"It's not {'ABCD'[ruled_out[0]]} ({q.options[ruled_out[0]]})."
    assert second == f"It's not {'ABCD'[ruled_out[1]]} ({q.options[ruled_out[1]]})."
    assert q.answer not in first + second
    assert game.hint() == "No more hints: it's one of the two options left."
    assert game.choose(1, "ana", q.correct_option).points == BASE_POINTS - 2 * HINT_COST


def test_an_authors_hint_comes_first(clock):
    q = question("q", ("Trotsky",), author_hint="He founded the Red Army.")
    game = QuizGame([q], clock=clock)
    game.next_question()
    assert game.hint() == "He founded the Red Army."
    assert game.hint() == "T******"


def test_masked():
    assert masked("Leon Trotsky", 1) == "L*** T******"
    assert masked("Marx & Engels", 2) == "Ma** & En****"
    assert masked("1929", 0) == "****"
    assert masked("1927-8", 1) == "1***-*"
    assert masked("Trotsky", 10) == "Trotsk*"


def test_game_ends_with_a_summary_naming_the_winners(clock):
    game = three(clock, speed_bonus=False)
    game.next_question()
    game.answer(1, "ana", "Trotsky")
    game.next_question()
    game.answer(2, "bo", "1929")
    game.next_question()
    game.answer(3, "cy", "wrong")
    clock.now += 31
    game.check_time()
    assert game.finished
    with pytest.raises(GameOverError):
        game.next_question()
    summary = game.summary()
    assert (summary.asked, summary.total, summary.stopped) == (3, 3, False)
    assert [p.name for p in summary.winners] == ["ana", "bo"]
    assert [p.user_id for p in summary.scores] == [1, 2, 3]


def test_stop_ends_the_game_early(clock):
    game = three(clock)
    game.next_question()
    summary = game.stop()
    assert summary.stopped
    assert summary.asked == 1
    assert summary.winners == ()
    assert game.reveals[-1].reason == "stopped"
    with pytest.raises(GameOverError):
        game.next_question()


def test_choice_mode_one_pick_per_member(pack, clock):
    qs = build_questions(pack, topic="people", count=1, mode="choice", rng=random.Random(4))
    game = QuizGame(qs, mode="choice", clock=clock, speed_bonus=False)
    q = game.next_question()
    wrong = next(i for i in range(4) if i != q.correct_option)
    assert not game.choose(1, "ana", wrong).correct
    with pytest.raises(AlreadyAnsweredError):
        game.choose(1, "ana", q.correct_option)
    letter = "ABCD"[q.correct_option]
    won = game.choose(2, "bo", letter.lower())
    assert won.correct
    assert won.points == BASE_POINTS
    with pytest.raises(NoQuestionOpenError):
        game.choose(3, "cy", "A")


def test_choice_mode_rejects_options_that_do_not_exist(pack, clock):
    qs = build_questions(pack, topic="people", count=1, mode="choice", rng=random.Random(4))
    game = QuizGame(qs, mode="choice", clock=clock)
    game.next_question()
    for bad in ("E", "", 4, -1):
        with pytest.raises(QuizError):
            game.choose(1, "ana", bad)
    # A bad pick does not use up the member's one answer.
    assert game.choose(1, "ana", game.current.correct_option).correct


def test_choice_mode_needs_choice_questions(pack, clock):
    qs = build_questions(pack, count=2, mode="text", rng=random.Random(4))
    with pytest.raises(QuizError):
        QuizGame(qs, mode="choice", clock=clock)


def test_the_engine_does_not_import_discord():
    import subprocess

    code = (
        "import bot.games.quiz, bot.games.answer_check, bot.storage.store, bot.games.practice, bot.frontends.console_games, sys; "
        "print('discord' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- recording points --


async def test_recorded_game_commits_each_point_and_the_ending(tmp_path, clock):
    store = await Store.open(tmp_path, clock=clock)
    try:
        game = RecordedGame(
            three(clock, speed_bonus=False),
            store,
            guild_id=42,
            channel_id=7,
            started_by=1,
            topic=None,
        )
        await game.begin()
        game.game.next_question()
        await game.answer(1, "ana", "Trotsky")
        assert [(r.user_id, r.points) for r in await store.leaderboard(42)] == [(1, BASE_POINTS)]
        game.game.next_question()
        await game.answer(2, "bo", "1930")
        await game.answer(2, "bo", "1929")
        summary = await game.end()
        assert summary.stopped
        [record] = await store.games(42)
        assert (record.status, record.mode, record.questions) == ("stopped", "text", 3)
        assert [(r.name, r.points) for r in await store.game_scores(record.id)] == [
            ("ana", BASE_POINTS),
            ("bo", BASE_POINTS),
        ]
    finally:
        await store.close()


async def test_a_point_the_database_refuses_is_reported_not_lost_in_a_stuck_game(tmp_path, clock):
    store = await Store.open(tmp_path, clock=clock)
    game = RecordedGame(
        three(clock, speed_bonus=False), store, guild_id=1, channel_id=2, started_by=3, topic=None
    )
    await game.begin()
    await store.close()  # the database goes away mid-game
    game.game.next_question()
    outcome = await game.answer(1, "ana", "Trotsky")
    assert outcome.correct
    assert not outcome.saved
    assert game.game.current is None  # the game moves on
    summary = await game.end()
    assert summary.scores[0].points == BASE_POINTS


async def test_a_game_without_a_database_is_played_but_not_kept(clock):
    game = RecordedGame(
        three(clock, speed_bonus=False), None, guild_id=1, channel_id=2, started_by=3, topic=None
    )
    await game.begin()
    game.game.next_question()
    outcome = await game.answer(1, "ana", "Trotsky")
    assert (outcome.correct, outcome.saved) == (True, True)
    assert (await game.end()).scores[0].points == BASE_POINTS


def test_choice_mode_on_a_pack_without_options_says_so(pack):
    from dataclasses import replace

    bare = replace(pack, quiz=())
    with pytest.raises(NoQuestionsError, match="no multiple-choice questions"):
        build_questions(bare, topic=None, mode="choice")


def test_a_guess_naming_a_longer_name_that_contains_the_answer_is_wrong(pack, clock):
    from dataclasses import replace

    from bot.packs.model import Entry

    letters = Entry(id="trotsky-letters", term="Trotsky letters", kind="work", definition=None)
    bigger = replace(pack, entries={**pack.entries, letters.id: letters}, items_by_id={})
    qs = build_questions(bigger, topic="people", count=10, rng=random.Random(1))
    [who] = [q for q in qs if q.id == "def:leon-trotsky"]
    assert who.taken == ("Trotsky letters",)
    [year] = [q for q in qs if q.id == "q-exile-year"]
    assert year.taken == ()
    game = QuizGame([who], clock=clock)
    game.next_question()
    assert not game.answer(1, "ana", "the Trotsky letters").correct
    assert game.answer(2, "bo", "it's Trotsky").correct


def test_every_shipped_question_takes_its_answers_and_refuses_its_options():
    """The bundled pack: every accepted answer passes, no wrong option passes for it."""
    from bot.games.answer_check import check_answer
    from bot.settings import bundled_knowledge_dir

    shipped = load_pack(bundled_knowledge_dir())
    questions = build_questions(shipped, count=10_000, rng=random.Random(0))
    assert len(questions) > len(shipped.quiz)
    problems = []
    for q in questions:
        rules = {"kind": q.kind, "wrong": q.wrong, "taken": q.taken}
        for option in (*q.wrong, *q.taken):
            if check_answer(option, q.answers, **rules).correct:
                problems.append(f"{q.id}: wrong option {option!r} accepted")
        for answer in q.answers:
            if not check_answer(answer, q.answers, **rules).correct:
                problems.append(f"{q.id}: answer {answer!r} refused")
    assert problems == []


def test_a_bracketed_disambiguator_is_not_masked(pack):
    from dataclasses import replace

    from bot.packs.model import Entry, Item

    text = "Historian of resistance who listed many forms of active opposition under Stalin."
    viola = Entry(
        id="viola",
        term="Viola (historian)",
        aliases=("Viola",),
        kind="person",
        tags=("historians",),
        definition=Item("viola/definition", "viola", "definition", text, "enc", "listed"),
    )
    bigger = replace(pack, entries={**pack.entries, "viola": viola}, items_by_id={})
    [q] = build_questions(bigger, topic="historians", rng=random.Random(0))
    assert q.prompt == f"Who is this? {text}"
    assert q.answers == ("Viola (historian)", "Viola")


def test_starting_a_quiz_on_a_big_pack_stays_quick(tmp_path):
    """Questions are made only for what a game asks: a 1,000-entry pack starts in well under 3 s
    (Discord's limit for answering /quiz start)."""
    import time

    from synthetic import synthetic_pack

    big = load_pack(synthetic_pack(5000, tmp_path))
    assert len(big.entries) >= 1000
    for mode in ("text", "choice"):
        start = time.perf_counter()
        qs = build_questions(big, count=50, mode=mode, rng=random.Random(1))
        elapsed = time.perf_counter() - start
        print(f"build_questions({mode}, 50) on {len(big.entries)} entries: {elapsed * 1000:.0f} ms")
        assert len(qs) == 50
        assert elapsed < 2.0


def test_a_clue_blanks_the_answer_and_not_a_plain_word_of_an_alias():
    """Issue 10: "Russian Federal _____ service" asked for "Prison", then refused "prison"."""
    from bot.games.quiz import _mask_definition

    text = (
        "A prison where opposition leaders such as Alexander Slepkov were held; in early 2018 "
        "the Russian Federal Prison service found documents of an underground Trotskyist group."
    )
    names = ["Verkhne-Uralsk isolator", "Verkhne-Uralsk", "Verkhne-Uralsk prison"]
    masked = _mask_definition(text, names)
    assert masked is not None
    assert "Russian Federal Prison service" in masked and masked.startswith("A prison where")
    # Other forms of the name's own words are still hidden.
    bolsheviks = _mask_definition(
        "The Bolsheviks were a party; one Bolshevik was a member of it.", ["Bolshevik"]
    )
    assert bolsheviks == "The _____ were a party; one _____ was a member of it."


@pytest.mark.parametrize("how", ["number", "text"])
def test_choice_mode_takes_the_options_number_or_its_text(pack, clock, how):
    qs = build_questions(pack, topic="people", count=1, mode="choice", rng=random.Random(4))
    game = QuizGame(qs, mode="choice", clock=clock, speed_bonus=False)
    q = game.next_question()
    pick = str(q.correct_option + 1) if how == "number" else q.options[q.correct_option].lower()
    assert game.choose(1, "ana", pick).correct
