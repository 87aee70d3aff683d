"""Theme codebook: load, validate, save and apply the facilitators' themes.

The codebook is a YAML file (surveys/analysis/codebook.yaml) that facilitators
can read and edit. Each theme lists words (a trailing "*" matches any ending),
phrases (words in a row) and exclusions (words or phrases that veto the theme).

Matching runs on the normalised tokens of an answer (text speak spelled out,
lower case). The rules of every theme are compiled once into hash tables keyed
by token, so coding an answer is one pass over its tokens whatever the number
of themes: exact words are one dict lookup, stems one lookup per distinct stem
length, phrases are checked only from tokens that can start them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from voice.analysis import DefinitionError
from voice.analysis.tokenize import normalise, normalised_tokens, tokenize
from voice.definitions import compose_yaml as shared_compose_yaml
from voice.definitions import content_hash, read_definition_text

__all__ = [
    "Theme", "Codebook", "load_codebook", "parse_codebook", "codebook_to_yaml", "themes_affected",
    "uncovered_terms", "DefinitionError", "compile_term", "STOP_WORDS",
]

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_THEME_KEYS = ("id", "name", "description", "priorities", "words", "phrases", "exclusions")


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    description: str = ""
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()

    def rules(self) -> tuple:
        """What decides matching; name, description and priorities do not."""
        return (self.words, self.phrases, self.exclusions)


# A compiled term: a tuple of (kind, text) elements, kind "w" (whole word) or
# "s" (stem: the token starts with text).
Element = tuple[str, str]


def compile_term(term: str) -> tuple[Element, ...]:
    """Split a codebook term into token elements, spelled as answers are normalised.

    "cyber-bull*" -> (("w", "cyber"), ("s", "bull")); "skl" -> (("w", "school"),).
    """
    elements: list[Element] = []
    for piece in term.split():
        stem = piece.endswith("*")
        tokens = tokenize(normalise(piece.rstrip("*")))
        for i, tok in enumerate(tokens):
            elements.append(("s" if stem and i == len(tokens) - 1 else "w", tok))
    return tuple(elements)


class _Matcher:
    """Hash tables over all themes' terms; see the module docstring."""

    def __init__(self, themes: Sequence[Theme]):
        self.words: dict[str, list[tuple[int, bool]]] = {}
        self.stems: dict[str, list[tuple[int, bool]]] = {}
        # phrase start key -> [(rest elements, theme index, is_exclusion)]
        self.phrase_words: dict[str, list[tuple[tuple[Element, ...], int, bool]]] = {}
        self.phrase_stems: dict[str, list[tuple[tuple[Element, ...], int, bool]]] = {}
        for index, theme in enumerate(themes):
            for term, veto in [(t, False) for t in theme.words + theme.phrases] + [(t, True) for t in theme.exclusions]:
                elements = compile_term(term)
                if not elements:
                    continue
                (kind, text), rest = elements[0], elements[1:]
                if rest:
                    phrases = self.phrase_words if kind == "w" else self.phrase_stems
                    phrases.setdefault(text, []).append((rest, index, veto))
                else:
                    single = self.words if kind == "w" else self.stems
                    single.setdefault(text, []).append((index, veto))
        self.stem_lengths = sorted({len(s) for s in self.stems} | {len(s) for s in self.phrase_stems})

    def match(self, tokens: Sequence[str]) -> tuple[dict[int, list[int]], set[int]]:
        """({theme index: token positions where a term of it starts}, themes vetoed) for a token list."""
        hits: dict[int, list[int]] = {}
        vetoes: set[int] = set()
        words, stems = self.words, self.stems
        phrase_words, phrase_stems = self.phrase_words, self.phrase_stems
        lengths = self.stem_lengths
        n = len(tokens)
        for i, tok in enumerate(tokens):
            found = words.get(tok)
            if found:
                for index, veto in found:
                    if veto:
                        vetoes.add(index)
                    else:
                        hits.setdefault(index, []).append(i)
            starts = phrase_words.get(tok)
            if starts:
                self._phrases(starts, tokens, i, n, hits, vetoes)
            for k in lengths:
                if k > len(tok):
                    break
                prefix = tok[:k]
                found = stems.get(prefix)
                if found:
                    for index, veto in found:
                        if veto:
                            vetoes.add(index)
                        else:
                            hits.setdefault(index, []).append(i)
                starts = phrase_stems.get(prefix)
                if starts:
                    self._phrases(starts, tokens, i, n, hits, vetoes)
        return hits, vetoes

    @staticmethod
    def _phrases(starts, tokens, i, n, hits, vetoes):
        j = i + 1
        for rest, index, veto in starts:
            if j + len(rest) > n:
                continue
            for offset, (kind, text) in enumerate(rest):
                tok = tokens[j + offset]
                if not (tok == text if kind == "w" else tok.startswith(text)):
                    break
            else:
                if veto:
                    vetoes.add(index)
                else:
                    hits.setdefault(index, []).append(i)


@dataclass(frozen=True)
class Codebook:
    themes: tuple[Theme, ...]
    version: str
    source: str = field(default="<codebook>", compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_matcher", _Matcher(self.themes))

    def code(self, text: str) -> list[str]:
        """Theme ids for one answer, in codebook order."""
        return self.code_tokens(normalised_tokens(text))

    def code_tokens(self, tokens: Sequence[str]) -> list[str]:
        """As `code`, from tokens already normalised (the pipeline tokenises once)."""
        if not tokens:
            return []
        hits, vetoes = self._matcher.match(tokens)  # type: ignore[attr-defined]
        if not hits:
            return []
        return [t.id for i, t in enumerate(self.themes) if i in hits and i not in vetoes]

    def matches(self, tokens: Sequence[str]) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """({theme id: (terms matched, position of the first)}, theme ids an exclusion vetoes), in codebook order.

        What a learned model reads besides the words: how strongly, and how early, the codebook matched.
        """
        if not tokens:
            return {}, set()
        hits, vetoes = self._matcher.match(tokens)  # type: ignore[attr-defined]
        themes = self.themes
        return ({themes[i].id: (len(hits[i]), min(hits[i])) for i in sorted(hits) if i not in vetoes},
                {themes[i].id for i in vetoes})

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)


# ---------------------------------------------------------------- loading

def _content_version(data) -> str:
    """Short content hash (voice.definitions.content_hash): edits to data change it, comments do not."""
    return content_hash(data)[:12]


def compose_yaml(text: str, source: str) -> yaml.Node:
    """Parse YAML into nodes (which keep line numbers) with the shared definition reader, or raise
    DefinitionError (its limits on size, aliases and nesting are checked first)."""
    return shared_compose_yaml(text, source)


def node_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def mapping_items(node: yaml.Node, source: str, field_name: str | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise DefinitionError(source, node_line(node), field_name, "must be a mapping of names to values")
    items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        where = f"{field_name}.{name}" if field_name else name
        if not isinstance(name, str):
            raise DefinitionError(source, node_line(key), field_name, "keys must be plain names")
        if name in items:
            raise DefinitionError(source, node_line(key), where, "appears twice")
        items[name] = (key, value)
    return items


def scalar_text(node: yaml.Node, source: str, field_name: str, *, allow_empty: bool = False) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
                                                                  "tag:yaml.org,2002:float", "tag:yaml.org,2002:null"):
        raise DefinitionError(source, node_line(node), field_name, "must be a single piece of text")
    value = "" if node.tag.endswith(":null") else str(node.value).strip()
    if not value and not allow_empty:
        raise DefinitionError(source, node_line(node), field_name, "must not be empty")
    return value


def text_list(node: yaml.Node, source: str, field_name: str, what: str, *,
              single_words: bool = False) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        raise DefinitionError(source, node_line(node), field_name, f"must be a list of {what}")
    out: list[str] = []
    for i, item in enumerate(node.value):
        if not isinstance(item, yaml.ScalarNode) or item.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int"):
            raise DefinitionError(source, node_line(item), f"{field_name}[{i}]", f"must be a list of {what}")
        value = " ".join(str(item.value).lower().split())
        if not value or not compile_term(value):
            raise DefinitionError(source, node_line(item), f"{field_name}[{i}]", "must contain a word")
        if single_words and " " in value:
            raise DefinitionError(source, node_line(item), f"{field_name}[{i}]",
                                  f"'{value}' has several words: put it under phrases")
        if any("*" in w.rstrip("*") or w.endswith("**") or w == "*" for w in value.split()):
            raise DefinitionError(source, node_line(item), f"{field_name}[{i}]",
                                  "'*' may only end a word (bull* matches bully, bullied, bullying)")
        out.append(value)
    return tuple(out)


def parse_codebook(text: str, source: str = "<codebook>") -> Codebook:
    """Build a Codebook from YAML text; `source` names the file in error messages."""
    root = compose_yaml(text, source)
    top = mapping_items(root, source, None)
    unknown = [k for k in top if k != "themes"]
    if unknown:
        key = top[unknown[0]][0]
        raise DefinitionError(source, node_line(key), unknown[0], "unknown setting (expected: themes)")
    if "themes" not in top:
        raise DefinitionError(source, node_line(root), "themes", "is missing")
    themes_node = top["themes"][1]
    if not isinstance(themes_node, yaml.SequenceNode) or not themes_node.value:
        raise DefinitionError(source, node_line(themes_node), "themes", "must be a list of themes")
    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for i, tnode in enumerate(themes_node.value):
        where = f"themes[{i}]"
        items = mapping_items(tnode, source, where)
        for name, (key, _) in items.items():
            if name not in _THEME_KEYS:
                raise DefinitionError(source, node_line(key), f"{where}.{name}",
                                      "unknown setting (expected: " + ", ".join(_THEME_KEYS) + ")")
        for required in ("id", "name"):
            if required not in items:
                raise DefinitionError(source, node_line(tnode), f"{where}.{required}", "is missing")
        theme_id = scalar_text(items["id"][1], source, f"{where}.id")
        if not _ID_RE.match(theme_id):
            raise DefinitionError(source, node_line(items["id"][1]), f"{where}.id",
                                  "must be lower case letters, digits and _ (e.g. online_safety)")
        if theme_id in seen:
            raise DefinitionError(source, node_line(items["id"][1]), f"{where}.id",
                                  f"'{theme_id}' is already used by themes[{seen[theme_id]}]")
        seen[theme_id] = i

        def lst(name: str, what: str, single: bool = False, items=items, where=where) -> tuple[str, ...]:
            if name not in items:
                return ()
            return text_list(items[name][1], source, f"{where}.{name}", what, single_words=single)

        priorities = lst("priorities", "priority ids")
        for j, p in enumerate(priorities):
            if not _ID_RE.match(p):
                raise DefinitionError(source, node_line(items["priorities"][1].value[j]), f"{where}.priorities[{j}]",
                                      "must be a priority id such as voice_of_child")
        theme = Theme(
            id=theme_id,
            name=scalar_text(items["name"][1], source, f"{where}.name"),
            description=scalar_text(items["description"][1], source, f"{where}.description", allow_empty=True)
            if "description" in items else "",
            words=lst("words", "words", single=True),
            phrases=lst("phrases", "phrases"),
            exclusions=lst("exclusions", "words or phrases"),
            priorities=priorities,
        )
        if not theme.words and not theme.phrases:
            raise DefinitionError(source, node_line(tnode), f"{where}.words",
                                  "a theme needs at least one word or phrase")
        themes.append(theme)
    return Codebook(themes=tuple(themes), version=_content_version(_codebook_data(themes)), source=source)


def load_codebook(path: str | Path) -> Codebook:
    return parse_codebook(read_definition_text(path), str(path))


def _codebook_data(themes: Iterable[Theme]) -> dict:
    return {"themes": [
        {"id": t.id, "name": t.name, "description": t.description, "priorities": list(t.priorities),
         "words": list(t.words), "phrases": list(t.phrases), "exclusions": list(t.exclusions)}
        for t in themes
    ]}


def codebook_to_yaml(codebook: Codebook) -> str:
    """YAML that `parse_codebook` reads back to an equal Codebook (same version)."""
    return yaml.safe_dump(_codebook_data(codebook.themes), sort_keys=False, allow_unicode=True, width=100)


def themes_affected(old: Codebook, new: Codebook) -> set[str]:
    """Theme ids whose matching changed: rules edited, theme added or removed.

    Answers need re-coding for these themes only.
    """
    before = {t.id: t.rules() for t in old.themes}
    after = {t.id: t.rules() for t in new.themes}
    return {tid for tid in before.keys() | after.keys() if before.get(tid) != after.get(tid)}


# ---------------------------------------------------------------- uncovered terms

def _stop_words() -> frozenset[str]:
    """Filler words kept out of uncovered terms: the data file stopwords.txt beside this module."""
    words: set[str] = set()
    for line in (Path(__file__).with_name("stopwords.txt")).read_text(encoding="utf-8").splitlines():
        words.update(line.split("#", 1)[0].lower().split())
    return frozenset(words)


STOP_WORDS = _stop_words()


def uncovered_terms(texts: Iterable[str], codebook: Codebook, top: int = 30) -> list[tuple[str, int]]:
    """Frequent words and two-word phrases in answers no theme covers.

    Stop words, numbers and one-letter tokens are left out; a two-word phrase
    counts only when neither word is a stop word. Counts are per answer (an
    answer repeating a word counts once), ties in alphabetical order.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        tokens = normalised_tokens(text)
        if not tokens or codebook.code_tokens(tokens):
            continue
        content = [t if (t.isalpha() or "'" in t) and len(t) > 1 and t not in STOP_WORDS else None for t in tokens]
        seen = {t for t in content if t}
        seen.update(f"{a} {b}" for a, b in zip(content, content[1:]) if a and b)
        counts.update(seen)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
