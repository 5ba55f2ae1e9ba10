"""Annotators: entities with coreference, quotes with speakers, time expressions.

``annotate_articles`` runs spaCy's NER over whole articles and the dependency parser only
over the units (sentences, quotations kept whole) that hold a speech verb outside
quotation marks or a quote introduced by a colon, with long quotes read as a short
stand-in, which keeps this stage fast; both passes go through ``nlp.pipe`` in batches.
"""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.model import Article

log = logging.getLogger(__name__)

__all__ = ["annotate_article", "annotate_articles"]


def annotate_article(article: Article) -> None:
    """Fill ``article.mentions``, ``article.quotes`` and ``article.timexes`` in place."""
    annotate_articles([article])


def annotate_articles(articles: list[Article], batch_size: int = 32) -> None:
    """Annotate several articles, batching the spaCy passes across them."""
    for i in range(0, len(articles), batch_size):
        _annotate_batch(articles[i : i + batch_size])


def _annotate_batch(articles: list[Article]) -> None:
    from newsdesk.annotate.cues import CUE_RE
    from newsdesk.annotate.entities import build_entities
    from newsdesk.annotate.nlp import ner_docs, parse_docs
    from newsdesk.annotate.quote_patterns import introducing_colon, parse_view, quote_spans, units
    from newsdesk.annotate.quotes import QuoteFinder, Unit

    ners = ner_docs([a.text for a in articles])
    plans: list[tuple[QuoteFinder, list[tuple[int, int, Any]]]] = []
    to_parse: list[str] = []
    for a in articles:
        spans = quote_spans(a.text)
        finder = QuoteFinder(a.text, spans, None)  # type: ignore[arg-type]
        # The parse is read only around cue words outside quotations (the finder skips
        # a cue inside one) and before a colon that introduces a quote ('X gave one
        # comment: "..."'); other units (a quote's second sentence, a quote continued
        # from the last paragraph) are attributed without it.
        colons = [(introducing_colon(a.text, q), q.start) for q in spans]
        plan = []
        for lo, hi in units(a.text, spans):
            want = any(
                not finder.in_quote(m.start()) for m in CUE_RE.finditer(a.text, lo, hi)
            ) or any(lo < c and s < hi for c, s in colons)
            view = parse_view(a.text, lo, hi, spans) if want else None
            plan.append((lo, hi, view))
            if view is not None:
                to_parse.append(view.text)
        plans.append((finder, plan))
    parsed = iter(parse_docs(to_parse)) if to_parse else iter(())
    for a, ner, (finder, plan) in zip(articles, ners, plans, strict=True):
        finder_units: list[tuple[Any, int, int]] = []
        for lo, hi, view in plan:
            finder_units.append((Unit(next(parsed), view) if view is not None else None, lo, hi))
        ents = build_entities(a.text, ner, finder.in_quote)
        finder.ents = ents
        for u, lo, hi in finder_units:  # unparsed units too: their quotes need speakers
            finder.unit_quotes(u, lo, hi, lo)
        a.mentions = sorted(ents.mentions + finder.extra_mentions, key=lambda m: m.start)
        a.quotes = sorted(finder.quotes, key=lambda q: (q.start, q.end))
        _tag_times(a)


def _tag_times(article: Article) -> None:
    """Time expressions; a failure leaves none (one article's dates must not sink a run)."""
    from newsdesk.annotate.time import tag_text

    try:
        tags = tag_text(article.text, article.published)
    except Exception:
        log.exception("time tagging failed for %s", article.id)
        article.timexes, article.time_found = [], []
        return
    article.timexes = tags.timexes
    # kept only where a copy's dates could change with its original's date
    article.time_found = tags.found if tags.anchored else []
