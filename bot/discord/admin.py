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
from bot.discord.i18n import ENGLISH, tr
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


def describe(pack: Pack, language: str = ENGLISH) -> str:
    """A pack in one line: its name and what it holds."""
    return tr(
        "**{pack}**: {sources} sources, {entries} entries, {items} answerable items, "
        "{questions} quiz questions",
        language,
        pack=pack.name,
        sources=len(pack.sources),
        entries=len(pack.entries),
        items=pack.item_count(),
        questions=len(pack.quiz),
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
    language = await services.language_here(interaction)
    if not is_host_owner(interaction):
        await send(interaction, tr(NOT_OWNER, language), ephemeral=True)
        return
    folder = services.settings.knowledge_dir
    async with services.reload_lock:
        try:
            answerer = await asyncio.to_thread(build_answerer, services.settings)
        except PackError as err:
            header = (
                tr(
                    "Reload failed: {count} problem(s). Still using the old pack, {pack}.",
                    language,
                    count=len(err.problems),
                    pack=describe(services.current.pack, language),
                )
                + "\n"
            )
            # Pack text inside a code block: shown literally, never formatted or pinging.
            await send(
                interaction, header + code_block(err.report(), 2000 - len(header)), ephemeral=True
            )
            return
        except OSError as err:
            note = "Reload failed: cannot read {folder}: {error}. Still using the old pack."
            await send(
                interaction,
                tr(note, language, folder=folder, error=err.strerror or err),
                ephemeral=True,
            )
            return
        # One assignment: a question asked during the reload was answered by the old answerer,
        # the next one gets the new; nothing ever sees a half-built pack.
        old = [services.answerer]
        services.answerer = answerer
        # Freeing a big old pack is millions of deallocations: let a worker thread do them.
        await asyncio.to_thread(old.clear)
    reloaded = tr("Reloaded {pack}.", language, pack=describe(answerer.pack, language))
    await send(interaction, reloaded, ephemeral=True)


@kb.command(name="stats", description="What this server's pack holds.")
async def stats(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    pack = (await services.answerer_here(interaction)).pack
    language = await services.language_here(interaction)
    embed = discord.Embed(title=tr("Pack: {pack}", language, pack=pack.name), colour=COLOUR_INFO)
    embed.description = pack.description or None
    differing = sum(1 for item in pack.items() if item.differs)
    for label, value in (
        ("Sources", len(pack.sources)),
        ("Entries", len(pack.entries)),
        ("Answerable items", pack.item_count()),
        ("Quiz questions", len(pack.quiz)),
        ("Items where sources differ", differing),
    ):
        embed.add_field(name=tr(label, language), value=str(value))
    topics = ", ".join(pack.tags()) or tr("none", language)
    embed.add_field(name=tr("Topics", language), value=topics, inline=False)
    await send(interaction, embed=embed, ephemeral=True)


@kb.command(name="gaps", description="The most asked questions the pack could not answer.")
@app_commands.describe(limit="How many to list (1–25, default 10).")
async def gaps(interaction: discord.Interaction, limit: Range[int, 1, 25] = 10) -> None:
    services = _services(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    language = await services.language_here(interaction)
    if services.store is None:
        note = "Unanswered questions are not being recorded: the database is not open."
        await send_ephemeral(interaction, tr(note, language))
        return
    rows = await services.store.unanswered(interaction.guild_id, limit)
    embed = discord.Embed(
        title=tr("Questions the pack could not answer", language), colour=COLOUR_INFO
    )
    if not rows:
        embed.description = tr("None recorded in this server yet.", language)
    else:
        # Member text: escaped, one line each, so a logged "@everyone" shows but never pings.
        embed.description = "\n".join(
            f"**{count}×** {echo(question, 200)}" for question, count in rows
        )
    embed.set_footer(
        text=tr("Add entries or `asks` phrasings to the pack, then /kb reload.", language)
    )
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
    language = await services.language_here(interaction)
    if file.size > library.limits.max_bytes:
        note = "Not uploaded: {file} is {size} bytes; packs may be at most {limit}."
        await _say(
            interaction,
            tr(
                note,
                language,
                file=echo(file.filename, 100),
                size=f"{file.size:,}",
                limit=f"{library.limits.max_bytes:,}",
            ),
        )
        return
    chosen = pack_name_for(name or file.filename)
    try:
        data = await file.read()
        installed = await asyncio.to_thread(library.install, guild_id, file.filename, data, chosen)
    except PackError as err:
        note = "Not uploaded: {count} problem(s); this server's packs are unchanged."
        header = tr(note, language, count=len(err.problems)) + "\n"
        await send(
            interaction, header + code_block(err.report(), 2000 - len(header)), ephemeral=True
        )
        return
    except (UploadError, discord.HTTPException, OSError) as err:
        note = "Not uploaded: {error}. This server's packs are unchanged."
        await _say(interaction, tr(note, language, error=err))
        return
    in_use = (await services.settings_for(guild_id)).pack == chosen
    after = (
        tr("It is in use now.", language)
        if in_use
        else tr("Members get it after `/kb use pack:{name}`.", language, name=chosen)
    )
    text = tr(
        "Uploaded `{name}`: {pack}. {after}",
        language,
        name=chosen,
        pack=describe(installed.pack, language),
        after=after,
    )
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
    language = await services.language_here(interaction)
    if name != BUNDLED and not library.has(guild_id, name):
        known = ", ".join([BUNDLED, *library.names(guild_id)])
        note = "No pack called “{pack}” here. Packs: {known}."
        await _say(interaction, tr(note, language, pack=echo(pack, 40), known=known))
        return
    if name != BUNDLED:
        try:
            answerer = await library.open(guild_id, name)
        except (PackError, OSError) as err:
            note = "Pack `{name}` does not load ({error}); still using the old one."
            await _say(interaction, tr(note, language, name=name, error=err))
            return
    else:
        answerer = services.current
    before = (await services.settings_for(guild_id)).pack
    await services.settings_book.change(guild_id, "pack", name)
    if before not in (BUNDLED, name):
        library.release(guild_id, before)  # nobody else uses a server's own upload
    # The language of the new pack, when the server follows its pack's language.
    language = await services.language_here(interaction)
    note = "This server now uses `{name}`: {pack}."
    await _say(interaction, tr(note, language, name=name, pack=describe(answerer.pack, language)))


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
    language = await services.language_here(interaction)
    await send(
        interaction,
        tr(
            "The pack `{name}` (upload it again with /kb upload after editing).",
            language,
            name=name,
        ),
        file=discord.File(io.BytesIO(data), filename=f"{name}.zip"),
        ephemeral=True,
    )


def setup(bot: StudyBot, services: Services) -> None:
    """Register the /kb group."""
    bot.tree.add_command(kb)
