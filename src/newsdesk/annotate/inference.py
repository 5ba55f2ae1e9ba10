"""Inference-only execution of the spaCy model: less work per token.

With ``NEWSDESK_MODEL_PRECISION=float32`` the outputs are stock spaCy's, bit for bit;
by default (``bf16``), on CPUs with AVX512-BF16, the products of the token-to-vector
layers round their inputs to bfloat16 (see :func:`model_precision` and the last item).

The model's layers run on thinc's numpy ops without BLIS: BLIS has no kernels for every
CPU (on AMD Zen 4 and 5 it falls back to its generic reference code, 3-5x slower than
numpy's OpenBLAS). More changes, checked against thinc and stock spaCy in
``tests/test_nlp_helpers.py`` (bit-identical values on the model's layer shapes, the same
entities, tags and parses):

- the embedding stage (hash embeddings of each token's norm, prefix, suffix and shape,
  then a maxout layer) works row by row, so it runs once per distinct feature row of a
  batch and is copied to the tokens that share it: a batch of news text has about a
  third as many distinct rows as tokens;
- a maxout followed by a layer norm (every layer of the token-to-vector networks) runs
  as one step in the C module: the matrix product without numpy's zeroing of its
  output, then each row's bias, best piece and normalisation while the row is in cache,
  with numpy's operations in numpy's order (so the same floats); numpy's own power
  function does the one step C cannot round alike. Without the module, the two layers
  below run in numpy;
- the convolutions' windows (``seq2col``) zero only the rows past the ends;
- maxout layers compute their pieces in piece-major order (weights permuted once), so
  taking the best piece reads contiguous rows instead of every third float, and record
  nothing for a backward pass (thinc's maxout also stores the winning piece, in a scalar
  loop);
- layer normalisation computes the centred values once, in place;
- spaCy's transition loop (entities and parser) gets OpenBLAS's sgemm for its per-step
  scores and a compiled loop for summing its feature vectors, through thinc's own hook
  for plugging in a BLAS (``CBlas``/``set_sgemm``/``set_saxpy``) and a small C module
  (``_blas.c``); without that module (no C compiler at install) the loop keeps BLIS, and
  without an OpenBLAS it keeps BLIS's sgemm;
- on a CPU with AVX512-BF16, the product of each "maxout >> layer norm" (most of the
  model's arithmetic) and the parser loop's per-token feature products
  (``PrecomputableAffine``) run on its bfloat16 dot-product instruction, twice the
  multiply-adds of float32 per instruction: weights packed once, each block of rows
  rounded as it is read, sums in float32. Everything after the products is as above.
"""

from __future__ import annotations

import ctypes
import importlib
import os
from typing import Any

import numpy

INFERENCE_OPS_NAME = "newsdesk-inference"


def inference_ops() -> Any:
    """thinc's numpy ops without BLIS, also in the parser loop where that can be had."""
    from thinc.api import NumpyOps

    blas = _compiled_cblas()

    class InferenceOps(NumpyOps):  # type: ignore[misc]
        name = INFERENCE_OPS_NAME

        def seq2col(self, seq: Any, nW: int, *, lengths: Any = None) -> Any:  # noqa: N803
            if seq.dtype != numpy.float32 or seq.ndim != 2 or not seq.flags.c_contiguous:
                return super().seq2col(seq, nW, lengths=lengths)
            if lengths is not None and (len(lengths) != 1 or int(lengths[0]) != len(seq)):
                return super().seq2col(seq, nW, lengths=lengths)
            return window_columns(seq, nW)

        if blas is not None:

            def cblas(self) -> Any:
                return blas

    return InferenceOps(use_blis=False)


def window_columns(seq: Any, n_window: int) -> Any:
    """thinc's ``seq2col`` of one sequence: each row side by side with its neighbours.

    Row ``i`` of the result is rows ``i - n_window .. i + n_window`` of ``seq`` side by
    side, zeros past either end. thinc zeroes the whole result before copying every row
    into it; here only the ends are zeroed, which saves a pass over an array three
    times as wide as the layer.
    """
    rows, width = seq.shape
    cols = numpy.empty((rows, (2 * n_window + 1) * width), dtype=seq.dtype)
    for k in range(-n_window, n_window + 1):  # row i gets row i + k
        block = cols[:, (k + n_window) * width : (k + n_window + 1) * width]
        edge = min(abs(k), rows)
        if k < 0:
            block[:edge] = 0
            block[edge:] = seq[: rows - edge]
        elif k > 0:
            block[: rows - edge] = seq[edge:]
            block[rows - edge :] = 0
        else:
            block[:] = seq
    return cols


def uses_compiled_blas(ops: Any) -> bool:
    """Whether ``ops`` hands spaCy's transition loop the functions of ``_blas.c``."""
    return "cblas" in type(ops).__dict__


def speed_up_layers(model: Any) -> int:
    """Give every embedding stage, maxout and layer-norm layer under ``model`` its
    inference forward.

    thinc has no public setter for a layer's forward function; ``_func`` is where its
    ``Model`` keeps it, and the layer keeps its parameters, dimensions and name.
    """
    count = 0
    for node in model.walk():
        forward = _FORWARDS.get(node.name)
        if forward is None and _is_embedding_stage(node):
            forward = distinct_rows_embed_forward
        if forward is None and _is_maxout_norm(node) and layer_kernels() is not None:
            forward = maxout_norm_forward
        if forward is not None and node._func is not forward:
            node._func = forward
            count += 1
    return count


def _is_embedding_stage(node: Any) -> bool:
    """spaCy's ``MultiHashEmbed``: features >> ragged >> hash embeddings >> maxout >> list."""
    names = [layer.name for layer in node.layers]
    return (
        len(names) == 5
        and names[:2] == ["extract_features", "list2ragged"]
        and names[2].startswith("with_array(")
        and "hashembed" in names[2]
        and names[3] in {"with_array(maxout>>layernorm>>dropout)", "with_array(maxout>>dropout)"}
        and names[4] == "ragged2list"
    )


def distinct_rows_embed_forward(model: Any, docs: list[Any], is_train: bool) -> tuple[Any, Any]:
    """The embedding stage's forward, computed once per distinct row of token features.

    Every step after feature extraction (hash lookups, concatenation, maxout, layer
    norm) reads one token's row and nothing else, so tokens with the same features get
    the same vector whatever else is in the batch.
    """
    extract, _to_ragged, embed, mix, _to_list = model.layers
    features, _ = extract(docs, False)
    lengths = [len(f) for f in features]
    if not sum(lengths):
        return [model.ops.alloc2f(0, model.get_dim("nO")) for _ in docs], _no_backprop
    rows = numpy.ascontiguousarray(numpy.concatenate(features))
    keys = rows.view(numpy.dtype((numpy.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, first, inverse = numpy.unique(keys, return_index=True, return_inverse=True)
    vectors, _ = mix(embed(rows[first], False)[0], False)
    out = vectors[inverse.reshape(-1)]
    return model.ops.unflatten(out, model.ops.asarray1i(lengths)), _no_backprop


def _is_maxout_norm(node: Any) -> bool:
    from thinc.layers.chain import forward as chain_forward

    return node._func is chain_forward and [n.name for n in node.layers] == ["maxout", "layernorm"]


_kernels: list[Any] = []  # [the C module, or None], decided once per process


def layer_kernels() -> Any:
    """The C module's layer kernels, or None where they cannot give numpy's results.

    They need the module built and numpy's OpenBLAS sgemm, and must match ``numpy.dot``
    exactly on a sample product (a second OpenBLAS in the process could differ).
    """
    if not _kernels:
        _kernels.append(_checked_kernels())
    return _kernels[0]


def _checked_kernels() -> Any:
    compiled, thinc_sgemm = _compiled_module()
    if thinc_sgemm is None:  # no module, or no OpenBLAS sgemm for matmul_nt to call
        return None
    rng = numpy.random.default_rng(0)
    X = rng.standard_normal((37, 29), dtype=numpy.float32)
    W = rng.standard_normal((23, 29), dtype=numpy.float32)
    Y = numpy.empty((37, 23), dtype=numpy.float32)
    compiled.matmul_nt(X, W, Y, 37, 29, 23)
    return compiled if numpy.array_equal(Y, numpy.dot(X, W.T)) else None


# Rows per call of the row kernels: a block's output stays in cache from the first
# kernel to the second.
NORM_BLOCK_ROWS = 512


def maxout_norm_forward(model: Any, X: Any, is_train: bool) -> tuple[Any, Any]:
    """``maxout >> layernorm``, inference only, by the C module's kernels."""
    maxout, norm = model.layers
    rows = X.shape[0]
    if rows < 2 or X.dtype != numpy.float32 or X.ndim != 2:
        # one row: numpy's dot takes its matrix-vector path, rounding differently
        return layernorm_forward(norm, maxout_forward(maxout, X, False)[0], False)
    kernels = layer_kernels()
    n_out, n_pieces = maxout.get_dim("nO"), maxout.get_dim("nP")
    weights, bias = _piece_major(maxout)
    X = numpy.ascontiguousarray(X)
    Y = numpy.empty((rows, n_out * n_pieces), dtype=numpy.float32)
    if model_precision() == "bf16":
        packed = _bf16_weights(maxout, weights)
        kernels.matmul_nt_bf16(X, packed, Y, rows, X.shape[1], n_out * n_pieces)
    else:
        kernels.matmul_nt(X, weights, Y, rows, X.shape[1], n_out * n_pieces)
    out = numpy.empty((rows, n_out), dtype=numpy.float32)
    scale = numpy.empty(rows, dtype=numpy.float32)
    gain = numpy.ascontiguousarray(norm.get_param("G"), dtype=numpy.float32)
    shift = numpy.ascontiguousarray(norm.get_param("b"), dtype=numpy.float32)
    for start in range(0, rows, NORM_BLOCK_ROWS):
        stop = min(rows, start + NORM_BLOCK_ROWS)
        block_scale = scale[start:stop]
        kernels.maxout_centre(Y[start:stop], bias, n_pieces, out[start:stop], block_scale)
        block_scale **= -0.5  # numpy's power: its rounding is not libm's
        kernels.scale_shift(out[start:stop], block_scale, gain, shift)
    return out, _no_backprop


PRECISION_ENV = "NEWSDESK_MODEL_PRECISION"
PRECISIONS = ("bf16", "float32")


class PrecisionError(ValueError):
    """``NEWSDESK_MODEL_PRECISION`` names no precision."""


def model_precision() -> str:
    """How the model's large products multiply (the token-to-vector layers' and the
    parser loop's feature products): ``"bf16"`` or ``"float32"``.

    ``bf16`` (the default, where the CPU has AVX512-BF16 and the C module is built):
    inputs rounded to bfloat16, sums in float32, 17-20% less worker time per article; on
    1,208 real articles 14 of 64,157 mentions and 18 of 19,899 quotes came out differently
    from stock spaCy's, with the same evaluation scores (README, "Benchmarks"). ``float32``
    (``NEWSDESK_MODEL_PRECISION=float32``): numpy's floats, so stock spaCy's annotations.
    """
    wanted = os.environ.get(PRECISION_ENV, "bf16").strip().lower() or "bf16"
    if wanted not in PRECISIONS:
        raise PrecisionError(f"{PRECISION_ENV}={wanted!r}: expected one of {', '.join(PRECISIONS)}")
    if wanted == "bf16":
        kernels = layer_kernels()
        if kernels is None or not kernels.bf16_available():
            return "float32"
    return wanted


# Model id -> (piece-major weights, the same as bfloat16 pairs for matmul_nt_bf16).
_BF16: dict[int, tuple[Any, Any]] = {}


def _bf16_weights(model: Any, weights: Any) -> Any:
    """``weights`` (outputs x ... x inputs, float32) packed for ``matmul_nt_bf16``, once."""
    cached = _BF16.get(model.id)
    if cached is None or cached[0] is not weights:  # first call, or the weights were replaced
        matrix = numpy.ascontiguousarray(weights.reshape(-1, weights.shape[-1]))
        n_rows, n_in = matrix.shape
        packed = numpy.zeros(((n_in + 1) // 2, (n_rows + 15) // 16 * 16), dtype=numpy.uint32)
        layer_kernels().pack_bf16(matrix, packed, n_rows, n_in)
        cached = _BF16[model.id] = (weights, packed)
    return cached[1]


def precomputable_affine_forward(model: Any, X: Any, is_train: bool) -> tuple[Any, Any]:
    """spaCy's ``PrecomputableAffine`` (each token's products with the parser loop's
    feature weights, computed once before the loop), inference only: in bfloat16 where
    :func:`model_precision` says so, else spaCy's own forward."""
    from spacy.ml._precomputable_affine import forward

    if model_precision() != "bf16" or X.dtype != numpy.float32 or X.ndim != 2:
        return forward(model, X, is_train)
    n_f, n_o, n_p, n_i = (model.get_dim(d) for d in ("nF", "nO", "nP", "nI"))
    width = n_f * n_o * n_p
    packed = _bf16_weights(model, model.get_param("W"))  # (nF, nO, nP, nI): rows f, o, p
    Yf = numpy.empty((X.shape[0] + 1, width), dtype=numpy.float32)
    X = numpy.ascontiguousarray(X)
    layer_kernels().matmul_nt_bf16(X, packed, Yf[1:], X.shape[0], n_i, width)
    Yf = Yf.reshape((Yf.shape[0], n_f, n_o, n_p))
    Yf[0] = numpy.squeeze(model.get_param("pad"), 0)  # row 0: a missing token's features
    return Yf, _no_backprop


# Model id -> (weights as loaded, piece-major weights, piece-major bias). Kept
# out of the layer's attrs, which thinc would try to serialise with the model.
_PIECE_MAJOR: dict[int, tuple[Any, Any, Any]] = {}


def _piece_major(model: Any) -> tuple[Any, Any]:
    """A maxout layer's weights (pieces x outputs, inputs) and bias in piece-major order."""
    W = model.get_param("W")
    cached = _PIECE_MAJOR.get(model.id)
    if cached is None or cached[0] is not W:  # first call, or the weights were replaced
        n_out, n_pieces, n_in = model.get_dim("nO"), model.get_dim("nP"), model.get_dim("nI")
        by_piece = W.reshape(n_out, n_pieces, n_in).transpose(1, 0, 2).reshape(-1, n_in)
        bias = model.get_param("b").reshape(n_out, n_pieces).T.reshape(-1)
        cached = (W, numpy.ascontiguousarray(by_piece), numpy.ascontiguousarray(bias))
        _PIECE_MAJOR[model.id] = cached
    return cached[1], cached[2]


def maxout_forward(model: Any, X: Any, is_train: bool) -> tuple[Any, Any]:
    """thinc's ``Maxout`` forward, inference only, with piece-major weights."""
    n_out, n_pieces = model.get_dim("nO"), model.get_dim("nP")
    weights, bias = _piece_major(model)
    Y = numpy.dot(X, weights.T)
    Y += bias
    if n_pieces == 1:
        return Y, _no_backprop
    best = numpy.maximum(Y[:, :n_out], Y[:, n_out : 2 * n_out])
    for piece in range(2, n_pieces):
        numpy.maximum(best, Y[:, piece * n_out : (piece + 1) * n_out], out=best)
    return best, _no_backprop


def layernorm_forward(model: Any, X: Any, is_train: bool) -> tuple[Any, Any]:
    """thinc's ``LayerNorm`` forward, inference only, with the same operations in place."""
    width = X.shape[1]
    mean = X.sum(axis=1, keepdims=True)
    mean /= width
    centred = X - mean
    var = numpy.square(centred).sum(axis=1, keepdims=True)
    var /= width
    var += 1e-08
    var **= -0.5
    centred *= var
    centred *= model.get_param("G")
    centred += model.get_param("b")
    return centred, _no_backprop


def _no_backprop(dY: Any) -> Any:
    raise NotImplementedError("newsdesk loads its model for inference only")


_FORWARDS = {
    "maxout": maxout_forward,
    "layernorm": layernorm_forward,
    "precomputable_affine": precomputable_affine_forward,
}


def _compiled_cblas() -> Any:
    """A thinc ``CBlas`` with the compiled saxpy and numpy's OpenBLAS sgemm, or None.

    None where the C module was not built; the sgemm stays BLIS's if no OpenBLAS with a
    ``cblas_sgemm`` is loaded.
    """
    compiled, thinc_sgemm = _compiled_module()
    if compiled is None:
        return None
    from thinc.backends import cblas

    blas = cblas.CBlas()
    _thinc_setter(cblas, "set_saxpy")(blas, compiled.saxpy())
    if thinc_sgemm is not None:
        _thinc_setter(cblas, "set_sgemm")(blas, thinc_sgemm)
    return blas


def _compiled_module() -> tuple[Any, int | None]:
    """(the C module, its thinc-signature sgemm) with that sgemm and ``matmul_nt`` pointed
    at numpy's OpenBLAS ``cblas_sgemm``; (None, None) where the module was not built (no C
    compiler at install), (module, None) where no OpenBLAS sgemm is loaded."""
    try:
        compiled = importlib.import_module("newsdesk.annotate._blas")
    except ImportError:
        return None, None
    found = _openblas_sgemm_symbol()
    return compiled, (compiled.sgemm(*found) if found is not None else None)


def _openblas_sgemm_symbol() -> tuple[int, bool] | None:
    """(address, 64-bit integers?) of cblas_sgemm in the OpenBLAS numpy loaded."""
    from threadpoolctl import threadpool_info

    for lib in threadpool_info():
        if lib.get("internal_api") != "openblas":
            continue
        handle = ctypes.CDLL(lib["filepath"])
        for prefix in ("scipy_", ""):
            for suffix, ilp64 in (("64_", True), ("", False)):
                fn = getattr(handle, f"{prefix}cblas_sgemm{suffix}", None)
                address = ctypes.cast(fn, ctypes.c_void_p).value if fn is not None else None
                if address:  # a NULL would make the adapter refuse it and the load fail
                    return address, ilp64
    return None


def _thinc_setter(cblas: Any, name: str) -> Any:
    """thinc's ``set_sgemm``/``set_saxpy(CBlas, pointer)``, cdef functions exported as capsules."""
    api = ctypes.pythonapi
    # prototypes of our own: setting argtypes on ctypes.pythonapi's would change them
    # for every other user in the process
    get_name = ctypes.PYFUNCTYPE(ctypes.c_char_p, ctypes.py_object)(("PyCapsule_GetName", api))
    get_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
        ("PyCapsule_GetPointer", api)
    )
    capsule = cblas.__pyx_capi__[name]
    pointer = get_pointer(capsule, get_name(capsule))
    return ctypes.CFUNCTYPE(None, ctypes.py_object, ctypes.c_void_p)(pointer)
