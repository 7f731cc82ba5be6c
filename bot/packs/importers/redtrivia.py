"""Red-DiscordBot trivia lists: YAML mapping each question to its accepted answers.

The format (Red's "Trivia List Creation Guide"): optional `AUTHOR`, `DESCRIPTION` and `CONFIG`
keys, then `question: [answer, ...]`. Red reads lists with `yaml.safe_load`, and so do we.
"""

from __future__ import annotations

import yaml

from bot.packs.importers.cards import Card, Deck, DeckError

_META = ("AUTHOR", "DESCRIPTION", "CONFIG")


def looks_like(text: str) -> bool:
    """A YAML mapping whose values are lists: the shape of a trivia list."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and any(
        isinstance(v, list) for k, v in data.items() if k not in _META
    )


def read(text: str, name: str) -> Deck:
    """Every question with its answers; the list's AUTHOR becomes the source's author."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise DeckError(f"{name}: not valid YAML ({err})") from err
    if not isinstance(data, dict):
        raise DeckError(f"{name}: a trivia list is a mapping of questions to answer lists")
    deck = Deck(title=name, cards=[], kind="trivia list")
    author = data.get("AUTHOR")
    deck.author = str(author).strip() if author else ""
    if data.get("CONFIG"):
        deck.skipped.append("CONFIG: game settings (timeouts, scores) are not part of a pack")
    for question, answers in data.items():
        if question in _META:
            continue
        where = f"question {str(question)[:60]!r}"
        if not isinstance(answers, list) or not answers:
            deck.skipped.append(f"{where}: answers are not a list")
            continue
        if any(isinstance(a, bool) for a in answers):
            deck.skipped.append(f"{where}: an answer is a YAML yes/no value (quote it in the list)")
            continue
        texts = [" ".join(str(a).split()) for a in answers if isinstance(a, str | int | float)]
        texts = [t for t in texts if t]
        if not texts:
            deck.skipped.append(f"{where}: no text answer")
            continue
        deck.cards.append(
            Card(
                front=" ".join(str(question).split()),
                back=texts[0],
                answers=tuple(texts[1:]),
                where=where,
            )
        )
    if not deck.cards:
        raise DeckError(f"{name}: no questions with answers in this trivia list")
    return deck
