"""HTML article extraction: body, metadata, chrome removal, failures.

Every page here is invented for the tests; the last test scores a few pages of
the shared article-extraction benchmark and skips when ../shared is absent.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import pytest

from newsdesk.clean import CleanError, clean_document
from newsdesk.clean.html import _parse_date, extract_html
from newsdesk.model import Document

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"

PARAS = [
    "The council of Lowater voted seven to two on Tuesday to replace the old iron footbridge "
    "over the Marren canal, ending a dispute that had run for almost four years.",
    "Engineers told councillors that the bridge, built in 1911, could no longer carry the "
    "weight of the crowds that cross it on market days, and that repairs would cost more "
    "than a new span.",
    "The replacement will be a timber and steel structure with a wider deck and lighting "
    "along both rails, and work is expected to begin in the spring of next year.",
    "Residents who opposed the plan argued that the old bridge was part of the town's "
    "character and asked for its ironwork to be kept in a local museum, which the council "
    "agreed to consider.",
    "The total budget approved for the project is 2.4 million euros, about a third of which "
    "will come from a regional heritage fund that supports small towns.",
]
HEADING = "What happens next"
AFTER_HEADING = (
    "A public consultation on the design of the new bridge will open next month, and the "
    "final drawings will be shown at the town library during the winter."
)
TITLE = "Lowater council approves new footbridge over the Marren canal"


def page(
    body: str,
    *,
    head: str = "",
    title: str = TITLE,
    before: str = "",
    after: str = "",
) -> str:
    """A complete page with navigation, the article and a footer around ``body``."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Lowater Post</title>
{head}</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/about">About us</a></li></ul></nav></header>
<main><article>
<h1>{title}</h1>
{before}
<div class="article-body">{body}</div>
{after}
</article></main>
<footer><p>Contact the newsroom</p><p>Terms of use and privacy policy</p></footer>
</body></html>"""


def article_body() -> str:
    parts = [f"<p>{p}</p>" for p in PARAS[:3]]
    parts.append(f"<h2>{HEADING}</h2>")
    parts.append(f"<p>{AFTER_HEADING}</p>")
    parts += [f"<p>{p}</p>" for p in PARAS[3:]]
    return "\n".join(parts)


JSONLD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": TITLE,
    "datePublished": "2024-03-05T09:30:00+01:00",
    "author": [{"@type": "Person", "name": "Marta Keel"}, {"@type": "Person", "name": "Reuters"}],
    "publisher": {"@type": "Organization", "name": "The Lowater Post"},
    "description": "A four-year dispute over a historic crossing ends with a vote for timber "
    "and steel",
}


def full_page(**kw: str) -> str:
    head = (
        '<link rel="canonical" href="https://lowaterpost.example/news/footbridge-vote">'
        '<meta property="og:site_name" content="The Lowater Post">'
        f'<script type="application/ld+json">{json.dumps(JSONLD)}</script>'
    )
    return page(article_body(), head=head, **kw)


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_body_paragraphs_and_heading_kept_in_order() -> None:
    res = extract_html(full_page(), "https://lowaterpost.example/news/footbridge-vote?utm=x")
    paras = paragraphs(res.text)
    assert paras[0] == PARAS[0]
    assert HEADING in paras
    assert paras.index(HEADING) + 1 == paras.index(AFTER_HEADING)
    assert paras[-1] == PARAS[-1]
    # exactly one blank line between paragraphs, no stray whitespace
    assert "\n\n\n" not in res.text
    assert all(p == p.strip() and p for p in paras)
    # page chrome stays out
    for chrome in ("Home", "About us", "Contact the newsroom", "Terms of use"):
        assert chrome not in res.text


def test_metadata_from_jsonld_and_meta_tags() -> None:
    res = extract_html(full_page(), "https://lowaterpost.example/news/footbridge-vote?utm=x")
    assert res.title == TITLE
    assert res.published == "2024-03-05T09:30+01:00"
    assert res.published_precision == "minute"
    assert res.authors == ["Marta Keel"]
    assert res.agencies == ["Reuters"]
    assert res.publisher == "The Lowater Post"
    assert res.url == "https://lowaterpost.example/news/footbridge-vote"
    assert res.language == "en"
    # a description without final punctuation that is not in the body is a standfirst
    assert res.subtitle == JSONLD["description"]


def test_headline_repeated_in_body_is_not_body_text() -> None:
    body = f"<p>{TITLE}</p>" + article_body()
    res = extract_html(page(body), None)
    assert not res.text.startswith(TITLE)
    assert res.title == TITLE


def test_description_that_is_the_lede_is_not_a_subtitle() -> None:
    head = f'<meta name="description" content="{PARAS[0]}">'
    res = extract_html(page(article_body(), head=head), "https://lowaterpost.example/a")
    assert res.subtitle is None
    assert res.text.startswith(PARAS[0])


def test_meta_date_day_precision_and_publisher_from_url() -> None:
    head = '<meta name="date" content="2023-11-20">'
    res = extract_html(page(article_body(), head=head), "https://www.lowater-post.example/x")
    assert (res.published, res.published_precision) == ("2023-11-20", "day")
    assert res.publisher  # read from the domain when the page names none
    assert res.url == "https://www.lowater-post.example/x"


def test_date_from_url_when_page_has_none() -> None:
    res = extract_html(page(article_body()), "https://lowaterpost.example/2022/07/14/bridge")
    assert (res.published, res.published_precision) == ("2022-07-14", "day")


def test_no_date_is_null() -> None:
    res = extract_html(page(article_body()), "https://lowaterpost.example/bridge")
    assert res.published is None and res.published_precision is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-11-18T10:05:00Z", ("2019-11-18T10:05+00:00", "minute")),
        ("2019-11-18T10:05:00-0500", ("2019-11-18T10:05-05:00", "minute")),
        ("2019-11-18T00:00:00", ("2019-11-18", "day")),
        ("2019-11-18", ("2019-11-18", "day")),
        ("not a date", None),
    ],
)
def test_parse_machine_dates(raw: str, expected: tuple[str, str] | None) -> None:
    assert _parse_date(raw) == expected


def test_wire_credit_in_lede_is_an_agency() -> None:
    body = article_body().replace("<p>The council", "<p>LOWATER (AP) \u2014 The council", 1)
    res = extract_html(page(body), None)
    assert "AP" in res.agencies
    assert res.authors == []


def test_trailing_newsletter_and_teasers_removed() -> None:
    teaser = '<p><a href="/news/other">Read about the mayor who once swam the canal</a></p>'
    tail = (
        "<p>Sign up for our daily newsletter to get the headlines in your inbox.</p>"
        "<p>Copyright 2024 The Lowater Post. All rights reserved.</p>"
    )
    body = article_body().replace(f"<h2>{HEADING}</h2>", teaser + f"<h2>{HEADING}</h2>") + tail
    res = extract_html(page(body), None)
    assert "swam the canal" not in res.text
    assert "newsletter" not in res.text
    assert "rights reserved" not in res.text
    assert paragraphs(res.text)[-1] == PARAS[-1]
    assert "newsletter" in {b.reason for b in res.removed}


def test_inline_span_classes_do_not_drop_words() -> None:
    linked = '<span class="link"><a href="/budget">a third of which</a></span>'
    body = article_body().replace("a third of which", linked)
    res = extract_html(page(body), None)
    assert "about a third of which will come" in res.text


def test_body_split_into_same_class_chunks_is_merged() -> None:
    first = "".join(f"<p>{p}</p>" for p in PARAS[:3])
    second = f"<h2>{HEADING}</h2><p>{AFTER_HEADING}</p>" + "".join(f"<p>{p}</p>" for p in PARAS[3:])
    body = (
        f'<div class="chunks"><div class="slot"><div class="story-text">{first}</div></div>'
        '<div class="ad-slot"><p>Advertisement</p></div>'
        f'<div class="slot"><div class="story-text">{second}</div></div></div>'
    )
    html = page("", after=body)
    res = extract_html(html, None)
    assert PARAS[0] in res.text and PARAS[-1] in res.text
    assert res.text.index(PARAS[0]) < res.text.index(PARAS[-1])


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><head><title>Nothing</title></head><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
    ],
)
def test_page_without_article_raises_clean_error(html: str) -> None:
    with pytest.raises(CleanError):
        extract_html(html, None)


def test_non_english_language_detected() -> None:
    german = [
        "Der Gemeinderat hat am Dienstag mit großer Mehrheit beschlossen, die alte Brücke "
        "über den Kanal durch einen Neubau aus Holz und Stahl zu ersetzen.",
        "Die Ingenieure erklärten, dass die Brücke aus dem Jahr 1911 die Menschenmengen an "
        "Markttagen nicht mehr tragen könne und eine Reparatur teurer wäre als ein Neubau.",
        "Die Bauarbeiten sollen im kommenden Frühjahr beginnen und etwa ein Jahr dauern, "
        "teilte die Stadtverwaltung nach der Sitzung mit.",
    ]
    body = "".join(f"<p>{p}</p>" for p in german)
    res = extract_html(page(body, title="Neue Brücke für die Altstadt"), None)
    assert res.language == "de"
    assert res.text.startswith(german[0])


def _shingle_f1(common: object, gold: str, pred: str) -> float:
    return common.shingle_doc_f1(common.shingle_tp_fp_fn(gold, pred))  # type: ignore[attr-defined]


@pytest.mark.shared
def test_article_extraction_benchmark_sample() -> None:
    data = SHARED_DIR / "data" / "article-extraction"
    if not (data / "ground-truth.json").is_file():
        pytest.skip("../shared not present")
    sys.path.insert(0, str(SHARED_DIR / "eval"))
    try:
        import common  # the benchmark's own shingle metric
    finally:
        sys.path.pop(0)
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(gt)[:12]
    scores = []
    for i in ids:
        html = gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes())
        res = extract_html(html.decode("utf-8", "replace"), gt[i].get("url"))
        assert re.search(r"\n{3,}", res.text) is None
        scores.append(_shingle_f1(common, gt[i]["articleBody"], res.text))
    assert sum(scores) / len(scores) > 0.9


def test_in_body_teaser_lines_and_tag_section_removed() -> None:
    teaser = "<p>READ MORE: Canal boat festival returns after two years</p>"
    tags = "<p>Tags</p><p>bridges, canal, council, heritage</p>"
    body = article_body().replace(f"<h2>{HEADING}</h2>", teaser + f"<h2>{HEADING}</h2>") + tags
    res = extract_html(page(body), None)
    assert "Canal boat festival" not in res.text
    assert "heritage\n" not in res.text and not res.text.endswith("heritage")
    assert paragraphs(res.text)[-1] == PARAS[-1]


def test_hover_card_inside_sentence_dropped() -> None:
    card = (
        '<span class="rollover-people-block"><a href="/people/keel">Marta Keel</a>'
        '<a href="/news/older">An older story about the canal</a></span>'
    )
    body = article_body().replace("Engineers told", f"Engineers{card} told", 1)
    res = extract_html(page(body), None)
    assert "Engineers told councillors" in res.text
    assert "older story" not in res.text


def test_embedded_post_kept_as_quoted_text() -> None:
    tweet = (
        '<div class="social-media-embed"><blockquote class="twitter-tweet"><p>The new bridge '
        'plans look great, see the drawings here <a href="https://t.example/x">t.example/x</a>'
        '</p>&mdash; A Resident (@resident) <a href="https://t.example/s/1">March 5, 2024</a>'
        "</blockquote></div>"
    )
    body = article_body().replace(f"<h2>{HEADING}</h2>", tweet + f"<h2>{HEADING}</h2>")
    res = extract_html(page(body), None)
    assert "The new bridge plans look great" in res.text


def test_malformed_jsonld_values_are_ignored() -> None:
    odd = {
        "@type": ["NewsArticle"],
        "headline": ["not", "a", "string"],
        "author": {"name": 5},
        "datePublished": 20190101,
        "publisher": [],
        "description": {"text": "x"},
    }
    head = f'<script type="application/ld+json">{json.dumps(odd)}</script>'
    head += '<script type="application/ld+json">{"broken": </script>'
    res = extract_html(page(article_body(), head=head), None)
    assert res.title == TITLE  # from the <h1>/<title>, not the list
    assert res.authors == [] and res.published is None
    assert res.text.startswith(PARAS[0])


def test_author_roles_outlets_and_organisations_are_not_people() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": TITLE,
        "author": [
            {"@type": "Person", "name": "Jonas Brill, AP Science Writer"},
            {"@type": "Person", "name": "Ana Y. Ortiz, Lowaterpost.example"},
            {"@type": "Organization", "name": "Agence France-Presse"},
            {"@type": "Person", "name": "Lowater"},
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    res = extract_html(page(article_body(), head=head), None)
    assert res.authors == ["Jonas Brill", "Ana Y. Ortiz"]
    assert sorted(res.agencies) == ["AFP", "AP"]


def test_publisher_name_cleanup() -> None:
    head = '<meta property="og:site_name" content="Lowater Post | News | Sport | Weather">'
    res = extract_html(page(article_body(), head=head), None)
    assert res.publisher == "Lowater Post"


def test_link_made_blocks_are_teasers() -> None:
    from lxml import html as lxml_html

    from newsdesk.clean.html import _key, _link_only_blocks

    card = "Ferry timetable changes for the winter season announced"
    linked_para = "Read how the library opened a new reading room for children"
    item = "Market square to get new benches"
    prose = "The mayor said the square would be ready by May and thanked the volunteers"
    tree = lxml_html.fromstring(
        f'<div><div><a href="/a"><img src="x.jpg"><h3>{card}</h3></a></div>'
        f'<p><a href="/b">{linked_para}</a></p>'
        f'<ul><li><a href="/c">{item}</a>, in pictures</li></ul>'
        f'<p>{prose} <a href="/d">at the meeting</a>.</p></div>'
    )
    teasers, linky = _link_only_blocks(tree)
    assert _key(card) in teasers
    assert _key(linked_para) in teasers
    assert _key(item + ", in pictures") in linky
    assert _key(prose + " at the meeting.") not in teasers | linky


def test_offset_map_points_at_raw_characters() -> None:
    html = full_page()
    res = extract_html(html, None)
    assert res.offset_map, "plain paragraphs should be traceable to the page"
    for clean_start, raw_start, n in res.offset_map:
        assert res.text[clean_start : clean_start + n] == html[raw_start : raw_start + n]
    mapped = sum(n for _, _, n in res.offset_map)
    assert mapped >= 0.9 * len(res.text.replace("\n\n", ""))


def test_unknown_wire_credit_and_agency_organisation_author() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": TITLE,
        "author": [{"@type": "Organization", "name": "Kestrel Press Agency"}],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    body = article_body().replace("<p>The council", "<p>LOWATER (KPA) \u2014 The council", 1)
    res = extract_html(page(body, head=head), None)
    # the agency's full name folds into the credit its dateline uses
    assert res.agencies == ["KPA"]
    assert res.authors == []
    plain = extract_html(page(article_body(), head=head), None)
    assert plain.agencies == ["Kestrel Press Agency"]


def test_feed_footers_removed_and_feed_site_is_the_aggregator() -> None:
    tail = (
        "<p><em>Listen to the full report on Lowater Radio at the top of the hour.</em></p>"
        '<p>The post <a href="https://quayside.example/s/1">Lowater council approves new '
        'footbridge</a> appeared first on <a href="https://quayside.example/">Quayside '
        "Daily</a>.</p>"
    )
    fragment = "\n".join(f"<p>{p}</p>" for p in PARAS) + tail
    res = extract_html(fragment, None)
    assert paragraphs(res.text) == PARAS
    doc = Document(
        source="feed.rss#1", kind="html", content=fragment, given={"publisher": "Lowater Post"}
    )
    r = clean_document(doc)
    assert (r.publisher, r.aggregator) == ("Lowater Post", "Quayside Daily")
