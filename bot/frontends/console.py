"""The console chat: the same answers as Discord, in a terminal, with no token needed."""

from __future__ import annotations

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
    interactive = stdin.isatty() if hasattr(stdin, "isatty") else False
    while True:
        if interactive:
            stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
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
