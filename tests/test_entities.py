"""Entities: NER mentions, within-article chains, roles, pronoun and role resolution."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.annotate import annotate_article
from newsdesk.annotate.entities import build_entities, fullness, name_key, name_tokens
from newsdesk.annotate.nlp import ner_docs
from newsdesk.model import Article

TEXT = (
    "Port authority spokesman Viktor Hallberg said the docks would reopen.\n\n"
    "Hallberg added that the cranes had been inspected. He did not give a date.\n\n"
    "The spokesman later met officials in Rotterdam."
)


def _index(text: str):
    return build_entities(text, ner_docs([text])[0])


def test_surname_joins_full_name_chain() -> None:
    idx = _index(TEXT)
    persons = [m for m in idx.mentions if m.type == "PERSON"]
    assert {m.text for m in persons} >= {"Viktor Hallberg", "Hallberg"}
    assert len({m.cluster for m in persons}) == 1
    assert all(m.canonical == "Viktor Hallberg" for m in persons)
    for m in idx.mentions:
        assert TEXT[m.start : m.end] == m.text


def test_roles_and_role_resolution() -> None:
    idx = _index(TEXT)
    chain = idx.chain(next(m.cluster for m in idx.mentions if m.text == "Hallberg"))
    assert "spokesman" in chain.roles
    pos = TEXT.index("The spokesman")
    assert idx.resolve_role("spokesman", "The spokesman", pos, []) is chain
    assert idx.resolve_pronoun("he", TEXT.index("He did"), []) is chain


def test_two_people_same_surname_stay_apart() -> None:
    text = (
        "Economist Laura Fenwick said prices would rise. Her brother, the banker Paul "
        "Fenwick, said they would fall."
    )
    idx = _index(text)
    names = {idx.chain(m.cluster).canonical for m in idx.mentions if m.type == "PERSON"}
    assert {"Laura Fenwick", "Paul Fenwick"} <= names


def test_titles_stripped_and_initials_not_fuller() -> None:
    assert name_tokens("President Anna Kovacs") == ["anna", "kovacs"]
    assert fullness("Dmitry Peskov") > fullness("Dmitry S. Peskov")
    assert fullness("Dmitry Peskov") > fullness("Peskov")
    assert name_key("Kiev", "GPE") == name_key("Kyiv", "GPE")
    assert name_key("the Kremlin", "ORG") == "kremlin"


def test_annotate_fills_mentions_sorted_with_offsets() -> None:
    art = Article(id="e", source="e", text=TEXT)
    annotate_article(art)
    assert art.mentions, "no mentions"
    assert [m.start for m in art.mentions] == sorted(m.start for m in art.mentions)
    for m in art.mentions:
        assert art.text[m.start : m.end] == m.text
        assert m.canonical
    assert any(m.type == "GPE" and m.text == "Rotterdam" for m in art.mentions)


def test_short_org_names_take_the_full_name() -> None:
    from newsdesk.annotate.entities import Chain, _full_org_names

    chains = [
        Chain(0, "ORG", "Eastway Airlines"),
        Chain(1, "ORG", "Eastway"),
        Chain(2, "GPE", "Lakeland"),
        Chain(3, "ORG", "Lakeland Department of Roads"),
        Chain(4, "ORG", "Evening Courier"),
        Chain(5, "ORG", "Courier"),
        Chain(6, "ORG", "Northern Party"),
        Chain(7, "ORG", "Southern Party"),
        Chain(8, "ORG", "Party"),
    ]
    _full_org_names(chains)
    assert chains[1].canonical == "Eastway Airlines"
    assert chains[5].canonical == "Evening Courier"  # "the Courier": one longer name ends so
    assert chains[2].canonical == "Lakeland"  # a place is not a department
    assert chains[8].canonical == "Party"  # two candidates: ambiguous, left alone


# ------------------------------------------------------------ gender from pronouns
def _voted(text: str, names: list[str], quoted=None) -> dict[str, str | None]:
    """Genders that the pronoun vote gives the people named in ``text`` (one chain each)."""
    from newsdesk.annotate.entities import Chain, _vote_gender
    from newsdesk.model import Mention

    chains: list[Chain] = []
    mentions: list[Mention] = []
    for name in names:
        cid = len(chains)
        chains.append(Chain(id=cid, type="PERSON", canonical=name))
        start = 0
        while (start := text.find(name, start)) != -1:
            mentions.append(Mention(start, start + len(name), name, "PERSON", cid))
            start += len(name)
    mentions.sort(key=lambda m: m.start)
    _vote_gender(text, mentions, chains, quoted or (lambda _p: False))
    return {c.canonical: c.gender for c in chains}


def test_possessive_her_votes_and_object_her_does_not() -> None:
    assert _voted("Rosa Medina lives with her son and his father.", ["Rosa Medina"]) == {
        "Rosa Medina": "f"
    }
    assert _voted("Tomas Berg told her that the road was closed.", ["Tomas Berg"]) == {
        "Tomas Berg": None
    }


def test_pronoun_inside_someone_elses_quote_does_not_vote() -> None:
    text = "\u201cHe is a very smart kid,\u201d Medina said. \u201cHe listens.\u201d"
    inside = [(text.index("He is"), text.index(",\u201d")), (text.index("He listens"), len(text))]

    def quoted(pos: int) -> bool:
        return any(s <= pos < e for s, e in inside)

    assert _voted(text, ["Medina"], quoted) == {"Medina": None}
    assert _voted(text, ["Medina"]) == {"Medina": "m"}  # the quotes are what change it


def test_pronoun_after_the_second_person_of_a_sentence_does_not_vote() -> None:
    text = "Medina said Diego will start school soon, but she does not know when."
    assert _voted(text, ["Medina", "Diego"]) == {"Medina": None, "Diego": None}
    assert _voted("Diego will start school soon, but he is nervous.", ["Diego"]) == {"Diego": "m"}


@given(
    st.text(alphabet="Ab-_ .é1\n", max_size=40),
    st.sampled_from(["Ab", "AbAb", "A", "Abé", "b-A"]),
)
def test_word_starts_finds_what_the_bounded_regex_finds(text: str, word: str) -> None:
    from newsdesk.annotate.entities import _word_starts

    rx = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
    assert list(_word_starts(text, word)) == [m.start() for m in rx.finditer(text)]


_ROLE_PIECES = [
    "spokesman", "Spokesman", "SPOKESWOMAN", "chief executive", "Chief  Executive",
    "minister", "Ministers", "director", "aide", "Anna Kowal", "Piet de Vries", "J. Osei",
    "Ines Kaldor", "the", "said", ",", ", ", ".", " ", "\n", "é", "Ämter", "ſpokesman",
    "Kelvin \u212a", "İstanbul", "x", "ministerial",
]  # fmt: skip


@given(st.lists(st.sampled_from(_ROLE_PIECES), max_size=25).map(" ".join))
def test_role_first_patterns_find_what_a_plain_scan_finds(text: str) -> None:
    from newsdesk.annotate.entities import (
        _FOLDS_UNLIKE_LOWER,
        _ROLE_NAME_APPOS,
        _ROLE_NAME_BEFORE,
        _ROLE_START,
        _role_first,
    )

    starts = [m.start() for m in _ROLE_START.finditer(text.lower())]
    for rx in (_ROLE_NAME_BEFORE, _ROLE_NAME_APPOS):
        plain = [m.span(1) for m in rx.finditer(text)]
        assert [m.span(1) for m in _role_first(rx, text, None)] == plain
        if not _FOLDS_UNLIKE_LOWER.search(text):
            assert [m.span(1) for m in _role_first(rx, text, starts)] == plain


def test_role_first_patterns_are_found_in_any_case() -> None:
    from newsdesk.annotate.entities import _role_anchored

    text = "As SPOKESMAN Piet Valk said, the Director, Anna Kowal, agreed with ſpokesman Jo Ek."
    assert {text[s:e] for s, e in _role_anchored(text)} == {"Anna Kowal", "Jo Ek", "Piet Valk"}


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=30))
def test_fold_of_ascii_text_is_the_full_fold(text: str) -> None:
    import unicodedata

    from newsdesk.annotate.entities import fold

    full = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    full = "".join(c for c in full if not unicodedata.combining(c)).lower()
    assert fold(text) == full
    assert fold("Zelenskyy\u2019s Kyïv") == "zelenskyy's kyiv"
