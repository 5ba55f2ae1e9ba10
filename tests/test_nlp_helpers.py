"""The speed helpers of the annotators give exactly what the plain versions give."""

from __future__ import annotations

import re
from typing import Any

import pytest

from newsdesk.annotate import cues
from newsdesk.annotate.alternation import trie_alternation
from newsdesk.annotate.inference import (
    inference_ops,
    layer_kernels,
    speed_up_layers,
    uses_compiled_blas,
)
from newsdesk.annotate.nlp import _by_chars, _warm_tokenizer, get_nlp, parse_docs
from newsdesk.annotate.quote_patterns import ParseView
from newsdesk.annotate.quotes import Unit


@pytest.fixture(autouse=True)
def float32_products(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons with thinc, numpy and stock spaCy here are bit for bit: float32
    products (the bfloat16 ones are tested on their own, in test_bf16_products.py)."""
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "float32")


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


def _tokens(doc: Any) -> list[tuple]:
    return [(t.text, t.idx, t.whitespace_, t.norm_, t.is_space) for t in doc]


def test_a_warmed_tokenizer_cuts_text_as_a_cold_one() -> None:
    import spacy

    # special cases early ("Mr.", "don't", "U.S."), so a cold tokenizer stops caching there
    text = (
        "Mr. Brandt said he didn't know. The U.S.-based firm's chief, Ms. Quill, replied:"
        " \u201cWe'll see (maybe) by 5 p.m.\u201d\n\n  Costs rose 2.4% to \u20ac3,100 on"
        " e-mail.example.org\u2026 don't they? \t:)  Mr. Brandt's  reply came  later."
    )
    cold, warm = spacy.blank("en").tokenizer, spacy.blank("en").tokenizer
    warmed: set[str] = set()
    _warm_tokenizer(warm, [text], warmed)
    assert warmed == set(text.split())
    assert _tokens(warm(text)) == _tokens(cold(text))
    assert _tokens(warm(text)) == _tokens(cold(text))  # and again, from the cache
    assert any(t.norm_ == "not" for t in warm(text))  # special cases keep their attributes


def test_the_tokenizer_is_warmed_once_per_chunk_until_its_cache_is_full(monkeypatch) -> None:
    from newsdesk.annotate import nlp

    calls: list[str] = []
    warmed: set[str] = set()
    long = "x" * (nlp.WARM_CHUNK_CHARS + 1)
    nlp._warm_tokenizer(calls.append, ["a b a", f"b c\n\nd {long}"], warmed)
    assert calls == ["a", "b", "c", "d"]  # and not the long chunk
    assert get_nlp().tokenizer.max_cache_size == nlp.TOKENIZER_CACHE_CHUNKS
    monkeypatch.setattr(nlp, "TOKENIZER_CACHE_CHUNKS", len(warmed))
    nlp._warm_tokenizer(calls.append, ["e"], warmed)
    assert calls == ["a", "b", "c", "d"]  # full: no more chunks tokenized twice


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


@pytest.mark.parametrize(
    ("n_in", "n_out", "pieces", "exact"),
    [
        (288, 96, 3, True),
        (384, 96, 3, True),
        (288, 13, 2, False),
        (50, 7, 1, False),
        (9, 5, 4, False),
    ],
)
def test_inference_layers_give_thinc_values(
    n_in: int, n_out: int, pieces: int, exact: bool
) -> None:
    """The model's own shapes (96 outputs of 3 pieces) give bit-identical values; any
    other shape the same values up to float rounding (BLAS may sum a matrix's last
    columns in another order)."""
    import numpy
    from thinc.api import Maxout, NumpyOps, use_ops

    rng = numpy.random.default_rng(n_in + pieces)
    with use_ops("numpy", use_blis=False):
        model = Maxout(nO=n_out, nI=n_in, nP=pieces, normalize=True)
        model.initialize(X=rng.standard_normal((5, n_in)).astype("float32"))
    assert isinstance(model.ops, NumpyOps)
    for node in model.walk():  # thinc initialises biases and gains to 0 and 1
        for name in ("b", "G"):
            if node.has_param(name):
                node.set_param(name, rng.standard_normal(node.get_param(name).shape).astype("f"))
    inputs = [rng.standard_normal((rows, n_in)).astype("float32") for rows in (1, 7, 300, 1100)]
    expected = [model.predict(X) for X in inputs]
    # the maxout and its layer norm, and the pair as one step where the kernels are built
    assert speed_up_layers(model) == (3 if layer_kernels() else 2)
    for X, want in zip(inputs, expected, strict=True):
        got = model.predict(X)
        assert got.dtype == want.dtype and got.shape == want.shape
        if exact:
            assert numpy.array_equal(got, want)
        else:
            numpy.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    _, backprop = model.begin_update(inputs[0])
    with pytest.raises(NotImplementedError):
        backprop(expected[0])


def _maxout_norm(n_in: int, n_out: int, pieces: int, seed: int) -> Any:
    import numpy
    from thinc.api import Maxout, use_ops

    rng = numpy.random.default_rng(seed)
    with use_ops("numpy", use_blis=False):
        model = Maxout(nO=n_out, nI=n_in, nP=pieces, normalize=True)
        model.initialize(X=rng.standard_normal((5, n_in)).astype("float32"))
    for node in model.walk():
        for name in ("b", "G"):
            if node.has_param(name):
                node.set_param(name, rng.standard_normal(node.get_param(name).shape).astype("f"))
    assert model.name == "maxout>>layernorm"
    return model


@pytest.mark.parametrize(
    ("n_in", "n_out", "pieces"),
    [(288, 96, 3), (384, 96, 3), (50, 7, 2), (300, 130, 3), (64, 300, 1), (9, 5, 4)],
)
def test_the_compiled_maxout_norm_step_gives_numpys_floats(
    n_in: int, n_out: int, pieces: int
) -> None:
    """Bit for bit what the two numpy steps give, on any shape: widths over 128 take
    numpy's recursive summation, more than 512 rows take several blocks, one row takes
    numpy's matrix-vector product."""
    import numpy

    from newsdesk.annotate import inference
    from newsdesk.annotate.inference import layernorm_forward, maxout_forward, maxout_norm_forward

    if layer_kernels() is None:
        pytest.skip("the C layer kernels were not built or do not match numpy's dot here")
    model = _maxout_norm(n_in, n_out, pieces, n_in + n_out)
    maxout, norm = model.layers
    rng = numpy.random.default_rng(n_out)
    for rows in (1, 2, 9, inference.NORM_BLOCK_ROWS + 1, 1100):
        X = (rng.standard_normal((rows, n_in)) * 3).astype("float32")
        want = layernorm_forward(norm, maxout_forward(maxout, X, False)[0], False)[0]
        got = maxout_norm_forward(model, X, False)[0]
        assert got.dtype == numpy.float32 and got.shape == (rows, n_out)
        assert numpy.array_equal(got, want), (rows, float(numpy.abs(got - want).max()))


def test_the_compiled_kernels_refuse_buffers_of_the_wrong_size() -> None:
    import numpy

    kernels = layer_kernels()
    if kernels is None:
        pytest.skip("the C layer kernels were not built or do not match numpy's dot here")
    Y = numpy.zeros((4, 6), dtype=numpy.float32)
    out, var = numpy.zeros((4, 3), dtype=numpy.float32), numpy.zeros(4, dtype=numpy.float32)
    with pytest.raises(ValueError, match="bias"):
        kernels.maxout_centre(Y, numpy.zeros(5, dtype=numpy.float32), 2, out, var)
    with pytest.raises(ValueError, match="Y"):
        kernels.maxout_centre(Y, numpy.zeros(9, dtype=numpy.float32), 3, out, var)
    with pytest.raises(ValueError, match="X"):
        kernels.matmul_nt(Y, numpy.zeros((2, 6), dtype=numpy.float32), out, 5, 6, 2)
    with pytest.raises(ValueError, match="n_in"):
        kernels.matmul_nt(Y[:, :0], Y[:0], out[:, :0], 4, 0, 0)
    with pytest.raises(ValueError, match="out"):
        kernels.scale_shift(numpy.zeros(5, dtype=numpy.float32), var, var[:3], var[:3])


def test_the_window_columns_are_thincs_seq2col() -> None:
    import numpy
    from thinc.api import NumpyOps

    thinc_ops, ops = NumpyOps(use_blis=False), inference_ops()
    rng = numpy.random.default_rng(5)
    for rows in (0, 1, 2, 3, 8, 200):
        X = rng.standard_normal((rows, 6)).astype("float32")
        for n_window in (1, 2, 4):
            want = thinc_ops.seq2col(X, n_window)
            assert numpy.array_equal(ops.seq2col(X, n_window), want), (rows, n_window)
            one = numpy.asarray([rows], dtype="int32")
            assert numpy.array_equal(ops.seq2col(X, n_window, lengths=one), want)
    X = rng.standard_normal((9, 4)).astype("float32")
    several = numpy.asarray([2, 3, 4], dtype="int32")  # windows stop at each sequence's end
    assert numpy.array_equal(
        ops.seq2col(X, 1, lengths=several), thinc_ops.seq2col(X, 1, lengths=several)
    )
    assert not numpy.array_equal(ops.seq2col(X, 1, lengths=several), ops.seq2col(X, 1))


def test_without_the_kernels_the_pair_keeps_its_two_numpy_steps(monkeypatch) -> None:
    from newsdesk.annotate import inference

    monkeypatch.setattr(inference, "_kernels", [None])
    model = _maxout_norm(12, 4, 2, 0)
    assert speed_up_layers(model) == 2
    assert model._func is not inference.maxout_norm_forward


def test_the_model_runs_on_the_inference_ops_and_layers() -> None:
    from newsdesk.annotate.inference import (
        INFERENCE_OPS_NAME,
        distinct_rows_embed_forward,
        layernorm_forward,
        maxout_forward,
        maxout_norm_forward,
    )

    nlp = get_nlp()
    for name in ("ner", "tok2vec", "tagger", "parser"):
        assert nlp.get_pipe(name).model.ops.name == INFERENCE_OPS_NAME
    for name in ("ner", "tok2vec"):  # the tagger and parser listen to tok2vec's output
        model = nlp.get_pipe(name).model
        layers = {(n.name, n._func) for n in model.walk() if n.name in ("maxout", "layernorm")}
        assert layers == {("maxout", maxout_forward), ("layernorm", layernorm_forward)}
        embedding = [n for n in model.walk() if n._func is distinct_rows_embed_forward]
        assert len(embedding) == 1 and embedding[0].name.startswith("extract_features>>")
        pairs = [n for n in model.walk() if n.name == "maxout>>layernorm"]
        assert len(pairs) == 5  # the embedding stage's and the four convolutions'
        if layer_kernels() is not None:
            assert all(n._func is maxout_norm_forward for n in pairs)


def test_the_embedding_stage_gives_the_stock_vectors_once_per_distinct_row() -> None:
    import numpy
    import spacy
    from spacy.ml.models.tok2vec import MultiHashEmbed
    from thinc.api import use_ops

    nlp = spacy.blank("en")
    texts = [
        "The ferry left the harbour at dawn, and the ferry came back at dusk.",
        "",
        "Harbour, harbour, HARBOUR: the word, the word, the 3 words again (and again).",
        "dawn",
    ]
    docs = [nlp.make_doc(t) for t in texts]
    with use_ops("numpy", use_blis=False):
        model = MultiHashEmbed(
            width=96, attrs=["NORM", "PREFIX", "SUFFIX", "SHAPE"], rows=[5000, 1000, 2500, 2500],
            include_static_vectors=False,
        )  # fmt: skip
        model.initialize(X=docs)
    rng = numpy.random.default_rng(3)
    for node in model.walk():  # thinc starts biases and gains at 0 and 1
        for name in ("b", "G"):
            if node.has_param(name):
                node.set_param(name, rng.standard_normal(node.get_param(name).shape).astype("f"))
    expected = model.predict(docs)
    # the stage, its maxout and its layer norm (and the pair as one step)
    assert speed_up_layers(model) == (4 if layer_kernels() else 3)
    got = model.predict(docs)
    assert [g.shape for g in got] == [w.shape for w in expected] == [(len(d), 96) for d in docs]
    for g, w in zip(got, expected, strict=True):
        assert numpy.array_equal(g, w)
    assert [g.shape for g in model.predict([nlp.make_doc(""), nlp.make_doc("")])] == [(0, 96)] * 2


def _compiled_blas() -> Any:
    try:
        from newsdesk.annotate import _blas
    except ImportError:
        pytest.skip("newsdesk.annotate._blas was not built (no C compiler at install)")
    return _blas


def test_the_parser_loop_gets_the_compiled_blas_where_it_was_built() -> None:
    _compiled_blas()
    ops = get_nlp().get_pipe("parser").model.ops
    assert uses_compiled_blas(ops)


def test_the_sgemm_adapter_computes_thincs_sgemm() -> None:
    import ctypes

    import numpy

    _blas = _compiled_blas()
    from newsdesk.annotate.inference import _openblas_sgemm_symbol

    found = _openblas_sgemm_symbol()
    assert found is not None, "numpy's OpenBLAS has no cblas_sgemm"
    c_int, c_float, ptr = ctypes.c_int, ctypes.c_float, ctypes.c_void_p
    thinc_sgemm = ctypes.CFUNCTYPE(
        None,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        c_float,
        ptr,
        c_int,
        ptr,
        c_int,
        c_float,
        ptr,
        c_int,
    )(_blas.sgemm(*found))
    rng = numpy.random.default_rng(5)
    m, n, k = 6, 74, 64
    for trans_a in (False, True):
        for trans_b in (False, True):
            A = rng.standard_normal((k, m) if trans_a else (m, k)).astype("float32")
            B = rng.standard_normal((n, k) if trans_b else (k, n)).astype("float32")
            C = rng.standard_normal((m, n)).astype("float32")
            expected = 0.5 * (A.T if trans_a else A) @ (B.T if trans_b else B) + 2.0 * C
            thinc_sgemm(trans_a, trans_b, m, n, k, 0.5, A.ctypes.data, A.shape[1],
                        B.ctypes.data, B.shape[1], 2.0, C.ctypes.data, n)  # fmt: skip
            numpy.testing.assert_allclose(C, expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError):
        _blas.sgemm(0, True)


def test_the_compiled_saxpy_computes_blas_saxpy() -> None:
    import ctypes

    import numpy

    _blas = _compiled_blas()
    c_int, c_float, ptr = ctypes.c_int, ctypes.c_float, ctypes.c_void_p
    thinc_saxpy = ctypes.CFUNCTYPE(None, c_int, c_float, ptr, c_int, ptr, c_int)(_blas.saxpy())
    rng = numpy.random.default_rng(7)
    for n in (0, 1, 7, 128, 131):
        for alpha in (1.0, -0.75):
            for inc_x, inc_y in ((1, 1), (2, 3), (-1, 1), (3, -2)):
                x = rng.standard_normal(max(1, n * abs(inc_x))).astype("float32")
                y = rng.standard_normal(max(1, n * abs(inc_y))).astype("float32")
                expected = y.copy()
                # BLAS: a negative stride walks its vector from the far end
                ix = (1 - n) * inc_x if inc_x < 0 else 0
                iy = (1 - n) * inc_y if inc_y < 0 else 0
                for i in range(n):
                    expected[iy + i * inc_y] += numpy.float32(alpha) * x[ix + i * inc_x]
                thinc_saxpy(n, alpha, x.ctypes.data, inc_x, y.ctypes.data, inc_y)
                # one multiply and one add per element, as numpy does: the same floats
                numpy.testing.assert_array_equal(y, expected)


def test_without_the_compiled_blas_the_parser_loop_keeps_thincs(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "newsdesk.annotate._blas", None)  # import fails
    assert not uses_compiled_blas(inference_ops())


def test_without_openblas_the_compiled_saxpy_is_still_used(monkeypatch) -> None:
    from newsdesk.annotate import inference

    _compiled_blas()
    monkeypatch.setattr(inference, "_openblas_sgemm_symbol", lambda: None)
    assert uses_compiled_blas(inference.inference_ops())


def test_the_sped_up_model_annotates_as_the_stock_model() -> None:
    import spacy

    from newsdesk.annotate.nlp import MODEL, ner_docs

    text = (
        "Mara Quill, the harbour master of Estmark, said on Tuesday that the ferry to Lindholm "
        "would stop in March. \u201cWe have no choice,\u201d she told reporters in Veskar.\n\n"
        "The Northline Ferry Company, which runs six boats, lost 2.4 million euros last year, "
        "according to its chief executive, Tomas Brandt. Officials in Brussels declined to "
        "comment on Wednesday."
    )
    stock = spacy.load(MODEL, exclude=["lemmatizer", "senter"])
    expected_ents = [(e.start_char, e.end_char, e.label_) for e in stock(text).ents]
    got = ner_docs([text])[0]
    assert [(e.start_char, e.end_char, e.label_) for e in got.ents] == expected_ents
    assert len(expected_ents) >= 5
    with stock.select_pipes(disable=["ner", "attribute_ruler"]):
        expected_parse = [(t.i, t.head.i, t.dep_, t.tag_) for t in stock(text)]
    assert [(t.i, t.head.i, t.dep_, t.tag_) for t in parse_docs([text])[0]] == expected_parse


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
