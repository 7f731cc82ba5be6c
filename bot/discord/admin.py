"""The `/kb` admin group: reload the pack, see what it holds, see what members asked in vain.

Only members with Manage Server see it by default (server admins can change that in Server
Settings → Integrations). Replies are ephemeral: pack errors and member questions are admin
business.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Range

from bot.answering.answers import Answerer
from bot.discord.client import Services, send_ephemeral
from bot.discord.embeds import COLOUR_INFO, code_block, echo
from bot.discord.messages import send
from bot.packs.bulk import build_long_lived
from bot.packs.cache import open_answerer
from bot.packs.loader import PackError
from bot.packs.model import Pack
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.discord.client import StudyBot


def _services(interaction: discord.Interaction) -> Services:
    return interaction.client.services  # type: ignore[attr-defined, no-any-return]


def describe(pack: Pack) -> str:
    return (
        f"**{pack.name}**: {len(pack.sources)} sources, {len(pack.entries)} entries, "
        f"{pack.item_count()} answerable items, {len(pack.quiz)} quiz questions"
    )


kb = app_commands.Group(
    name="kb",
    description="Manage the knowledge pack (admins).",
    default_permissions=discord.Permissions(manage_guild=True),
    guild_only=True,
)


def build_answerer(settings: Settings) -> Answerer:
    """Load, validate, index and embed a pack: all CPU work, so it runs in a worker thread.

    Building the index of a 100,000-item pack took 11.5 s on the event loop, long enough for
    Discord to see missed heartbeats; here the loop keeps answering (from the old pack) meanwhile.
    The pack cache is used as at start-up, so an unchanged pack reloads in a moment.
    """
    return build_long_lived(lambda: open_answerer(settings))


@kb.command(name="reload", description="Reload the pack from disk; a broken pack is not loaded.")
async def reload(interaction: discord.Interaction) -> None:
    # Reading and checking a big pack can take longer than Discord's three seconds: defer first.
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    folder = services.settings.knowledge_dir
    async with services.reload_lock:
        try:
            answerer = await asyncio.to_thread(build_answerer, services.settings)
        except PackError as err:
            header = (
                f"Reload failed: {len(err.problems)} problem(s). Still using the old pack, "
                f"{describe(services.current.pack)}.\n"
            )
            # Pack text inside a code block: shown literally, never formatted or pinging.
            await send(
                interaction, header + code_block(err.report(), 2000 - len(header)), ephemeral=True
            )
            return
        except OSError as err:
            await send(
                interaction,
                f"Reload failed: cannot read {folder}: {err.strerror or err}. "
                "Still using the old pack.",
                ephemeral=True,
            )
            return
        # One assignment: a question asked during the reload was answered by the old answerer,
        # the next one gets the new; nothing ever sees a half-built pack.
        old = [services.answerer]
        services.answerer = answerer
        # Freeing a big old pack is millions of deallocations: let a worker thread do them.
        await asyncio.to_thread(old.clear)
    await send(interaction, f"Reloaded {describe(answerer.pack)}.", ephemeral=True)


@kb.command(name="stats", description="What the loaded pack holds.")
async def stats(interaction: discord.Interaction) -> None:
    pack = _services(interaction).current.pack
    embed = discord.Embed(title=f"Pack: {pack.name}", colour=COLOUR_INFO)
    embed.description = pack.description or None
    differing = sum(1 for item in pack.items() if item.differs)
    embed.add_field(name="Sources", value=str(len(pack.sources)))
    embed.add_field(name="Entries", value=str(len(pack.entries)))
    embed.add_field(name="Answerable items", value=str(pack.item_count()))
    embed.add_field(name="Quiz questions", value=str(len(pack.quiz)))
    embed.add_field(name="Items where sources differ", value=str(differing))
    embed.add_field(name="Topics", value=", ".join(pack.tags()) or "none", inline=False)
    await send(interaction, embed=embed, ephemeral=True)


@kb.command(name="gaps", description="The most asked questions the pack could not answer.")
@app_commands.describe(limit="How many to list (1–25, default 10).")
async def gaps(interaction: discord.Interaction, limit: Range[int, 1, 25] = 10) -> None:
    services = _services(interaction)
    if services.store is None:
        await send_ephemeral(
            interaction, "Unanswered questions are not being recorded: the database is not open."
        )
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    rows = await services.store.unanswered(interaction.guild_id, limit)
    embed = discord.Embed(title="Questions the pack could not answer", colour=COLOUR_INFO)
    if not rows:
        embed.description = "None recorded in this server yet."
    else:
        # Member text: escaped, one line each, so a logged "@everyone" shows but never pings.
        embed.description = "\n".join(
            f"**{count}×** {echo(question, 200)}" for question, count in rows
        )
    embed.set_footer(text="Add entries or `asks` phrasings to the pack, then /kb reload.")
    await send(interaction, embed=embed, ephemeral=True)


def setup(bot: StudyBot, services: Services) -> None:
    """Register the /kb group."""
    bot.tree.add_command(kb)
