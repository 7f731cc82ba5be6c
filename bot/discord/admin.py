"""The `/kb` admin group: a server's packs (upload, use, download), what they hold, the gaps.

Only members with Manage Server see it by default (server admins can change that in Server
Settings → Integrations). Replies are ephemeral: pack errors and member questions are admin
business. Each server manages only its own packs (`bot.packs.library` does the work); reloading
the bundled pack changes every server, so only the host's owner may.
"""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Range

from bot.answering.answers import Answerer
from bot.discord.autocomplete import pack_names
from bot.discord.client import SERVERS_ONLY, Services, send_ephemeral
from bot.discord.embeds import COLOUR_INFO, code_block, echo
from bot.discord.messages import send
from bot.packs.bulk import build_long_lived
from bot.packs.cache import open_answerer
from bot.packs.library import UploadError, pack_name_for, zip_folder
from bot.packs.loader import PackError
from bot.packs.model import Pack
from bot.server_settings import BUNDLED
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
    allowed_contexts=SERVERS_ONLY,
)


def build_answerer(settings: Settings) -> Answerer:
    """Load, validate, index and embed a pack: all CPU work, so it runs in a worker thread.

    Building the index of a 100,000-item pack took 11.5 s on the event loop, long enough for
    Discord to see missed heartbeats; here the loop keeps answering (from the old pack) meanwhile.
    The pack cache is used as at start-up, so an unchanged pack reloads in a moment.
    """
    return build_long_lived(lambda: open_answerer(settings))


def is_host_owner(interaction: discord.Interaction) -> bool:
    """The application's owner (or a member of its team), or an id in STUDYBOT_OWNERS."""
    services = _services(interaction)
    user_id = interaction.user.id
    if user_id in services.settings.owner_ids:
        return True
    app = interaction.client.application
    if app is None:
        return False
    if app.team is not None:
        return any(m.id == user_id for m in app.team.members)
    return app.owner is not None and app.owner.id == user_id


NOT_OWNER = (
    "Only the host's owner can reload the bundled pack: it changes every server. "
    "To change this server's pack, use /kb upload and /kb use."
)


@kb.command(
    name="reload", description="Reload the bundled pack for every server (the host's owner)."
)
async def reload(interaction: discord.Interaction) -> None:
    # Reading and checking a big pack can take longer than Discord's three seconds: defer first.
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    if not is_host_owner(interaction):
        await send(interaction, NOT_OWNER, ephemeral=True)
        return
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


@kb.command(name="stats", description="What this server's pack holds.")
async def stats(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    pack = (await _services(interaction).answerer_here(interaction)).pack
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


async def _say(interaction: discord.Interaction, text: str) -> None:
    await send(interaction, text, ephemeral=True)


@kb.command(name="upload", description="Add or replace a pack: YAML, zip, Anki, Quizlet, CSV.")
@app_commands.describe(
    file="A pack (.yaml, .zip of a pack folder) or cards: Anki .apkg/.txt, Quizlet, Red list, CSV.",
    name="The pack's name here (default: from the file name). Same name replaces it.",
)
async def upload(
    interaction: discord.Interaction,
    file: discord.Attachment,
    name: Range[str, 1, 40] | None = None,
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    library = services.packs
    guild_id = interaction.guild_id or 0
    if file.size > library.limits.max_bytes:
        await _say(
            interaction,
            f"Not uploaded: {echo(file.filename, 100)} is {file.size:,} bytes; "
            f"packs may be at most {library.limits.max_bytes:,}.",
        )
        return
    chosen = pack_name_for(name or file.filename)
    try:
        data = await file.read()
        installed = await asyncio.to_thread(library.install, guild_id, file.filename, data, chosen)
    except PackError as err:
        header = (
            f"Not uploaded: {len(err.problems)} problem(s); this server's packs are unchanged.\n"
        )
        await send(
            interaction, header + code_block(err.report(), 2000 - len(header)), ephemeral=True
        )
        return
    except (UploadError, discord.HTTPException, OSError) as err:
        await _say(interaction, f"Not uploaded: {err}. This server's packs are unchanged.")
        return
    in_use = (await services.settings_for(guild_id)).pack == chosen
    after = "It is in use now." if in_use else f"Members get it after `/kb use pack:{chosen}`."
    text = f"Uploaded `{chosen}`: {describe(installed.pack)}. {after}"
    if installed.summary:
        # The same summary `studybot kb import` prints: what was made and what was skipped.
        text += "\n" + code_block(installed.summary, 2000 - len(text) - 1)
    await _say(interaction, text)


@kb.command(name="use", description="Choose the pack this server's members get.")
@app_commands.describe(pack="`bundled` (the host's pack) or one uploaded with /kb upload.")
@app_commands.autocomplete(pack=pack_names)
async def use(interaction: discord.Interaction, pack: Range[str, 1, 40]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    guild_id = interaction.guild_id or 0
    name = pack.strip().lower()
    library = services.packs
    if name != BUNDLED and not library.has(guild_id, name):
        known = ", ".join([BUNDLED, *library.names(guild_id)])
        await _say(interaction, f"No pack called “{echo(pack, 40)}” here. Packs: {known}.")
        return
    if name != BUNDLED:
        try:
            answerer = await library.open(guild_id, name)
        except (PackError, OSError) as err:
            await _say(
                interaction, f"Pack `{name}` does not load ({err}); still using the old one."
            )
            return
    else:
        answerer = services.current
    before = (await services.settings_for(guild_id)).pack
    await services.settings_book.change(guild_id, "pack", name)
    if before not in (BUNDLED, name):
        library.release(guild_id, before)  # nobody else uses a server's own upload
    await _say(interaction, f"This server now uses `{name}`: {describe(answerer.pack)}.")


@kb.command(name="download", description="This server's pack as a file, to edit and upload again.")
async def download(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    guild_id = interaction.guild_id or 0
    name = (await services.settings_for(guild_id)).pack
    if name == BUNDLED:
        folder = services.current.pack.path or services.settings.knowledge_dir
        data = await asyncio.to_thread(zip_folder, folder, BUNDLED)
    else:
        data = await asyncio.to_thread(services.packs.archive, guild_id, name)
    await send(
        interaction,
        f"The pack `{name}` (upload it again with /kb upload after editing).",
        file=discord.File(io.BytesIO(data), filename=f"{name}.zip"),
        ephemeral=True,
    )


def setup(bot: StudyBot, services: Services) -> None:
    """Register the /kb group."""
    bot.tree.add_command(kb)
