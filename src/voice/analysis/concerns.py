"""Possible safeguarding disclosures in free text.

A concern lexicon (surveys/analysis/concern_lexicon.yaml) describes what a designated safeguarding
lead must see. The design leans to recall: missing a disclosure is far worse than a lead reading an
extra answer. An answer is checked in four steps:

1. text speak is spelled out and the answer tokenised ("kms" -> "kill myself", "every1" ->
   "everyone"); idioms listed under `safe_phrases` are blanked out ("this homework is killing me",
   "my mum would kill me"), so the rest of the answer is still checked;
2. **disclosures** (`categories`): patterns of words ("cutting myself", "{adult} ... {hit} {target}");
   **topics** (`topics`): words that name a risk without saying it happens to anyone ("county lines",
   "self harm", "knife");
   **indicator frames** (`frames`): sets of words that together point to a risk even when each word is
   ordinary: who x what x whom, e.g. `older + secrecy` ("a man at the bus stop ... not to tell mum"),
   `debt + obligation` ("i owe them ... working it off"), all within a few words of each other;
3. **stance** (`stance`): answers *about* a topic rather than disclosing it (a lesson, the news, a
   suggestion for adults, a joke, a worry that is over) drop the hits that the stance covers; a hit
   with the writer or a named person in it, still happening, is never dropped (see `_kept`);
4. every hit that survives names its category and the words that fired: `Concern.matches` is what the
   lead is shown ("older + secrecy: 'older', 'not to tell'").

Pattern syntax (all sections): `word`, `word*` (any ending), `a|b` (a choice in one place), `{set}`
(any entry of a named set; entries may be several words) and `...` (a gap of up to four words).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voice.analysis import DefinitionError
from voice.analysis.codebook import (
    _content_version, compose_yaml, mapping_items, node_line, text_list,
)
from voice.analysis.tokenize import is_non_answer, normalise, normalised_tokens, tokenize
from voice.definitions import read_definition_text
from voice.models.analysis import CONCERN_CATEGORIES, NOT_SCREENED

if TYPE_CHECKING:
    from voice.analysis.model import ConcernModel, LinearModel

log = logging.getLogger(__name__)

__all__ = ["CATEGORIES", "NOT_SCREENED", "Concern", "ConcernLexicon", "load_lexicon", "parse_lexicon",
           "DefinitionError", "STANCES"]

CATEGORIES = CONCERN_CATEGORIES
_ORDER = CATEGORIES + (NOT_SCREENED,)

# Stance cues (lexicon section `stance`). What each one does is in `_kept`.
STANCES = ("about", "general", "resolved", "joke", "ongoing", "personal")

_SET_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SET_REF = re.compile(r"^\{([a-z][a-z0-9_]*)\}$")
_GAP = "..."
_GAP_RE = " (?:[^ ]+ ){0,4}"  # up to four words between two parts of a pattern
FRAME_WINDOW = 14  # every part of a frame within this many words of the first
STANCE_WINDOW = 12  # a stance cue covers a hit within this many words (the whole answer if it is short)
SHORT_ANSWER = 40  # words


@dataclass(frozen=True)
class Concern:
    flag: bool
    categories: tuple[str, ...] = ()
    matches: tuple[str, ...] = ()  # why: the words or indicator frame that fired, shown to the lead


NO_CONCERN = Concern(False)


@dataclass(frozen=True)
class Signals:
    concern: Concern
    hits: tuple  # every _Hit: disclosures, topics, frames, set words and stance cues
    dropped: bool = False  # something matched but the answer's stance dropped all of it
    probability: float | None = None  # the model's, when it was asked and flagged
    features: set | None = field(default=None, compare=False)  # what the model read, when it was asked


# ---------------------------------------------------------------- compiling patterns

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


def _word_regex_phrase(phrase: str) -> str:
    """A multi-word entry (set entry or safe phrase) as a regex."""
    parts = [_word_regex(w) for w in phrase.split()]
    return " ".join(p for p in parts if p)


def _pattern_regex(pattern: str, sets: dict[str, str]) -> str:
    """Regex for one lexicon pattern over space-joined tokens, or "" if it has no words."""
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


def _second_words(pattern: str, sets: dict[str, tuple[str, ...]]) -> frozenset | None:
    """The exact words a pattern's second word can be, or None when it could be anything (a gap, a stem)."""
    pieces = pattern.split()
    out: set[str] = set()
    ref = _SET_REF.match(pieces[0]) if pieces else None
    if ref:
        # The second word is inside an entry, or is the pattern's next piece for one-word entries.
        for entry in sets[ref.group(1)]:
            words = entry.split()
            follow = words[1] if len(words) > 1 else (pieces[1] if len(pieces) > 1 else None)
            got = _piece_words(follow, sets) if follow else None
            if got is None:
                return None
            out |= got
        return frozenset(out)
    if len(pieces) < 2:
        return None
    return _piece_words(pieces[1], sets)


def _piece_words(piece: str, sets: dict[str, tuple[str, ...]]) -> frozenset | None:
    if piece == _GAP or "*" in piece:
        return None
    ref = _SET_REF.match(piece)
    choices = [e.split()[0] for e in sets[ref.group(1)]] if ref else piece.split("|")
    out = set()
    for choice in choices:
        if "*" in choice:
            return None
        tokens = tokenize(normalise(choice))
        if not tokens:
            return None
        out.add(tokens[0])
    return frozenset(out)


def _first_keys(pattern: str, sets: dict[str, tuple[str, ...]]) -> tuple[set[str], set[str]]:
    """The words (or stems) a pattern can start with: the prefilter keys."""
    words: set[str] = set()
    stems: set[str] = set()
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
        break
    return words, stems


@dataclass(frozen=True)
class _Hit:
    kind: str  # "disclosure" | "topic" | "set" | "stance"
    name: str  # category, set name or stance name
    start: int  # token index
    end: int  # token index after the last word
    words: str


class _Index:
    """Every pattern, grouped by the word (or stem) it can start with.

    A pattern that is one word (or a set whose entries are single words) is a dictionary lookup per
    word; longer patterns are tried only at word starts that can begin them, as one regex per group
    of labels. So an answer costs a lookup per word and a few regex matches.
    """

    def __init__(self, labelled: list[tuple[str, str, str]], set_regex: dict[str, str],
                 sets: dict[str, tuple[str, ...]]):
        self.single_words: dict[str, list[tuple[str, str]]] = {}
        self.single_stems: dict[str, list[tuple[str, str]]] = {}
        by_key: dict[tuple[str, str], list[tuple[str, str, str, frozenset | None]]] = {}
        for kind, name, pattern in labelled:
            for piece in self._split(pattern, sets):
                if self._single(kind, name, piece):
                    continue
                body = _pattern_regex(piece, set_regex)
                if not body:
                    continue
                words, stems = _first_keys(piece, sets)
                second = _second_words(piece, sets)
                for w in words:
                    by_key.setdefault(("w", w), []).append((kind, name, body, second))
                for st in stems:
                    by_key.setdefault(("s", st), []).append((kind, name, body, second))
        self.words: dict[str, list] = {}
        self.stems: dict[str, list] = {}
        for (key_kind, key), entries in by_key.items():
            # One regex per kind of label (per name for sets and stance cues): a word can start a set
            # entry AND a disclosure, or two sets, and every one of them counts.
            groups: dict[tuple[str, str], list[tuple[str, str, str, frozenset | None]]] = {}
            for kind, name, body, second in entries:
                group = (kind, name if kind in ("set", "stance") else "")
                groups.setdefault(group, []).append((kind, name, body, second))
            compiled = []
            for members in groups.values():
                # Longest alternatives first within a kind, so "my little brother" beats "my".
                members.sort(key=lambda m: -len(m[2]))
                labels = tuple((k, n) for k, n, _, _ in members)
                regex = re.compile("|".join(f"(?P<g{i}>{body})(?![^ ])" for i, (_, _, body, _) in enumerate(members)))
                # The words that can come second: most multi-word patterns need a given next word,
                # so the regex is skipped when the next word is not one of them (None: any word).
                seconds = [m[3] for m in members]
                second = (None if any(x is None for x in seconds)
                          else frozenset().union(*(x for x in seconds if x is not None)))
                compiled.append((regex, labels, second))
            (self.words if key_kind == "w" else self.stems)[key] = compiled
        for table in (self.single_words, self.single_stems):
            for key, found in table.items():
                table[key] = list(dict.fromkeys(found))
        self.stem_lengths = tuple(sorted({len(s) for s in self.stems} | {len(s) for s in self.single_stems}))
        self._cache: dict[str, tuple[tuple, tuple]] = {}

    @staticmethod
    def _split(pattern: str, sets: dict[str, tuple[str, ...]]) -> list[str]:
        """A lone {set} stands for each of its entries; any other pattern stands for itself."""
        ref = _SET_REF.match(pattern.strip())
        return list(sets[ref.group(1)]) if ref else [pattern]

    def _single(self, kind: str, name: str, piece: str) -> bool:
        """Put a one-word pattern ("bruises", "hit|hits", "stab*") in the lookup tables; False if it is longer."""
        if " " in piece.strip() or "{" in piece:
            return False
        entries = []
        for choice in piece.split("|"):
            tokens = tokenize(normalise(choice.rstrip("*")))
            if len(tokens) != 1:
                return False
            entries.append((tokens[0], choice.endswith("*")))
        for token, stem in entries:
            (self.single_stems if stem else self.single_words).setdefault(token, []).append((kind, name))
        return True

    def _lookup(self, word: str) -> tuple[tuple, tuple]:
        """(one-word labels, regex groups) that a word can start; cached, as answers repeat their words."""
        found = self._cache.get(word)
        if found is None:
            labels = list(self.single_words.get(word, ()))
            candidates = list(self.words.get(word, ()))
            for k in self.stem_lengths:
                if k > len(word):
                    break
                prefix = word[:k]
                candidates += self.stems.get(prefix, ())
                labels += self.single_stems.get(prefix, ())
            found = (tuple(labels), tuple(candidates))
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[word] = found
        return found

    def hits(self, joined: str) -> list[_Hit]:
        out: list[_Hit] = []
        lookup = self._lookup
        pos = 0
        split = joined.split(" ")
        for index, word in enumerate(split):
            labels, candidates = lookup(word)
            for kind, name in labels:
                out.append(_Hit(kind, name, index, index + 1, word))
            if candidates:
                following = split[index + 1] if index + 1 < len(split) else ""
                for regex, group_labels, second in candidates:
                    if second is not None and following not in second:
                        continue
                    m = regex.match(joined, pos)
                    if m is not None:
                        kind, name = group_labels[int(m.lastgroup[1:])]
                        text = m.group(m.lastgroup)
                        out.append(_Hit(kind, name, index, index + text.count(" ") + 1, text))
            pos += len(word) + 1
        return out


# ---------------------------------------------------------------- the lexicon

@dataclass(frozen=True)
class ConcernLexicon:
    patterns: tuple[tuple[str, str], ...]  # (category, pattern) disclosures, in file order
    safe_phrases: tuple[str, ...]
    sets: tuple[tuple[str, tuple[str, ...]], ...]
    version: str
    source: str = field(default="<lexicon>", compare=False)
    topics: tuple[tuple[str, str], ...] = ()  # (category, pattern)
    frames: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (category, set names)
    stance: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (stance name, patterns)
    model: "ConcernModel | None" = field(default=None, compare=False)  # the learned backstop (voice.analysis.model)
    # The learned theme and sentiment models live beside the lexicon and are loaded with it, so the
    # lexicon's version (which every stored result carries) changes when any of them is retrained.
    theme_model: "LinearModel | None" = field(default=None, compare=False)
    sentiment_model: "LinearModel | None" = field(default=None, compare=False)

    def __post_init__(self):
        set_regex = {name: "(?:" + "|".join(sorted(filter(None, (_word_regex_phrase(e) for e in entries)),
                                                   key=len, reverse=True)) + ")"
                     for name, entries in self.sets}
        sets = dict(self.sets)
        labelled = [("disclosure", c, p) for c, p in self.patterns]
        labelled += [("topic", c, p) for c, p in self.topics]
        labelled += [("stance", s, p) for s, patterns in self.stance for p in patterns]
        # Every set is looked for on its own too: frames join them, and the model learns from them.
        labelled += [("set", name, "{" + name + "}") for name in sets]
        object.__setattr__(self, "_index", _Index(labelled, set_regex, sets))
        by_first: dict[str, list] = {}
        for category, names in self.frames:
            by_first.setdefault(names[0], []).append((category, names, frozenset(names)))
        object.__setattr__(self, "_frames_by_first", by_first)
        object.__setattr__(self, "_frame_order", {(c, n, frozenset(n)): i for i, (c, n) in enumerate(self.frames)})
        safe = sorted(filter(None, (_word_regex_phrase(p) for p in self.safe_phrases)), key=len, reverse=True)
        object.__setattr__(self, "_safe", re.compile("(?<![^ ])(?:" + "|".join(safe) + ")(?![^ ])") if safe else None)

    def detect(self, text: str) -> Concern:
        """Whether an answer may be a disclosure, which categories, and why."""
        return self.detect_tokens(normalised_tokens(text))

    def detect_tokens(self, tokens: list[str]) -> Concern:
        """As `detect`, from tokens already normalised (the pipeline tokenises once)."""
        return self.signals(tokens).concern

    def signals(self, tokens: list[str]) -> "Signals":
        """Everything the lexicon saw in an answer: the verdict, and the hits a model can learn from."""
        if not tokens:
            return Signals(NO_CONCERN, ())
        joined = " ".join(tokens)
        if self._safe is not None:  # type: ignore[attr-defined]
            # Blank idioms word for word ("_" per word), so token positions stay the same.
            joined = self._safe.sub(lambda m: " ".join("_" * (m.group().count(" ") + 1)), joined)  # type: ignore[attr-defined]
        hits = self._index.hits(joined)  # type: ignore[attr-defined]
        findings = [h for h in hits if h.kind in ("disclosure", "topic")]
        findings += self._frames(hits)
        hits += [h for h in findings if h.kind == "frame"]
        cues = [h for h in hits if h.kind == "stance"]
        kept = [h for h in findings if _kept(h, cues, len(tokens))]
        dropped = bool(findings) and not kept
        if kept:
            found = {h.name for h in kept}
            return Signals(Concern(True, tuple(c for c in _ORDER if c in found),
                                   tuple(dict.fromkeys(h.words for h in kept))), tuple(hits))
        if self.model is not None and model_may_flag(tokens, dropped):
            # Rules OR model: the model may add a flag the rules missed; it never removes one.
            from voice.analysis.model import features

            feats = features(tokens, hits, False, dropped)
            p = self.model.probability(feats)
            if p >= self.model.threshold:
                category, why = self.model.explain(feats)
                reason = f"model {p:.2f}: " + (", ".join(why) if why else "overall wording")
                return Signals(Concern(True, (category,), (reason,)), tuple(hits), dropped, p, feats)
            return Signals(NO_CONCERN, tuple(hits), dropped, None, feats)
        return Signals(NO_CONCERN, tuple(hits), dropped)

    def _frames(self, hits: list[_Hit]) -> list[_Hit]:
        if not self.frames:
            return []
        at: dict[str, list[_Hit]] = {}
        for h in hits:
            if h.kind == "set":
                at.setdefault(h.name, []).append(h)
        out = []
        present = at.keys()
        frames = [f for name in present for f in self._frames_by_first.get(name, ())]  # type: ignore[attr-defined]
        for category, names, needed in sorted(frames, key=self._frame_order.get):  # type: ignore[attr-defined]
            if not needed <= present:
                continue
            # Anchor on each hit of the first set; every other set needs a hit near it.
            for anchor in at[names[0]]:
                parts = [anchor]
                for n in names[1:]:
                    near = [h for h in at[n] if abs(h.start - anchor.start) <= FRAME_WINDOW and h is not anchor
                            and not _overlaps(h, parts)]
                    if not near:
                        break
                    parts.append(min(near, key=lambda h: abs(h.start - anchor.start)))
                else:
                    words = ", ".join(f"'{p.words}'" for p in parts)
                    label = " + ".join(n.replace("_", " ") for n in names)
                    out.append(_Hit("frame", category, min(p.start for p in parts), max(p.end for p in parts),
                                    f"{label}: {words}"))
                    break
        return out


def model_may_flag(tokens: list[str], dropped: bool) -> bool:
    """Whether the learned backstop is asked at all.

    Not when the lexicon's stance dropped what it found (a lesson, a joke, a worry that is over: the
    lexicon's editors decided that), and not for a non-answer ("idk", "not sure"), which is the most
    common answer of all and carries nothing to flag.
    """
    return not dropped and not is_non_answer([t for t in tokens if t[:1].isalnum()])


def _overlaps(hit: _Hit, others: list[_Hit]) -> bool:
    return any(hit.start < o.end and o.start < hit.end for o in others)


def _near(cue: _Hit, hit: _Hit, n_tokens: int) -> bool:
    if n_tokens <= SHORT_ANSWER:
        return True
    return cue.start - STANCE_WINDOW <= hit.start and cue.end + STANCE_WINDOW >= hit.end - 1 or (
        hit.start - STANCE_WINDOW <= cue.start <= hit.end + STANCE_WINDOW)


def _kept(hit: _Hit, cues: list[_Hit], n_tokens: int) -> bool:
    """Whether a hit survives the answer's stance. Recall first: only a clear stance drops a hit.

    - `joke` ("jk", "only joking"): drops any hit near it;
    - `resolved` ("used to", "years ago", "fine now", "blocked them and told"): drops a hit unless
      something says it is still going on (`ongoing`: "again", "still", "keeps", "every night");
    - `about` (a lesson, assembly, the news, a film, a game) and `general` (suggestions and opinions
      about people in general: "adults should", "teach kids", "people who"): drop topic words, and drop
      disclosures and indicator frames only when nothing `personal` is near (the writer or a named
      person: "i", "me", "my friend", "my sister").
    A cue inside the hit itself ("my friend" in "my friend ... touched her") counts only as `personal`.
    """
    near = [c for c in cues if _near(c, hit, n_tokens)
            and (c.name == "personal" or not (hit.start <= c.start and c.end <= hit.end))]
    if not near:
        return True
    names = {c.name for c in near}
    if "joke" in names:
        return False
    if "resolved" in names and "ongoing" not in names:
        return False
    if names & {"about", "general"}:
        if hit.kind == "topic":
            return False
        return "personal" in names
    return True


# ---------------------------------------------------------------- reading the file

_SECTIONS = ("sets", "safe_phrases", "categories", "topics", "frames", "stance")


def _section_items(top: dict, section: str, source: str, allowed: tuple[str, ...], what: str):
    """(name, value node, field) for each entry of a section keyed by category or stance name."""
    if section not in top:
        return
    for name, (key, value) in mapping_items(top[section][1], source, section).items():
        where = f"{section}.{name}"
        if name not in allowed:
            raise DefinitionError(source, node_line(key), where,
                                  f"unknown {what} (expected one of: " + ", ".join(allowed) + ")")
        yield name, value, where


def _category_patterns(top: dict, section: str, source: str, set_names: set[str]) -> list[tuple[str, str]]:
    patterns: list[tuple[str, str]] = []
    for category, value, where in _section_items(top, section, source, CATEGORIES, "category"):
        for i, pattern in enumerate(text_list(value, source, where, "patterns")):
            _check_pattern(pattern, source, node_line(value.value[i]), f"{where}[{i}]", set_names)
            patterns.append((category, pattern))
    return patterns


def _check_pattern(pattern: str, source: str, line: int, where: str, set_names: set[str]) -> None:
    for word in pattern.split():
        ref = re.fullmatch(r"\{(.*)\}", word)
        if ref and ref.group(1) not in set_names:
            defined = ", ".join(sorted(set_names)) or "none"
            raise DefinitionError(source, line, where, f"unknown set {{{ref.group(1)}}} (sets defined: {defined})")
    if all(w == _GAP for w in pattern.split()):
        raise DefinitionError(source, line, where, "a pattern needs a word")


def parse_lexicon(text: str, source: str = "<lexicon>", model: "ConcernModel | None" = None, *,
                  theme_model: "LinearModel | None" = None,
                  sentiment_model: "LinearModel | None" = None) -> ConcernLexicon:
    """Build a lexicon from YAML text; `model` (optional) is the learned backstop joined to its rules, and
    `theme_model`/`sentiment_model` the learned theme and sentiment models read beside it."""
    root = compose_yaml(text, source)
    top = mapping_items(root, source, None)
    for name, (key, _) in top.items():
        if name not in _SECTIONS:
            raise DefinitionError(source, node_line(key), name,
                                  "unknown setting (expected: " + ", ".join(_SECTIONS) + ")")
    if "categories" not in top:
        raise DefinitionError(source, node_line(root), "categories", "is missing")

    sets: list[tuple[str, tuple[str, ...]]] = []
    if "sets" in top:
        for name, (key, value) in mapping_items(top["sets"][1], source, "sets").items():
            if not _SET_NAME.match(name):
                raise DefinitionError(source, node_line(key), f"sets.{name}",
                                      "set names are lower case letters, digits and _")
            entries = text_list(value, source, f"sets.{name}", "words or phrases")
            if not entries:
                raise DefinitionError(source, node_line(value), f"sets.{name}", "must not be empty")
            sets.append((name, entries))
    set_names = {name for name, _ in sets}
    safe = text_list(top["safe_phrases"][1], source, "safe_phrases", "phrases") if "safe_phrases" in top else ()

    patterns = _category_patterns(top, "categories", source, set_names)
    if not patterns:
        raise DefinitionError(source, node_line(top["categories"][1]), "categories", "must list at least one pattern")
    topics = _category_patterns(top, "topics", source, set_names)

    frames: list[tuple[str, tuple[str, ...]]] = []
    for category, value, where in _section_items(top, "frames", source, CATEGORIES, "category"):
        for i, frame in enumerate(text_list(value, source, where, "frames such as 'older + secrecy'")):
            names = tuple(n.strip() for n in frame.split("+"))
            line = node_line(value.value[i])
            if len(names) < 2 or not all(names):
                raise DefinitionError(source, line, f"{where}[{i}]",
                                      "a frame joins two or more set names with '+', e.g. older + secrecy")
            unknown = [n for n in names if n not in set_names]
            if unknown:
                raise DefinitionError(source, line, f"{where}[{i}]",
                                      f"unknown set '{unknown[0]}' (a frame joins names of sets)")
            frames.append((category, names))

    stance: list[tuple[str, tuple[str, ...]]] = []
    for name, value, where in _section_items(top, "stance", source, STANCES, "stance"):
        cues = text_list(value, source, where, "patterns")
        for i, cue in enumerate(cues):
            _check_pattern(cue, source, node_line(value.value[i]), f"{where}[{i}]", set_names)
        stance.append((name, cues))

    data: dict[str, Any] = {"sets": {n: list(e) for n, e in sets}, "safe_phrases": list(safe),
                            "categories": [[c, p] for c, p in patterns]}
    if topics or frames or stance:  # older lexicons keep their version
        data.update({"topics": [[c, p] for c, p in topics], "frames": [[c, list(n)] for c, n in frames],
                     "stance": {n: list(c) for n, c in stance}})
    version = _content_version(data)
    if model is not None:  # a new model changes the results, so it changes the version too
        version = _content_version({"lexicon": version, "model": model.version})
    if theme_model is not None or sentiment_model is not None:
        version = _content_version({"lexicon": version, "themes": theme_model and theme_model.version,
                                    "sentiment": sentiment_model and sentiment_model.version})
    try:
        return ConcernLexicon(tuple(patterns), safe, tuple(sets), version, source,
                              tuple(topics), tuple(frames), tuple(stance), model, theme_model, sentiment_model)
    except re.error as exc:  # a stray regex character that escaping did not cover
        raise DefinitionError(source, None, "categories", f"a pattern could not be compiled: {exc}") from None


MODEL_FILE = "concern_model.json"
THEME_MODEL_FILE = "theme_model.json"
SENTIMENT_MODEL_FILE = "sentiment_model.json"


def load_lexicon(path: str | Path, *, with_model: bool = True) -> ConcernLexicon:
    """The lexicon file, joined to the learned models beside it (concern_model.json, theme_model.json,
    sentiment_model.json) when they are there.

    A model file that fails its hash check is left out with an error in the log: the rules alone
    still run (codebook themes, rule-based sentiment), so a damaged model can never stop answers
    reaching the lead.
    """
    path = Path(path)
    text = read_definition_text(path)
    model = theme_model = sentiment_model = None
    if with_model:
        from voice.analysis.model import SENTIMENT_KIND, THEME_KIND, load_linear, load_model

        model = _optional(path.with_name(MODEL_FILE), load_model)
        theme_model = _optional(path.with_name(THEME_MODEL_FILE), lambda p: load_linear(p, THEME_KIND))
        sentiment_model = _optional(path.with_name(SENTIMENT_MODEL_FILE), lambda p: load_linear(p, SENTIMENT_KIND))
    return parse_lexicon(text, str(path), model, theme_model=theme_model, sentiment_model=sentiment_model)


def _optional(path: Path, load):
    """A model file if it is there and passes its checks; otherwise None, with the reason in the log."""
    if not path.exists():
        return None
    from voice.analysis.model import ModelError

    try:
        return load(path)
    except (ModelError, OSError) as exc:
        log.error("%s not used: %s", path.name, exc)
        return None
