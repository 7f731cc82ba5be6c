"""Build, run and sync the Discord bot: the three entry points `studybot` calls.

- `run(settings)`: `studybot run`. Syncs commands only when the command tree changed since the
  last sync (a hash kept in the data folder), because Discord rate-limits syncing.
- `sync(settings, guild_id)`: `studybot sync [--guild ID]`. Log in, sync, remember the hash, exit.
- `command_payloads(settings)`: `studybot commands --json`. What a sync would send; no token needed.

Adding commands (the seam for feature modules such as quiz and practice)
-----------------------------------------------------------------------
A module under `bot/discord/` registers its commands with one call::

    def setup(bot: StudyBot, services: Services) -> None:
        bot.tree.add_command(quiz_group)          # slash commands and groups
        bot.add_dynamic_items(AnswerButton)       # buttons that survive restarts (optional)
        bot.add_message_handler(on_answer)        # plain chat; runs before general answering

and is listed in `FEATURES` below (modules listed in `OPTIONAL_FEATURES` are loaded when their file
exists). `services` holds the settings, the current `Answerer` (`services.current`, swapped by
`/kb reload`: read it at call time, don't keep it), the `Store` (may be None) and the cooldown.
Commands raising an exception get the shared apology and a log line from `StudyTree.on_error`.

Test-only environment variables
-------------------------------
`STUDYBOT_DISCORD_API` and `STUDYBOT_DISCORD_GATEWAY` point discord.py at a fake Discord (the
wire-level test in tests/fake_discord). They exist for that test only; never set them otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
import os
import signal
import sys
from typing import Any

import aiohttp
import discord

from bot.answering.answers import Answerer
from bot.answering.semantic import console_progress
from bot.cooldown import Cooldown
from bot.discord.client import Services, ShardedStudyBot, StudyBot
from bot.discord.i18n import StudyTranslator
from bot.discord.logs import setup_logging
from bot.discord.sync import payloads, sync_commands
from bot.packs.cache import open_answerer
from bot.settings import Settings
from bot.storage.files import private_dir
from bot.storage.store import Store

log = logging.getLogger("studybot.discord")

FEATURES = (
    "bot.discord.commands",
    "bot.discord.admin",
    "bot.discord.chat",
    "bot.discord.server",
    "bot.discord.members",
)
OPTIONAL_FEATURES = ("bot.discord.quiz", "bot.discord.practice")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

MISSING_LOGIN = (
    "studybot: DISCORD_TOKEN is not set. Put it in .env or the environment "
    "(see docs/discord.md), or run `studybot chat` to try the bot in the console."
)
REJECTED_LOGIN = (
    "studybot: Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer "
    "Portal (Bot → Reset Token) into .env."
)
UNREACHABLE = (
    "studybot: could not reach Discord; check this machine's internet connection and try again, "
    "or run `studybot chat` to use the bot in the console"
)
NO_INTENT = (
    "studybot: STUDYBOT_MESSAGE_CONTENT is on but the Message Content intent is not enabled for "
    "this application. Enable it in the Developer Portal (Bot → Privileged Gateway Intents) or set "
    "STUDYBOT_MESSAGE_CONTENT=false."
)


def intents_for(settings: Settings) -> discord.Intents:
    """Only what the bot uses: guilds and messages; message content only when asked for."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content
    return intents


def feature_modules() -> list[str]:
    present = [name for name in OPTIONAL_FEATURES if importlib.util.find_spec(name) is not None]
    return [*FEATURES, *present]


def shard_options(settings: Settings) -> tuple[type[StudyBot], dict[str, Any]]:
    """The client class and its shard options for the STUDYBOT_SHARD_* settings.

    No shard count: one plain gateway connection, as a bot in fewer than 2,500 servers needs.
    `auto`: discord.py's `AutoShardedClient` asks Discord how many shards and runs them all here.
    A number: this process runs `shard_ids` (default all) of that many; other processes, with the
    same token and database, run the rest. Discord routes each server's events to one shard.
    """
    if settings.shard_count is None:
        return StudyBot, {}
    if settings.shard_count == "auto":
        return ShardedStudyBot, {}
    options: dict[str, Any] = {"shard_count": settings.shard_count}
    if settings.shard_ids is not None:
        options["shard_ids"] = list(settings.shard_ids)
    return ShardedStudyBot, options


def build_client(services: Services, *, auto_sync: bool = True, **options: Any) -> StudyBot:
    """The bot with every feature module's commands registered; nothing connects yet.

    `options` go to `discord.Client` (the wire-level test shortens `guild_ready_timeout`).
    Commands are synced by one process only, the one holding shard 0: several shard processes
    syncing at once would only spend Discord's rate limit.
    """
    settings = services.settings
    client_class, sharding = shard_options(settings)
    bot = client_class(
        services,
        intents=intents_for(settings),
        auto_sync=auto_sync and settings.runs_shard_zero,
        **sharding,
        **options,
    )
    for name in feature_modules():
        importlib.import_module(name).setup(bot, services)
    bot.tree.open_to_dms()
    return bot


def make_services(
    settings: Settings, answerer: Answerer | None, store: Store | None = None
) -> Services:
    """Services built from settings: the cooldown length comes from STUDYBOT_COOLDOWN."""
    return Services(
        settings=settings,
        answerer=answerer,
        store=store,
        cooldown=Cooldown(settings.cooldown_seconds),
    )


def _point_at_test_discord() -> dict[str, Any]:
    """Test-only: aim discord.py at a local fake Discord (see the module docstring).

    Returns client options for the fake: it has one small server, so waiting the default two
    seconds for more servers to arrive before `on_ready` only slows the test down.
    """
    api = os.environ.get("STUDYBOT_DISCORD_API")
    gateway = os.environ.get("STUDYBOT_DISCORD_GATEWAY")
    if api:
        discord.http.Route.BASE = api.rstrip("/")
    if gateway:
        import yarl
        from discord.gateway import DiscordWebSocket

        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    return {"guild_ready_timeout": 0.1} if api or gateway else {}


async def _open_store(settings: Settings) -> Store | None:
    """The database, or None (with a warning) so a bad data folder never stops the answering."""
    try:
        private_dir(settings.data_dir)
        return await Store.open(settings.data_dir, database_url=settings.database_url)
    except Exception as err:
        # StoreUnavailableError and the backends' messages never include a URL's password.
        where = "STUDYBOT_DATABASE_URL" if settings.database_url else str(settings.data_dir)
        log.warning("database not available (%s); /kb gaps will be empty: %s", where, err)
        return None


def run(settings: Settings) -> int:
    """Start the bot and keep it running; 2 with one clear line when the token is missing or bad."""
    if not settings.discord_token:
        print(MISSING_LOGIN, file=sys.stderr)
        return EXIT_USAGE
    answerer = open_answerer(
        settings, progress=console_progress()
    )  # a broken pack stops here, before connecting (PackError)
    setup_logging(getattr(logging, settings.log_level, logging.INFO))
    options = _point_at_test_discord()
    try:
        return asyncio.run(_run(settings, answerer, options))
    except KeyboardInterrupt:
        return EXIT_OK


async def _run(settings: Settings, answerer: Answerer, options: dict[str, Any]) -> int:
    store = await _open_store(settings)
    bot = build_client(make_services(settings, answerer, store), **options)
    _close_on_sigterm(bot)
    try:
        async with bot:
            await bot.start(settings.discord_token or "")
    except discord.LoginFailure:
        print(REJECTED_LOGIN, file=sys.stderr)
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        print(NO_INTENT, file=sys.stderr)
        return EXIT_USAGE
    except (OSError, aiohttp.ClientError, discord.GatewayNotFound) as err:
        print(f"{UNREACHABLE} ({err})", file=sys.stderr)
        return EXIT_FAIL
    finally:
        if store is not None:
            await store.close()
    return EXIT_OK


def _close_on_sigterm(bot: StudyBot) -> None:
    """`docker stop` and systemd send SIGTERM: log out and close the database instead of dying."""
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()  # a reference, so the task is not garbage-collected

    def close() -> None:
        task = loop.create_task(bot.close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    # Windows has no add_signal_handler; Ctrl+C still works there.
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, close)


def sync(settings: Settings, guild_id: int | None) -> int:
    """`studybot sync [--guild ID]`: push the command tree to Discord now and remember its hash."""
    if not settings.discord_token:
        print(MISSING_LOGIN, file=sys.stderr)
        return EXIT_USAGE
    options = _point_at_test_discord()
    return asyncio.run(_sync(settings, guild_id or settings.dev_guild_id, options))


async def _sync(settings: Settings, guild_id: int | None, options: dict[str, Any]) -> int:
    bot = build_client(make_services(settings, None), auto_sync=False, **options)
    try:
        async with bot:
            await bot.login(settings.discord_token or "")
            count = await sync_commands(bot, guild_id)
    except discord.LoginFailure:
        print(REJECTED_LOGIN, file=sys.stderr)
        return EXIT_USAGE
    except (OSError, aiohttp.ClientError, discord.GatewayNotFound) as err:
        print(f"{UNREACHABLE} ({err})", file=sys.stderr)
        return EXIT_FAIL
    except discord.Forbidden:
        print(
            f"studybot: Discord refused the sync to server {guild_id}: invite the bot with the "
            "`applications.commands` scope (see docs/discord.md).",
            file=sys.stderr,
        )
        return EXIT_FAIL
    except discord.HTTPException as err:
        print(f"studybot: command sync failed: {err}", file=sys.stderr)
        return EXIT_FAIL
    where = f"server {guild_id} (available now)" if guild_id else "all servers (may take an hour)"
    print(f"Synced {count} commands to {where}.")
    return EXIT_OK


def command_payloads(settings: Settings) -> list[dict[str, Any]]:
    """What `studybot sync` would send, translations included. No token, no network."""
    bot = build_client(make_services(settings, None), auto_sync=False)

    async def translated() -> list[dict[str, Any]]:
        await bot.tree.set_translator(StudyTranslator())
        return await payloads(bot.tree)

    return asyncio.run(translated())
