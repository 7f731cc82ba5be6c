"""Render replies as Discord messages that always fit Discord's limits and never ping anyone.

Discord rejects a whole message when one part is too long, so every piece is cut here, on a word
boundary with an ellipsis, before anything is sent. Text that came from a member is escaped, so a
question containing `@everyone`, a role mention or stray markdown is shown, not obeyed.
"""

from __future__ import annotations

import discord

from bot.answering.answers import DONT_KNOW, Answer, Reply
from bot.discord.i18n import ENGLISH, tr
from bot.packs.model import Pack, Source

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
ECHO_LIMIT = 150
"""How much of a member's own question is shown back to them."""

COLOUR_ANSWER = discord.Colour.blurple()
COLOUR_DIFFERS = discord.Colour.gold()
COLOUR_INFO = discord.Colour.dark_grey()

NO_PINGS = discord.AllowedMentions.none()
"""Passed to every send: nothing the bot says can notify anyone."""

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # A cut in the first half would throw away too much; then cutting mid-word is the lesser evil.
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """A member's text made safe to show back: one line, clipped, markdown and mentions escaped."""
    one_line = " ".join(text.split())
    safe = discord.utils.escape_mentions(discord.utils.escape_markdown(clip(one_line, limit)))
    # Escaping adds characters; clip again so the caller's budget still holds.
    return clip(safe, limit + limit // 2)


def _link_text(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def cite(source: Source) -> str:
    """A source as a markdown link: its title to its address, then the publisher."""
    if not source.url.startswith(("http://", "https://")):
        # Discord only links web addresses; anything else (an ISBN, a file name) is shown as is.
        where = f" ({source.url})" if source.url else ""
        return f"{source.title}{where} — {source.publisher}"
    url = source.url.replace(")", "%29").replace(" ", "%20")
    return f"[{_link_text(source.title)}]({url}) — {source.publisher}"


def quote(text: str, limit: int) -> str:
    """Evidence shown as a block quote, clipped so the quote marks still fit."""
    body = clip(" ".join(text.split()), max(1, limit - 4))
    return f"> {body}"


def fit(embed: discord.Embed, *, hidden: int = 0) -> discord.Embed:
    """Make any embed legal: clip every part, keep 25 fields, and bring the total under 6,000.

    `hidden` counts items the caller already left out; the footer then says how many are missing.
    """
    if embed.title:
        embed.title = clip(embed.title, TITLE_LIMIT)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION_LIMIT)
    hidden += max(0, len(embed.fields) - FIELD_COUNT_LIMIT)
    fields = [
        (
            clip(f.name or "\u200b", FIELD_NAME_LIMIT),
            clip(f.value or "\u200b", FIELD_VALUE_LIMIT),
            f.inline,
        )
        for f in embed.fields[:FIELD_COUNT_LIMIT]
    ]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=bool(inline))
    if embed.footer and embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_LIMIT), icon_url=embed.footer.icon_url)
    # Over the total: drop trailing fields first (they are the least important) and say so in the
    # footer, then shorten the description.
    footer = embed.footer.text or ""

    def note_hidden() -> None:
        note = f"{hidden} more not shown"
        embed.set_footer(text=clip(f"{footer} · {note}" if footer else note, FOOTER_LIMIT))

    if hidden:
        note_hidden()
    while len(embed) > EMBED_TOTAL_LIMIT and len(embed.fields) > 1:
        embed.remove_field(len(embed.fields) - 1)
        hidden += 1
        note_hidden()
    excess = len(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    return embed


def answer_embed(
    answer: Answer, confidence: float | None = None, language: str = ENGLISH
) -> discord.Embed:
    """Term as title, the answer, its source linked, the evidence quoted, confidence below.

    The labels are studybot's, in `language`; the answer itself is in the pack's words.
    """
    first = answer.sources[0] if answer.sources else None
    embed = discord.Embed(
        title=answer.title,
        url=first.url if first and first.url.startswith(("http://", "https://")) else None,
        colour=COLOUR_DIFFERS if answer.differs else COLOUR_ANSWER,
    )
    if answer.differs:
        embed.description = tr(
            "The sources differ. Each claim is shown with its own source.", language
        )
        for n, claim in enumerate(answer.claims[: FIELD_COUNT_LIMIT - 2], start=1):
            source = tr("Source: {source}", language, source=cite(claim.source))
            tail = f"\n{quote(claim.evidence, 300)}\n{source}"
            room = FIELD_VALUE_LIMIT - len(tail)
            embed.add_field(
                name=tr("Claim {n}: {publisher}", language, n=n, publisher=claim.source.publisher),
                value=clip(claim.text, max(50, room)) + tail,
                inline=False,
            )
    else:
        embed.description = answer.text
        if answer.sources:
            embed.add_field(
                name=tr("Source" if len(answer.sources) == 1 else "Sources", language),
                value="\n".join(cite(s) for s in answer.sources),
                inline=False,
            )
        if answer.evidence:
            evidence = quote(answer.evidence, FIELD_VALUE_LIMIT)
            embed.add_field(name=tr("Evidence", language), value=evidence, inline=False)
    if answer.related:
        embed.add_field(
            name=tr("Related", language),
            value=", ".join(term for _id, term in answer.related),
            inline=False,
        )
    if confidence is not None:
        embed.set_footer(text=tr("Confidence {percent}", language, percent=f"{confidence:.0%}"))
    return fit(embed)


def reply_message(
    reply: Reply, *, show_confidence: bool = True, language: str = "en"
) -> tuple[str, discord.Embed | None]:
    """The content line and embed for a reply (answered or not); content is always under 2,000.

    `show_confidence` is off when the member picked the entry themselves (/define, a button):
    there was no guess to be sure about. The bot's own fixed lines are in `language`.
    """
    if reply.answer is not None:
        confidence = reply.confidence if show_confidence else None
        return "", answer_embed(reply.answer, confidence, language)
    message = reply.message or DONT_KNOW
    if message == DONT_KNOW and reply.query.strip():
        asked = tr("You asked: “{question}”", language, question=echo(reply.query))
        message = f"{tr(message, language)}\n{asked}"
    elif template := reply.template:
        # The core's own sentence, translated whole; the values (an entry's name) stay as they are.
        message = tr(template, language, **reply.values)
    else:
        message = tr(message, language)
    return clip(message, CONTENT_LIMIT), None


def plain_text(reply: Reply) -> str:
    """The whole reply as text, for channels where the bot may not post embeds."""
    return clip(reply.as_text(), CONTENT_LIMIT)


def sources_embed(pack: Pack, language: str = ENGLISH) -> discord.Embed:
    """Every source of the pack, one line each; a long registry ends with "and N more"."""
    embed = discord.Embed(
        title=tr("Sources of {pack}", language, pack=pack.name), colour=COLOUR_INFO
    )
    lines: list[str] = []
    used = 0
    sources = list(pack.sources.values())
    for n, source in enumerate(sources):
        line = f"• {cite(source)} ({source.kind})"
        more = "\n" + tr("… and {count} more", language, count=len(sources) - n)
        if used + len(line) + 1 + len(more) > DESCRIPTION_LIMIT:
            lines.append(more.strip())
            break
        lines.append(line)
        used += len(line) + 1
    embed.description = "\n".join(lines) or tr("This pack lists no sources.", language)
    embed.set_footer(text=tr("{count} sources", language, count=len(sources)))
    return fit(embed)


def code_block(text: str, limit: int) -> str:
    """Text in a code block that cannot be closed early by backticks inside it."""
    body = clip(text.replace("```", "`\u200b``"), max(1, limit - 8))
    return f"```\n{body}\n```"
