"""Speech and attribution verbs, matched by word form (no lemmatizer needed)."""

from __future__ import annotations

import re

from newsdesk.annotate.alternation import trie_alternation

# the strongest cues: used to attribute a quote that is not syntactically attached
STRONG = {
    "say",
    "tell",
    "add",
    "write",
    "state",
    "declare",
    "announce",
    "explain",
    "note",
    "argue",
    "claim",
    "insist",
    "warn",
    "stress",
    "emphasize",
    "emphasise",
    "assert",
    "reply",
    "respond",
    "answer",
    "ask",
    "acknowledge",
    "admit",
    "concede",
    "confirm",
    "tweet",
    "post",
    "testify",
    "remark",
    "comment",
    "contend",
    "allege",
    "caution",
    "complain",
    "joke",
    "quip",
    "boast",
    "reiterate",
    "recall",
    "continue",
    "conclude",
    "point",
    "observe",
    "retort",
    "counter",
    "repeat",
    "shout",
    "whisper",
    "mutter",
    "yell",
    "plead",
    "exclaim",
}

# verbs that report speech or a source's claim; they take a quote or a clause: every
# strong cue except the manner-of-speaking ones, plus verbs that only attribute a clause
SPEECH = (STRONG - {"continue", "exclaim", "mutter", "plead", "whisper", "yell"}) | {
    "accuse",
    "advise",
    "agree",
    "anticipate",
    "assure",
    "believe",
    "blame",
    "charge",
    "cite",
    "clarify",
    "demand",
    "deny",
    "disclose",
    "estimate",
    "expect",
    "fear",
    "feel",
    "find",
    "forecast",
    "highlight",
    "hint",
    "hope",
    "imply",
    "indicate",
    "inform",
    "know",
    "lament",
    "learn",
    "maintain",
    "mention",
    "muse",
    "pledge",
    "predict",
    "proclaim",
    "project",
    "promise",
    "quote",
    "recount",
    "relate",
    "report",
    "reveal",
    "show",
    "signal",
    "specify",
    "suggest",
    "think",
    "threaten",
    "tout",
    "underline",
    "underscore",
    "urge",
    "vow",
    "wonder",
    "worry",
}
# verbs that frame a quoted phrase but do not introduce reported clauses
FRAMING = {
    "call",
    "describe",
    "dub",
    "label",
    "term",
    "brand",
    "condemn",
    "criticize",
    "criticise",
    "praise",
    "refute",
    "reject",
    "dismiss",
    "welcome",
    "hail",
    "slam",
    "denounce",
    "decry",
    "express",
    "voice",
    "characterize",
    "characterise",
    "vow",
    "promise",
    "pledge",
    "urge",
    "demand",
    "accuse",
    "blame",
    "question",
    "mock",
    "ridicule",
    "attack",
    "defend",
}
# cognitive verbs: only with a named or pronoun subject and a clause ("X believes that")
COGNITIVE = {"believe", "think", "feel", "fear", "expect", "hope", "worry", "wonder", "know"}
# verbs whose object is the attributed content: "X called for Y", "X urged Z to ..."
OBJECT = {
    "urge",
    "question",
    "cite",
    "propose",
    "discuss",
    "describe",
    "criticize",
    "criticise",
    "defend",
    "announce",
    "promise",
    "demand",
    "suggest",
    "plan",
    "want",
    "call",
    "reject",
    "deny",
    "dismiss",
    "praise",
    "blame",
    "accuse",
    "predict",
    "vow",
    "pledge",
    "threaten",
    "recommend",
    "endorse",
    "welcome",
    "condemn",
    "warn",
    "acknowledge",
    "admit",
    "concede",
    "mention",
    "highlight",
    "stress",
    "emphasize",
    "emphasise",
    "insist",
    "tout",
    "encourage",
    "support",
    "oppose",
    "push",
    "seek",
    "ask",
    "mock",
    "attack",
    "dispute",
    "challenge",
    "liken",
    "compare",
    "reveal",
    "release",
    "note",
    "claim",
}

IRREGULAR = {
    "say": ["said", "says", "saying"],
    "tell": ["told", "tells", "telling"],
    "write": ["wrote", "written", "writes", "writing"],
    "find": ["found", "finds", "finding"],
    "think": ["thought", "thinks", "thinking"],
    "feel": ["felt", "feels", "feeling"],
    "know": ["knew", "known", "knows", "knowing"],
    "learn": ["learned", "learnt", "learns", "learning"],
    "show": ["showed", "shown", "shows", "showing"],
    "forecast": ["forecast", "forecasts", "forecasting"],
    "quip": ["quipped", "quips", "quipping"],
    "admit": ["admitted", "admits", "admitting"],
    "post": ["posted", "posts", "posting"],
    "label": ["labeled", "labelled", "labels", "labeling", "labelling"],
    "signal": ["signaled", "signalled", "signals", "signaling", "signalling"],
    "dub": ["dubbed", "dubs", "dubbing"],
    "seek": ["sought", "seeks", "seeking"],
    "plan": ["planned", "plans", "planning"],
    "slam": ["slammed", "slams", "slamming"],
    "refer": ["referred", "refers", "referring"],
}


def _regular(lemma: str) -> list[str]:
    if lemma in IRREGULAR:
        return [lemma, *IRREGULAR[lemma]]
    forms = [lemma]
    if lemma.endswith("e"):
        forms += [lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms += [lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms += [lemma + "es", lemma + "ed", lemma + "ing"]
    else:
        forms += [lemma + "s", lemma + "ed", lemma + "ing"]
    return forms


FORMS: dict[str, str] = {}
for _lemma in sorted(SPEECH | FRAMING | STRONG | OBJECT):
    for _f in _regular(_lemma):
        FORMS.setdefault(_f, _lemma)

CUE_RE = re.compile(
    r"\b" + trie_alternation([*FORMS, "according"]) + r"\b",
    re.IGNORECASE,
)


def lemma_of(word: str) -> str | None:
    """The cue lemma of a word form, or None."""
    return FORMS.get(word.lower())


_FORM_HASHES: frozenset[int] | None = None


def form_hashes() -> frozenset[int]:
    """spaCy's LOWER hashes of the cue forms and "according"."""
    global _FORM_HASHES
    if _FORM_HASHES is None:
        from spacy.strings import hash_string

        _FORM_HASHES = frozenset(hash_string(w) for w in [*FORMS, "according"])
    return _FORM_HASHES
