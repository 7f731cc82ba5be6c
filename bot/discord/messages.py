"""The one way studybot sends anything to Discord: escaped member text, Discord's limits, no pings.

Every reply, follow-up, channel post and chat reply goes through `send`. It

- fills `{name}` placeholders in the content from `member=` with the member's text escaped
  (markdown and mentions shown, not obeyed; one line; clipped), so a topic or nickname can
  neither format nor ping nor push a message over its limit;
- clips the content to 2,000 characters and makes every embed legal (`embeds.fit`);
- answers an interaction the right way (first response, or a follow-up once deferred or
  answered), replies to a chat message without pinging its author, or posts in a channel;
- always passes `allowed_mentions=none`.

Text shown in an embed title or field that came from a member (a nickname) is escaped with
`member_text` where the embed is built, since `send` cannot tell it from the bot's own markdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot.discord.embeds import CONTENT_LIMIT, ECHO_LIMIT, NO_PINGS, clip, echo, fit

__all__ = ["Destination", "member_text", "render", "send"]

Destination = discord.Interaction | discord.Message | discord.abc.Messageable
"""An interaction to answer, a chat message to reply to, or a channel to post in."""


def member_text(text: str, limit: int = ECHO_LIMIT) -> str:
    """A member's text (a nickname, a topic, a question) made safe to show: see `embeds.echo`."""
    return echo(text, limit)


def render(content: str, member: Mapping[str, str] | None = None) -> str:
    """`content` with its `{name}` placeholders filled by escaped member text, within 2,000."""
    if member:
        content = content.format_map({k: member_text(v) for k, v in member.items()})
    return clip(content, CONTENT_LIMIT)


async def send(
    dest: Destination,
    content: str | None = None,
    *,
    member: Mapping[str, str] | None = None,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    ephemeral: bool = False,
    edit: bool = False,
) -> discord.Message | None:
    """Send one message (see the module docstring); returns it when Discord says which it is.

    `ephemeral` only applies to interactions; `edit` answers a button click by replacing the
    message it sits on. Raises `discord.HTTPException` like any send.
    """
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if content:
        kwargs["content"] = render(content, member)
    if embed is not None:
        kwargs["embed"] = fit(embed)
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file  # e.g. /kb download; a file is never member text
    if isinstance(dest, discord.Interaction):
        if edit:
            await dest.response.edit_message(**kwargs)
            return None
        if dest.response.is_done():
            return await dest.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
        await dest.response.send_message(ephemeral=ephemeral, **kwargs)
        return None
    if isinstance(dest, discord.Message):
        return await dest.reply(mention_author=False, **kwargs)
    return await dest.send(**kwargs)
