"""What every command needs, in one object handed to each feature module's `setup`.

Commands read the pack through `services.current` at call time, never from a captured variable, so
`/kb reload` can swap the whole answerer and every command sees the new pack at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field

from bot.answering.answers import Answerer
from bot.cooldown import Cooldown
from bot.settings import Settings
from bot.storage.store import Store

log = logging.getLogger("studybot.discord")


@dataclass
class Services:
    """What every command needs: settings, the current answerer, the database, the cooldown."""

    settings: Settings
    answerer: Answerer | None
    """None only while printing command payloads (no pack is needed for that)."""
    store: Store | None = None
    """None when the database could not be opened; answering still works, `/kb gaps` says why."""
    cooldown: Cooldown = field(default_factory=lambda: Cooldown(3.0))
    rng: random.Random = field(default_factory=random.Random)
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Two admins pressing /kb reload at once load the pack once each, one after the other."""

    @property
    def current(self) -> Answerer:
        """The answerer in use now; commands call this rather than keeping their own reference."""
        if self.answerer is None:
            raise RuntimeError("no pack loaded")
        return self.answerer

    async def record_unanswered(self, guild_id: int | None, question: str) -> None:
        """Log a question the pack could not answer, for `/kb gaps`; never fails the reply."""
        if self.store is None:
            return
        try:
            await self.store.record_unanswered(guild_id, question)
        except Exception:
            log.exception("could not record an unanswered question (guild %s)", guild_id)
