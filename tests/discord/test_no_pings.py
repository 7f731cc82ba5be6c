"""Nothing the bot sends can ping anyone: every message body disables mentions."""

from __future__ import annotations


def message_bodies(env):
    """Every message the bot sent or edited, as the JSON it sent (callbacks, followups, posts)."""
    for request in env.http_requests:
        body = request.json
        if request.method not in ("POST", "PATCH") or not isinstance(body, dict):
            continue
        if request.path.endswith("/callback"):
            if body.get("type") in (4, 7):
                yield request.path, body["data"]
        elif "/messages" in request.path or request.path.startswith("/webhooks/"):
            yield request.path, body


async def test_every_message_of_a_busy_session_disables_mentions(world, services):
    evil = f"@everyone @here <@&{world.guild.id}> <@{world.admin.id}>"
    member, channel, env = world.member, world.channel, world.env

    async def step(coro):
        await coro
        await env.advance_time(3.1)

    await step(member.slash(channel, "ask", question=f"{evil} who was trotsky"))
    await step(member.slash(channel, "ask", question=f"{evil} what is a banana"))
    await step(member.slash(channel, "ask", question=evil + " x" * 200))
    await step(member.slash(channel, "define", term=evil))
    await step(member.slash(channel, "define", term="comintern"))
    await step(member.slash(channel, "fact", topic=evil))
    await step(member.slash(channel, "fact"))
    await step(member.slash(channel, "related", term=evil))
    await step(member.slash(channel, "related", term="leon-trotsky"))
    await step(member.slash(channel, "sources"))
    await step(member.send(channel, f"{env.bot.user.mention} {evil} who was trotsky"))
    await step(member.send(channel, f"{env.bot.user.mention} {evil} bananas"))
    await step(world.admin.slash(channel, "kb gaps"))
    await step(world.admin.slash(channel, "kb stats"))
    await step(world.admin.slash(channel, "kb reload"))

    bodies = list(message_bodies(env))
    assert len(bodies) >= 15
    for path, body in bodies:
        mentions = body.get("allowed_mentions")
        assert mentions is not None, path
        assert mentions.get("parse") == [], path
        assert not mentions.get("users") and not mentions.get("roles"), path
        assert not mentions.get("replied_user"), path
    for message in channel.history():
        if message.author.id == env.bot.user.id:
            assert not message.mention_everyone
            assert message.mentions == [] and message.role_mentions == []
