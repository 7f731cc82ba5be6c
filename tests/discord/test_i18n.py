"""Localisation: German command names in the synced payload, replies in the server's language."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from bot.discord.app import command_payloads
from bot.discord.i18n import CATALOGUES, LANGUAGES, tr
from bot.server_settings import LANGUAGE_CODES

# Discord's rule for chat-input command and option names (context menus may have spaces).
NAME = re.compile(r"^[-_\w]{1,32}$")


def _walk(payload: dict, path: str = ""):
    """Every command, subcommand and option in a payload, with where it sits."""
    here = f"{path}/{payload['name']}"
    yield here, payload
    for option in payload.get("options") or []:
        yield from _walk(option, here)


@pytest.fixture
def payloads(settings):
    return command_payloads(dataclasses.replace(settings, discord_token=None))


def test_the_payload_carries_german_names_and_descriptions(payloads):
    by_name = {p["name"]: p for p in payloads}
    assert by_name["ask"]["name_localizations"]["de"] == "fragen"
    assert by_name["ask"]["description_localizations"]["de"].startswith("Stell eine Frage")
    quiz_start = next(o for o in by_name["quiz"]["options"] if o["name"] == "start")
    assert quiz_start["name_localizations"]["de"] == "starten"
    assert by_name["Ask studybot"]["name_localizations"]["de"] == "Studybot fragen"
    # Locales studybot does not speak are left to Discord (it shows the English).
    assert "fr" not in by_name["ask"]["name_localizations"]


def test_every_command_and_option_has_a_legal_distinct_german_name_and_description(payloads):
    siblings: dict[str, list[str]] = {}
    for path, item in (pair for p in payloads for pair in _walk(p)):
        german = (item.get("name_localizations") or {}).get("de")
        assert german, f"{path} has no German name"
        if item.get("type", 1) in (1, None) or "description" in item:
            assert (item.get("description_localizations") or {}).get("de") or not item.get(
                "description"
            ), f"{path} has no German description"
        menu = path.count("/") == 1 and item.get("type") in (2, 3)
        if not menu:  # context menus may have spaces and capitals
            assert NAME.match(german) and german == german.lower(), (path, german)
        siblings.setdefault(path.rsplit("/", 1)[0], []).append(german)
    for parent, names in siblings.items():
        assert len(names) == len(set(names)), f"two German names collide under {parent}: {names}"


def test_the_language_setting_offers_exactly_the_languages_studybot_speaks():
    assert set(LANGUAGE_CODES) == {"auto", *LANGUAGES}
    assert all(key in CATALOGUES["de"][1] for key in ("I don't know that from this pack.",))


def test_a_missing_translation_shows_the_english_and_fills_its_values():
    assert tr("Not in any catalogue {n}", "de", n=3) == "Not in any catalogue 3"
    assert tr("Slow down a little: you can ask again in {seconds} s.", "de", seconds=2) == (
        "Etwas langsamer: Du kannst in 2 s wieder fragen."
    )


async def test_a_server_set_to_german_gets_german_replies(world):
    changed = await world.admin.slash(world.channel, "settings set", setting="language", value="de")
    assert "language" in changed.response.content
    miss = await world.member.slash(world.channel, "ask", question="what is photosynthesis")
    assert miss.response.content.startswith("Das weiß ich aus diesem Paket nicht.")
    assert "Du hast gefragt: „what is photosynthesis“" in miss.response.content
    again = await world.member.slash(world.channel, "ask", question="who was trotsky")
    assert again.ephemeral and again.response.content.startswith("Etwas langsamer")


async def test_other_servers_and_english_packs_stay_english(world):
    other = world.env.create_guild("Other")
    channel = other.create_text_channel("study")
    member = other.add_member(world.env.create_user("carol"))
    await world.admin.slash(world.channel, "settings set", setting="language", value="de")
    miss = await member.slash(channel, "ask", question="what is photosynthesis")
    assert miss.response.content.startswith("I don't know that from this pack.")


class TestAGermanPack:
    @pytest.fixture
    def pack_dir(self, pack_dir):
        """The tiny pack, declared German: `auto` servers answer in German."""
        pack = pack_dir / "pack.yaml"
        text = pack.read_text()
        pack.write_text(
            text.replace('  name: "Tiny test pack"', '  name: "Tiny test pack"\n  language: de')
        )
        return pack_dir

    async def test_auto_follows_the_packs_language(self, world):
        miss = await world.member.slash(world.channel, "ask", question="what is photosynthesis")
        assert miss.response.content.startswith("Das weiß ich aus diesem Paket nicht.")
        await world.admin.slash(world.channel, "settings set", setting="language", value="en")
        miss = await world.admin.slash(world.channel, "ask", question="what is photosynthesis")
        assert miss.response.content.startswith("I don't know that from this pack.")


async def test_a_german_server_gets_the_quiz_start_and_end_in_german(world):
    await world.admin.slash(world.channel, "settings set", setting="language", value="de")
    started = await world.member.slash(
        world.channel, "quiz start", questions=2, seconds=20, mode="choice", first_to=5
    )
    assert started.response.content.startswith(
        f"<@{world.member.id}> hat ein Quiz gestartet: 2 Frage(n), je 20 Sekunden, "
        "Antwort auswählen; wer zuerst 5 Punkte hat, gewinnt."
    )
    stopped = await world.member.slash(world.channel, "quiz stop")
    assert stopped.response.content == f"<@{world.member.id}> hat das Quiz beendet."
    summary = [m for m in world.channel.history() if m.author.bot][-1].embeds[0]
    assert summary.title == "Quiz vorbei"
    assert summary.description == "Diesmal hat niemand gepunktet."
    assert summary.footer.text == "1 von 2 Fragen gestellt (vorzeitig beendet)"


def test_every_german_reply_keeps_the_english_placeholders():
    placeholder = re.compile(r"\{(\w+)\}")
    for english, german in CATALOGUES["de"][1].items():
        assert sorted(placeholder.findall(english)) == sorted(placeholder.findall(german)), english


async def test_a_german_server_gets_help_and_settings_confirmations_in_german(world):
    changed = await world.admin.slash(world.channel, "settings set", setting="language", value="de")
    assert changed.response.content.startswith("**language** ist jetzt ")
    refused = await world.admin.slash(world.channel, "settings set", setting="cooldown", value="x")
    assert refused.response.content.startswith("Nicht geändert: ")
    reset = await world.admin.slash(world.channel, "settings reset", setting="cooldown")
    assert reset.response.content.startswith("**cooldown** ist wieder auf dem Standard: ")

    shown = await world.member.slash(world.channel, "help")
    [embed] = shown.response.embeds
    assert embed.description.startswith("Ich beantworte Fragen aus einem Lernpaket")
    assert "Paket dieses Servers: **Tiny test pack**" in embed.description
    assert [f.name for f in embed.fields] == ["Fragen", "Spielen und üben", "Deine Daten", "Admins"]

    back = await world.admin.slash(world.channel, "settings reset", setting="language")
    assert back.response.content.startswith("**language** is back to the default: ")


# -- every fixed reply has a German translation --

DISCORD_PACKAGE = Path(__file__).resolve().parents[2] / "bot" / "discord"
CORE_REPLIES = (
    "GREETING",
    "THANKS",
    "HELP",
    "PICK",
    "DONT_KNOW",
    "NOT_SURE",
    "ASK_ME",
    "TOO_LONG",
    "IN_PASSING",
)
"""The core's fixed replies, which `embeds.reply_message` passes through `tr`."""
FROM_THE_CORE = {("embeds.py", "message"), ("embeds.py", "template")}
"""(module, name) given to `tr` holding a core reply (`Reply.message` or `Reply.template`): see
CORE_REPLIES and LACKS."""


def _strings(node: ast.AST | None) -> list[str] | None:
    """The text a literal expression can be: a string, either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _values_of(tree: ast.Module) -> dict[str, list[str]]:
    """What each name in a module can hold, where that is literal text: assignments anywhere
    (`X = "..."`, `X = a if c else b`), strings in a dict or tuple bound to it, and the names of
    `for a, b in (("x", 1), ...)` loops over literal tuples."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            texts = _strings(value)
            if texts is None and isinstance(value, ast.Dict | ast.Tuple | ast.List):
                # A dict's values, not its keys (`{"good": "Good"}`: "Good" is shown).
                parts = value.values if isinstance(value, ast.Dict) else [value]
                texts = [
                    s.value
                    for part in parts
                    for s in ast.walk(part)
                    if isinstance(s, ast.Constant) and isinstance(s.value, str)
                ]
            for target in targets:
                if isinstance(target, ast.Name) and texts:
                    found.setdefault(target.id, []).extend(texts)
        elif (
            isinstance(node, ast.For)
            and isinstance(node.iter, ast.Tuple | ast.List)
            and isinstance(node.target, ast.Tuple)
        ):
            for row in node.iter.elts:
                if isinstance(row, ast.Tuple):
                    for name, cell in zip(node.target.elts, row.elts, strict=False):
                        if isinstance(name, ast.Name) and (texts := _strings(cell)):
                            found.setdefault(name.id, []).extend(texts)
    return found


def _translated_texts() -> tuple[set[str], list[str]]:
    """Every text studybot's Discord code hands to `tr` (directly or through `translate`), and
    the call sites whose text could not be read from the source."""
    from bot.answering import answers

    texts = {getattr(answers, name) for name in CORE_REPLIES} | set(answers.LACKS.values())
    unread: list[str] = []
    modules = sorted(m for m in DISCORD_PACKAGE.glob("*.py") if m.name != "i18n.py")
    values: dict[str, list[str]] = {}  # across modules: constants are imported (APOLOGY)
    for module in modules:
        for name, read in _values_of(ast.parse(module.read_text())).items():
            values.setdefault(name, []).extend(read)
    for module in modules:
        tree = ast.parse(module.read_text())
        params = {
            a.arg
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
            for a in f.args.args + f.args.kwonlyargs
        }
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            index = {"tr": 0, "_tr": 1, "translate": 1, "say": 1}.get(name)
            if index is None or len(call.args) <= index:
                continue
            arg = call.args[index]
            if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute):
                arg = arg.func.value  # DICT.get(key, default): every text in DICT
            while isinstance(arg, ast.Subscript):
                arg = arg.value  # DICT[key], DICT[key][n]
            read = _strings(arg)
            if read is None and isinstance(arg, ast.Name):
                read = values.get(arg.id)
                if read is None and (arg.id in params or (module.name, arg.id) in FROM_THE_CORE):
                    continue  # passed through (its callers are checked), or a core reply
            if read is None:
                unread.append(f"{module.name}:{call.lineno}")
            else:
                texts.update(read)
    return texts, unread


def test_every_fixed_reply_has_a_german_translation():
    texts, unread = _translated_texts()
    assert not unread, f"texts given to tr() that this test cannot read: {unread}"
    assert len(texts) > 150  # the scan finds the replies (a broken scan would pass vacuously)
    german = CATALOGUES["de"][1]
    missing = sorted(t for t in texts if t not in german)
    assert not missing, "no German for:\n" + "\n".join(missing)


def test_every_catalogue_entry_has_both_languages():
    """Keys are the English text; each needs a German text that is really there."""
    for language, (names, texts) in CATALOGUES.items():
        for table in (names, texts):
            for english, translated in table.items():
                assert english.strip() and translated.strip(), (language, english)


def _labels(message) -> list[str]:
    return [b.label for row in message.message.components for b in row.children]


async def test_a_german_server_gets_kb_practice_stats_and_answers_in_german(world):
    """The replies that issue 10 left in English, run in a German server through the client."""
    from test_server import BIOLOGY

    admin, member, channel = world.admin, world.member, world.channel
    await admin.slash(channel, "settings set", setting="language", value="de")
    await admin.slash(channel, "settings set", setting="cooldown", value="0")

    # /kb: upload, use, stats, gaps, download, and the refusals.
    uploaded = await admin.slash(channel, "kb upload", file=("biology.yaml", BIOLOGY))
    assert uploaded.response.content.startswith(
        "`biology` hochgeladen: **Biology**: 1 Quellen, 1 Einträge, "
    )
    assert "Die Mitglieder bekommen es nach `/kb use pack:biology`." in uploaded.response.content
    missing = await admin.slash(channel, "kb use", pack="chemistry")
    assert missing.response.content.startswith("Hier gibt es kein Paket namens „chemistry“.")
    used = await admin.slash(channel, "kb use", pack="biology")
    assert used.response.content.startswith("Dieser Server nutzt jetzt `biology`: **Biology**")
    stats = (await admin.slash(channel, "kb stats")).response.embeds[0]
    assert stats.title == "Paket: Biology"
    assert [f.name for f in stats.fields] == [
        "Quellen",
        "Einträge",
        "Beantwortbare Aussagen",
        "Quizfragen",
        "Aussagen, bei denen die Quellen abweichen",
        "Themen",
    ]
    gaps = (await admin.slash(channel, "kb gaps")).response.embeds[0]
    assert gaps.title == "Fragen, die das Paket nicht beantworten konnte"
    assert gaps.description == "Auf diesem Server noch keine erfasst."
    download = await admin.slash(channel, "kb download")
    assert download.response.content.startswith("Das Paket `biology` (nach dem Bearbeiten")
    reload = await admin.slash(channel, "kb reload")
    assert reload.response.content.startswith("Nur der Betreiber des Hosts")

    # Answers: the labels around the pack's words.
    answer = (await member.slash(channel, "ask", question="what is a cell wall")).response
    embed = answer.embeds[0]
    assert [f.name for f in embed.fields] == ["Quelle", "Beleg"]
    assert embed.footer.text.startswith("Sicherheit ")
    assert _labels(answer) == ["Löschen"]
    nothing = await member.slash(channel, "define", term="mitochondrion")
    assert nothing.response.content.startswith("Kein Eintrag namens „mitochondrion“")
    topics = (await member.slash(channel, "topics")).response.embeds[0]
    assert topics.title == "Themen von Biology"
    assert topics.description == "• **cells** (1 Begriffe)"
    sources = (await member.slash(channel, "sources")).response.embeds[0]
    assert sources.title == "Quellen von Biology" and sources.footer.text == "1 Quellen"

    # /practice: the card, its buttons, the back, the end.
    card = (await member.slash(channel, "practice")).response
    assert card.embeds[0].description == "Überleg dir die Antwort, dann dreh die Karte um."
    assert card.embeds[0].footer.text == "0 fällig · 2 neu · 0 wiederholt"
    for _ in range(2):
        assert _labels(card) == ["Antwort zeigen"]
        back = (await member.click(card, label="Antwort zeigen")).response
        assert back.embeds[0].fields[0].name == "Quelle"
        assert back.embeds[0].footer.text.startswith("Wie gut wusstest du es? · ")
        names = [label.split(" · ")[0] for label in _labels(back)]
        assert names == ["Nochmal", "Schwer", "Gut", "Leicht"]
        easy = next(label for label in _labels(back) if label.startswith("Leicht"))
        assert easy.endswith(("Tag", "Tagen")), easy
        card = (await member.click(back, label=easy)).response
    done = card.embeds[0]
    assert done.title == "Für jetzt geschafft"
    assert done.description.startswith("Du hast 2 Karte(n) wiederholt. Die nächste Karte ist in ")

    # /stats and /leaderboard labels.
    shown = (await member.slash(channel, "stats")).response.embeds[0]
    assert shown.title == "Statistik von alice"
    assert [f.name for f in shown.fields] == [
        "Punkte",
        "Richtige Antworten",
        "Spiele mit Punkten",
        "Beste Serie",
        "Lernkarten",
    ]
    assert shown.fields[0].value == "0 (0 diese Woche)"
    assert shown.fields[4].value == "2 (2 Wiederholungen)"
    board = (await member.slash(channel, "leaderboard")).response.embeds[0]
    assert board.title == "Bestenliste: gesamt"
    assert board.description == "Noch keine Punkte. Starte ein Quiz mit /quiz start!"

    # A quiz question and its reveal; the settings page; /forgetme.
    started = await member.slash(channel, "quiz start", questions=1, seconds=20, mode="text")
    assert "hat ein Quiz gestartet" in started.response.content, started.response.content
    assert "darum antworte mit `/answer`." in started.response.content
    question = [m for m in channel.history() if m.author.bot][-1].embeds[0]
    assert question.title == "Frage 1/1"
    assert question.footer.text == "20 Sekunden · Antworte mit /answer. · /quiz hint für einen Tipp"
    hint = await member.slash(channel, "quiz hint")
    assert hint.response.content.startswith("💡 Tipp: `")
    assert hint.response.content.endswith("(Tipps senken die Punkte dieser Frage)")
    wrong = await member.slash(channel, "answer", text="chloroplast")
    assert wrong.response.content == "Nicht ganz. Versuch es noch einmal!"
    skipped = await member.slash(channel, "quiz skip")
    assert skipped.response.embeds[0].title == "⏭️ Übersprungen."
    assert skipped.response.embeds[0].description.startswith("Die Antwort: **")
    # The only question was skipped, so the game is over.
    none_left = await member.slash(channel, "quiz stop")
    assert none_left.response.content == "Hier läuft kein Quiz."
    page = (await admin.slash(channel, "settings show")).response.embeds[0]
    assert page.title == "Einstellungen für diesen Server"
    assert "*(Standard)*" in page.description
    forgot = await member.slash(channel, "forgetme")
    assert forgot.response.content.startswith("Deine Daten sind gelöscht: 0 Quizpunkte-Einträge")


def test_the_cores_own_sentences_are_translated_whole():
    """ "The pack has X, but it does not say when." and the other sentences the answering core
    builds reach a German server in German, the entry's name kept as the pack writes it."""
    from bot.answering.answers import ASK_ME, IN_PASSING, LACKS, TOO_LONG
    from bot.discord.embeds import reply_message

    for template in (ASK_ME, IN_PASSING, TOO_LONG, *LACKS.values()):
        assert template in CATALOGUES["de"][1], template
    from bot.answering.answers import Answerer
    from bot.packs.loader import load_pack

    tiny = Answerer(load_pack(Path(__file__).resolve().parents[1] / "packs" / "tiny"))
    reply = tiny.ask("when was lev bronstein born")
    assert reply.template == LACKS["when"] and reply.values == {"term": "Leon Trotsky"}
    assert reply.message == "The pack has Leon Trotsky, but it does not say when."
    german, _embed = reply_message(reply, language="de")
    assert german == "Das Paket kennt Leon Trotsky, sagt aber nicht, wann."
    english, _embed = reply_message(reply, language="en")
    assert english == reply.message
