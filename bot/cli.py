"""The `studybot` command: console chat, one-off questions, pack tools, benchmark, and the Discord bot.

Settings are read here, when a command runs, never at import time. Errors a user can cause (a
broken pack, a missing token, a bad file name) print one clear message and a non-zero status, not a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from bot.settings import Settings, SettingsError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 1 <= value <= 3600:
        raise argparse.ArgumentTypeError("seconds per question must be from 1 to 3600")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot",
        description="Sourced answers, quizzes and practice from a YAML knowledge pack.",
    )
    parser.add_argument(
        "--knowledge",
        metavar="DIR",
        help="the pack folder (default: STUDYBOT_KNOWLEDGE or bundled)",
    )
    parser.add_argument(
        "--matcher",
        choices=("hybrid", "lexical"),
        help="hybrid (lexical + sentence model, default) or lexical (no model); STUDYBOT_MATCHER",
    )
    parser.add_argument(
        "--model",
        metavar="DIR",
        help="another sentence-embedding model folder (default: STUDYBOT_MODEL or the shipped one)",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("chat", help="console chat (no Discord needed)")
    sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    ask = sub.add_parser("ask", help="answer one question ('-' reads one per line from stdin)")
    ask.add_argument("--json", action="store_true", help="print the JSON contract")
    ask.add_argument("question", nargs="+")

    kb = sub.add_parser(
        "kb", help="pack tools: check, stats, dump, eval, schema, import, draft, export"
    )
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="validate a pack (exit 1 with the errors)")
    check.add_argument("dir", nargs="?", help="the pack folder (default: the selected pack)")
    check.add_argument("--against", metavar="DIR", help="also check evidence against these texts")
    kb_sub.add_parser("stats", help="counts of what the pack holds")
    dump = kb_sub.add_parser("dump", help="the whole loaded pack")
    dump.add_argument("--json", action="store_true", required=True)
    ev = kb_sub.add_parser("eval", help="accuracy on question files, or on several packs at once")
    ev.add_argument("files", nargs="*", metavar="FILE", help="question files for the selected pack")
    ev.add_argument(
        "--suites", metavar="FILE", help="a suites file: several packs and their questions"
    )
    ev.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    ev.add_argument("--misses", action="store_true", help="list every question not answered right")
    kb_sub.add_parser("schema", help="print the JSON Schema of pack files")
    imp = kb_sub.add_parser("import", help="import Anki, Quizlet, Red trivia or CSV files")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--format", choices=("anki", "anki-text", "quizlet", "red", "csv"))
    imp.add_argument("--columns", metavar="TERM,DEFINITION", help="CSV columns (names or numbers)")
    imp.add_argument("--term-sep", help="Quizlet: tab, comma or the character")
    imp.add_argument("--card-sep", help="Quizlet: newline, semicolon or the character")
    dr = kb_sub.add_parser("draft", help="draft a sourced pack from Markdown, text or HTML")
    dr.add_argument("files", nargs="+", metavar="DOCUMENT")
    dr.add_argument("--publisher")
    for p in (imp, dr):
        p.add_argument("--out", metavar="DIR", help="the pack folder to create or update")
        p.add_argument("--merge", metavar="DIR", help="add to this existing pack")
        p.add_argument("--source-title", metavar="T")
        p.add_argument("--source-url", metavar="U")
    imp.add_argument("--author", metavar="A")
    exp = kb_sub.add_parser("export", help="export a pack to Anki, a Red trivia list or CSV")
    exp.add_argument("dir", help="the pack folder")
    exp.add_argument("--format", choices=("anki", "red", "csv"), required=True)
    exp.add_argument("--out", metavar="FILE", required=True)

    bench = sub.add_parser(
        "bench",
        help="accuracy and speed beside BM25 and embedding search; big-pack start and memory",
    )
    bench.add_argument("--sizes", default="1000,10000,100000", help="generated pack sizes (items)")
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--questions", type=int, default=600, help="questions per generated pack")
    bench.add_argument(
        "--embed-max",
        type=int,
        default=10_000,
        metavar="ITEMS",
        help="bigger generated packs run lexical-only (embedding 100,000 items takes many minutes)",
    )
    bench.add_argument(
        "--suites", metavar="FILE", help="evaluation suites (default: the checkout's)"
    )

    sync = sub.add_parser("sync", help="sync slash commands with Discord")
    sync.add_argument("--guild", type=int, help="sync to one server only (instant)")
    commands = sub.add_parser("commands", help="the slash command payloads that would be synced")
    commands.add_argument("--json", action="store_true", required=True)

    quiz = sub.add_parser("quiz", help="play a quiz in the terminal")
    quiz.add_argument("--topic")
    quiz.add_argument("--questions", type=int, default=10)
    quiz.add_argument("--mode", choices=("text", "choice"), default="text")
    quiz.add_argument(
        "--seconds", type=_positive_seconds, default=60.0, help="time per question (default 60)"
    )
    practice = sub.add_parser("practice", help="solo flash cards with spaced repetition")
    practice.add_argument("--topic")
    return parser


def _load(settings: Settings, folder: str | None = None):
    """The selected pack, from the validated-pack cache when its files have not changed."""
    from bot.packs.cache import load_cached

    return load_cached(
        Path(folder) if folder else settings.knowledge_dir, settings.data_dir / "cache"
    )


def _answerer(settings: Settings):
    from bot.answering.semantic import console_progress
    from bot.packs.cache import open_answerer

    return open_answerer(settings, progress=console_progress())


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    from bot.packs.loader import PackError

    try:
        settings = Settings.from_env(knowledge=args.knowledge)
        if args.matcher:
            settings = replace(settings, matcher=args.matcher)
        if args.model:
            settings = replace(settings, model_dir=Path(args.model).expanduser())
    except SettingsError as err:
        print(f"studybot: {err}", file=sys.stderr)
        return EXIT_USAGE
    from bot.answering.semantic import ModelError

    try:
        return _dispatch(args, settings)
    except PackError as err:
        print(err.report(), file=sys.stderr)
        return EXIT_FAIL
    except ModelError as err:
        print(f"studybot: the sentence model cannot be used: {err}", file=sys.stderr)
        print(
            "  (set STUDYBOT_MODEL to a folder with model.onnx and tokenizer.json, or",
            file=sys.stderr,
        )
        print("  STUDYBOT_MATCHER=lexical to run without a model)", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command is None:
        if settings.discord_token:
            command = "run"
        else:
            print(
                "No DISCORD_TOKEN set: starting the console chat. "
                "To run on Discord, see README.md (Connecting Discord).",
                file=sys.stderr,
            )
            command = "chat"
    if command == "chat":
        from bot.frontends.console import chat

        return chat(_answerer(settings), sys.stdin, sys.stdout)
    if command == "ask":
        return _ask(args, settings)
    if command == "kb":
        return _kb(args, settings)
    if command == "bench":
        from bot.bench import main as bench_main

        try:
            sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        except ValueError:
            print(
                f"bench: --sizes takes whole numbers like 1000,10000 (got {args.sizes!r})",
                file=sys.stderr,
            )
            return EXIT_USAGE
        return bench_main(
            settings.knowledge_dir,
            sizes,
            as_json=args.json,
            questions=args.questions,
            embed_max=args.embed_max,
            suites_file=Path(args.suites) if args.suites else None,
            cache_dir=settings.data_dir / "cache",
            lexical=settings.matcher == "lexical",
        )
    if command in ("run", "sync", "commands"):
        from bot.discord import app

        if command == "run":
            return app.run(settings)
        if command == "sync":
            return app.sync(settings, args.guild)
        print(json.dumps(app.command_payloads(settings), indent=2))
        return EXIT_OK
    if command in ("quiz", "practice"):
        from bot.frontends import console_games

        pack = _load(settings)
        if command == "quiz":
            return console_games.play_quiz(
                pack,
                settings,
                topic=args.topic,
                questions=args.questions,
                mode=args.mode,
                stdin=sys.stdin,
                stdout=sys.stdout,
                seconds=args.seconds,
            )
        return console_games.practise(
            pack, settings, topic=args.topic, stdin=sys.stdin, stdout=sys.stdout
        )
    raise AssertionError(command)  # pragma: no cover - argparse only yields the commands above


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    answerer = _answerer(settings)
    if args.question == ["-"]:
        # Bytes in, UTF-8 bytes out: a stray invalid byte in one line (or PYTHONIOENCODING=ascii)
        # must not garble the output or stop the batch. One output line for every input line.
        for raw in sys.stdin.buffer:
            question = raw.rstrip(b"\n").rstrip(b"\r").decode("utf-8", errors="replace")
            _emit(answerer.ask(question), as_json=args.json)
        return EXIT_OK
    # Arguments the OS could not decode arrive as lone surrogates; make them U+FFFD too.
    question = " ".join(args.question).encode("utf-8", "surrogateescape")
    reply = answerer.ask(question.decode("utf-8", errors="replace"))
    _emit(reply, as_json=args.json, blank_line=False)
    return EXIT_OK


def _emit(reply, *, as_json: bool, blank_line: bool = True) -> None:  # noqa: ANN001
    """One reply on stdout as UTF-8 whatever the terminal's encoding: the JSON is a contract."""
    if as_json:
        text = json.dumps(reply.to_json(), ensure_ascii=False)
    else:
        text = reply.as_text() + ("\n" if blank_line else "")
    out = getattr(sys.stdout, "buffer", None)
    if out is None:  # a text-only stream (tests, embedding): it takes str
        print(text, flush=True)
        return
    sys.stdout.flush()
    out.write(text.encode("utf-8", errors="replace") + b"\n")
    out.flush()


def _kb(args: argparse.Namespace, settings: Settings) -> int:
    sub = args.kb_command
    if sub == "schema":
        from bot.packs.schema import schema_text

        sys.stdout.write(schema_text())
        return EXIT_OK
    if sub in ("import", "draft", "export"):
        from bot.packs import bring

        if sub == "export":
            return bring.run_export(args.dir, args.format, args.out)
        if sub == "draft":
            return bring.run_draft(
                args.files,
                args.out,
                args.merge,
                args.source_title,
                args.source_url,
                args.publisher,
            )
        from bot.packs.importers import ImportOptions

        options = ImportOptions(
            args.format,
            args.source_title,
            args.source_url,
            args.author,
            args.columns,
            args.term_sep,
            args.card_sep,
        )
        return bring.run_import(args.files, options, args.out, args.merge)
    if sub == "check":
        pack = _load(settings, args.dir)
        print(
            f"OK: {pack.name}: {len(pack.sources)} sources, {len(pack.entries)} entries, "
            f"{pack.item_count()} items, {len(pack.quiz)} quiz questions"
        )
        if args.against:
            from bot.packs.evidence import check_evidence

            folder = Path(args.against)
            if not folder.is_dir():
                print(f"--against: no such folder: {folder}", file=sys.stderr)
                return EXIT_USAGE
            bad = check_evidence(pack, folder)
            total = pack.item_count() + len(pack.quiz)
            if bad:
                print(f"{len(bad)} of {total} evidence excerpts not found in {folder}:")
                for row in bad:
                    print(f"  {row}")
                return EXIT_FAIL
            print(f"OK: all {total} evidence excerpts occur in their sources in {folder}")
        return EXIT_OK
    if sub == "eval":
        return _eval(args, settings)
    pack = _load(settings)
    if sub == "stats":
        _stats(pack)
        return EXIT_OK
    if sub == "dump":
        print(json.dumps(_dump(pack), indent=2, ensure_ascii=False))
        return EXIT_OK
    raise AssertionError(sub)  # pragma: no cover


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering.evaluate import evaluate, load_questions, load_suites, run_suites, table

    if not args.files and not args.suites:
        print("kb eval: name question files, or --suites FILE", file=sys.stderr)
        return EXIT_USAGE
    semantic = settings.matcher != "lexical"
    try:
        rows = []
        if args.suites:
            splits = ["dev", "heldout"] if args.split == "both" else [args.split]
            suites = load_suites(Path(args.suites))
            rows = run_suites(suites, splits, settings.data_dir / "cache", semantic=semantic)
        if args.files:
            answerer = _answerer(settings)
            for name in args.files:
                questions = load_questions(Path(name))
                rows.append((Path(name).name, len(questions), evaluate(answerer, questions)))
    except (OSError, ValueError) as err:
        print(f"kb eval: {err}", file=sys.stderr)
        return EXIT_USAGE
    if len(rows) == 1 and not args.suites:
        print(rows[0][2].report())
        return EXIT_OK
    print(table(rows))
    if args.misses:
        for name, _count, result in rows:
            print(f"\n{name}:\n" + result.report())
    return EXIT_OK


def _stats(pack) -> None:  # noqa: ANN001
    from collections import Counter

    kinds = Counter(e.kind for e in pack.entries.values())
    facts = sum(len(e.facts) for e in pack.entries.values())
    definitions = sum(1 for e in pack.entries.values() if e.definition)
    differing = sum(1 for i in pack.items() if i.differs)
    print(f"pack: {pack.name}")
    print(f"sources: {len(pack.sources)}")
    print(
        f"entries: {len(pack.entries)} ("
        + ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        + ")"
    )
    print(f"definitions: {definitions}")
    print(f"facts: {facts}")
    print(f"items that differ between sources: {differing}")
    print(f"quiz questions: {len(pack.quiz)} written")
    print(f"topics: {', '.join(pack.tags())}")


def _dump(pack) -> dict:  # noqa: ANN001
    return {
        "name": pack.name,
        "sources": [
            {"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url, "kind": s.kind}
            for s in pack.sources.values()
        ],
        "entries": [
            {
                "id": e.id,
                "term": e.term,
                "kind": e.kind,
                "aliases": list(e.aliases),
                "tags": list(e.tags),
                "related": list(e.related),
                "asks": list(e.asks),
                "items": [
                    {
                        "id": i.id,
                        "role": i.role,
                        "text": i.text,
                        "source": i.source,
                        "evidence": i.evidence,
                        "about": i.about,
                        "differs": i.differs,
                    }
                    for i in e.items
                ],
            }
            for e in pack.entries.values()
        ],
        "quiz": [
            {
                "id": q.id,
                "question": q.question,
                "answers": list(q.answers),
                "distractors": list(q.distractors),
                "entry": q.entry,
                "source": q.source,
                "evidence": q.evidence,
            }
            for q in pack.quiz
        ],
    }
