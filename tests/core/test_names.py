"""Autocomplete of entry names: the same choices as a full scan for a small pack, bounded for a big one."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz, process

from bot.answering import names
from bot.answering.answers import Answerer
from bot.answering.names import NameIndex
from bot.answering.text import normalise

TYPED = ("t", "tr", "trots", "left", "opp", "fourth int", "bukharin", "bukahrin", "zinov", "stal",
         "united opp", "kronst", "ryutin", "1932", "zzzzqqq", "a", "bloc", "the")  # fmt: skip


def full_scan(answerer: Answerer, text: str, limit: int = 25) -> list[tuple[str, str]]:
    """The ranking before the name index existed: every name scored with WRatio (the reference)."""
    want = normalise(text)
    rows = []
    pairs = [(n, e.id, normalise(n)) for e in answerer.pack.entries.values() for n in e.names]
    matches = process.extract(
        want, [p[2] for p in pairs], scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=55
    )
    for _match, score, index in matches:
        name, entry_id, norm = pairs[index]
        rank = 300 - len(norm) if norm.startswith(want) else 100 + score if want in norm else score
        rows.append((-rank, name, entry_id))
    rows.sort()
    out, seen = [], set()
    for _rank, name, entry_id in rows:
        if entry_id not in seen:
            seen.add(entry_id)
            out.append((name[:100], entry_id[:100]))
    return out[:limit]


@pytest.mark.parametrize("typed", TYPED)
def test_a_small_pack_completes_as_a_full_scan_did(bundled: Answerer, typed: str) -> None:
    assert bundled.complete(typed) == full_scan(bundled, typed)


@pytest.mark.parametrize("typed", TYPED)
def test_a_big_pack_offers_every_short_prefix_match_first(
    bundled: Answerer, typed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `SMALL` names the index looks up prefixes by bisection: they still lead, shortest first."""
    monkeypatch.setattr(names, "SMALL", 0)
    index = NameIndex(bundled._names)
    big = index.ranked(normalise(typed), 25)
    want = normalise(typed)
    prefixed = sorted(
        (-(300 - len(norm)), name, entry_id)
        for name, entry_id, norm in bundled._names
        if norm.startswith(want)
    )[:75]
    assert big[: len(prefixed)] == prefixed
    assert all(rank > -300 for rank, _n, _e in big)


def test_a_big_pack_still_finds_names_containing_the_text_and_late_typos(
    bundled: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(names, "SMALL", 0)
    index = NameIndex(bundled._names)
    assert {e for _r, _n, e in index.ranked("opposition", 25)} >= {"left-opposition"}
    assert "nikolai-bukharin" in {e for _r, _n, e in index.ranked("bukahrin", 25)}
    assert index.ranked("zzzzqqq", 25) == []
