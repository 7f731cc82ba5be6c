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
    "Your question, e.g. “what is …?” or “who was …?”": (
        "Deine Frage, z. B. „Was ist …?“ oder „Wer war …?“"
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
    "Ask me a question about this pack's topics.": "Stell mir eine Frage zu den Themen dieses Pakets.",
    (
        "That question is {length} characters long; please keep it under {limit} and ask one "
        "thing at a time."
    ): (
        "Diese Frage ist {length} Zeichen lang; bitte bleib unter {limit} und frag eins nach dem "
        "anderen."
    ),
    "The pack has no entry explaining that; {term} only mentions it in passing.": (
        "Das Paket hat keinen Eintrag, der das erklärt; {term} erwähnt es nur nebenbei."
    ),
    "The pack has {term}, but it does not say when.": (
        "Das Paket kennt {term}, sagt aber nicht, wann."
    ),
    "The pack has {term}, but it does not say how many.": (
        "Das Paket kennt {term}, sagt aber nicht, wie viele."
    ),
    "The pack has {term}, but it does not say who.": "Das Paket kennt {term}, sagt aber nicht, wer.",
    "The pack has {term}, but it does not say where.": (
        "Das Paket kennt {term}, sagt aber nicht, wo."
    ),
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
    # answers (the labels around what a pack says; the pack's own words stay as they are)
    "The sources differ. Each claim is shown with its own source.": (
        "Die Quellen sind sich nicht einig. Jede Aussage steht mit ihrer eigenen Quelle da."
    ),
    "Claim {n}: {publisher}": "Aussage {n}: {publisher}",
    "Source: {source}": "Quelle: {source}",
    "Source": "Quelle",
    "Sources": "Quellen",
    "Evidence": "Beleg",
    "Related": "Verwandt",
    "Confidence {percent}": "Sicherheit {percent}",
    "Sources of {pack}": "Quellen von {pack}",
    "… and {count} more": "… und {count} weitere",
    "This pack lists no sources.": "Dieses Paket nennt keine Quellen.",
    "{count} sources": "{count} Quellen",
    "Hi! Ask me a question about this pack's topics, or say `help`.": (
        "Hallo! Stell mir eine Frage zu den Themen dieses Pakets oder sag `help`."
    ),
    "You're welcome! Ask me anything else about this pack's topics.": (
        "Gern geschehen! Frag mich gern noch mehr zu den Themen dieses Pakets."
    ),
    'Ask me a question in plain words ("what is ...", "who ...", "when ...") and I answer from '
    "this pack, with the source and the excerpt that supports it. If I'm not sure, I offer "
    "choices.": (
        "Stell mir eine Frage in einfachen Worten („Was ist …“, „Wer …“, „Wann …“), und ich "
        "antworte aus diesem Paket, mit der Quelle und dem Auszug, der die Antwort belegt. Wenn "
        "ich nicht sicher bin, biete ich eine Auswahl an."
    ),
    "If you are picking from a list of choices, use its buttons (or type the number right after "
    "it).": (
        "Wenn du aus einer Auswahl wählst, nimm ihre Knöpfe (oder tippe die Nummer direkt danach)."
    ),
    # /define, /fact, /related, /topics, chat
    "No entry called “{term}” in this pack.": "Kein Eintrag namens „{term}“ in diesem Paket.",
    "none": "keine",
    "No facts about “{topic}”. Topics: {topics}": "Keine Fakten zu „{topic}“. Themen: {topics}",
    "Random fact": "Zufälliger Fakt",
    "Random fact about {topic}": "Zufälliger Fakt zu {topic}",
    "Related to {term}": "Verwandt mit {term}",
    "The pack links no related terms to this one.": (
        "Das Paket verknüpft keine verwandten Begriffe mit diesem."
    ),
    "Topic: {topic}": "Thema: {topic}",
    "No topic called “{topic}” in this pack.": "Kein Thema namens „{topic}“ in diesem Paket.",
    "Topics of {pack}": "Themen von {pack}",
    "• **{tag}** ({count} terms)": "• **{tag}** ({count} Begriffe)",
    "This pack has no topics; /define lists its terms as you type.": (
        "Dieses Paket hat keine Themen; /define schlägt seine Begriffe beim Tippen vor."
    ),
    "/topics topic:<name> lists a topic's terms; /fact topic:<name>": (
        "/topics topic:<Name> listet die Begriffe eines Themas; /fact topic:<Name>"
    ),
    "Ask me a question about this pack's topics, e.g. “@me what is …?” or “@me who was …?”": (
        "Stell mir eine Frage zu den Themen dieses Pakets, z. B. „@ich Was ist …?“ oder "
        "„@ich Wer war …?“"
    ),
    "I can't read the message you replied to (this bot has no message content access). "
    "Use the message's menu instead: Apps → Ask studybot.": (
        "Ich kann die Nachricht, auf die du antwortest, nicht lesen (dieser Bot hat keinen Zugriff "
        "auf Nachrichteninhalte). Nimm stattdessen das Menü der Nachricht: Apps → Studybot fragen."
    ),
    "That entry is no longer in the pack (it was changed by /kb reload). Ask again?": (
        "Diesen Eintrag gibt es im Paket nicht mehr (es wurde mit /kb reload geändert). "
        "Noch einmal fragen?"
    ),
    # delete button, "Ask studybot", /forgetme
    "Delete": "Löschen",
    "Only the member who asked can delete this answer.": (
        "Nur wer gefragt hat, kann diese Antwort löschen."
    ),
    "That message has no text to answer.": "Diese Nachricht hat keinen Text, den ich beantworten kann.",
    "Only admins (Manage Server) can delete another member's data.": (
        "Nur Admins (Server verwalten) können die Daten eines anderen Mitglieds löschen."
    ),
    "The database is not open, so nothing is stored to delete.": (
        "Die Datenbank ist nicht geöffnet, also ist nichts gespeichert, was gelöscht werden könnte."
    ),
    "Deleted your data: {points} quiz point record(s) in this server, ": (
        "Deine Daten sind gelöscht: {points} Quizpunkte-Einträge auf diesem Server, "
    ),
    "Deleted {member}'s data: {points} quiz point record(s) in this server, ": (
        "Die Daten von {member} sind gelöscht: {points} Quizpunkte-Einträge auf diesem Server, "
    ),
    "{cards} practice card(s) and {reviews} review(s). studybot stores no other "
    "data about members (unanswered questions for /kb gaps are kept without names).": (
        "{cards} Lernkarte(n) und {reviews} Wiederholung(en). studybot speichert keine anderen "
        "Daten über Mitglieder (unbeantwortete Fragen für /kb gaps werden ohne Namen aufbewahrt)."
    ),
    # /kb
    "**{pack}**: {sources} sources, {entries} entries, {items} answerable items, "
    "{questions} quiz questions": (
        "**{pack}**: {sources} Quellen, {entries} Einträge, {items} beantwortbare Aussagen, "
        "{questions} Quizfragen"
    ),
    "Only the host's owner can reload the bundled pack: it changes every server. "
    "To change this server's pack, use /kb upload and /kb use.": (
        "Nur der Betreiber des Hosts kann das mitgelieferte Paket neu laden: Es ändert jeden "
        "Server. Um das Paket dieses Servers zu ändern, nimm /kb upload und /kb use."
    ),
    "Reload failed: {count} problem(s). Still using the old pack, {pack}.": (
        "Neu laden fehlgeschlagen: {count} Problem(e). Weiter gilt das alte Paket, {pack}."
    ),
    "Reload failed: cannot read {folder}: {error}. Still using the old pack.": (
        "Neu laden fehlgeschlagen: {folder} ist nicht lesbar: {error}. Weiter gilt das alte Paket."
    ),
    "Reloaded {pack}.": "Neu geladen: {pack}.",
    "Pack: {pack}": "Paket: {pack}",
    "Entries": "Einträge",
    "Answerable items": "Beantwortbare Aussagen",
    "Quiz questions": "Quizfragen",
    "Items where sources differ": "Aussagen, bei denen die Quellen abweichen",
    "Topics": "Themen",
    "Unanswered questions are not being recorded: the database is not open.": (
        "Unbeantwortete Fragen werden nicht erfasst: Die Datenbank ist nicht geöffnet."
    ),
    "Questions the pack could not answer": "Fragen, die das Paket nicht beantworten konnte",
    "None recorded in this server yet.": "Auf diesem Server noch keine erfasst.",
    "Add entries or `asks` phrasings to the pack, then /kb reload.": (
        "Ergänze Einträge oder `asks`-Formulierungen im Paket, dann /kb reload."
    ),
    "Not uploaded: {file} is {size} bytes; packs may be at most {limit}.": (
        "Nicht hochgeladen: {file} hat {size} Bytes; Pakete dürfen höchstens {limit} haben."
    ),
    "Not uploaded: {count} problem(s); this server's packs are unchanged.": (
        "Nicht hochgeladen: {count} Problem(e); die Pakete dieses Servers sind unverändert."
    ),
    "Not uploaded: {error}. This server's packs are unchanged.": (
        "Nicht hochgeladen: {error}. Die Pakete dieses Servers sind unverändert."
    ),
    "It is in use now.": "Es ist jetzt in Gebrauch.",
    "Members get it after `/kb use pack:{name}`.": (
        "Die Mitglieder bekommen es nach `/kb use pack:{name}`."
    ),
    "Uploaded `{name}`: {pack}. {after}": "`{name}` hochgeladen: {pack}. {after}",
    "No pack called “{pack}” here. Packs: {known}.": (
        "Hier gibt es kein Paket namens „{pack}“. Pakete: {known}."
    ),
    "Pack `{name}` does not load ({error}); still using the old one.": (
        "Das Paket `{name}` lädt nicht ({error}); weiter gilt das alte."
    ),
    "This server now uses `{name}`: {pack}.": "Dieser Server nutzt jetzt `{name}`: {pack}.",
    "The pack `{name}` (upload it again with /kb upload after editing).": (
        "Das Paket `{name}` (nach dem Bearbeiten mit /kb upload wieder hochladen)."
    ),
    # /settings
    "Settings for this server": "Einstellungen für diesen Server",
    "*(default)*": "*(Standard)*",
    "Change one with /settings set, undo with /settings reset.": (
        "Ändern mit /settings set, zurücknehmen mit /settings reset."
    ),
    "Use /kb use to pick the pack: it checks the pack exists and loads.": (
        "Wähle das Paket mit /kb use: Es prüft, ob das Paket existiert und lädt."
    ),
    # /practice
    "Again": "Nochmal",
    "Hard": "Schwer",
    "Good": "Gut",
    "Easy": "Leicht",
    "in under a minute": "in weniger als einer Minute",
    "in 1 minute": "in 1 Minute",
    "in {count} minutes": "in {count} Minuten",
    "in 1 hour": "in 1 Stunde",
    "in {count} hours": "in {count} Stunden",
    "in 1 day": "in 1 Tag",
    "in {count} days": "in {count} Tagen",
    "{due} due · {new} new · {reviewed} reviewed": (
        "{due} fällig · {new} neu · {reviewed} wiederholt"
    ),
    "Flash card": "Lernkarte",
    "Think of the answer, then turn the card over.": (
        "Überleg dir die Antwort, dann dreh die Karte um."
    ),
    "How well did you know it? · {counts}": "Wie gut wusstest du es? · {counts}",
    "All done for now": "Für jetzt geschafft",
    "You reviewed {count} card(s).": "Du hast {count} Karte(n) wiederholt.",
    "The next card is due {when}.": "Die nächste Karte ist {when} fällig.",
    "{count} new card(s) are waiting: run /practice again.": (
        "{count} neue Karte(n) warten: Starte /practice noch einmal."
    ),
    "Show answer": "Antwort zeigen",
    "Sorry, that rating could not be saved. Try /practice again.": (
        "Entschuldigung, diese Bewertung konnte nicht gespeichert werden. Versuch /practice noch "
        "einmal."
    ),
    "This sitting is over: run /practice again.": (
        "Diese Runde ist vorbei: Starte /practice noch einmal."
    ),
    "The database is unavailable, so practice cards can't be saved.": (
        "Die Datenbank ist nicht erreichbar, darum können keine Lernkarten gespeichert werden."
    ),
    "No cards on “{topic}”. Topics: {topics}": "Keine Karten zu „{topic}“. Themen: {topics}",
    # quizzes: questions, reveals, answers, hints
    "Question {number}/{total}": "Frage {number}/{total}",
    "Pick a button: one pick each.": "Wähl einen Knopf: eine Wahl pro Person.",
    "Type your answer in chat (or use /answer).": "Tipp deine Antwort in den Chat (oder nimm /answer).",
    "Answer with /answer.": "Antworte mit /answer.",
    "{seconds} seconds · {how} · /quiz hint for a hint": (
        "{seconds} Sekunden · {how} · /quiz hint für einen Tipp"
    ),
    " · streak {streak}": " · Serie {streak}",
    "✅ {name} got it! +{points} points{streak}": "✅ {name} hat es! +{points} Punkte{streak}",
    "⏰ Time's up!": "⏰ Die Zeit ist um!",
    "⏭️ Skipped.": "⏭️ Übersprungen.",
    "⏹️ Quiz stopped.": "⏹️ Quiz beendet.",
    "Closed.": "Geschlossen.",
    "The answer: **{answer}**": "Die Antwort: **{answer}**",
    "The database refused this point: it counts in this game only.": (
        "Die Datenbank hat diesen Punkt abgelehnt: Er zählt nur in diesem Spiel."
    ),
    "That quiz is no longer running.": "Dieses Quiz läuft nicht mehr.",
    "Quizzes run in a channel.": "Quizze laufen in einem Kanal.",
    "A quiz is already running here (started by {member}). Answer along, or "
    "`/quiz stop` it first.": (
        "Hier läuft schon ein Quiz (gestartet von {member}). Spiel mit oder beende es zuerst mit "
        "`/quiz stop`."
    ),
    "A quiz is already running here. Answer along, or `/quiz stop` it first.": (
        "Hier läuft schon ein Quiz. Spiel mit oder beende es zuerst mit `/quiz stop`."
    ),
    "Answers typed in chat can't be read here (the message content intent is off), "
    "so answer with `/answer`.": (
        "Im Chat getippte Antworten kann ich hier nicht lesen (der Message-Content-Intent ist "
        "aus), darum antworte mit `/answer`."
    ),
    "The database is unavailable: scores from this game won't be kept.": (
        "Die Datenbank ist nicht erreichbar: Die Punkte dieses Spiels werden nicht gespeichert."
    ),
    "I can't post the questions in this channel. Give me Send Messages and Embed Links here, "
    "or start the quiz in another channel.": (
        "Ich kann die Fragen in diesem Kanal nicht posten. Gib mir hier „Nachrichten senden“ und "
        "„Links einbetten“ oder starte das Quiz in einem anderen Kanal."
    ),
    "Sorry, this quiz hit an error and had to stop. Points already announced are saved.": (
        "Entschuldigung, dieses Quiz hatte einen Fehler und musste enden. Bereits verkündete "
        "Punkte sind gespeichert."
    ),
    "A quiz is running in this channel, so I'm not answering questions here until it ends.": (
        "In diesem Kanal läuft ein Quiz, darum beantworte ich hier keine Fragen, bis es vorbei ist."
    ),
    "No quiz is running here. Start one with /quiz start.": (
        "Hier läuft kein Quiz. Starte eins mit /quiz start."
    ),
    "Too late: that question is closed.": "Zu spät: Diese Frage ist geschlossen.",
    "You already picked an answer for this question.": (
        "Du hast für diese Frage schon eine Antwort gewählt."
    ),
    "Not this one: one pick per question.": "Diese nicht: eine Wahl pro Frage.",
    "Not quite. Try again!": "Nicht ganz. Versuch es noch einmal!",
    "That quiz is over.": "Dieses Quiz ist vorbei.",
    "That question is closed.": "Diese Frage ist geschlossen.",
    "Too late: time was up.": "Zu spät: Die Zeit war um.",
    "You picked **{option}**.": "Du hast **{option}** gewählt.",
    "There is no open question to hint at.": "Es gibt keine offene Frage für einen Tipp.",
    "Hints are turned off in this server.": "Tipps sind auf diesem Server ausgeschaltet.",
    "Hint: `{hint}`": "Tipp: `{hint}`",
    "💡 {hint} (hints lower this question's points)": (
        "💡 {hint} (Tipps senken die Punkte dieser Frage)"
    ),
    "There is no open question to skip.": "Es gibt keine offene Frage zum Überspringen.",
    "Only the member who started the quiz (or a moderator) can skip.": (
        "Nur wer das Quiz gestartet hat (oder ein Moderator), kann überspringen."
    ),
    "No quiz is running here.": "Hier läuft kein Quiz.",
    "Only the member who started the quiz (or a moderator) can stop it.": (
        "Nur wer das Quiz gestartet hat (oder ein Moderator), kann es beenden."
    ),
    "Quizzes run in {places} in this server.": "Quizze laufen auf diesem Server in {places}.",
    "In this server, quizzes are started by members who can manage messages.": (
        "Auf diesem Server starten Quizze die Mitglieder, die Nachrichten verwalten dürfen."
    ),
    "In this server, quizzes are started by members with {role}.": (
        "Auf diesem Server starten Quizze die Mitglieder mit {role}."
    ),
    "In this server, quizzes are started by members with a role not yet chosen.": (
        "Auf diesem Server starten Quizze die Mitglieder mit einer Rolle, die noch nicht gewählt "
        "ist."
    ),
    # /leaderboard, /stats
    "The database is unavailable, so there are no scores.": (
        "Die Datenbank ist nicht erreichbar, darum gibt es keine Punktestände."
    ),
    "Leaderboard: last 7 days": "Bestenliste: letzte 7 Tage",
    "Leaderboard: all time": "Bestenliste: gesamt",
    "No points yet. Start a quiz with /quiz start!": (
        "Noch keine Punkte. Starte ein Quiz mit /quiz start!"
    ),
    "The database is unavailable, so there are no stats.": (
        "Die Datenbank ist nicht erreichbar, darum gibt es keine Statistik."
    ),
    "Stats for {member}": "Statistik von {member}",
    "Points": "Punkte",
    "{points} ({week} this week)": "{points} ({week} diese Woche)",
    "Right answers": "Richtige Antworten",
    "Games scored in": "Spiele mit Punkten",
    "Best streak": "Beste Serie",
    "Practice cards": "Lernkarten",
    "{cards} ({reviews} reviews)": "{cards} ({reviews} Wiederholungen)",
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
