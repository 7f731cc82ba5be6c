"""Normalisation: both sides of every comparison fold the same way."""

from __future__ import annotations

import pytest

from bot.answering.text import (
    SOFT,
    STOPWORDS,
    Synonyms,
    content_words,
    intent,
    normalise,
    singular,
    stem,
    strip_mentions,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("What is TROTSKYISM?", "what is trotskyism"),
        ("Marxism–Leninism", "marxism leninism"),  # en dash
        ("Marxism—Leninism", "marxism leninism"),  # em dash
        ("Marxism-Leninism", "marxism leninism"),
        ("Émigré café", "emigre cafe"),  # accents
        ("“Socialism in one country”", "socialism in one country"),  # curly quotes
        ("Trotsky’s exile", "trotsky exile"),  # curly apostrophe, possessive
        ("Workers' council", "workers council"),
        ("R&D", "r and d"),
        ("  lots   of\tspace\n", "lots of space"),
        ("Fürst", "furst"),
    ],
)
def test_normalise(raw: str, folded: str) -> None:
    assert normalise(raw) == folded


def test_plurals_and_stems_meet() -> None:
    assert singular("trotskyists") == "trotskyist"
    assert singular("parties") == "party"
    assert singular("class") == "class"
    assert stem("exiled") == stem("exile") == stem("exiles")
    assert stem("arrests") == stem("arrested")
    assert stem("1937") == "1937"  # digits are never cut


def test_question_words_are_not_content() -> None:
    assert content_words("Who was the leader of the Left Opposition?") == [
        "leader",
        "left",
        "opposition",
    ]
    assert content_words("hello") == []


def test_no_subject_in_the_stopwords() -> None:
    # Terms of some subject somewhere stay content words: "US" (a country), "number" (atomic
    # number), "type" (programming), "name" stays a stopword only where it frames the question.
    for word in ("us", "number", "type", "kind", "call", "state", "world", "left"):
        assert word not in STOPWORDS, word
    assert content_words("what is the atomic number of carbon") == ["atomic", "number", "carbon"]


HISTORY = Synonyms(
    (
        ("die", "died", "death", "pass away", "passed away"),
        ("end", "dissolve", "dissolved", "collapsed", "fell apart"),
        ("lead", "led", "leader"),
        ("form", "founded", "formed"),
        ("arrest", "arrested", "custody", "taken into custody"),
        ("expel", "expulsion", "thrown out"),
    )
)


def test_a_packs_synonyms_make_its_paraphrases_meet() -> None:
    def words(text: str) -> list[str]:
        return content_words(text, HISTORY)

    assert words("when did the bloc dissolve") == words("when did the bloc end")
    assert words("who led it") == words("who was its leader")
    assert words("how did he die") == words("his death")
    assert words("when was it founded") == words("when was it formed")
    # multi-word paraphrases, without eating the same letters inside a longer word
    assert words("when did Goldman pass away") == words("when did Goldman die")
    assert words("the bloc fell apart") == words("the bloc collapsed")
    assert words("Bukharin was taken into custody") == words("Bukharin's arrest")
    assert words("a setup") == ["setup"]
    assert words("when was he thrown out") == words("his expulsion")
    # without the pack's groups, nothing is merged: one subject's synonyms are not another's
    assert content_words("when did the bloc dissolve") != content_words("when did the bloc end")


def test_the_bundled_pack_carries_its_own_synonyms() -> None:
    from bot.packs.loader import load_pack
    from bot.settings import bundled_knowledge_dir

    pack = load_pack(bundled_knowledge_dir())
    synonyms = Synonyms(pack.synonyms)
    assert content_words("when did the bloc dissolve", synonyms) == content_words(
        "when did the bloc end", synonyms
    )


def test_framing_words_are_soft_not_stopped() -> None:
    # "role" and "happened" stay in the question (a pack may use them) but are marked soft
    words_ = content_words("what role did he have, and what happened")
    assert words_ and set(words_) <= SOFT
    assert not {"trotsky", "bloc", "opposition", "1932"} & SOFT


@pytest.mark.parametrize(
    ("question", "want"),
    [
        ("When did the Comintern exist?", "when"),
        ("In what year was Trotsky exiled", "when"),
        ("How many people were arrested?", "how-many"),
        ("who led the left opposition", "who"),
        ("Where was the Hotel Bristol", "where"),
        ("why did the bloc fail", "why"),
        ("what is trotskyism", "what"),
    ],
)
def test_intent(question: str, want: str) -> None:
    assert intent(question) == want


def test_strip_mentions() -> None:
    assert strip_mentions("<@123456> who was Sedov?").strip() == "who was Sedov?"
    assert "@everyone" not in strip_mentions("@everyone what is KRTD")
    assert strip_mentions("@studybot what is KRTD") == "what is KRTD"
    assert "<@&42>" not in strip_mentions("what is <@&42> trotskyism")


def test_every_phrase_has_a_hint_word() -> None:
    # content_words only runs the phrase regex on texts holding one of the phrases' topic words:
    # a phrase made only of stopwords would silently never apply.
    for phrase in HISTORY.phrases:
        assert not HISTORY._hints.isdisjoint(phrase.split()), phrase
