"""Localisation: German command names in the synced payload, replies in the server's language."""

from __future__ import annotations

import dataclasses
import re

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
