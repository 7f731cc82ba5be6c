"""Card fields and web pages as plain text, with the standard library's HTML parser.

Anki fields are HTML (`<b>`, `<br>`, `&nbsp;`, `<img src=...>`); regular expressions get entities,
comments and `<script>` wrong, so a real parser walks the markup. Images and sounds are counted, not
kept: the bot answers in text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SOUND = re.compile(r"\[sound:[^\]]*\]")
_BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})
_HIDDEN = frozenset({"script", "style", "head", "title", "template"})
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!][^>]*>|&[#a-zA-Z0-9]+;")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media = 0
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in ("img", "audio", "video", "object", "embed"):
            self.media += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, int]:
    """The text of an HTML fragment on one line, and how many media references it held."""
    sounds = len(_SOUND.findall(html))
    html = _SOUND.sub(" ", html)
    if not _LOOKS_LIKE_HTML.search(html):
        return " ".join(html.split()), sounds
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split()), parser.media + sounds
