"""Quiz games in channels: /quiz start|stop|skip|hint, /answer, A–D buttons, /leaderboard, /stats.

This module only translates. `bot.games.quiz.QuizGame` decides what is right, who scores and when time is
up; `RecordedGame` saves each point before it is announced here. What lives here is Discord's side:
one game per channel, a task per game that posts questions and waits for them to close, and the
rendering of questions, reveals and summaries.

Free-text answers typed in chat need the privileged message content intent
(STUDYBOT_MESSAGE_CONTENT=true plus the portal toggle). Without it a text-mode game is played with
`/answer`, and the start message says so; choice mode (buttons) never needs the intent.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import secrets
import time
import weakref
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands

from bot.answering.text import strip_mentions
from bot.discord.autocomplete import pack_names, topic_names
from bot.discord.client import SERVERS_ONLY, Services, send_ephemeral
from bot.discord.embeds import COLOUR_ANSWER, COLOUR_INFO, cite, clip, echo, fit, quote
from bot.discord.i18n import ENGLISH, tr
from bot.discord.messages import member_text, send
from bot.games import charts
from bot.games.quiz import (
    OPTION_LETTERS,
    AlreadyAnsweredError,
    NoQuestionOpenError,
    Outcome,
    QuizError,
    QuizGame,
    RecordedGame,
    Reveal,
    Summary,
    build_questions,
)
from bot.server_settings import MAX_FIRST_TO, ServerSettings
from bot.storage.store import DAY_SECONDS, WEEK_SECONDS, ScoreRow, Store

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger("studybot.discord")

DEFAULT_QUESTIONS = 10
MAX_QUESTIONS = 50
DEFAULT_SECONDS = 30
MIN_SECONDS, MAX_SECONDS = 10, 300
LEADERBOARD_ROWS = 10
SHUTDOWN_GRACE = 3.0
"""Seconds a shutdown waits for a quiz that is already posting its own end."""
REVEAL_PAUSE = 4.0
"""Seconds between a reveal and the next question: time to read the answer and its source."""
STATS_PICTURE = "stats.png"
LATE_GRACE = 0.05
LABEL_LIMIT = 80
COLOUR_RIGHT = discord.Colour.green()
COLOUR_MISSED = discord.Colour.orange()
MEDALS = ("🥇", "🥈", "🥉")

NO_INTENT_NOTE = (
    "Answers typed in chat can't be read here (the message content intent is off), "
    "so answer with `/answer`."
)


CLOSED_LATE = "Too late: that question is closed."
ALREADY_PICKED = "You already picked an answer for this question."

PAUSED_ANSWERING = (
    "A quiz is running in this channel, so I'm not answering questions here until it ends."
)
CANNOT_POST = (
    "I can't post the questions in this channel. Give me Send Messages and Embed Links here, "
    "or start the quiz in another channel."
)


def _monotonic() -> float:
    # Looked up at call time, not bound at import, so a test's virtual clock is the clock.
    return time.monotonic()


def _name(user: discord.abc.User) -> str:
    return getattr(user, "display_name", None) or user.name


TOPIC_LIMIT = 100
"""Longer than any tag (50) and than Discord shows in an autocomplete choice (100)."""


def clean_topic(topic: str | None) -> str | None:
    """A topic as typed, padding and line breaks collapsed and clipped; None when empty."""
    if topic is None:
        return None
    cleaned = " ".join(topic.split())[:TOPIC_LIMIT]
    return cleaned or None


# -- rendering --


def question_embed(game: QuizGame, *, chat_answers: bool, language: str = ENGLISH) -> discord.Embed:
    question = game.current
    assert question is not None
    embed = discord.Embed(
        title=tr(
            "Question {number}/{total}", language, number=game.number, total=len(game.questions)
        ),
        description=question.prompt,
        colour=COLOUR_ANSWER,
    )
    if question.options:
        embed.description = (
            question.prompt
            + "\n\n"
            + "\n".join(
                f"**{letter}.** {option}"
                for letter, option in zip(OPTION_LETTERS, question.options, strict=False)
            )
        )
        how = "Pick a button: one pick each."
    elif chat_answers:
        how = "Type your answer in chat (or use /answer)."
    else:
        how = "Answer with /answer."
    footer = tr(
        "{seconds} seconds · {how} · /quiz hint for a hint",
        language,
        seconds=f"{game.seconds:g}",
        how=tr(how, language),
    )
    embed.set_footer(text=footer)
    return fit(embed)


REVEAL_TITLES = {
    "timeout": "⏰ Time's up!",
    "skipped": "⏭️ Skipped.",
    "stopped": "⏹️ Quiz stopped.",
}


def reveal_embed(
    reveal: Reveal, outcome: Outcome | None = None, language: str = ENGLISH
) -> discord.Embed:
    question = reveal.question
    if reveal.winner is not None:
        streak = (
            tr(" · streak {streak}", language, streak=outcome.streak)
            if outcome and outcome.streak > 1
            else ""
        )
        name = member_text(reveal.winner.name, 80)
        title = tr(
            "✅ {name} got it! +{points} points{streak}",
            language,
            name=name,
            points=reveal.points,
            streak=streak,
        )
        colour = COLOUR_RIGHT
    else:
        title = tr(REVEAL_TITLES.get(reveal.reason, "Closed."), language)
        colour = COLOUR_MISSED
    embed = discord.Embed(title=title, colour=colour)
    embed.description = tr("The answer: **{answer}**", language, answer=question.answer)
    embed.add_field(name=tr("Source", language), value=cite(question.source), inline=False)
    if question.evidence:
        embed.add_field(
            name=tr("Evidence", language), value=quote(question.evidence, 1024), inline=False
        )
    if outcome is not None and not outcome.saved:
        note = "The database refused this point: it counts in this game only."
        embed.set_footer(text=tr(note, language))
    return fit(embed)


def summary_embed(summary: Summary, language: str = ENGLISH) -> discord.Embed:
    embed = discord.Embed(title=tr("Quiz over", language), colour=COLOUR_INFO)
    winners = summary.winners
    if winners:
        names = ", ".join(f"<@{w.user_id}>" for w in winners)
        won = (
            "🏆 {names} wins with {points} points!"
            if len(winners) == 1
            else "🏆 {names} share the win with {points} points!"
        )
        lines = [tr(won, language, names=names, points=winners[0].points), ""]
    else:
        lines = [tr("Nobody scored this time.", language), ""]
    for rank, score in enumerate(summary.scores[:10]):
        if score.points == 0:
            continue
        medal = MEDALS[rank] if rank < len(MEDALS) else f"{rank + 1}."
        streak = (
            tr(", best streak {streak}", language, streak=score.best_streak)
            if score.best_streak > 1
            else ""
        )
        lines.append(
            tr(
                "{medal} {member}: {points} points ({correct} right{streak})",
                language,
                medal=medal,
                member=f"<@{score.user_id}>",
                points=score.points,
                correct=score.correct,
                streak=streak,
            )
        )
    embed.description = "\n".join(lines).strip()
    if summary.reached and summary.scores:
        lines_end = tr(
            "{member} reached {points} points first.",
            language,
            member=f"<@{summary.scores[0].user_id}>",
            points=summary.first_to,
        )
        embed.description = f"{embed.description}\n\n{lines_end}".strip()
    footer = (
        "{asked} of {total} questions asked (stopped early)"
        if summary.stopped
        else ("{asked} of {total} questions asked")
    )
    embed.set_footer(text=tr(footer, language, asked=summary.asked, total=summary.total))
    return fit(embed)


# -- one game in one channel --


_QUIZZES: weakref.WeakKeyDictionary[discord.Client, Quizzes] = weakref.WeakKeyDictionary()
"""Each bot's running games, for buttons: a click carries only its custom id."""


class OptionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"studybot:quiz:(?P<game>[0-9a-f]+):(?P<number>\d+):(?P<index>[0-3])",
):
    """One of the A–D buttons under a question.

    The custom id names the game, the question and the option, so a click on an old message (after
    the game ended, or after a restart) gets a clear answer instead of "interaction failed".
    """

    def __init__(self, game: str, number: int, index: int, label: str = "?") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, LABEL_LIMIT) or "?",
                style=discord.ButtonStyle.primary,
                custom_id=f"studybot:quiz:{game}:{number}:{index}",
            )
        )
        self.game = game
        self.number = number
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any, /
    ) -> OptionButton:
        return cls(match["game"], int(match["number"]), int(match["index"]), item.label or "?")

    async def callback(self, interaction: discord.Interaction) -> None:
        quizzes = _QUIZZES.get(interaction.client)
        if quizzes is None:
            services: Services = interaction.client.services  # type: ignore[attr-defined]
            note = await services.translate(interaction, "That quiz is no longer running.")
            await send_ephemeral(interaction, note)
            return
        await quizzes.pick(interaction, self.game, self.number, self.index)


def quiz_running(client: discord.Client, channel_id: int | None) -> bool:
    """Whether a quiz is under way in a channel (for commands that could give its answers away)."""
    quizzes = _QUIZZES.get(client)
    return quizzes is not None and quizzes._game_here(channel_id) is not None


def options_view(
    game: str, number: int, options: tuple[str, ...], *, correct: int | None = None
) -> discord.ui.View:
    """Buttons A–D; with `correct`, the closed state: all disabled, the right one green."""
    view = discord.ui.View(timeout=None)
    for index, option in enumerate(options):
        button = OptionButton(game, number, index, f"{OPTION_LETTERS[index]}. {option}")
        if correct is not None:
            button.item.disabled = True
            button.item.style = (
                discord.ButtonStyle.success if index == correct else discord.ButtonStyle.secondary
            )
        view.add_item(button)
    return view


class ChannelGame:
    """A running game and the Discord things attached to it."""

    def __init__(
        self,
        recorded: RecordedGame,
        channel: Any,
        channel_id: int,
        started_by: int,
        chat_answers: bool,
        *,
        idle_stop: int = 0,
        hints: bool = True,
        language: str = ENGLISH,
    ) -> None:
        self.recorded = recorded
        self.language = language
        """The language of the game's fixed messages (the server's, at the start)."""
        self.idle_stop = idle_stop
        """Stop after this many questions in a row that timed out unanswered (0: never)."""
        self.idle = 0
        self.hints = hints
        self.channel = channel
        self.channel_id = channel_id
        self.started_by = started_by
        self.chat_answers = chat_answers
        self.timer: asyncio.Task[None] | None = None
        """The pending time limit of the open question, or the pause before the next one."""
        self.message: discord.Message | None = None
        self.token = secrets.token_hex(4)
        """Names this game in button ids, so a stale button never answers a later game."""
        self.ended = False
        """Stopped or over: no more answers, questions or timers."""
        self.summarised = False
        self.stop_note: str | None = None
        """Why the game ended early, when it ended by itself (nobody answering)."""
        self.finishing: asyncio.Task[None] | None = None

    @property
    def game(self) -> QuizGame:
        return self.recorded.game


class Quizzes:
    """Every running game, one per channel, and what each command does to them."""

    def __init__(self, services: Services, bot: discord.Client | None = None) -> None:
        self.services = services
        self.bot = bot
        self.games: dict[int, ChannelGame] = {}
        self.starting: set[int] = set()
        """Channels where a /quiz start is between its checks and its start message."""

    # -- starting and running --
    async def start(
        self,
        interaction: discord.Interaction,
        topic: str | None,
        questions: int | None,
        mode: str | None,
        seconds: int | None,
        first_to: int | None = None,
    ) -> None:
        """Start a game; what the member left out comes from the server's quiz settings."""
        channel_id = interaction.channel_id
        say = self.services.translate
        if channel_id is None or interaction.channel is None:
            await send_ephemeral(interaction, await say(interaction, "Quizzes run in a channel."))
            return
        server = await self.services.settings_for(interaction.guild_id)
        refusal = may_start(interaction, server)
        if refusal:
            text, values = refusal
            await send_ephemeral(interaction, await say(interaction, text, **values))
            return
        questions = questions or server.quiz_questions
        mode = mode or server.quiz_mode
        seconds = seconds or server.quiz_seconds
        first_to = server.quiz_first_to if first_to is None else first_to
        running = self.games.get(channel_id)
        if (running is not None and not running.ended) or channel_id in self.starting:
            who = running.started_by if running is not None else None
            note = (
                "A quiz is already running here (started by {member}). Answer along, or "
                "`/quiz stop` it first."
                if who
                else "A quiz is already running here. Answer along, or `/quiz stop` it first."
            )
            await send_ephemeral(interaction, await say(interaction, note, member=f"<@{who}>"))
            return
        topic = clean_topic(topic)
        # Claimed before the first await so a second /quiz start cannot slip in; the game itself
        # is registered only once its start message is out (see below).
        self.starting.add(channel_id)
        try:
            await self._start_claimed(
                interaction, channel_id, topic, questions, mode, seconds, first_to, server
            )
        finally:
            self.starting.discard(channel_id)

    async def _start_claimed(
        self,
        interaction: discord.Interaction,
        channel_id: int,
        topic: str | None,
        questions: int,
        mode: str,
        seconds: int,
        first_to: int,
        server: ServerSettings,
    ) -> None:
        # The server's pack, for the whole game, even across a reload or a /kb use.
        pack = (await self.services.answerer_here(interaction, ephemeral=False)).pack
        try:
            # Picking and building questions walks the pack: seconds on a big one, so off the loop.
            picked = await asyncio.to_thread(
                build_questions,
                pack,
                topic=topic,
                count=questions,
                mode=mode,
                rng=self.services.rng,
            )
        except QuizError as err:
            # The core's message quotes the topic the member typed: all of it is member text.
            await send_ephemeral(interaction, "{error}", member={"error": str(err)})
            return
        game = QuizGame(picked, mode=mode, seconds=seconds, first_to=first_to, clock=_monotonic)
        recorded = RecordedGame(
            game,
            self.services.store,
            guild_id=interaction.guild_id,
            channel_id=channel_id,
            started_by=interaction.user.id,
            topic=topic,
            pack=server.pack,
        )
        chat_answers = mode == "text" and self.services.settings.message_content
        # Recording the game writes to the database, which another writer may hold: answer
        # Discord first, so a slow write can never cost the 3-second window.
        try:
            if not interaction.response.is_done():  # deferred already if the pack had to load
                await interaction.response.defer(thinking=True)
        except discord.HTTPException as err:
            # Discord did not take the acknowledgement: nothing is recorded or registered.
            log.warning("quiz in channel %s could not acknowledge its start: %s", channel_id, err)
            return
        saved = await recorded.begin()
        language = await self.services.language_here(interaction)
        started = (
            "{starter} started a quiz on **{topic}**: {count} question(s), {seconds} seconds each, "
            "{how}"
            if topic
            else "{starter} started a quiz: {count} question(s), {seconds} seconds each, {how}"
        )
        ending = (
            tr("; the first to {points} points wins.", language, points=first_to)
            if first_to
            else "."
        )
        how = "multiple choice" if mode == "choice" else "type the answer"
        lines = [
            tr(
                started,
                language,
                starter=f"<@{interaction.user.id}>",
                topic="{topic}",  # member text: filled by send(), never formatted here
                count=len(picked),
                seconds=seconds,
                how=tr(how, language),
            )
            + ending
        ]
        if mode == "text" and not chat_answers:
            lines.append(tr(NO_INTENT_NOTE, language))
        if not saved:
            note = "The database is unavailable: scores from this game won't be kept."
            lines.append(tr(note, language))
        try:
            await send(interaction, "\n".join(lines), member={"topic": topic or ""})
        except discord.HTTPException as err:
            # Nothing is registered yet: the channel is free again; only the record is closed.
            log.warning("quiz in channel %s could not announce its start: %s", channel_id, err)
            await recorded.end()
            with contextlib.suppress(discord.HTTPException):
                await send_ephemeral(interaction, tr(CANNOT_POST, language))
            return
        cg = ChannelGame(
            recorded,
            interaction.channel,
            channel_id,
            interaction.user.id,
            chat_answers,
            idle_stop=server.quiz_idle_stop,
            hints=server.quiz_hints,
            language=language,
        )
        self.games[channel_id] = cg
        try:
            await self._open_next(channel_id, cg)
        except discord.HTTPException as err:
            # Typically a channel where the bot may answer commands but not post messages.
            log.warning("quiz in channel %s could not post its first question: %s", channel_id, err)
            cg.ended = cg.summarised = True
            if cg.timer is not None:
                cg.timer.cancel()
            del self.games[channel_id]
            await recorded.end()
            await send_ephemeral(interaction, CANNOT_POST)

    # Every wait below is an `asyncio.sleep` in a task of its own: a question's time limit, or the
    # pause after a reveal. Closing a question early cancels its time limit and arms the pause.
    def _schedule(self, channel_id: int, cg: ChannelGame, step: Any) -> None:
        current = asyncio.current_task()
        if cg.timer is not None and cg.timer is not current and not cg.timer.done():
            cg.timer.cancel()
        cg.timer = asyncio.create_task(
            self._guarded(channel_id, cg, step), name=f"quiz-{channel_id}"
        )

    async def _guarded(self, channel_id: int, cg: ChannelGame, step: Any) -> None:
        try:
            await step
        except asyncio.CancelledError:
            raise
        except Exception:
            cg.ended = True
            if self.bot is not None and self.bot.is_closed():
                # The bot is shutting down under this game: nothing can be posted any more.
                log.info("quiz in channel %s ended by the shutdown", channel_id)
                self.games.pop(channel_id, None)
                return
            log.exception("quiz in channel %s failed", channel_id)
            if self.games.get(channel_id) is cg:
                del self.games[channel_id]
            with contextlib.suppress(discord.HTTPException):
                note = (
                    "Sorry, this quiz hit an error and had to stop. Points already announced "
                    "are saved."
                )
                await send(cg.channel, tr(note, cg.language))

    async def _open_next(self, channel_id: int, cg: ChannelGame) -> None:
        """Post the next question and arm its time limit, or end the game after the last one."""
        if cg.ended:
            return
        if cg.game.finished:
            await self._finish(channel_id, cg)
            return
        cg.game.next_question()
        await self._post_question(channel_id, cg)
        self._schedule(channel_id, cg, self._expire(channel_id, cg, cg.game.number))

    async def _expire(self, channel_id: int, cg: ChannelGame, number: int) -> None:
        game = cg.game
        while True:
            await asyncio.sleep(game.time_left() + LATE_GRACE)
            if cg.ended or game.current is None or game.number != number:
                return
            reveal = game.check_time()
            if reveal is not None:
                break
        try:
            await send(cg.channel, embed=reveal_embed(reveal, language=cg.language))
        finally:
            await self._after_close(channel_id, cg, reveal)

    async def _next_after_pause(self, channel_id: int, cg: ChannelGame) -> None:
        if not cg.game.finished:
            await asyncio.sleep(REVEAL_PAUSE)
        await self._open_next(channel_id, cg)

    async def _post_question(self, channel_id: int, cg: ChannelGame) -> None:
        game = cg.game
        question = game.current
        assert question is not None
        view = options_view(cg.token, game.number, question.options) if question.options else None
        cg.message = await send(
            cg.channel,
            embed=question_embed(game, chat_answers=cg.chat_answers, language=cg.language),
            view=view,
        )

    async def _after_close(self, channel_id: int, cg: ChannelGame, reveal: Reveal) -> None:
        """Disable a closed question's buttons (right one green); arm the pause before the next.

        A game whose last `idle_stop` questions all ran out unanswered ends here: nobody is
        playing, and a bot posting questions into an empty channel for half an hour is noise.
        """
        cg.idle = cg.idle + 1 if reveal.reason == "timeout" and reveal.winner is None else 0
        idle_out = bool(cg.idle_stop) and cg.idle >= cg.idle_stop and not cg.game.finished
        if idle_out and not cg.ended:
            cg.ended = True
            if cg.timer is not None and cg.timer is not asyncio.current_task():
                cg.timer.cancel()
            cg.stop_note = tr(
                "Nobody answered the last {count} questions, so the quiz stopped. "
                "Start another with /quiz start.",
                cg.language,
                count=cg.idle,
            )
            self._schedule_finish(channel_id, cg)
        elif not cg.ended:
            self._schedule(channel_id, cg, self._next_after_pause(channel_id, cg))
        question = reveal.question
        if cg.message is not None and question.options:
            view = options_view(
                cg.token, cg.game.number, question.options, correct=question.correct_option
            )
            with contextlib.suppress(discord.HTTPException):
                await cg.message.edit(view=view)

    def _schedule_finish(self, channel_id: int, cg: ChannelGame) -> None:
        """End the game in a task of its own, after the reveal that triggered it is posted."""
        task = asyncio.create_task(self._finish_after_reveal(channel_id, cg))
        cg.finishing = task

    async def _finish_after_reveal(self, channel_id: int, cg: ChannelGame) -> None:
        await asyncio.sleep(0)
        try:
            await self._finish(channel_id, cg)
        except discord.HTTPException:
            log.warning("could not post the end of an idle quiz in %s", channel_id)

    async def _finish(self, channel_id: int, cg: ChannelGame) -> None:
        if cg.summarised:
            return
        cg.ended = cg.summarised = True
        summary = await cg.recorded.end()
        if self.games.get(channel_id) is cg:
            del self.games[channel_id]
        await send(cg.channel, cg.stop_note, embed=summary_embed(summary, cg.language))

    async def shutdown(self) -> None:
        """The bot is going away: end every running game and say so where it ran.

        Points already announced are in the database; what members must hear is that the quiz
        did not just hang, and which question it was cut off at.
        """
        # A game already posting its own end gets to finish that first (bounded by close()).
        ending = [
            task
            for cg in self.games.values()
            if cg.summarised
            for task in (cg.timer, cg.finishing)
            if task is not None and not task.done() and task is not asyncio.current_task()
        ]
        if ending:
            await asyncio.wait(ending, timeout=SHUTDOWN_GRACE)
        for channel_id, cg in list(self.games.items()):
            if cg.summarised:
                continue
            cg.ended = cg.summarised = True
            if cg.timer is not None and cg.timer is not asyncio.current_task():
                cg.timer.cancel()
            summary = await cg.recorded.end(interrupted=True)
            self.games.pop(channel_id, None)
            note = tr(
                "The bot is shutting down, so this quiz stopped at question {asked} of {total}; "
                "that question does not count. Points already announced are saved. Start "
                "another with /quiz start when the bot is back.",
                cg.language,
                asked=summary.asked,
                total=summary.total,
            )
            try:
                await send(cg.channel, note, embed=summary_embed(summary, cg.language))
            except discord.HTTPException:
                log.warning("could not announce the end of the quiz in %s", channel_id)

    def _game_here(self, channel_id: int | None) -> ChannelGame | None:
        cg = self.games.get(channel_id) if channel_id is not None else None
        return None if cg is None or cg.ended else cg

    # -- answering --
    async def answer_in_chat(self, message: discord.Message) -> bool:
        """Take a message in a channel with a game; True when it was taken.

        With the content intent a text game reads guesses from chat. Otherwise only messages
        addressed to the bot arrive, and they wait until the game is over.
        """
        cg = self._game_here(message.channel.id)
        if cg is None or not message.content.strip():
            return False
        if not cg.chat_answers:
            me = self.bot.user if self.bot is not None else None
            if me is None or me not in message.mentions:
                return False
            # Answering questions here mid-game would answer the quiz for whoever asked.
            await send(message, tr(PAUSED_ANSWERING, cg.language))
            return True
        if cg.game.current is None:
            return True
        # "@studybot Trotsky" is a guess too; the mention's digits must not count as a number.
        guess = strip_mentions(message.content)
        try:
            outcome = await cg.recorded.answer(message.author.id, _name(message.author), guess)
        except NoQuestionOpenError:
            return True
        if outcome.reveal is not None:
            try:
                await send(message, embed=reveal_embed(outcome.reveal, outcome, cg.language))
            finally:
                await self._after_close(message.channel.id, cg, outcome.reveal)
        return True

    async def answer_command(self, interaction: discord.Interaction, text: str) -> None:
        cg = self._game_here(interaction.channel_id)
        if cg is None:
            note = "No quiz is running here. Start one with /quiz start."
            await send_ephemeral(interaction, await self.services.translate(interaction, note))
            return
        choice = cg.game.mode == "choice"
        language = cg.language
        try:
            if choice:
                # A pick typed as its letter, its number or the option's own text.
                outcome = await cg.recorded.choose(
                    interaction.user.id, _name(interaction.user), text
                )
            else:
                outcome = await cg.recorded.answer(
                    interaction.user.id, _name(interaction.user), text
                )
        except NoQuestionOpenError:
            await send_ephemeral(interaction, tr(CLOSED_LATE, language))
            return
        except AlreadyAnsweredError:
            await send_ephemeral(interaction, tr(ALREADY_PICKED, language))
            return
        except QuizError as err:
            await send_ephemeral(interaction, str(err))
            return
        if outcome.reveal is None:
            wrong = "Not this one: one pick per question." if choice else "Not quite. Try again!"
            await send_ephemeral(interaction, tr(wrong, language))
            return
        try:
            await send(interaction, embed=reveal_embed(outcome.reveal, outcome, cg.language))
        finally:
            await self._after_close(cg.channel_id, cg, outcome.reveal)

    async def pick(
        self, interaction: discord.Interaction, token: str, number: int, index: int
    ) -> None:
        cg = next((g for g in self.games.values() if g.token == token and not g.ended), None)
        if cg is None:
            note = "That quiz is over."
            await send_ephemeral(interaction, await self.services.translate(interaction, note))
            return
        language = cg.language
        if cg.game.current is None or cg.game.number != number:
            await send_ephemeral(interaction, tr("That question is closed.", language))
            return
        channel_id = cg.channel_id
        option = cg.game.current.options[index]
        try:
            outcome = await cg.recorded.choose(interaction.user.id, _name(interaction.user), index)
        except AlreadyAnsweredError:
            await send_ephemeral(interaction, tr(ALREADY_PICKED, language))
            return
        except NoQuestionOpenError:
            await send_ephemeral(interaction, tr(CLOSED_LATE, language))
            return
        if outcome.late:
            await send_ephemeral(interaction, tr("Too late: time was up.", language))
        else:
            picked = f"{OPTION_LETTERS[index]}. {option}"
            await send_ephemeral(
                interaction, tr("You picked **{option}**.", language, option=picked)
            )
        if outcome.reveal is not None:
            try:
                await send(cg.channel, embed=reveal_embed(outcome.reveal, outcome, cg.language))
            finally:
                await self._after_close(channel_id, cg, outcome.reveal)

    # -- hint, skip, stop --
    def _may_manage(self, interaction: discord.Interaction, cg: ChannelGame) -> bool:
        perms = interaction.permissions
        return interaction.user.id == cg.started_by or bool(perms and perms.manage_messages)

    async def hint(self, interaction: discord.Interaction) -> None:
        cg = self._game_here(interaction.channel_id)
        if cg is None or cg.game.current is None:
            note = "There is no open question to hint at."
            await send_ephemeral(interaction, await self.services.translate(interaction, note))
            return
        if not cg.hints:
            await send_ephemeral(
                interaction, tr("Hints are turned off in this server.", cg.language)
            )
            return
        hint = cg.game.hint()
        # A masked answer reads best in monospace (one * per letter); a ruled-out option does not.
        shown = hint if cg.game.mode == "choice" else tr("Hint: `{hint}`", cg.language, hint=hint)
        note = tr("💡 {hint} (hints lower this question's points)", cg.language, hint=shown)
        await send(interaction, note)

    async def skip(self, interaction: discord.Interaction) -> None:
        cg = self._game_here(interaction.channel_id)
        if cg is None or cg.game.current is None:
            note = "There is no open question to skip."
            await send_ephemeral(interaction, await self.services.translate(interaction, note))
            return
        if not self._may_manage(interaction, cg):
            note = "Only the member who started the quiz (or a moderator) can skip."
            await send_ephemeral(interaction, tr(note, cg.language))
            return
        reveal = cg.game.skip()
        try:
            await send(interaction, embed=reveal_embed(reveal, language=cg.language))
        finally:
            await self._after_close(cg.channel_id, cg, reveal)

    async def stop(self, interaction: discord.Interaction) -> None:
        channel_id = interaction.channel_id
        cg = self._game_here(channel_id)
        if cg is None or channel_id is None:
            note = "No quiz is running here."
            await send_ephemeral(interaction, await self.services.translate(interaction, note))
            return
        if not self._may_manage(interaction, cg):
            note = "Only the member who started the quiz (or a moderator) can stop it."
            await send_ephemeral(interaction, tr(note, cg.language))
            return
        cg.ended = True  # before anything is awaited: no timer may post another question
        if cg.timer is not None:
            cg.timer.cancel()
        open_question = cg.game.current
        await send(
            interaction,
            tr("{member} stopped the quiz.", cg.language, member=f"<@{interaction.user.id}>"),
        )
        if open_question is not None:
            cg.game.stop()
            await self._after_close(channel_id, cg, cg.game.reveals[-1])
            await send(cg.channel, embed=reveal_embed(cg.game.reveals[-1], language=cg.language))
        await self._finish(channel_id, cg)


# -- commands --


def may_start(
    interaction: discord.Interaction, server: ServerSettings
) -> tuple[str, dict[str, str]] | None:
    """Why this member may not start a quiz in this channel (the server's settings), or None.

    The reason is a catalogue text and its values, for `tr` in the server's language.
    """
    channel = interaction.channel
    channel_id = interaction.channel_id
    parent = getattr(channel, "parent_id", None)
    if server.quiz_channels and not ({channel_id, parent} & set(server.quiz_channels)):
        places = " ".join(f"<#{c}>" for c in server.quiz_channels)
        return "Quizzes run in {places} in this server.", {"places": places}
    perms = interaction.permissions
    if server.quiz_starters == "manage-messages" and not perms.manage_messages:
        return "In this server, quizzes are started by members who can manage messages.", {}
    if server.quiz_starters == "role":
        roles = {r.id for r in getattr(interaction.user, "roles", ())}
        if server.quiz_role not in roles and not perms.manage_guild:
            if server.quiz_role:
                return (
                    "In this server, quizzes are started by members with {role}.",
                    {"role": f"<@&{server.quiz_role}>"},
                )
            return "In this server, quizzes are started by members with a role not yet chosen.", {}
    return None


def quiz_group(quizzes: Quizzes) -> app_commands.Group:
    group = app_commands.Group(
        name="quiz", description="Play a quiz in this channel.", allowed_contexts=SERVERS_ONLY
    )

    @group.command(name="start", description="Start a quiz in this channel.")
    @app_commands.describe(
        topic="A topic (tag) of the pack; leave empty for everything.",
        questions=f"How many questions (1–{MAX_QUESTIONS}; default: the server's setting).",
        mode="text: type the answer; choice: pick one of four buttons.",
        seconds=f"Seconds per question ({MIN_SECONDS}–{MAX_SECONDS}; default: the server's).",
        first_to="End as soon as someone has this many points (0: play every question).",
    )
    @app_commands.autocomplete(topic=topic_names)
    async def start(
        interaction: discord.Interaction,
        topic: str | None = None,
        questions: app_commands.Range[int, 1, MAX_QUESTIONS] | None = None,
        mode: Literal["text", "choice"] | None = None,
        seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] | None = None,
        first_to: app_commands.Range[int, 0, MAX_FIRST_TO] | None = None,
    ) -> None:
        await quizzes.start(interaction, topic, questions, mode, seconds, first_to)

    @group.command(name="stop", description="Stop the quiz (its starter or Manage Messages).")
    async def stop(interaction: discord.Interaction) -> None:
        await quizzes.stop(interaction)

    @group.command(
        name="skip", description="Skip the open question and show its answer (starter or mods)."
    )
    async def skip(interaction: discord.Interaction) -> None:
        await quizzes.skip(interaction)

    @group.command(name="hint", description="A hint for the open question (costs points).")
    async def hint(interaction: discord.Interaction) -> None:
        await quizzes.hint(interaction)

    return group


def answer_command(quizzes: Quizzes) -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="answer", description="Answer the open quiz question.")
    @app_commands.describe(text="Your answer.")
    @app_commands.allowed_contexts(guilds=True)
    async def answer(
        interaction: discord.Interaction, text: app_commands.Range[str, 1, 200]
    ) -> None:
        await quizzes.answer_command(interaction, text)

    return answer


@app_commands.command(name="leaderboard", description="Quiz points in this server.")
@app_commands.describe(
    period="all-time (default) or the last 7 days.",
    pack="Only points from quizzes on this pack (default: every pack).",
)
@app_commands.autocomplete(pack=pack_names)
@app_commands.allowed_contexts(guilds=True)
async def leaderboard(
    interaction: discord.Interaction,
    period: Literal["all-time", "week"] = "all-time",
    pack: str | None = None,
) -> None:
    services: Services = interaction.client.services  # type: ignore[attr-defined]
    if services.store is None:
        note = "The database is unavailable, so there are no scores."
        await send_ephemeral(interaction, await services.translate(interaction, note))
        return
    await interaction.response.defer()
    language = await services.language_here(interaction)
    since = time.time() - WEEK_SECONDS if period == "week" else None
    # More rows than shown: members who left the server are dropped below.
    rows = await services.store.leaderboard(
        interaction.guild_id, since=since, limit=LEADERBOARD_ROWS * 3, pack=pack
    )
    rows = (await _still_members(interaction.guild, rows))[:LEADERBOARD_ROWS]
    title = tr(
        "Leaderboard: last 7 days" if period == "week" else "Leaderboard: all time", language
    )
    if pack is not None:
        title += f" ({echo(pack, 40)})"
    embed = discord.Embed(title=title, colour=COLOUR_INFO)
    if not rows:
        embed.description = tr("No points yet. Start a quiz with /quiz start!", language)
    else:
        embed.description = "\n".join(
            tr(
                "{medal} {member}: {points} points ({correct} right{streak})",
                language,
                medal=MEDALS[n] if n < len(MEDALS) else f"{n + 1}.",
                member=f"<@{row.user_id}>",
                points=row.points,
                correct=row.correct,
                streak="",
            )
            for n, row in enumerate(rows)
        )
    await send(interaction, embed=embed)


async def _still_members(guild: discord.Guild | None, rows: list[ScoreRow]) -> list[ScoreRow]:
    """The rows of members still in the server: who left drops off the board (their points stay).

    Without the privileged members intent the member cache is partial, so a member not in it is
    asked of Discord (one request each, only for the few rows a board shows).
    """
    if guild is None:
        return rows
    kept = []
    for row in rows:
        if len(kept) >= LEADERBOARD_ROWS:
            break
        if guild.get_member(row.user_id) is None:
            try:
                await guild.fetch_member(row.user_id)
            except discord.NotFound:
                continue
            except discord.HTTPException:
                pass  # cannot tell: show them rather than hide a member
        kept.append(row)
    return kept


@app_commands.command(name="stats", description="Quiz and practice statistics for a member.")
@app_commands.describe(member="Whose statistics (default: yours).")
@app_commands.allowed_contexts(guilds=True)
async def stats(interaction: discord.Interaction, member: discord.Member | None = None) -> None:
    services: Services = interaction.client.services  # type: ignore[attr-defined]
    if services.store is None:
        note = "The database is unavailable, so there are no stats."
        await send_ephemeral(interaction, await services.translate(interaction, note))
        return
    await interaction.response.defer(thinking=True)  # database work and a picture to draw
    language = await services.language_here(interaction)
    who = member or interaction.user
    found = await services.store.member_stats(interaction.guild_id, who.id)
    embed = discord.Embed(
        title=tr("Stats for {member}", language, member=member_text(_name(who), 80)),
        colour=COLOUR_INFO,
    )
    for label, value in (
        (
            "Points",
            tr(
                "{points} ({week} this week)", language, points=found.points, week=found.week_points
            ),
        ),
        ("Right answers", str(found.correct)),
        ("Games scored in", str(found.games)),
        ("Best streak", str(found.best_streak)),
        (
            "Practice cards",
            tr("{cards} ({reviews} reviews)", language, cards=found.cards, reviews=found.reviews),
        ),
    ):
        embed.add_field(name=tr(label, language), value=value)
    png = await _stats_png(services.store, interaction.guild_id, who.id, _name(who))
    if png is None:
        await send(interaction, embed=embed)
        return
    embed.set_image(url=f"attachment://{STATS_PICTURE}")
    await send(interaction, embed=embed, file=discord.File(io.BytesIO(png), STATS_PICTURE))


async def _stats_png(store: Store, guild_id: int | None, user_id: int, name: str) -> bytes | None:
    """The /stats picture, drawn off the event loop; `None` without Pillow (text only, then)."""
    now = time.time()
    history = await store.member_history(guild_id, user_id, days=charts.HISTORY_DAYS)
    cards = await store.cards(user_id)
    picture = charts.StatsPicture(
        name=name,
        today=int(now // DAY_SECONDS),
        history=history,
        due=charts.due_per_day((card.due for card in cards.values()), now),
    )
    try:
        return await asyncio.to_thread(charts.render_stats, picture)
    except ImportError:
        log.debug("Pillow is not installed: /stats replies in text")
        return None


def setup(bot: StudyBot, services: Services) -> None:
    """Register the quiz commands and the chat-answer handler (see bot/discord/app.py)."""
    quizzes = Quizzes(services, bot)
    _QUIZZES[bot] = quizzes
    bot.add_dynamic_items(OptionButton)
    bot.add_close_hook(quizzes.shutdown)
    bot.tree.add_command(quiz_group(quizzes))
    bot.tree.add_command(answer_command(quizzes))
    bot.tree.add_command(leaderboard)
    bot.tree.add_command(stats)
    # Not a fallback: while a text quiz runs in a channel, what members type there are guesses.
    bot.add_message_handler(quizzes.answer_in_chat)
