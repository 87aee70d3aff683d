"""The one YAML reader for definition files (surveys, codebook, concern lexicon, plans).

Facilitators and business managers edit these files by hand, so the reader:
* keeps line numbers: files are composed into nodes (never `yaml.safe_load`) and every problem names
  its line;
* refuses, before any data is built, what could exhaust the server: a file over `MAX_FILE_BYTES`,
  aliases that would expand to more than `MAX_VALUES` values (the "billion laughs" alias bomb: a few
  hundred bytes that unfold into billions of values), nesting deeper than `MAX_DEPTH`. Plain aliases
  are fine (a survey may reuse an option list with `&name` / `*name`); only their total size counts;
* turns everything into `Problem`s with a code, so each caller reports problems the same way.

Two ways in:
    compose_yaml(text, source) -> yaml.Node     (raises DefinitionError; for readers that walk nodes)
    read_yaml(text, source) -> YamlData          (never raises; plain data + line of every field path)
and `read_definition_text(path)` for the file itself (missing, not UTF-8, too big).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from voice.definitions.problems import DefinitionError, Problem

MAX_FILE_BYTES = 2_000_000  # the largest built-in definition is about 10 kB
MAX_VALUES = 200_000  # values after aliases are unfolded; the built-in files have a few thousand
MAX_DEPTH = 64  # nesting of lists and mappings; a survey file goes about 8 deep


class _Refused(yaml.YAMLError):
    """Stops the composer mid-file; caught in this module and turned into a Problem (DefinitionError), so it
    never leaves it and stays outside voice.errors."""

    def __init__(self, code: str, message: str, mark):
        self.code, self.message, self.mark = code, message, mark


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader's composer, counting as it goes: the size an alias unfolds to is known when the alias is
    met (its anchor is complete), so an alias bomb is stopped at its first oversized level."""

    def __init__(self, stream):
        super().__init__(stream)
        self._sizes: dict[int, int] = {}
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            return super().compose_node(parent, index)  # its size is the anchored node's, already counted
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused("yaml_too_deep", f"the file nests lists and fields more than {MAX_DEPTH} levels deep",
                           self.peek_event().start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:
            return None
        if isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            children = node.value
        else:
            children = []
        size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
        self._sizes[id(node)] = size
        if size > MAX_VALUES:
            raise _Refused("yaml_too_many_values",
                           f"this part of the file unfolds to more than {MAX_VALUES:,} values (aliases such as "
                           "*name repeat what they point at); write it out in full or make it smaller",
                           node.start_mark)
        return node


def compose_yaml(text: str, source: str) -> Node:
    """The file's root node (line numbers kept), or DefinitionError with one problem that has a code."""
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise DefinitionError([_too_large(source)])
    try:
        node = yaml.compose(text, Loader=_GuardedLoader)
    except _Refused as exc:
        raise DefinitionError([Problem(source, exc.mark.line + 1 if exc.mark else None, None, exc.code,
                                       exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        raise DefinitionError([_syntax_problem(exc, text, source)]) from None
    except yaml.YAMLError as exc:
        raise DefinitionError([Problem(source, None, None, "yaml_syntax", f"not valid YAML: {exc}")]) from None
    if node is None:
        raise DefinitionError([Problem(source, None, None, "empty_file", "the file is empty")])
    return node


def _too_large(source: str) -> Problem:
    return Problem(source, None, None, "file_too_large",
                   f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB; a definition file is a few pages "
                   "of text")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, source: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    what = exc.problem or exc.context or "the file is not valid YAML"
    hint = ""
    if "\t" in text and ("\\t" in str(what) or "tab" in str(what).lower()):
        hint = " (use spaces, not tabs, to indent)"
    ctx = exc.context_mark
    if ctx is not None and mark is not None and ctx.line != mark.line and exc.context:
        # e.g. an unclosed { or [ : YAML notices lines later, so say where it began.
        hint += f" ({exc.context} that starts on line {ctx.line + 1})"
    return Problem(source, line, None, "yaml_syntax", f"not valid YAML: {what}{hint}")


def read_definition_text(path: str | Path) -> str:
    """The text of a definition file, or DefinitionError (missing, unreadable, not UTF-8, too big)."""
    path = Path(path)
    source = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DefinitionError([_too_large(source)])
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DefinitionError(source, None, None, "file not found", code="file_missing") from None
    except UnicodeDecodeError as exc:
        raise DefinitionError(source, None, None, f"the file is not UTF-8 text ({exc.reason}); save it as UTF-8",
                              code="not_utf8") from None
    except IsADirectoryError:
        raise DefinitionError(source, None, None, "this is a folder, not a file", code="cannot_read") from None
    except OSError as exc:
        raise DefinitionError(source, None, None, f"cannot read the file ({exc.strerror})",
                              code="cannot_read") from None


# --- plain data with the line of every field -----------------------------------------------------


@dataclass
class YamlData:
    """Plain data from a file plus, per field path (``sections[1].questions[0].id``), its line and, for
    scalars that YAML 1.1 turns into something else (unquoted ``yes`` is true, ``10_13`` is 1013), the
    text as written."""

    source: str
    data: Any = None
    lines: dict[str, int] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_for(self, path: str) -> int | None:
        # A missing field has no line of its own: use the nearest enclosing one.
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = parent_path(path)

    def problem(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.line_for(path), path, code, message))


def parent_path(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_yaml(text: str, source: str) -> YamlData:
    """Plain data and line numbers; problems (syntax, size, duplicate fields …) are collected, not raised."""
    doc = YamlData(source)
    try:
        node = compose_yaml(text, source)
    except DefinitionError as exc:
        doc.problems.extend(exc.problems)
        return doc
    doc.data = _node_to_python(node, "", doc)
    return doc


_constructor = SafeConstructor()


def _node_to_python(node: Node, path: str, doc: YamlData) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                doc.lines.setdefault(join_path(path, "?"), key_node.start_mark.line + 1)
                doc.problem(join_path(path, "?"), "bad_key", "a field name must be a simple word")
                continue
            key = key_node.value
            child = join_path(path, key)
            if key in result:
                doc.problems.append(Problem(
                    doc.source, key_node.start_mark.line + 1, child, "duplicate_key",
                    f"'{key}' is given twice here (first on line {doc.lines.get(child)}); keep only one"))
                continue
            doc.lines[child] = key_node.start_mark.line + 1  # the line where "key:" is written
            result[key] = _node_to_python(value_node, child, doc)
        return result
    if isinstance(node, SequenceNode):
        return [_node_to_python(item, f"{path}[{i}]", doc) for i, item in enumerate(node.value)]
    try:
        value = _constructor.construct_object(node, deep=True)
    except ConstructorError as exc:
        doc.problem(path, "bad_value", f"cannot read this value ({exc.problem})")
        return None
    if value is not None and not isinstance(value, str):
        doc.raw[path] = node.value
    return value
