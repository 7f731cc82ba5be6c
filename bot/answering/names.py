"""Entry names for autocomplete: a keystroke answered from a sorted list, not a scan of every name.

Discord asks for choices on every keystroke and drops the answer after three seconds. Scoring every
name with rapidfuzz's `WRatio` costs ~35 ms at 20,000 names, so a big pack takes its candidates
from cheap lookups first (names starting with the text, by bisection of the sorted names; names
containing it, by one substring search over all of them; then, for typos, the closest by plain
edit ratio among the names sorted near it) and scores only those few with `WRatio`. A typo in the
first letters of a name can therefore miss in a big pack (the answerer still finds it). A small
pack keeps the plain scan: it is fast there, and its choices stay exactly as they were.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np
from rapidfuzz import fuzz, process

SMALL = 5000
"""Up to this many names, every name is scored (the exact ranking, ~4 ms at 2,000 names)."""
CUTOFF = 55
"""Below this `WRatio`, a name is no suggestion ("pste" must not offer "site")."""
WINDOW = 2000
"""How many names around the typed text's place in sorted order a big pack checks for typos."""


class NameIndex:
    """Every name of every entry, normalised, ranked for what a member has typed so far."""

    def __init__(self, names: list[tuple[str, str, str]]) -> None:
        """`names` are (name as written, entry id, normalised name), in pack order."""
        self.names = names
        self.normalised = [norm for _, _, norm in names]
        self._sorted: tuple[list[str], np.ndarray, np.ndarray] | None = None
        self._blob: tuple[str, list[int]] | None = None

    def ranked(self, want: str, limit: int) -> list[tuple[float, str, str]]:
        """(-rank, name, entry id) rows, best first, for a normalised non-empty `want`.

        Typing the start of a name is the strongest signal, and the shortest such name is the
        most exact; then names containing the text; then fuzzy matches.
        """
        if len(self.names) <= SMALL:
            matches = process.extract(
                want, self.normalised, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=CUTOFF
            )
            candidates = [(index, score) for _match, score, index in matches]
        else:
            candidates = self._candidates(want, limit * 3)
        rows = []
        for index, score in candidates:
            name, entry_id, norm = self.names[index]
            if norm.startswith(want):
                rank = 300 - len(norm)
            elif want in norm:
                rank = 100 + score
            else:
                rank = score
            rows.append((-rank, name, entry_id))
        rows.sort()
        return rows

    def _candidates(self, want: str, room: int) -> list[tuple[int, float]]:
        """Up to `room` prefix matches (shortest first), then containing and close names."""
        norms, order, lengths = self._sorted_names()
        low = bisect_left(norms, want)
        high = bisect_right(norms, want + "\U0010ffff", low)
        # the shortest prefix matches: a stable sort keeps alphabetical order among equal lengths
        shortest = np.argsort(lengths[low:high], kind="stable")[:room]
        chosen: dict[int, float] = {int(order[low + i]): 0.0 for i in shortest.tolist()}
        # Each later step ranks below the one before, so it only runs while the choices so far
        # name fewer entries than can be shown (`room` is three times that).
        if self._entries(chosen) < room // 3:
            chosen.update(dict.fromkeys(self._containing(want, room - len(chosen)), 0.0))
        if self._entries(chosen) < room // 3:
            # Typos: the names sorted nearest to the text (a slip after the first letters keeps
            # a name close in alphabetical order); scanning all names costs ~5 ms a keystroke.
            start = max(0, low - WINDOW // 2)
            close = process.extract(
                want, norms[start : start + WINDOW], scorer=fuzz.ratio, limit=room,
                score_cutoff=CUTOFF,
            )  # fmt: skip
            for _match, _score, near in close:
                chosen.setdefault(int(order[start + near]), 0.0)
        out = []
        for index in chosen:
            score = fuzz.WRatio(want, self.normalised[index])
            prefix = self.normalised[index].startswith(want)
            if prefix or score >= CUTOFF:
                out.append((index, score))
        return out

    def _entries(self, chosen: dict[int, float]) -> int:
        return len({self.names[i][1] for i in chosen})

    def _sorted_names(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        if self._sorted is None:
            order = sorted(range(len(self.normalised)), key=self.normalised.__getitem__)
            norms = [self.normalised[i] for i in order]
            self._sorted = (
                norms,
                np.asarray(order, dtype=np.int64),
                np.asarray([len(n) for n in norms], dtype=np.int32),
            )
        return self._sorted

    def _containing(self, want: str, room: int) -> list[int]:
        """Names with `want` inside, in pack order: one C-level substring search over them all."""
        if self._blob is None:
            starts, at = [], 0
            for norm in self.normalised:
                starts.append(at)
                at += len(norm) + 1
            self._blob = ("\n".join(self.normalised), starts)
        blob, starts = self._blob
        found: list[int] = []
        at = blob.find(want)
        while at >= 0 and len(found) < room:
            index = bisect_right(starts, at) - 1
            if not found or found[-1] != index:
                found.append(index)
            at = blob.find(want, starts[index] + len(self.normalised[index]) + 1)
        return found
