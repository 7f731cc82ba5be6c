"""Per-member cooldown: how often one person may ask the bot something.

It is policy, not Discord plumbing, so it lives in the core with an injected clock: the rule can be
tested by moving a number rather than by sleeping, and the Discord adapter only asks it questions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

Clock = Callable[[], float]


def monotonic() -> float:
    """`time.monotonic`, looked up at each call so a test harness that replaces it is obeyed."""
    return time.monotonic()


class Cooldown:
    """Lets each member ask once every `seconds`; a spammer waits, everyone else is unaffected.

    Only the time of the last *allowed* request counts, so hammering the bot while waiting does not
    push the wait further out (that would punish an impatient member forever).
    """

    def __init__(self, seconds: float, *, clock: Clock = monotonic, max_tracked: int = 10_000):
        self.seconds = max(0.0, float(seconds))
        self._clock = clock
        self._last: dict[Hashable, float] = {}
        self._max_tracked = max_tracked

    def try_acquire(self, who: Hashable) -> float:
        """Record a request from `who` if allowed; return 0.0, or the seconds still to wait."""
        if self.seconds <= 0:
            return 0.0
        now = self._clock()
        last = self._last.get(who)
        if last is not None:
            wait = last + self.seconds - now
            if wait > 0:
                return wait
        if len(self._last) >= self._max_tracked:
            self._forget_expired(now)
        self._last[who] = now
        return 0.0

    def remaining(self, who: Hashable) -> float:
        """Seconds `who` must still wait, without recording anything."""
        last = self._last.get(who)
        if last is None:
            return 0.0
        return max(0.0, last + self.seconds - self._clock())

    def _forget_expired(self, now: float) -> None:
        # Bounded memory on a big server: members whose wait is over need no entry.
        self._last = {k: t for k, t in self._last.items() if t + self.seconds > now}


class RecentAnswers:
    """Which answers were just posted in which channel, so the same one is not posted twice.

    Three members asking the same thing within a minute should see the answer once, not three
    identical embeds. Keys are whatever the caller uses for "the same answer" (an item id).
    """

    def __init__(
        self, seconds: float = 60.0, *, clock: Clock = monotonic, max_tracked: int = 10_000
    ):
        self.seconds = seconds
        self._clock = clock
        self._posted: dict[tuple[Hashable, Hashable], tuple[float, str]] = {}
        self._max_tracked = max_tracked

    def recent(self, channel: Hashable, key: Hashable) -> str | None:
        """Where the same answer was posted in this channel within the window, or None."""
        found = self._posted.get((channel, key))
        if found is None or found[0] + self.seconds <= self._clock():
            return None
        return found[1]

    def remember(self, channel: Hashable, key: Hashable, where: str) -> None:
        """Record that the answer `key` was posted in `channel`, at `where` (a message link)."""
        now = self._clock()
        if len(self._posted) >= self._max_tracked:
            self._posted = {k: v for k, v in self._posted.items() if v[0] + self.seconds > now}
        self._posted[(channel, key)] = (now, where)
