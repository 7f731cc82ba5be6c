"""Fixtures for the discord-free core: the tiny pack, the bundled pack, and a broken-pack factory."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.answering.answers import Answerer
from bot.packs.loader import load_pack
from bot.packs.model import Pack
from bot.settings import bundled_knowledge_dir

TINY = Path(__file__).resolve().parent.parent / "packs" / "tiny"


@pytest.fixture(scope="session")
def tiny_pack() -> Pack:
    return load_pack(TINY)


@pytest.fixture(scope="session")
def tiny(tiny_pack: Pack) -> Answerer:
    return Answerer(tiny_pack)


@pytest.fixture(scope="session")
def bundled() -> Answerer:
    return Answerer(load_pack(bundled_knowledge_dir()))


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of the tiny pack plus one extra file with the given YAML text."""

    def make(extra: str, name: str = "zz-extra.yaml") -> Path:
        folder = tmp_path / "pack"
        shutil.copytree(TINY, folder)
        (folder / name).write_text(extra, encoding="utf-8")
        return folder

    return make
