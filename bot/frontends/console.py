"""The console chat: the same answers as Discord, in a terminal, with no token needed."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TextIO

from bot.answering.answers import Answerer, Reply

HELP = (
    "Type a question and press Enter. After a 'did you mean' list, type its number to choose.\n"
    "Commands: :help, :sources, :quit (or Ctrl-D)."
)


def chat(answerer: Answerer, stdin: TextIO, stdout: TextIO, *, prompt: str = "you> ") -> int:
    """Read questions until end of input; answer each. Returns the exit status."""
    pack = answerer.pack
    stdout.write(
        f"studybot: {pack.name} ({len(pack.entries)} entries, {pack.item_count()} facts). "
        "Ask a question; :help for help.\n"
    )
    last: Reply | None = None
    read_line = _line_reader(stdin, stdout, prompt)
    while True:
        stdout.flush()
        line = read_line()
        if line is None:
            break
        text = line.strip()
        if not text:
            continue
        if text in (":quit", ":q", ":exit", "quit", "exit"):
            break
        if text in (":help", "help", "?"):
            stdout.write(HELP + "\n")
            continue
        if text == ":sources":
            for source in pack.sources.values():
                stdout.write(f"- {source.title}, {source.publisher}{source.link}\n")
            continue
        if (
            last
            and not last.answered
            and text.isdigit()
            and 1 <= int(text) <= len(last.alternatives)
        ):
            reply = answerer.entry_answer(last.alternatives[int(text) - 1].entry)
        else:
            reply = answerer.ask(text)
        stdout.write(reply.as_text() + "\n\n")
        last = reply
    return 0


def _line_reader(stdin: TextIO, stdout: TextIO, prompt: str) -> Callable[[], str | None]:
    """How chat reads a line: with line editing and history at a terminal, else plainly.

    At a terminal `input` goes through GNU readline (or libedit): arrow keys move within the line
    and Up brings back earlier questions of this session. Piped input is read as it comes, with no
    prompt, so a script's output holds only the answers.
    """
    interactive = stdin.isatty() if hasattr(stdin, "isatty") else False
    if interactive and stdin is sys.stdin and stdout is sys.stdout:
        with contextlib.suppress(ImportError):  # Windows has no readline
            import readline  # noqa: F401 - importing it gives input() editing and history

        def edited() -> str | None:
            try:
                return input(prompt)
            except EOFError:
                stdout.write("\n")
                return None

        return edited

    def plain() -> str | None:
        if interactive:
            stdout.write(prompt)
            stdout.flush()
        return stdin.readline() or None

    return plain
