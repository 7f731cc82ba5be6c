"""Localisation: command names and descriptions per Discord locale, the bot's fixed replies per server.

Discord shows each member the command names and descriptions of their own client language, so the
command tree is translated for every locale studybot speaks, through discord.py's `Translator`
(`StudyTranslator`; the localisations go out with the synced commands). Replies are in the
*server's* language: the `language` setting, or with `auto` the language of the server's pack
(its `language:` field), English when studybot does not speak it.

Only studybot's own fixed text is translated here; what a pack says stays in the pack's words.
To add a language, add its catalogue to `CATALOGUES` (names must be Discord-legal: lower case,
no spaces, at most 32 characters; `tests/discord/test_i18n.py` checks them).
"""

from __future__ import annotations

import discord
from discord import app_commands

__all__ = ["ENGLISH", "LANGUAGES", "StudyTranslator", "language_of", "tr"]

ENGLISH = "en"

_GERMAN_NAMES = {
    # commands, groups and options: the English name → the German one
    "ask": "fragen",
    "Ask studybot": "Studybot fragen",
    "define": "definieren",
    "fact": "fakt",
    "sources": "quellen",
    "related": "verwandt",
    "kb": "wissen",
    "reload": "neu-laden",
    "stats": "statistik",
    "gaps": "lücken",
    "limit": "anzahl",
    "upload": "hochladen",
    "file": "datei",
    "name": "name",
    "use": "verwenden",
    "pack": "paket",
    "download": "herunterladen",
    "settings": "einstellungen",
    "show": "anzeigen",
    "set": "ändern",
    "setting": "einstellung",
    "value": "wert",
    "reset": "zurücksetzen",
    "help": "hilfe",
    "topics": "themen",
    "topic": "thema",
    "forgetme": "vergiss-mich",
    "member": "mitglied",
    "quiz": "quiz",
    "start": "starten",
    "questions": "fragen",
    "mode": "modus",
    "seconds": "sekunden",
    "first_to": "bis-punkte",
    "stop": "beenden",
    "skip": "überspringen",
    "hint": "tipp",
    "answer": "antworten",
    "text": "text",
    "leaderboard": "bestenliste",
    "period": "zeitraum",
    "practice": "üben",
    "term": "begriff",
    "question": "frage",
}

_GERMAN_TEXT = {
    # command descriptions and choice names
    "Ask a question; the answer comes with its source.": (
        "Stell eine Frage; die Antwort kommt mit ihrer Quelle."
    ),
    "Your question, e.g. “who led the Left Opposition?”": (
        "Deine Frage, z. B. „Wer führte die Linke Opposition?“"
    ),
    "The definition of a term in the pack.": "Die Definition eines Begriffs aus dem Paket.",
    "Start typing: terms and their other names are suggested.": (
        "Tippe los: Begriffe und ihre anderen Namen werden vorgeschlagen."
    ),
    "A random fact with its source.": "Ein zufälliger Fakt mit seiner Quelle.",
    "Only facts about this topic (optional).": "Nur Fakten zu diesem Thema (optional).",
    "Where this pack's answers come from.": "Woher die Antworten dieses Pakets stammen.",
    "Terms related to a term in the pack.": "Begriffe, die mit einem Begriff im Paket verwandt sind.",
    "Manage the knowledge pack (admins).": "Das Wissenspaket verwalten (Admins).",
    "Reload the bundled pack for every server (the host's owner).": (
        "Das mitgelieferte Paket für alle Server neu laden (Betreiber des Hosts)."
    ),
    "What this server's pack holds.": "Was das Paket dieses Servers enthält.",
    "The most asked questions the pack could not answer.": (
        "Die häufigsten Fragen, die das Paket nicht beantworten konnte."
    ),
    "How many to list (1–25, default 10).": "Wie viele anzeigen (1–25, Standard 10).",
    "Add or replace a pack: YAML, zip, Anki, Quizlet, CSV.": (
        "Ein Paket hinzufügen oder ersetzen: YAML, zip, Anki, Quizlet, CSV."
    ),
    "A pack (.yaml, .zip of a pack folder) or cards: Anki .apkg/.txt, Quizlet, Red list, CSV.": (
        "Ein Paket (.yaml, .zip eines Paketordners) oder Karten: Anki .apkg/.txt, Quizlet, "
        "Red-Liste, CSV."
    ),
    "The pack's name here (default: from the file name). Same name replaces it.": (
        "Der Name des Pakets hier (Standard: aus dem Dateinamen). Gleicher Name ersetzt es."
    ),
    "Choose the pack this server's members get.": (
        "Das Paket wählen, das die Mitglieder dieses Servers bekommen."
    ),
    "`bundled` (the host's pack) or one uploaded with /kb upload.": (
        "`bundled` (das Paket des Hosts) oder ein mit /kb upload hochgeladenes."
    ),
    "This server's pack as a file, to edit and upload again.": (
        "Das Paket dieses Servers als Datei, zum Bearbeiten und erneuten Hochladen."
    ),
    "How studybot behaves in this server (admins).": (
        "Wie sich studybot auf diesem Server verhält (Admins)."
    ),
    "Every setting and its value here.": "Alle Einstellungen und ihre Werte hier.",
    "Change one setting for this server.": "Eine Einstellung für diesen Server ändern.",
    "Which setting (/settings show lists them with what each does).": (
        "Welche Einstellung (/settings show listet sie mit ihrer Wirkung)."
    ),
    "The new value: channels as #mentions, on/off, a number, or `none`.": (
        "Der neue Wert: Kanäle als #Erwähnungen, on/off, eine Zahl oder `none`."
    ),
    "Go back to the default for one setting.": "Eine Einstellung auf den Standard zurücksetzen.",
    "Which setting.": "Welche Einstellung.",
    "What studybot does, its commands and this pack.": (
        "Was studybot tut, seine Befehle und dieses Paket."
    ),
    "The topics this server's pack covers.": "Die Themen, die das Paket dieses Servers abdeckt.",
    "Show the terms under one topic (optional).": "Die Begriffe eines Themas zeigen (optional).",
    "Delete your points and practice cards here.": "Deine Punkte und Lernkarten hier löschen.",
    "Admins (Manage Server): delete this member's data instead.": (
        "Admins (Server verwalten): stattdessen die Daten dieses Mitglieds löschen."
    ),
    "Play a quiz in this channel.": "Ein Quiz in diesem Kanal spielen.",
    "Start a quiz in this channel.": "Ein Quiz in diesem Kanal starten.",
    "A topic (tag) of the pack; leave empty for everything.": (
        "Ein Thema (Tag) des Pakets; leer lassen für alles."
    ),
    "How many questions (1–50; default: the server's setting).": (
        "Wie viele Fragen (1–50; Standard: die Einstellung des Servers)."
    ),
    "text: type the answer; choice: pick one of four buttons.": (
        "text: die Antwort tippen; choice: einen von vier Knöpfen wählen."
    ),
    "Seconds per question (10–300; default: the server's).": (
        "Sekunden pro Frage (10–300; Standard: die des Servers)."
    ),
    "End as soon as someone has this many points (0: play every question).": (
        "Enden, sobald jemand so viele Punkte hat (0: alle Fragen spielen)."
    ),
    "Stop the quiz (its starter or Manage Messages).": (
        "Das Quiz beenden (wer es gestartet hat oder Nachrichten verwalten)."
    ),
    "Skip the open question and show its answer (starter or mods).": (
        "Die offene Frage überspringen und ihre Antwort zeigen (Starter oder Mods)."
    ),
    "A hint for the open question (costs points).": "Ein Tipp zur offenen Frage (kostet Punkte).",
    "Answer the open quiz question.": "Die offene Quizfrage beantworten.",
    "Your answer.": "Deine Antwort.",
    "Quiz points in this server.": "Quizpunkte auf diesem Server.",
    "all-time (default) or the last 7 days.": "all-time (Standard) oder die letzten 7 Tage.",
    "all-time": "gesamt",
    "week": "Woche",
    "Only points from quizzes on this pack (default: every pack).": (
        "Nur Punkte aus Quizzen zu diesem Paket (Standard: alle Pakete)."
    ),
    "Quiz and practice statistics for a member.": "Quiz- und Lernstatistik eines Mitglieds.",
    "Whose statistics (default: yours).": "Wessen Statistik (Standard: deine).",
    "Flash cards just for you, back when due.": (
        "Lernkarten nur für dich, wieder da, wenn sie fällig sind."
    ),
    # the bot's fixed replies (templates: `{name}` placeholders are filled after translating)
    "I don't know that from this pack.": "Das weiß ich aus diesem Paket nicht.",
    "I'm not sure what you mean. Did you mean one of these?": (
        "Ich bin nicht sicher, was du meinst. Meintest du eins davon?"
    ),
    "You asked: “{question}”": "Du hast gefragt: „{question}“",
    "Slow down a little: you can ask again in {seconds} s.": (
        "Etwas langsamer: Du kannst in {seconds} s wieder fragen."
    ),
    "That question is {length} characters long; please keep it under {cap} "
    "and ask one thing at a time.": (
        "Diese Frage ist {length} Zeichen lang; bitte bleib unter {cap} "
        "und frag eins nach dem anderen."
    ),
    "A quiz is running in this channel, so answers are paused here until it ends "
    "(they would give the quiz away). Ask in another channel, or after the game.": (
        "In diesem Kanal läuft ein Quiz, darum antworte ich hier erst, wenn es vorbei ist "
        "(sonst verrate ich die Lösungen). Frag in einem anderen Kanal oder nach dem Spiel."
    ),
    "About {link}:": "Zu {link}:",
    "Answered just now: {link}": "Gerade beantwortet: {link}",
    "You don't have permission to use that here.": "Das darfst du hier nicht verwenden.",
    "Sorry, something went wrong while answering that. The error has been logged.": (
        "Entschuldigung, beim Antworten ist etwas schiefgegangen. Der Fehler wurde protokolliert."
    ),
    # quizzes: the start and the end
    "{starter} started a quiz: {count} question(s), {seconds} seconds each, {how}": (
        "{starter} hat ein Quiz gestartet: {count} Frage(n), je {seconds} Sekunden, {how}"
    ),
    "{starter} started a quiz on **{topic}**: {count} question(s), {seconds} seconds each, {how}": (
        "{starter} hat ein Quiz zu **{topic}** gestartet: {count} Frage(n), je {seconds} "
        "Sekunden, {how}"
    ),
    "multiple choice": "Antwort auswählen",
    "type the answer": "Antwort eintippen",
    "; the first to {points} points wins.": "; wer zuerst {points} Punkte hat, gewinnt.",
    "{member} stopped the quiz.": "{member} hat das Quiz beendet.",
    "Quiz over": "Quiz vorbei",
    "🏆 {names} wins with {points} points!": "🏆 {names} gewinnt mit {points} Punkten!",
    "🏆 {names} share the win with {points} points!": (
        "🏆 {names} teilen sich den Sieg mit {points} Punkten!"
    ),
    "Nobody scored this time.": "Diesmal hat niemand gepunktet.",
    "{medal} {member}: {points} points ({correct} right{streak})": (
        "{medal} {member}: {points} Punkte ({correct} richtig{streak})"
    ),
    ", best streak {streak}": ", beste Serie {streak}",
    "{member} reached {points} points first.": "{member} hat als Erste:r {points} Punkte erreicht.",
    "{asked} of {total} questions asked": "{asked} von {total} Fragen gestellt",
    "{asked} of {total} questions asked (stopped early)": (
        "{asked} von {total} Fragen gestellt (vorzeitig beendet)"
    ),
    # /help
    "I answer questions from a study pack, always with the source and the excerpt that backs the "
    "answer; when the pack does not cover something I say so.\n"
    "This server's pack: **{pack}** ({entries} entries from {sources} sources; /sources lists them).": (
        "Ich beantworte Fragen aus einem Lernpaket, immer mit der Quelle und dem Auszug, der die "
        "Antwort belegt; wenn das Paket etwas nicht abdeckt, sage ich das.\n"
        "Paket dieses Servers: **{pack}** ({entries} Einträge aus {sources} Quellen; /sources "
        "listet sie)."
    ),
    "Ask": "Fragen",
    "@mention me with a question, or reply to a message with an @mention; "
    "right-click a message → Apps → Ask studybot": (
        "Erwähne mich mit einer Frage oder antworte mit einer @Erwähnung auf eine Nachricht; "
        "Rechtsklick auf eine Nachricht → Apps → Studybot fragen"
    ),
    "Play and practise": "Spielen und üben",
    "Your data": "Deine Daten",
    "/forgetme deletes your points and practice cards": (
        "/forgetme löscht deine Punkte und Lernkarten"
    ),
    "Admins": "Admins",
    # /settings confirmations
    "**{setting}** is now {value}.": "**{setting}** ist jetzt {value}.",
    "**{setting}** is back to the default: {value}.": (
        "**{setting}** ist wieder auf dem Standard: {value}."
    ),
    "Not changed: {error}.": "Nicht geändert: {error}.",
    "Note: plain questions in channels need the Message Content intent, which this host has not "
    "enabled; mentions of the bot are answered everywhere.": (
        "Hinweis: Einfache Fragen in Kanälen brauchen den Message-Content-Intent, den dieser Host "
        "nicht aktiviert hat; Erwähnungen des Bots werden überall beantwortet."
    ),
    "Nobody answered the last {count} questions, so the quiz stopped. "
    "Start another with /quiz start.": (
        "Die letzten {count} Fragen hat niemand beantwortet, darum ist das Quiz beendet. "
        "Starte ein neues mit /quiz start."
    ),
    "The bot is shutting down, so this quiz stopped at question {asked} of {total}; "
    "that question does not count. Points already announced are saved. Start "
    "another with /quiz start when the bot is back.": (
        "Der Bot wird heruntergefahren, darum endet dieses Quiz bei Frage {asked} von {total}; "
        "diese Frage zählt nicht. Bereits verkündete Punkte sind gespeichert. Starte ein neues "
        "mit /quiz start, wenn der Bot wieder da ist."
    ),
}

CATALOGUES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "de": (_GERMAN_NAMES, _GERMAN_TEXT),
}
"""Each language studybot speaks besides English: (names, texts), keyed by the English."""

LANGUAGES = (ENGLISH, *CATALOGUES)

_NAME_LOCATIONS = {
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
}


def language_of(locale: str) -> str:
    """The language part of a Discord locale or a pack's `language` (`de`, `de-DE` → `de`)."""
    return locale.replace("_", "-").split("-")[0].strip().lower()


def tr(text: str, language: str, **values: object) -> str:
    """`text` (one of studybot's fixed replies) in `language`, with `values` filled in.

    Text without a translation stays English: a missing entry shows the original, never nothing.
    """
    catalogue = CATALOGUES.get(language)
    translated = catalogue[1].get(text, text) if catalogue else text
    return translated.format(**values) if values else translated


class StudyTranslator(app_commands.Translator):
    """Gives Discord the command names and descriptions in every language studybot speaks."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        catalogue = CATALOGUES.get(language_of(locale.value))
        if catalogue is None:
            return None
        names, texts = catalogue
        table = names if context.location in _NAME_LOCATIONS else texts
        return table.get(string.message)
