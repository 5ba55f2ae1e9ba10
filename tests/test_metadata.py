"""Metadata helpers: dates, bylines, agencies, publishers, language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.clean import metadata as md
from newsdesk.clean.metadata import (
    brand_in_text,
    dateline_agencies,
    detect_language,
    feed_origin,
    find_dates,
    given_published,
    is_agency,
    merge_agencies,
    parse_byline,
    parse_date,
    publisher_from_url,
    split_people_and_agencies,
)

NOON = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3, 2024", ("2024-03-03", "day")),
        ("Mar. 3, 2024", ("2024-03-03", "day")),
        ("Sept. 14, 2023", ("2023-09-14", "day")),
        ("3 March 2024", ("2024-03-03", "day")),
        ("Sunday, March 3, 2024", ("2024-03-03", "day")),
        ("March 3, 2024 4:05 PM", ("2024-03-03T16:05", "minute")),
        ("Updated: March 3, 2024 at 9:15 a.m.", ("2024-03-03T09:15", "minute")),
        ("2024-03-03", ("2024-03-03", "day")),
        ("2024-03-03T08:30:00Z", ("2024-03-03T08:30+00:00", "minute")),
        ("Sun, 03 Mar 2024 08:30:00 GMT", ("2024-03-03T08:30+00:00", "minute")),
    ],
)
def test_parse_date_absolute(text: str, expected: tuple[str, str]) -> None:
    assert parse_date(text, relative_to=None) == expected


def test_parse_date_relative_needs_reference() -> None:
    assert parse_date("5 hours ago", relative_to=None) is None
    assert parse_date("5 hours ago", relative_to=NOON) == ("2024-03-09T07:00+00:00", "approximate")
    assert parse_date("2 days ago", relative_to=NOON) == ("2024-03-07", "approximate")
    assert parse_date("yesterday", relative_to=NOON) == ("2024-03-08", "approximate")


def test_parse_date_rejects_non_dates() -> None:
    assert parse_date("The council met for 2024 minutes", relative_to=None) is None
    assert parse_date("", relative_to=None) is None
    assert parse_date("February 30, 2024", relative_to=None) is None


def test_find_dates_offsets_point_at_the_text() -> None:
    text = "The fair opened on June 2, 2023 and closed 2023-06-09."
    hits = find_dates(text)
    assert [h[2] for h in hits] == ["2023-06-02", "2023-06-09"]
    for start, end, _iso, _p in hits:
        assert text[start:end] in ("June 2, 2023", "2023-06-09")


def test_given_published_keeps_the_string_and_reads_precision() -> None:
    assert given_published("2024-05-01") == ("2024-05-01", "day")
    assert given_published("2024-05-01T10:00:00Z") == ("2024-05-01T10:00:00Z", "minute")
    assert given_published("May 1, 2024") == ("2024-05-01", "day")
    assert given_published(None) == (None, None)


def test_split_people_and_agencies() -> None:
    people, agencies = split_people_and_agencies(
        ["Marta Lindqvist and The Harbor Post news desk", "By AFP", "Reuters Staff"]
    )
    assert people == ["Marta Lindqvist"]
    assert agencies == ["AFP", "Reuters"]


def test_split_handles_lists_and_capitals() -> None:
    people, agencies = split_people_and_agencies(["OWEN PRICE, Lena Ortiz & The Associated Press"])
    assert people == ["Owen Price", "Lena Ortiz"]
    assert agencies == ["AP"]


def test_is_agency() -> None:
    assert is_agency("Agence France-Presse") == "AFP"
    assert is_agency("dpa") == "dpa"
    assert is_agency("Xinhua") == "Xinhua"
    assert is_agency("Maria Chen") is None


def test_parse_byline_reads_names_date_and_desk() -> None:
    info = parse_byline(
        "by Tomas Varga and The Lakeside Herald news desk May 2, 2024 3:10 PM 4 min read"
    )
    assert info is not None
    assert info["authors"] == ["Tomas Varga"]
    assert info["published"] == "2024-05-02T15:10"
    assert info["precision"] == "minute"
    assert info["publisher"] == "The Lakeside Herald"
    assert parse_byline("Buy now and save") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.reuters.com/world/x", "Reuters"),
        ("https://apnews.com/article/abc", "AP News"),
        ("https://www.example-daily.com/a/b", "Example Daily"),
        ("https://thenorthtimes.com/2024/story", "The North Times"),
        ("http://www.bbc.co.uk/news/1", "BBC News"),
        ("https://kxyz.com/news", "KXYZ"),
        ("not a url", None),
        (None, None),
    ],
)
def test_publisher_from_url(url: str | None, expected: str | None) -> None:
    assert publisher_from_url(url) == expected


def test_detect_language() -> None:
    en = (
        "The committee said on Tuesday that it would review the plan and report back to the council. "
        * 3
    )
    de = (
        "Die Regierung hat am Dienstag angekündigt, dass sie den Plan prüfen und dem Parlament "
        "bis zum Herbst einen Bericht vorlegen werde, obwohl mehrere Verbände Kritik geäußert haben."
    )
    fr = (
        "Le gouvernement a annoncé mardi qu'il examinerait le projet et présenterait un rapport au "
        "parlement avant l'automne, malgré les critiques de plusieurs associations."
    )
    assert detect_language(en) == "en"
    assert detect_language(de) == "de"
    assert detect_language(fr) == "fr"
    assert detect_language("12 34") is None


# --- wire datelines, agencies, bylines -------------------------------------------------


@pytest.mark.parametrize(
    ("lede", "expected"),
    [
        ("HARBOR FALLS (KPA) — Ferry crews walked out on Monday.", ["KPA"]),
        ("LONDON, Oct 5 (Reuters) - Prices rose for a third month.", ["Reuters"]),
        ("NEW HAVEN, Conn. (AP) — The mayor said on Friday.", ["AP"]),
        ("(Reuters) - Shares fell sharply in early trade.", ["Reuters"]),
        ("Lowater (AFP) - Officials said the road was closed.", ["AFP"]),
        ("SALT BAY (AP/dpa) — Two ships collided.", ["AP", "dpa"]),
        # an unknown abbreviation counts only after a dateline in capitals
        ("Lowater (KPA) - Officials said the road was closed.", []),
        ("The mayor (left) - who was re-elected - spoke.", []),
        ("HARBOR FALLS (2) — A list item.", []),
        ("HARBOR FALLS, N.Y. (WXYZ) — A station's own story.", []),  # a call sign
        ("Ferry crews walked out on Monday, the union said.", []),
    ],
)
def test_dateline_agencies(lede: str, expected: list[str]) -> None:
    assert dateline_agencies(lede) == expected


def test_agency_names_and_abbreviations() -> None:
    # an organisation calling itself a press agency is one, under its own name
    assert is_agency("Kestrel Press Agency") == "Kestrel Press Agency"
    assert is_agency("the Tidewater News Agency") == "Tidewater News Agency"
    assert is_agency("Kestrel Press") is None
    # the full name folds into the abbreviation the dateline uses
    assert merge_agencies(["Kestrel Press Agency", "KPA", "AFP"]) == ["KPA", "AFP"]
    assert merge_agencies(["Kestrel Press Agency"]) == ["Kestrel Press Agency"]
    # a byline credit in capitals is an organisation, not a person
    assert split_people_and_agencies(["KPA"]) == ([], ["KPA"])
    people, agencies = split_people_and_agencies(
        ["Kestrel Press Agency and the Lowater Post news desk"]
    )
    assert (people, agencies) == ([], ["Kestrel Press Agency"])


def test_byline_outlet_article_and_dotted_parts() -> None:
    info = parse_byline("by Ilse Marten and the Quorven Herald news desk May 2, 2024 9:05 AM")
    assert info is not None
    # lower-case "the" is the article, not part of the name
    assert info["publisher"] == "Quorven Herald"
    assert info["authors"] == ["Ilse Marten"]
    dotted = parse_byline("By Ilse Marten · Harbor Light Gazette · 3 June 2024")
    assert dotted is not None
    assert dotted["authors"] == ["Ilse Marten"]
    assert dotted["publisher"] == "Harbor Light Gazette"
    assert (dotted["published"], dotted["precision"]) == ("2024-06-03", "day")
    role = parse_byline("By Ilse Marten | Senior Correspondent")
    assert role is not None
    assert role["publisher"] is None
    assert role["authors"] == ["Ilse Marten"]
    # a section is not an outlet; an outlet of common words is
    for line, outlet in [
        ("By Ilse Marten | Opinion", None),
        ("By Ilse Marten | World News", None),
        ("By Ilse Marten · Daily Lantern", "Daily Lantern"),
        ("By Ilse Marten · Quorvenpost", "Quorvenpost"),
    ]:
        info = parse_byline(line)
        assert info is not None
        assert info["publisher"] == outlet, line


# --- publishers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://harborlightgazette.example/2024/x", "Harbor Light Gazette"),
        ("https://www.themarlowtimes.example/a", "The Marlow Times"),
        ("https://quorvenherald.example/", "Quorven Herald"),  # unknown name + English word
        ("https://sfledger.example/", "SF Ledger"),  # a leading acronym
        ("https://abc-news.example/", "ABC News"),
        ("https://gto-normativy.example/", "GTO Normativy"),  # not English: not split
        ("https://zyxwvut.example/", "Zyxwvut"),
    ],
)
def test_publisher_from_url_segments_glued_words(url: str, expected: str) -> None:
    assert publisher_from_url(url) == expected


def test_publisher_seed_outlets_are_not_hard_coded() -> None:
    # only general rules may name these: no entry for them in the known-outlet table
    assert not any("moscow" in d or "kyiv" in d for d in md._KNOWN_PUBLISHERS)


def test_brand_in_text_prefers_the_pages_own_spelling() -> None:
    page = "Flood water on Mill Lane. **Orlen Vale Courier / Per Aslund**\nThe river rose."
    assert brand_in_text("orlenvalecourier", page) == "Orlen Vale Courier"
    url = "https://orlenvalecourier.example/2024/06/01/flood"
    assert publisher_from_url(url, page) == "Orlen Vale Courier"
    # a possessive and a leading lower-case "the" are not part of the name
    assert brand_in_text("thequorvenherald", "said the Quorven Herald's editor") == "Quorven Herald"
    # words must be capitalised and adjacent
    assert brand_in_text("orlenvalecourier", "the orlen vale courier") is None
    assert brand_in_text("orlenvalecourier", "Orlen Vale, Courier") is None


def test_feed_origin() -> None:
    line = "The post Harbor ferry fares rise again appeared first on Quayside Daily."
    assert feed_origin(line) == "Quayside Daily"
    assert feed_origin("The post office reopened on Monday.") is None


def test_detect_language_uses_cld2_codes_of_today() -> None:
    he = "שלום לכולם, זהו מאמר חדשותי על הבחירות בישראל והמצב הפוליטי במדינה ועל ההשלכות"
    assert detect_language(he) == "he"  # CLD2 still says "iw"
    es = (
        "El ayuntamiento aprobó el martes la construcción de un nuevo puente sobre el río, "
        "después de tres años de debate entre los vecinos y el gobierno regional."
    )
    assert detect_language(es) == "es"


def test_strip_dateline_removes_only_a_wire_dateline() -> None:
    from newsdesk.clean.metadata import strip_dateline

    assert strip_dateline("HARBOR FALLS (KPA) — The ferry ran again.") == "The ferry ran again."
    assert strip_dateline("LONDON, Oct 5 (Reuters) - Prices rose.") == "Prices rose."
    plain = "The mayor (a former teacher) said the bridge would open."
    assert strip_dateline(plain) == plain
