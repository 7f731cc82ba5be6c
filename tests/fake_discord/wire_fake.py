"""A small fake of Discord on 127.0.0.1: just enough REST and gateway for `studybot run`.

It speaks the real wire protocol (HTTP JSON with `Content-Type: application/json` and no charset,
a websocket gateway with HELLO, IDENTIFY → READY, GUILD_CREATE, heartbeats and dispatches), so the
bot runs unmodified discord.py against it in a separate process. Tests drive it: they inject
interactions and wait for the bot's callbacks.
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
    _ids: Any = field(default_factory=lambda: itertools.count(910000000000000000))
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
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
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
        self, body: dict[str, Any], *, author: dict[str, Any] | None = None, flags: int = 0
    ) -> dict[str, Any]:
        mid = self.next_id()
        message = {
            "id": mid,
            "channel_id": str(CHANNEL_ID),
            "guild_id": str(GUILD_ID),
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
            message = self.message(body.get("data") or {})
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"] = {"type": body["type"], "message": message}
        else:
            response["resource"] = {"type": body.get("type")}
        loop = asyncio.get_running_loop()
        future = self.callbacks.setdefault(interaction_id, loop.create_future())
        if not future.done():
            future.set_result(received)
        return json_response(response)

    async def followup(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.followups.append(body)
        self.followed_up.set()
        return json_response(self.message(body))

    async def edit(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.followups.append(body)
        return json_response(self.message(body))

    async def channel_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.followups.append(body)
        return json_response(self.message(body))

    # -------------------------------------------------------------------- gateway

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
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

    async def dispatch(self, event: str, payload: dict[str, Any]) -> None:
        assert self._ws is not None, "the bot has not connected"
        self._seq += 1
        await self._ws.send_json({"op": 0, "t": event, "s": self._seq, "d": payload})

    async def _ready(self, ws: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        if identify.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if not self.message_content_approved and int(identify.get("intents", 0)) & (1 << 15):
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identify = identify
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**user(BOT_ID, "StudyBot", bot=True), "verified": True},
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": "fake-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "shard": [0, 1],
            },
        )
        await self.dispatch("GUILD_CREATE", self.guild())
        self.identified.set()

    def guild(self) -> dict[str, Any]:
        everyone = {
            "id": str(GUILD_ID),
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
            "id": str(GUILD_ID),
            "name": "Study Group",
            "icon": None,
            "owner_id": str(OWNER_ID),
            "roles": [everyone],
            "emojis": [],
            "stickers": [],
            "features": [],
            "channels": [
                {
                    "id": str(CHANNEL_ID),
                    "type": 0,
                    "name": "study",
                    "position": 0,
                    "guild_id": str(GUILD_ID),
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

    def _interaction(self, type_: int, data: dict[str, Any]) -> dict[str, Any]:
        iid = self.next_id()
        return {
            "id": iid,
            "application_id": str(APP_ID),
            "type": type_,
            "token": f"token-{iid}",
            "version": 1,
            "data": data,
            "guild_id": str(GUILD_ID),
            "channel_id": str(CHANNEL_ID),
            "channel": {
                "id": str(CHANNEL_ID),
                "type": 0,
                "name": "study",
                "guild_id": str(GUILD_ID),
                "permissions": ALL_PERMISSIONS,
            },
            "member": {
                "user": user(MEMBER_ID, "alice"),
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": "1071698660929",
            },
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": ALL_PERMISSIONS,
            "entitlements": [],
            "authorizing_integration_owners": {},
            "context": 0,
            "attachment_size_limit": 26214400,
        }

    async def slash(self, name: str, subcommand: str | None = None, **options: Any) -> str:
        """Send a slash command interaction; returns its id (wait with `callback_for`)."""
        command = next(c for c in self.commands if c["name"] == name)
        values = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
        if subcommand:
            values = [{"name": subcommand, "type": 1, "options": values}]
        data = {"id": command["id"], "name": name, "type": 1, "options": values}
        payload = self._interaction(2, data)
        self.callbacks[payload["id"]] = asyncio.get_running_loop().create_future()
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload["id"]

    async def click(self, message: dict[str, Any], custom_id: str) -> str:
        """Click a button on a message the bot sent; returns the interaction id."""
        payload = self._interaction(3, {"custom_id": custom_id, "component_type": 2})
        payload["message"] = message
        self.callbacks[payload["id"]] = asyncio.get_running_loop().create_future()
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload["id"]

    async def callback_for(self, interaction_id: str, timeout: float = 10.0) -> Callback:
        return await asyncio.wait_for(asyncio.shield(self.callbacks[interaction_id]), timeout)
