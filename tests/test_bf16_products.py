"""The bfloat16 products of the token-to-vector layers (CPUs with AVX512-BF16).

Reference: the inputs rounded to bfloat16 (round to nearest even) and multiplied in
float64, so the kernel may differ from it only by float32 summation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy
import pytest

from newsdesk.annotate import inference
from newsdesk.annotate.inference import PrecisionError, layer_kernels, model_precision


def _kernels() -> Any:
    kernels = layer_kernels()
    if kernels is None:
        pytest.skip("the C layer kernels were not built or do not match numpy's dot here")
    if not kernels.bf16_available():
        pytest.skip("this CPU has no AVX512-BF16: newsdesk multiplies in float32 here")
    return kernels


def _bf16(a: numpy.ndarray) -> numpy.ndarray:
    bits = a.astype(numpy.float32).view(numpy.uint32).astype(numpy.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(numpy.uint32).view(numpy.float32)


def _packed(kernels: Any, W: numpy.ndarray) -> numpy.ndarray:
    n_out, n_in = W.shape
    packed = numpy.zeros(((n_in + 1) // 2, (n_out + 15) // 16 * 16), dtype=numpy.uint32)
    kernels.pack_bf16(W, packed, n_out, n_in)
    return packed


@pytest.mark.parametrize(
    ("rows", "n_in", "n_out"),
    [(9, 288, 288), (300, 384, 288), (1, 29, 23), (8, 1, 1), (17, 97, 290), (0, 5, 3)],
)
def test_the_product_is_the_bf16_rounded_inputs_product(rows: int, n_in: int, n_out: int) -> None:
    """Any shape: rows past a block of 8, odd widths, outputs past a block of 48 and not
    a multiple of 16 (the padding never reaches Y)."""
    kernels = _kernels()
    rng = numpy.random.default_rng(rows + n_in + n_out)
    X = rng.standard_normal((rows, n_in)).astype(numpy.float32)
    W = (rng.standard_normal((n_out, n_in)) * 0.1).astype(numpy.float32)
    Y = numpy.full((rows, n_out), numpy.nan, dtype=numpy.float32)
    kernels.matmul_nt_bf16(X, _packed(kernels, W), Y, rows, n_in, n_out)
    want = _bf16(X).astype(numpy.float64) @ _bf16(W).T.astype(numpy.float64)
    assert not numpy.isnan(Y).any()
    scale = max(1.0, float(numpy.abs(want).max(initial=0.0)))
    numpy.testing.assert_allclose(Y, want, rtol=1e-5, atol=1e-5 * scale)
    # bfloat16 is not float32: the rounding is really there (8 bits of mantissa)
    if rows and n_in > 8:
        exact = X.astype(numpy.float64) @ W.T.astype(numpy.float64)
        assert 1e-5 < numpy.abs(Y - exact).max() / numpy.abs(exact).max() < 2e-2


def test_a_row_gives_the_same_floats_alone_or_in_any_batch() -> None:
    """The embedding stage computes each distinct row once and copies it: that needs a
    row's output to depend on the row alone, not on its block of 8 or its neighbours."""
    kernels = _kernels()
    rng = numpy.random.default_rng(7)
    X = rng.standard_normal((21, 288)).astype(numpy.float32)
    packed = _packed(kernels, rng.standard_normal((288, 288)).astype(numpy.float32))
    whole = numpy.empty((21, 288), dtype=numpy.float32)
    kernels.matmul_nt_bf16(X, packed, whole, 21, 288, 288)
    for i in (0, 7, 8, 20):
        alone = numpy.empty((1, 288), dtype=numpy.float32)
        kernels.matmul_nt_bf16(numpy.ascontiguousarray(X[i : i + 1]), packed, alone, 1, 288, 288)
        assert numpy.array_equal(alone[0], whole[i])
    shifted = numpy.empty((20, 288), dtype=numpy.float32)
    kernels.matmul_nt_bf16(numpy.ascontiguousarray(X[1:]), packed, shifted, 20, 288, 288)
    assert numpy.array_equal(shifted, whole[1:])


def test_the_bf16_kernels_refuse_buffers_of_the_wrong_size() -> None:
    kernels = _kernels()
    W = numpy.zeros((20, 10), dtype=numpy.float32)
    with pytest.raises(ValueError, match="Wp too small"):
        kernels.pack_bf16(W, numpy.zeros((5, 16), dtype=numpy.uint32), 20, 10)
    packed = _packed(kernels, W)
    Y = numpy.zeros((4, 20), dtype=numpy.float32)
    with pytest.raises(ValueError, match="X"):
        kernels.matmul_nt_bf16(numpy.zeros((3, 10), numpy.float32), packed, Y, 4, 10, 20)
    with pytest.raises(ValueError, match="Wp too small"):
        kernels.matmul_nt_bf16(numpy.zeros((4, 12), numpy.float32), packed, Y, 4, 12, 20)
    with pytest.raises(ValueError, match="n_in"):
        kernels.matmul_nt_bf16(numpy.zeros((4, 10), numpy.float32), packed, Y, 4, 0, 20)


def test_the_layers_in_bf16_stay_close_to_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    """A maxout >> layer norm of the model's shape: same winning pieces almost always,
    normalised outputs within bfloat16's rounding."""
    from thinc.api import Maxout, use_ops

    _kernels()
    rng = numpy.random.default_rng(11)
    with use_ops("numpy", use_blis=False):
        model = Maxout(nO=96, nI=288, nP=3, normalize=True)
        model.initialize(X=rng.standard_normal((5, 288)).astype("float32"))
    inference.speed_up_layers(model)
    assert model._func is inference.maxout_norm_forward
    X = rng.standard_normal((500, 288)).astype(numpy.float32)
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "float32")
    exact = model.predict(X)
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "bf16")
    rounded = model.predict(X)
    assert not numpy.array_equal(rounded, exact)
    assert numpy.abs(rounded - exact).mean() < 0.01  # outputs have unit variance
    assert numpy.corrcoef(rounded.ravel(), exact.ravel())[0, 1] > 0.999


def test_the_precision_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    kernels = layer_kernels()
    has_bf16 = kernels is not None and kernels.bf16_available()
    monkeypatch.delenv("NEWSDESK_MODEL_PRECISION", raising=False)
    assert model_precision() == ("bf16" if has_bf16 else "float32")
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", " Float32 ")
    assert model_precision() == "float32"
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "fp8")
    with pytest.raises(PrecisionError, match="NEWSDESK_MODEL_PRECISION='fp8'"):
        model_precision()


def test_a_bad_precision_fails_the_ingest_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.cli import main

    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"id": "1", "text": "A ferry stopped on Tuesday."}) + "\n")
    db = tmp_path / "x.db"
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "half")
    assert main(["ingest", str(corpus), "--db", str(db), "--workers", "2"]) == 1
    err = capsys.readouterr().err
    assert "NEWSDESK_MODEL_PRECISION='half': expected one of bf16, float32" in err
    assert not db.exists()  # failed before a run was started: not one skip per article


def test_the_parser_loops_feature_products_in_bf16(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy's PrecomputableAffine: the same layout (a row for a missing token, then one
    per token: features x outputs x pieces), values within bfloat16's rounding; float32
    gives spaCy's own values."""
    from spacy.ml._precomputable_affine import PrecomputableAffine, forward

    _kernels()
    rng = numpy.random.default_rng(5)
    model = PrecomputableAffine(nO=16, nI=24, nF=3, nP=2)
    model.initialize()
    model.set_param("W", rng.standard_normal((3, 16, 2, 24)).astype("f"))
    model.set_param("pad", rng.standard_normal((1, 3, 16, 2)).astype("f"))
    assert inference.speed_up_layers(model) == 1
    X = rng.standard_normal((40, 24)).astype(numpy.float32)
    want = forward(model, X, False)[0]
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "bf16")
    got = model.predict(X)
    assert got.shape == want.shape == (41, 3, 16, 2)
    assert numpy.array_equal(got[0], want[0])
    assert not numpy.array_equal(got, want)
    numpy.testing.assert_allclose(got, want, rtol=0, atol=0.02 * numpy.abs(want).max())
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "float32")
    assert numpy.array_equal(model.predict(X), want)


def test_in_bf16_the_model_finds_the_stock_entities_and_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On an ordinary text the rounding changes no decision (on 1,208 real articles it
    changed 14 of 64,157 mentions: README, "Benchmarks")."""
    import spacy

    from newsdesk.annotate.nlp import MODEL, ner_docs, parse_docs

    _kernels()
    text = (
        "Ilse Varga, the mayor of Dornholm, said on Monday that the bridge over the Senn "
        "would reopen in May. \u201cThe repairs took longer than we hoped,\u201d she told the "
        "Dornholm Courier.\n\nThe Senn Valley Transport Authority, which owns the bridge, "
        "spent 3.1 million euros on it, its director, Paul Okafor, said in Brussels."
    )
    stock = spacy.load(MODEL, exclude=["lemmatizer", "senter"])
    monkeypatch.setenv("NEWSDESK_MODEL_PRECISION", "bf16")
    expected = [(e.start_char, e.end_char, e.label_) for e in stock(text).ents]
    assert len(expected) >= 5
    assert [(e.start_char, e.end_char, e.label_) for e in ner_docs([text])[0].ents] == expected
    with stock.select_pipes(disable=["ner", "attribute_ruler"]):
        parse = [(t.i, t.head.i, t.dep_, t.tag_) for t in stock(text)]
    assert [(t.i, t.head.i, t.dep_, t.tag_) for t in parse_docs([text])[0]] == parse
