"""`/settings`: a server's admins choose how studybot behaves there, without a shell on the host.

The rules (names, what values mean, what is accepted) live in `bot.server_settings`; this module
only turns the command into a `change` or `reset` and shows the result. Replies are private and
every one defers first: saving goes to the database, which must never cost the 3-second window.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.client import SERVERS_ONLY, Services
from bot.discord.embeds import COLOUR_INFO, clip, fit
from bot.discord.i18n import ENGLISH, tr
from bot.discord.messages import send
from bot.server_settings import SETTINGS, ServerSettings, SettingError

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

NOT_CHANGED = "Not changed: {error}."
NO_INTENT_FOR_CHAT = (
    "Note: plain questions in channels need the Message Content intent, which this host has not "
    "enabled; mentions of the bot are answered everywhere."
)
SETTING_CHOICES = [app_commands.Choice(name=name, value=name) for name in SETTINGS]


def _services(interaction: discord.Interaction) -> Services:
    return interaction.client.services  # type: ignore[attr-defined, no-any-return]


def settings_embed(
    current: ServerSettings, chosen: set[str], language: str = ENGLISH
) -> discord.Embed:
    """Every setting with its value; those this server set itself are marked.

    The settings' own help lines come from `bot.server_settings` and are English.
    """
    embed = discord.Embed(title=tr("Settings for this server", language), colour=COLOUR_INFO)
    lines = []
    default = " " + tr("*(default)*", language)
    for name, info in SETTINGS.items():
        mark = "" if name in chosen else default
        lines.append(f"**{name}**: {clip(current.show(name), 300)}{mark}\n-# {info.help}")
    embed.description = "\n".join(lines)
    footer = tr("Change one with /settings set, undo with /settings reset.", language)
    embed.set_footer(text=footer)
    return fit(embed)


settings_group = app_commands.Group(
    name="settings",
    description="How studybot behaves in this server (admins).",
    default_permissions=discord.Permissions(manage_guild=True),
    allowed_contexts=SERVERS_ONLY,
)


async def _settled(
    interaction: discord.Interaction, change: Awaitable[ServerSettings]
) -> ServerSettings | None:
    """The settings after `change`, or None once the admin was told why it was refused."""
    try:
        return await change
    except SettingError as err:
        language = await _services(interaction).language_here(interaction)
        await send(interaction, clip(tr(NOT_CHANGED, language, error=err), 2000), ephemeral=True)
        return None


@settings_group.command(name="show", description="Every setting and its value here.")
async def show(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    book = services.settings_book
    guild_id = interaction.guild_id or 0
    current = await book.get(guild_id)
    chosen = set(await book.overrides(guild_id))
    language = await services.language_here(interaction)
    await send(interaction, embed=settings_embed(current, chosen, language), ephemeral=True)


@settings_group.command(name="set", description="Change one setting for this server.")
@app_commands.describe(
    setting="Which setting (/settings show lists them with what each does).",
    value="The new value: channels as #mentions, on/off, a number, or `none`.",
)
@app_commands.choices(setting=SETTING_CHOICES)
async def set_(
    interaction: discord.Interaction,
    setting: app_commands.Choice[str],
    value: app_commands.Range[str, 1, 1000],
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    guild_id = interaction.guild_id or 0
    if setting.value == "pack":
        note = "Use /kb use to pick the pack: it checks the pack exists and loads."
        await send(interaction, await services.translate(interaction, note), ephemeral=True)
        return
    current = await _settled(
        interaction, services.settings_book.change(guild_id, setting.value, value)
    )
    if current is None:
        return
    # After the change: a server that just chose German hears it in German.
    language = await services.language_here(interaction)
    note = tr(
        "**{setting}** is now {value}.",
        language,
        setting=setting.value,
        value=current.show(setting.value),
    )
    chat_setting = setting.value in ("answer-channels", "trigger", "prefix")
    if chat_setting and not services.settings.message_content:
        note += "\n" + tr(NO_INTENT_FOR_CHAT, language)
    await send(interaction, clip(note, 2000), ephemeral=True)


@settings_group.command(name="reset", description="Go back to the default for one setting.")
@app_commands.describe(setting="Which setting.")
@app_commands.choices(setting=SETTING_CHOICES)
async def reset(interaction: discord.Interaction, setting: app_commands.Choice[str]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = _services(interaction)
    current = await _settled(
        interaction, services.settings_book.reset(interaction.guild_id or 0, setting.value)
    )
    if current is None:
        return
    language = await services.language_here(interaction)
    note = tr(
        "**{setting}** is back to the default: {value}.",
        language,
        setting=setting.value,
        value=current.show(setting.value),
    )
    await send(interaction, clip(note, 2000), ephemeral=True)


def setup(bot: StudyBot, services: Services) -> None:
    """Register /settings."""
    bot.tree.add_command(settings_group)
