"""Possible safeguarding disclosures in free text.

A concern lexicon (surveys/analysis/concern_lexicon.yaml) lists patterns per
category; an answer matching any of them is flagged for the designated
safeguarding lead. The design leans to recall: missing a disclosure is far
worse than a DSL reading an extra answer.

How an answer is checked:
1. text speak is spelled out and the answer tokenised ("kms" -> "kill myself",
   "sumtimes i wanna die" -> "sometimes i want to die");
2. idioms listed under safe_phrases are blanked out ("this homework is killing
   me", "my mum would kill me"), so the rest of the answer is still checked;
3. one combined regular expression holding every pattern runs over the words.

Third-party disclosures ("my friend said her stepdad touches her") are caught
by patterns built from sets ({adult} ... touch* {target}) rather than by
looking for "I".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


from voice.analysis import DefinitionError
from voice.analysis.codebook import (
    _content_version, compose_yaml, mapping_items, node_line, text_list,
)
from voice.analysis.tokenize import normalise, normalised_tokens, tokenize
from voice.definitions import read_definition_text

__all__ = ["CATEGORIES", "Concern", "ConcernLexicon", "load_lexicon", "parse_lexicon", "DefinitionError"]

CATEGORIES = (
    "self_harm_suicide", "abuse_at_home", "sexual_abuse", "grooming_exploitation",
    "threats_blackmail", "violence_weapons", "missing_unsafe_home", "other",
)
_SET_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SET_REF = re.compile(r"^\{([a-z][a-z0-9_]*)\}$")
_GAP = "..."
_GAP_RE = " (?:[^ ]+ ){0,4}"  # up to four words between two parts of a pattern


@dataclass(frozen=True)
class Concern:
    flag: bool
    categories: tuple[str, ...] = ()
    matches: tuple[str, ...] = ()  # the words in the answer that fired


NO_CONCERN = Concern(False)


def _word_regex(word: str) -> str:
    """One place in a pattern: a word, a stem ("stab*") or choices ("hit|hits")."""
    choices = []
    for choice in word.split("|"):
        stem = choice.endswith("*")
        tokens = tokenize(normalise(choice.rstrip("*")))
        if not tokens:
            continue
        body = " ".join(re.escape(t) for t in tokens)
        choices.append(body + "[^ ]*" if stem else body)
    if not choices:
        return ""
    choices.sort(key=len, reverse=True)
    return choices[0] if len(choices) == 1 else "(?:" + "|".join(choices) + ")"


def _pattern_regex(pattern: str, sets: dict[str, str]) -> str:
    """Regex for one lexicon pattern over space-joined tokens, or "" if it has no words.

    Raises KeyError(set name) for an unknown {set}.
    """
    out = ""
    pending_gap = False
    for word in pattern.split():
        if word == _GAP:
            pending_gap = bool(out)
            continue
        ref = _SET_REF.match(word)
        piece = sets[ref.group(1)] if ref else _word_regex(word)
        if not piece:
            continue
        if out:
            out += _GAP_RE if pending_gap else " "
        out += piece
        pending_gap = False
    return out


@dataclass(frozen=True)
class ConcernLexicon:
    patterns: tuple[tuple[str, str], ...]  # (category, pattern) in file order
    safe_phrases: tuple[str, ...]
    sets: tuple[tuple[str, tuple[str, ...]], ...]
    version: str
    source: str = field(default="<lexicon>", compare=False)

    def __post_init__(self):
        set_regex = {name: "(?:" + "|".join(sorted(filter(None, (_word_regex_phrase(e) for e in entries)),
                                                   key=len, reverse=True)) + ")"
                     for name, entries in self.sets}
        alternatives = []
        categories = []
        first_words: set[str] = set()
        first_stems: set[str] = set()
        sets = dict(self.sets)
        for category, pattern in self.patterns:
            body = _pattern_regex(pattern, set_regex)
            if not body:
                continue
            alternatives.append(f"(?P<p{len(categories)}>{body})(?![^ ])")
            categories.append(category)
            _first_keys(pattern, sets, first_words, first_stems)
        # Every pattern in one regex, tried only at word starts whose word can
        # begin some pattern (the first_* tables): most words in most answers
        # ("the", "school", "because") begin none, so the regex rarely runs.
        object.__setattr__(self, "_regex", re.compile("|".join(alternatives)))
        object.__setattr__(self, "_categories", tuple(categories))
        object.__setattr__(self, "_first_words", frozenset(first_words))
        object.__setattr__(self, "_first_stems", frozenset(first_stems))
        object.__setattr__(self, "_stem_lengths", tuple(sorted({len(x) for x in first_stems})))
        safe = sorted(filter(None, (_word_regex_phrase(p) for p in self.safe_phrases)), key=len, reverse=True)
        object.__setattr__(self, "_safe", re.compile("(?<![^ ])(?:" + "|".join(safe) + ")(?![^ ])") if safe else None)

    def detect(self, text: str) -> Concern:
        """Whether an answer may be a disclosure, which categories, and the words that fired."""
        return self.detect_tokens(normalised_tokens(text))

    def detect_tokens(self, tokens: list[str]) -> Concern:
        """As `detect`, from tokens already normalised (the pipeline tokenises once)."""
        if not tokens:
            return NO_CONCERN
        joined = " ".join(tokens)
        if self._safe is not None:  # type: ignore[attr-defined]
            joined = self._safe.sub("_", joined)  # type: ignore[attr-defined]
        found_categories: dict[str, None] = {}
        matches: list[str] = []
        cats = self._categories  # type: ignore[attr-defined]
        regex = self._regex  # type: ignore[attr-defined]
        first_words, first_stems = self._first_words, self._first_stems  # type: ignore[attr-defined]
        lengths = self._stem_lengths  # type: ignore[attr-defined]
        pos = 0
        # Try every word start, not only after the previous match, so a long
        # match ("someone threatened to beat me") cannot hide a pattern that
        # starts inside it ("threat*").
        for word in joined.split(" "):
            if word in first_words or any(word[:k] in first_stems for k in lengths if k <= len(word)):
                m = regex.match(joined, pos)
                if m is not None:
                    found_categories[cats[int(m.lastgroup[1:])]] = None
                    matches.append(m.group(m.lastgroup))
            pos += len(word) + 1
        if not matches:
            return NO_CONCERN
        ordered = tuple(c for c in CATEGORIES if c in found_categories)
        return Concern(True, ordered, tuple(dict.fromkeys(matches)))


def _first_keys(pattern: str, sets: dict[str, tuple[str, ...]], words: set[str], stems: set[str]) -> None:
    """Add the words (or stems) a pattern can start with to the prefilter tables."""
    for piece in pattern.split():
        if piece == _GAP:
            continue
        ref = _SET_REF.match(piece)
        starts = [entry.split()[0] for entry in sets[ref.group(1)]] if ref else [piece]
        for start in starts:
            for choice in start.split("|"):
                tokens = tokenize(normalise(choice.rstrip("*")))
                if not tokens:
                    continue
                if choice.endswith("*") and len(tokens) == 1:
                    stems.add(tokens[0])
                else:
                    words.add(tokens[0])
        return


def _word_regex_phrase(phrase: str) -> str:
    """A multi-word entry (set entry or safe phrase) as a regex."""
    parts = [_word_regex(w) for w in phrase.split()]
    return " ".join(p for p in parts if p)


def parse_lexicon(text: str, source: str = "<lexicon>") -> ConcernLexicon:
    root = compose_yaml(text, source)
    top = mapping_items(root, source, None)
    allowed = ("sets", "safe_phrases", "categories")
    for name, (key, _) in top.items():
        if name not in allowed:
            raise DefinitionError(source, node_line(key), name, "unknown setting (expected: " + ", ".join(allowed) + ")")
    if "categories" not in top:
        raise DefinitionError(source, node_line(root), "categories", "is missing")

    sets: list[tuple[str, tuple[str, ...]]] = []
    if "sets" in top:
        for name, (key, value) in mapping_items(top["sets"][1], source, "sets").items():
            if not _SET_NAME.match(name):
                raise DefinitionError(source, node_line(key), f"sets.{name}", "set names are lower case letters, digits and _")
            entries = text_list(value, source, f"sets.{name}", "words or phrases")
            if not entries:
                raise DefinitionError(source, node_line(value), f"sets.{name}", "must not be empty")
            sets.append((name, entries))
    set_names = {name for name, _ in sets}
    safe = text_list(top["safe_phrases"][1], source, "safe_phrases", "phrases") if "safe_phrases" in top else ()

    patterns: list[tuple[str, str]] = []
    for category, (key, value) in mapping_items(top["categories"][1], source, "categories").items():
        where = f"categories.{category}"
        if category not in CATEGORIES:
            raise DefinitionError(source, node_line(key), where,
                                  "unknown category (expected one of: " + ", ".join(CATEGORIES) + ")")
        items = text_list(value, source, where, "patterns")
        for i, pattern in enumerate(items):
            for word in pattern.split():
                ref = re.fullmatch(r"\{(.*)\}", word)
                if ref and ref.group(1) not in set_names:
                    raise DefinitionError(source, node_line(value.value[i]), f"{where}[{i}]",
                                          f"unknown set {{{ref.group(1)}}} (sets defined: {', '.join(sorted(set_names)) or 'none'})")
            if all(w == _GAP for w in pattern.split()):
                raise DefinitionError(source, node_line(value.value[i]), f"{where}[{i}]", "a pattern needs a word")
            patterns.append((category, pattern))
    if not patterns:
        raise DefinitionError(source, node_line(top["categories"][1]), "categories", "must list at least one pattern")
    data = {"sets": {n: list(e) for n, e in sets}, "safe_phrases": list(safe),
            "categories": [[c, p] for c, p in patterns]}
    try:
        return ConcernLexicon(tuple(patterns), safe, tuple(sets), _content_version(data), source)
    except re.error as exc:  # a stray regex character that escaping did not cover
        raise DefinitionError(source, None, "categories", f"a pattern could not be compiled: {exc}") from None


def load_lexicon(path: str | Path) -> ConcernLexicon:
    return parse_lexicon(read_definition_text(path), str(path))
