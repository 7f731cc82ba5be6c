"""The `/stats` picture: a member's quiz points, practice recall and cards coming due, as a PNG.

Pure data in, PNG bytes out; nothing here knows about Discord. Pillow is the optional `charts`
extra and is imported when a picture is drawn, so a missing Pillow is an `ImportError` from
`render_stats` (the caller falls back to text), never from importing this module.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.storage.store import DAY_SECONDS, ActivityDay

__all__ = [
    "DUE_DAYS",
    "HEIGHT",
    "HISTORY_DAYS",
    "NOTHING_YET",
    "WIDTH",
    "StatsPicture",
    "due_per_day",
    "render_stats",
]

HISTORY_DAYS = 14
"""Days of quiz and practice history the picture shows, today included."""
DUE_DAYS = 7
"""Days ahead the "coming due" panel shows, today (and anything overdue) first."""
WIDTH, HEIGHT = 800, 600
NOTHING_YET = "Nothing yet: answer a quiz question or try /practice, then look again."

_BACKGROUND = (43, 45, 49)  # Discord's dark theme, so the picture sits well in a chat
_TEXT = (242, 243, 245)
_MUTED = (148, 155, 164)
_POINTS = (88, 101, 242)
_RECALLED = (87, 242, 135)
_FORGOTTEN = (237, 66, 69)
_DUE = (254, 231, 92)


@dataclass(frozen=True)
class StatsPicture:
    """What the picture is drawn from; `today` is a UTC day number, as in `ActivityDay.day`."""

    name: str
    today: int
    history: Sequence[ActivityDay]
    due: Sequence[int]
    """Cards due per day from today on (`due[0]` includes overdue cards); see `due_per_day`."""

    @property
    def empty(self) -> bool:
        return not self.history and not any(self.due)


def due_per_day(due_times: Iterable[float], now: float, days: int = DUE_DAYS) -> list[int]:
    """How many cards fall due on each UTC day from today; overdue cards count as today."""
    today = int(now // DAY_SECONDS)
    counts = [0] * days
    for due in due_times:
        offset = max(0, int(due // DAY_SECONDS) - today)
        if offset < days:
            counts[offset] += 1
    return counts


def render_stats(picture: StatsPicture) -> bytes:
    """The picture as PNG bytes. Raises `ImportError` when Pillow is not installed."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    title, small = _font(26), _font(15)
    draw.text((24, 18), _clip(f"Stats for {picture.name}", 48), font=title, fill=_TEXT)
    if picture.empty:
        draw.text((24, HEIGHT // 2 - 10), NOTHING_YET, font=_font(20), fill=_MUTED)
        return _png(image)

    days = [picture.today - HISTORY_DAYS + 1 + i for i in range(HISTORY_DAYS)]
    by_day = {d.day: d for d in picture.history}
    quiz = [by_day[d] if d in by_day else ActivityDay(d, 0, 0, 0, 0) for d in days]
    answers = sum(d.answers for d in quiz)
    points = sum(d.points for d in quiz)
    reviews = sum(d.reviews for d in quiz)
    recalled = sum(d.recalled for d in quiz)

    panel = _Panel(draw, small)
    panel.bars(
        top=70,
        heading=f"Quiz, last {HISTORY_DAYS} days: {points} points from {answers} right answers",
        labels=[_date(d) for d in days],
        stacks=[[(d.points, _POINTS)] for d in quiz],
    )
    recall = (
        f"{round(100 * recalled / reviews)}% recalled (green; red: forgotten)"
        if reviews
        else "no reviews"
    )
    panel.bars(
        top=245,
        heading=f"Practice, last {HISTORY_DAYS} days: {reviews} reviews, {recall}",
        labels=[_date(d) for d in days],
        stacks=[[(d.recalled, _RECALLED), (d.reviews - d.recalled, _FORGOTTEN)] for d in quiz],
    )
    panel.bars(
        top=420,
        heading=f"Cards coming due, next {len(picture.due)} days: {sum(picture.due)}",
        labels=["today", *(_date(picture.today + i) for i in range(1, len(picture.due)))],
        stacks=[[(n, _DUE)] for n in picture.due],
    )
    return _png(image)


class _Panel:
    """Draws one bar chart in a horizontal band of the picture."""

    LEFT, RIGHT, PLOT_HEIGHT = 24, WIDTH - 24, 95

    def __init__(self, draw: Any, font: Any) -> None:
        self.draw, self.font = draw, font

    def bars(
        self,
        *,
        top: int,
        heading: str,
        labels: Sequence[str],
        stacks: Sequence[Sequence[tuple[int, tuple[int, int, int]]]],
    ) -> None:
        self.draw.text((self.LEFT, top), heading, font=self.font, fill=_TEXT)
        base = top + 46 + self.PLOT_HEIGHT  # room for the tallest bar's number
        self.draw.line([(self.LEFT, base), (self.RIGHT, base)], fill=_MUTED)
        tallest = max((sum(v for v, _ in stack) for stack in stacks), default=0) or 1
        slot = (self.RIGHT - self.LEFT) / max(1, len(stacks))
        for i, stack in enumerate(stacks):
            x0 = self.LEFT + i * slot + slot * 0.15
            x1 = self.LEFT + (i + 1) * slot - slot * 0.15
            y = base
            for value, colour in stack:
                if value <= 0:
                    continue
                height = value / tallest * self.PLOT_HEIGHT
                self.draw.rectangle([(x0, y - height), (x1, y - 1)], fill=colour)
                y -= height
            total = sum(v for v, _ in stack)
            if total:
                self._centred(str(total), (x0 + x1) / 2, y - 18, _TEXT)
            self._centred(labels[i], (x0 + x1) / 2, base + 4, _MUTED)

    def _centred(self, text: str, x: float, y: float, fill: tuple[int, int, int]) -> None:
        width = self.draw.textlength(text, font=self.font)
        self.draw.text((x - width / 2, y), text, font=self.font, fill=fill)


def _font(size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # a Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _date(day: int) -> str:
    return datetime.fromtimestamp(day * DAY_SECONDS, UTC).strftime("%d.%m")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
