"""A small fake of Discord on 127.0.0.1: just enough REST and gateway for `studybot run`.

It speaks the real wire protocol (HTTP JSON with `Content-Type: application/json` and no charset,
a websocket gateway with HELLO, IDENTIFY → READY, GUILD_CREATE, heartbeats and dispatches), so the
bot runs unmodified discord.py against it in a separate process. Tests drive it: they inject
interactions and wait for the bot's callbacks.

Shards: each gateway connection is one shard, the one its IDENTIFY names (`"shard": [id, count]`,
or shard 0 of 1 when it names none). Like Discord, the fake sends a server's events only to the
connection holding that server's shard, `(guild_id >> 22) % count`, so several bot processes can
split the servers in `guild_ids` between them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_ID = 900000000000000001
APP_ID = 900000000000000002
GUILD_ID = 900000000000000003
CHANNEL_ID = 900000000000000004
MEMBER_ID = 900000000000000005
OWNER_ID = 900000000000000006
SECOND_GUILD_ID = GUILD_ID + (1 << 22)
"""A server on the other shard of two from GUILD_ID (GUILD_ID is shard 1 of 2, this one shard 0)."""
VALID_TOKEN = "fake-bot-token"
ALL_PERMISSIONS = str((1 << 50) - 1)


def user(uid: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def channel_of(guild_id: int) -> int:
    """Each fake server has one text channel, #study, whose id is the server's plus one."""
    return guild_id + 1


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py only parses JSON when the content type is exactly this (no charset).
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
    )


@dataclass
class Callback:
    """One interaction callback the bot sent, with when it arrived."""

    interaction_id: str
    body: dict[str, Any]
    content_type: str
    at: float


@dataclass
class FakeDiscord:
    token: str = VALID_TOKEN
    heartbeat_interval_ms: int = 500
    message_content_approved: bool = True
    """False: like an application whose portal toggle for message content is off."""
    requests: list[tuple[str, str]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    syncs: int = 0
    heartbeats: int = 0
    heartbeat_times: list[float] = field(default_factory=list)
    """When each heartbeat arrived (`time.monotonic()`), to check none came late."""
    identified: asyncio.Event = field(default_factory=asyncio.Event)
    synced: asyncio.Event = field(default_factory=asyncio.Event)
    followed_up: asyncio.Event = field(default_factory=asyncio.Event)
    callbacks: dict[str, asyncio.Future] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    followups: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    """Attachments members sent, by id, served at /files/<id>/<name> like Discord's CDN."""
    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Interaction id → the followups and edits sent with its token, in order."""
    _ids: Any = field(default_factory=lambda: itertools.count(910000000000000000))
    guild_ids: tuple[int, ...] = (GUILD_ID,)
    shards: dict[int, tuple[int, web.WebSocketResponse]] = field(default_factory=dict)
    """Shard id → (shard count, the connection that identified as it)."""
    identified_shards: set[int] = field(default_factory=set)
    interaction_guilds: dict[str, int] = field(default_factory=dict)
    """Which server each interaction came from, so the messages it makes land in that server."""
    _ws: web.WebSocketResponse | None = None
    _seq: int = 0
    _runner: web.AppRunner | None = None
    port: int = 0

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(middlewares=[self._log_and_auth])
        app.router.add_get("/api/v10/users/@me", self.me)
        app.router.add_get("/api/v10/oauth2/applications/@me", self.application)
        app.router.add_put("/api/v10/applications/{app}/commands", self.bulk_sync)
        app.router.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self.bulk_sync)
        app.router.add_post("/api/v10/interactions/{id}/{token}/callback", self.callback)
        app.router.add_post("/api/v10/webhooks/{app}/{token}", self.followup)
        app.router.add_patch("/api/v10/webhooks/{app}/{token}/messages/{message}", self.edit)
        app.router.add_post("/api/v10/channels/{channel}/messages", self.channel_message)
        app.router.add_get("/gateway", self.gateway)
        app.router.add_get("/files/{id}/{name}", self.file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for _, ws in list(self.shards.values()):
            await ws.close()
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> str:
        return str(next(self._ids))

    # ----------------------------------------------------------------------- REST

    @web.middleware
    async def _log_and_auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        needs_token = request.path.startswith("/api/") and "/interactions/" not in request.path
        needs_token = needs_token and "/webhooks/" not in request.path
        if needs_token and request.headers.get("Authorization") != f"Bot {self.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        return await handler(request)

    async def file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def me(self, request: web.Request) -> web.Response:
        return json_response({**user(BOT_ID, "StudyBot", bot=True), "verified": True, "flags": 0})

    async def application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(APP_ID),
                "name": "StudyBot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": user(OWNER_ID, "owner"),
                "flags": 0,
                "summary": "",
                "bot": user(BOT_ID, "StudyBot", bot=True),
            }
        )

    async def bulk_sync(self, request: web.Request) -> web.Response:
        payload = await request.json()
        # Discord answers every command with a description ("" for context menus, which send none).
        self.commands = [
            {
                "description": "",
                **c,
                "id": self.next_id(),
                "application_id": str(APP_ID),
                "version": self.next_id(),
            }
            for c in payload
        ]
        if "guild" in request.match_info:
            for c in self.commands:
                c["guild_id"] = request.match_info["guild"]
        self.syncs += 1
        self.synced.set()
        return json_response(self.commands)

    def message(
        self,
        body: dict[str, Any],
        *,
        author: dict[str, Any] | None = None,
        flags: int = 0,
        guild_id: int = GUILD_ID,
    ) -> dict[str, Any]:
        mid = self.next_id()
        message = {
            "id": mid,
            "channel_id": str(channel_of(guild_id)),
            "guild_id": str(guild_id),
            "type": 0,
            "author": author or user(BOT_ID, "StudyBot", bot=True),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "flags": flags | int(body.get("flags") or 0),
        }
        self.messages[mid] = message
        return message

    async def callback(self, request: web.Request) -> web.Response:
        body = await request.json()
        interaction_id = request.match_info["id"]
        received = Callback(
            interaction_id, body, request.headers.get("Content-Type", ""), time.perf_counter()
        )
        response: dict[str, Any] = {"interaction": {"id": interaction_id, "type": 2}}
        if body.get("type") in (4, 7):
            guild_id = self.interaction_guilds.get(interaction_id, GUILD_ID)
            message = self.message(body.get("data") or {}, guild_id=guild_id)
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"] = {"type": body["type"], "message": message}
        else:
            response["resource"] = {"type": body.get("type")}
        loop = asyncio.get_running_loop()
        future = self.callbacks.setdefault(interaction_id, loop.create_future())
        if not future.done():
            future.set_result(received)
        return json_response(response)

    def _guild_of_token(self, token: str) -> int:
        return self.interaction_guilds.get(token.removeprefix("token-"), GUILD_ID)

    def _reply(self, token: str, body: dict[str, Any]) -> None:
        self.followups.append(body)
        self.replies.setdefault(token.removeprefix("token-"), []).append(body)

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        """A JSON body, or a multipart one's `payload_json` with the files it carries."""
        if not request.content_type.startswith("multipart/"):
            return await request.json()
        body: dict[str, Any] = {}
        files = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                files.append({"filename": part.filename, "data": bytes(await part.read())})
        body["files"] = files
        return body

    async def followup(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        self._reply(request.match_info["token"], body)
        self.followed_up.set()
        guild_id = self._guild_of_token(request.match_info["token"])
        return json_response(self.message(body, guild_id=guild_id))

    async def edit(self, request: web.Request) -> web.Response:
        body = await request.json()
        self._reply(request.match_info["token"], body)
        guild_id = self._guild_of_token(request.match_info["token"])
        return json_response(self.message(body, guild_id=guild_id))

    async def channel_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.followups.append(body)
        guild_id = int(request.match_info["channel"]) - 1  # channel_of's inverse
        return json_response(self.message(body, guild_id=guild_id))

    # -------------------------------------------------------------------- gateway

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws  # the latest connection, closed on stop even before it identifies
        await ws.send_json(
            {
                "op": 10,
                "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                "s": None,
                "t": None,
            }
        )
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            data = json.loads(frame.data)
            if data["op"] == 1:
                self.heartbeats += 1
                self.heartbeat_times.append(time.monotonic())
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif data["op"] == 2:
                await self._ready(ws, data["d"])
        return ws

    def shard_of(self, guild_id: int) -> int:
        """The shard Discord sends a server's events to: `(guild_id >> 22) % shard_count`."""
        count = next(iter(self.shards.values()))[0] if self.shards else 1
        return (guild_id >> 22) % count

    async def dispatch(
        self,
        event: str,
        payload: dict[str, Any],
        *,
        guild_id: int | None = None,
        ws: web.WebSocketResponse | None = None,
    ) -> None:
        """Send an event to `ws`, or to the connection holding `guild_id`'s shard (DMs: shard 0)."""
        if ws is None:
            shard = self.shard_of(guild_id) if guild_id is not None else 0
            assert shard in self.shards, f"no bot has identified as shard {shard}"
            ws = self.shards[shard][1]
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": payload})

    async def _ready(self, ws: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        if identify.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if not self.message_content_approved and int(identify.get("intents", 0)) & (1 << 15):
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identify = identify
        shard_id, count = identify.get("shard") or (0, 1)
        self.shards[shard_id] = (count, ws)
        mine = [g for g in self.guild_ids if (g >> 22) % count == shard_id]
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**user(BOT_ID, "StudyBot", bot=True), "verified": True},
                "guilds": [{"id": str(g), "unavailable": True} for g in mine],
                "session_id": f"fake-session-{shard_id}",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "shard": [shard_id, count],
            },
            ws=ws,
        )
        for guild_id in mine:
            await self.dispatch("GUILD_CREATE", self.guild(guild_id), ws=ws)
        self.identified_shards.add(shard_id)
        self.identified.set()

    def guild(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        channel_id = channel_of(guild_id)
        everyone = {
            "id": str(guild_id),
            "name": "@everyone",
            "permissions": "1071698660929",
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        bot_member = {
            "user": user(BOT_ID, "StudyBot", bot=True),
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        return {
            "id": str(guild_id),
            "name": "Study Group",
            "icon": None,
            "owner_id": str(OWNER_ID),
            "roles": [everyone],
            "emojis": [],
            "stickers": [],
            "features": [],
            "channels": [
                {
                    "id": str(channel_id),
                    "type": 0,
                    "name": "study",
                    "position": 0,
                    "guild_id": str(guild_id),
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                    "topic": None,
                    "last_message_id": None,
                    "rate_limit_per_user": 0,
                }
            ],
            "members": [bot_member],
            "member_count": 3,
            "large": False,
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "voice_states": [],
            "presences": [],
            "premium_tier": 0,
            "unavailable": False,
            "joined_at": "2026-01-01T00:00:00+00:00",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "system_channel_id": None,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
        }

    # --------------------------------------------------------------- interactions

    def _interaction(
        self, type_: int, data: dict[str, Any], guild_id: int = GUILD_ID, *, admin: bool = False
    ) -> dict[str, Any]:
        iid = self.next_id()
        self.interaction_guilds[iid] = guild_id
        channel_id = channel_of(guild_id)
        return {
            "id": iid,
            "application_id": str(APP_ID),
            "type": type_,
            "token": f"token-{iid}",
            "version": 1,
            "data": data,
            "guild_id": str(guild_id),
            "channel_id": str(channel_id),
            "channel": {
                "id": str(channel_id),
                "type": 0,
                "name": "study",
                "guild_id": str(guild_id),
                "permissions": ALL_PERMISSIONS,
            },
            "member": {
                "user": user(MEMBER_ID, "alice"),
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                # An admin holds every permission (Manage Server among them).
                "permissions": ALL_PERMISSIONS if admin else "1071698660929",
            },
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": ALL_PERMISSIONS,
            "entitlements": [],
            "authorizing_integration_owners": {},
            "context": 0,
            "attachment_size_limit": 26214400,
        }

    async def slash(
        self,
        name: str,
        subcommand: str | None = None,
        *,
        guild: int = GUILD_ID,
        admin: bool = False,
        **options: Any,
    ) -> str:
        """Send a slash command interaction in `guild`; returns its id (wait with `callback_for`).

        An option given as `(filename, bytes)` is an attachment, served like Discord's CDN.
        """
        command = next(c for c in self.commands if c["name"] == name)
        values = []
        attachments: dict[str, Any] = {}
        for key, value in options.items():
            if isinstance(value, tuple):
                filename, data = value
                aid = self.next_id()
                self.files[aid] = data
                url = f"http://127.0.0.1:{self.port}/files/{aid}/{filename}"
                attachments[aid] = {
                    "id": aid,
                    "filename": filename,
                    "size": len(data),
                    "url": url,
                    "proxy_url": url,
                }
                values.append({"name": key, "type": 11, "value": aid})
            else:
                kind = 4 if isinstance(value, int) else 3
                values.append({"name": key, "type": kind, "value": value})
        if subcommand:
            values = [{"name": subcommand, "type": 1, "options": values}]
        data = {"id": command["id"], "name": name, "type": 1, "options": values}
        if attachments:
            data["resolved"] = {"attachments": attachments}
        payload = self._interaction(2, data, guild, admin=admin)
        self.callbacks[payload["id"]] = asyncio.get_running_loop().create_future()
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=guild)
        return payload["id"]

    async def click(self, message: dict[str, Any], custom_id: str) -> str:
        """Click a button on a message the bot sent; returns the interaction id."""
        guild = int(message.get("guild_id") or GUILD_ID)
        payload = self._interaction(3, {"custom_id": custom_id, "component_type": 2}, guild)
        payload["message"] = message
        self.callbacks[payload["id"]] = asyncio.get_running_loop().create_future()
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=guild)
        return payload["id"]

    async def callback_for(self, interaction_id: str, timeout: float = 10.0) -> Callback:
        return await asyncio.wait_for(asyncio.shield(self.callbacks[interaction_id]), timeout)

    async def reply_for(self, interaction_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """What the member sees: the callback's message, or the first followup after a deferral."""
        callback = await self.callback_for(interaction_id, timeout)
        if callback.body.get("type") != 5:
            return callback.body.get("data") or {}
        deadline = time.monotonic() + timeout
        while not self.replies.get(interaction_id):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no followup for interaction {interaction_id}")
            await asyncio.sleep(0.02)
        return self.replies[interaction_id][0]
