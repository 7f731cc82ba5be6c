"""The /stats picture's core: data in, PNG bytes out (no Discord), and its text fallback."""

from __future__ import annotations

import io
import sys

import pytest
from PIL import Image

from bot.games.charts import (
    DUE_DAYS,
    HEIGHT,
    HISTORY_DAYS,
    NOTHING_YET,
    WIDTH,
    StatsPicture,
    due_per_day,
    render_stats,
)
from bot.storage.store import DAY_SECONDS, ActivityDay

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TODAY = 20_000


def _open(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


def test_a_member_with_history_gets_a_png_of_the_promised_size():
    history = [
        ActivityDay(TODAY - 3, answers=2, points=25, reviews=4, recalled=3),
        ActivityDay(TODAY, answers=1, points=10, reviews=0, recalled=0),
        ActivityDay(TODAY - HISTORY_DAYS - 5, answers=9, points=99, reviews=0, recalled=0),
    ]
    png = render_stats(StatsPicture("ana", TODAY, history, [3, 0, 1, 0, 0, 0, 2]))
    image = _open(png)
    assert image.size == (WIDTH, HEIGHT)
    colours = image.convert("RGB").getcolors(WIDTH * HEIGHT)
    assert len(colours) > 5  # bars in several colours, not a blank


def test_a_member_with_no_data_gets_a_readable_nothing_yet_picture():
    picture = StatsPicture("newcomer", TODAY, [], [0] * DUE_DAYS)
    assert picture.empty
    image = _open(render_stats(picture))
    assert image.size == (WIDTH, HEIGHT)
    assert NOTHING_YET.startswith("Nothing yet")
    # the text is drawn: the middle band is not one flat background colour
    band = image.crop((0, HEIGHT // 2 - 20, WIDTH, HEIGHT // 2 + 30)).convert("RGB")
    assert len(band.getcolors(WIDTH * HEIGHT)) > 1


def test_a_long_or_odd_name_still_draws():
    name = "Ärger 🦀 " + "x" * 200
    _open(render_stats(StatsPicture(name, TODAY, [ActivityDay(TODAY, 1, 1, 1, 1)], [0] * 7)))


def test_cards_due_per_day_count_overdue_as_today_and_drop_later_ones():
    now = TODAY * DAY_SECONDS + 3600
    due = [now - 10 * DAY_SECONDS, now + 60, now + DAY_SECONDS, now + 30 * DAY_SECONDS]
    assert due_per_day(due, now, days=3) == [2, 1, 0]
    assert due_per_day([], now) == [0] * DUE_DAYS


def test_without_pillow_drawing_is_an_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError):
        render_stats(StatsPicture("ana", TODAY, [], [0] * DUE_DAYS))
