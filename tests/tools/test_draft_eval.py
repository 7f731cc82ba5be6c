"""`tools/draft_eval.py`'s judgement: when a drafted answer counts as the expected one."""

from __future__ import annotations

from types import ModuleType

from tool_loader import load_tool


def _tool() -> ModuleType:
    return load_tool("draft_eval")


def test_same_passage_is_the_same_words_not_the_same_topic() -> None:
    same = _tool().same_passage
    sentence = (
        "[8] Darwin sailed on the survey ship with Robert FitzRoy in 1831, and returned in 1836."
    )
    assert same("Darwin sailed on the survey ship with Robert FitzRoy", sentence)  # contained
    assert same(sentence, "sailed on the survey ship with Robert FitzRoy in 1831")
    # eight words in a row quote the same passage, whatever each excerpt adds around them
    assert same("as he wrote, sailed on the survey ship with Robert FitzRoy in a storm", sentence)
    # the same topic in other words is not the same passage
    assert not same("FitzRoy commanded the survey ship that Darwin sailed on", sentence)
    assert not same("", sentence)
