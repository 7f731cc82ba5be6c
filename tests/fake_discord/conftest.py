"""The wire-level fake Discord, started fresh for each test (modules needing options override it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from wire_fake import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()
