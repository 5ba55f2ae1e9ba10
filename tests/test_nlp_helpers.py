"""The speed helpers of the annotators give exactly what the plain versions give."""

from __future__ import annotations

import re

import pytest

from newsdesk.annotate import cues
from newsdesk.annotate.alternation import trie_alternation
from newsdesk.annotate.nlp import _by_chars, parse_docs
from newsdesk.annotate.quote_patterns import ParseView
from newsdesk.annotate.quotes import Unit

WORDS = ["say", "says", "said", "saying", "tell", "told", "vice", "vice-president",
         "chief", "chief executive", "a", "ab", "abc", "b.c", "x+y"]  # fmt: skip


def _plain(words: list[str]) -> re.Pattern[str]:
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"\b(?:{alt})\b", re.I)


def test_trie_matches_every_word_and_nothing_else() -> None:
    rx = re.compile(rf"(?:{trie_alternation(WORDS)})", re.I)
    for w in WORDS:
        assert rx.fullmatch(w), w
    for w in ["sa", "sayss", "vice-", "chief exec", "ac", "bxc", "x", "xy", ""]:
        assert not rx.fullmatch(w), w


def test_trie_finds_the_same_spans_as_a_longest_first_alternation() -> None:
    text = (
        "The vice-president said a chief executive, says Ab, told abc; Saying B.C and "
        "x+y. The vice president, a Chief, TOLD the chiefs she would tell."
    )
    trie = re.compile(rf"\b{trie_alternation(WORDS)}\b", re.I)
    assert [m.span() for m in trie.finditer(text)] == [
        m.span() for m in _plain(WORDS).finditer(text)
    ]
    assert trie.search("the chief executive said").group() == "chief executive"


def test_trie_of_nothing_matches_nothing() -> None:
    assert re.search(trie_alternation([]), "anything") is None


@pytest.mark.parametrize(
    ("sizes", "budget", "expected"),
    [
        ([10, 10, 10], 25, [[10, 10], [10]]),
        ([30, 5], 25, [[30], [5]]),  # a text over budget goes alone
        ([0, 0], 25, [[0, 0]]),
        ([], 25, []),
    ],
)
def test_batches_are_cut_by_characters(sizes: list[int], budget: int, expected: list) -> None:
    texts = ["x" * n for n in sizes]
    groups = _by_chars(texts, budget)
    assert [[len(t) for t in g] for g in groups] == expected
    assert [t for g in groups for t in g] == texts  # order kept


def test_unit_indexes_agree_with_walking_the_tokens() -> None:
    text = 'Officials said on Monday, according to a memo, that "we told them" it was over.'
    doc = parse_docs([text])[0]
    u = Unit(doc, ParseView(text, [(0, len(text), 100, 100 + len(text), True)]))
    assert u.starts == [100 + t.idx for t in doc]
    assert u.heads == [t.head.i for t in doc]
    assert u.cue_indices() == [
        t.i for t in doc if cues.lemma_of(t.text) is not None or t.lower_ == "according"
    ]
    assert u.cue_indices()  # "said", "according", "told"
    lo, hi = 100 + text.index("we"), 100 + text.index(" it")
    assert [t.text for t in u.tokens_between(lo, hi)] == [
        t.text for t in doc if lo <= 100 + t.idx < hi
    ]


def test_inference_maxout_gives_thinc_maxout_values() -> None:
    import numpy
    from thinc.api import NumpyOps

    from newsdesk.annotate.nlp import _inference_ops

    ops = _inference_ops()
    rng = numpy.random.default_rng(3)
    for pieces in (1, 2, 3, 5):
        X = rng.standard_normal((17, 8, pieces)).astype("float32")
        expected, _ = NumpyOps(use_blis=False).maxout(X)
        best, _ = ops.maxout(X)
        assert best.dtype == expected.dtype and numpy.array_equal(best, expected)
    with pytest.raises(NotImplementedError):
        ops.backprop_maxout(best, None, 5)


def test_the_model_runs_on_the_inference_ops() -> None:
    from newsdesk.annotate.nlp import get_nlp

    ner = get_nlp().get_pipe("ner")
    assert ner.model.ops.name == "newsdesk-inference"


def test_long_quotes_are_parsed_as_a_stand_in_that_maps_back_to_their_words() -> None:
    from newsdesk.annotate.quote_patterns import STAND_IN, parse_view, quote_spans

    text = (
        "Intro line. \u201cThe ferry will run every hour from May until the end of the "
        "season,\u201d the operator, Lena Moss, said, calling the old timetable \u201cunfair\u201d."
    )
    spans = quote_spans(text)
    lo = text.index("\u201cThe")
    view = parse_view(text, lo, len(text), spans)
    assert STAND_IN.capitalize() in view.text
    assert "ferry" not in view.text and "\u201cunfair\u201d" in view.text  # short quote kept
    assert view.text.endswith("Lena Moss, said, calling the old timetable \u201cunfair\u201d.")
    for v_start, v_end, a_start, a_end, verbatim in view.pieces:
        if verbatim:
            assert view.text[v_start:v_end] == text[a_start:a_end]
        else:
            assert (
                text[a_start:a_end]
                == "The ferry will run every hour from May until the end of the season"
            )

    doc = parse_docs([view.text])[0]
    u = Unit(doc, view)
    stand_in = [t for t in doc if u.stands_in(t)]
    assert [t.text.lower() for t in stand_in] == STAND_IN.split()
    for t in doc:
        if u.stands_in(t):
            assert (u.start(t), u.end(t)) == (text.index("The"), text.index(",\u201d"))
        else:
            assert text[u.start(t) : u.end(t)] == t.text
    assert u.starts == [u.start(t) for t in doc]
    moss = next(t for t in doc if t.text == "Moss")
    assert [t.text for t in u.tokens_between(u.start(moss), u.end(moss))] == ["Moss"]


def test_a_short_quote_or_one_cut_by_the_unit_is_parsed_verbatim() -> None:
    from newsdesk.annotate.quote_patterns import parse_view, quote_spans

    text = "He said \u201cnot yet\u201d. \u201cWe will see what the council decides in the coming weeks,\u201d"
    spans = quote_spans(text)
    end_of_first = text.index(". ") + 1
    assert parse_view(text, 0, end_of_first, spans).text == text[:end_of_first]
    # the long quote runs past this unit's end: it is not replaced
    assert parse_view(text, 0, len(text) - 3, spans).text == text[: len(text) - 3]
